// The load bench (BENCHMARKS.md, "End to end and load"): cold loads of the demo shop with
// its checkout frame, and of two floor pages (floor.mjs), under three network and CPU
// conditions, through the DevTools protocol (cdp.mjs).
//
// What is throttled: the shop's page *and* the checkout frame. The frame is on another
// site, so Chromium runs it in its own renderer process (an out-of-process iframe) with
// its own DevTools target: conditions set on the page's session do not reach it. The page's
// session auto-attaches to such targets paused (`Target.setAutoAttach` with
// `waitForDebuggerOnStart` and flattened sessions); each iframe target gets the same
// `Network.emulateNetworkConditions` and `Emulation.setCPUThrottlingRate` on its own
// session, then `Runtime.runIfWaitingForDebugger`, before the frame's document is
// parsed. The document's own request goes out before the frame has a target (Chromium
// reports it on the page's session) and is throttled by the page's conditions, the same.
// A throttled load whose frame was never attached and throttled fails.
//
// Two figures per load, both from the shop's navigation start:
// - first content: the order's total has text in the checkout frame (SEL.summary('total'));
// - interactive: that, plus Pay present and the password field enabled (the form takes
//   input; Pay itself stays disabled until six digits are typed, by design), once the
//   widget's code runs (its wasm instantiated): a frame document that arrives with the
//   form already written in it is interactive only when the widget can answer a tap.
//   (Not the widget's `balancecheckout:ready` event: it is dispatched from an effect
//   that runs ~160 ms after the form is on screen at 4× CPU, while the form already works.)
// How they are timed: a probe installed in the frame's target before it resumes
// (`Page.addScriptToEvaluateOnNewDocument`) watches the frame's document with a
// MutationObserver, whose callback runs right after the task that changed the DOM (no
// polling: a 2 ms timer loop would steal time from a renderer slowed 4×), and notes
// `performance.timeOrigin + performance.now()`, an epoch time. The shop page's own
// `performance.timeOrigin` is its navigation start, taken by the browser when the
// navigation began; the figure is the difference (both from the same machine's clock).
// A Date.now() taken in node before Page.navigate would add the protocol's round trip.
// The frame's stylesheet is loaded before its deferred scripts run, and the floor's style
// is inline: text in the DOM is painted in the next frame. (Not timed with
// requestAnimationFrame: Chromium does not run it in cross-origin frames out of view.)
import { launchCdp } from './cdp.mjs';
import { startFloor } from './floor.mjs';
import { SEL } from '../selectors.mjs';
import { median, quantile } from './stats.mjs';

// Lighthouse's mobile "Slow 4G" (150 ms RTT and 1.6 Mbps, with its 3.75x/0.9x
// adjustments for DevTools throttling) and a 4x CPU slowdown.
export const SLOW_4G = {
  offline: false,
  latency: 562.5,
  downloadThroughput: (1638.4 * 0.9 * 1024) / 8,
  uploadThroughput: (750 * 0.9 * 1024) / 8,
};
// A poor mobile link: 400 kbit/s both ways and 400 ms per request.
export const KBIT_400 = {
  offline: false,
  latency: 400,
  downloadThroughput: (400 * 1024) / 8,
  uploadThroughput: (400 * 1024) / 8,
};
export const CPU_SLOWDOWN = 4;

const CONDITIONS = [
  { key: 'none', title: 'Unthrottled', network: null, cpu: 1 },
  { key: 'slow4g', title: 'Slow 4G + 4× CPU: 562.5 ms per request, 1.44 Mbit/s down, 675 kbit/s up', network: SLOW_4G, cpu: CPU_SLOWDOWN },
  { key: '400k', title: '400 kbit/s + 4× CPU: 400 ms per request, 400 kbit/s down and up', network: KBIT_400, cpu: CPU_SLOWDOWN },
];

const VIEWPORT = { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false };
const TIMEOUT = 120_000;
// A pause before each load, for the last one's processes to go away.
const SETTLE = 300;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Runs in every document of the frame's target, before its scripts (see the top).
function probe({ total, pay, password, floor }) {
  if (window.top === window || window.__bcBench) return;
  const now = () => performance.timeOrigin + performance.now();
  const out = { firstContent: null, interactive: null };
  let live = false;
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  const check = () => {
    const t = document.querySelector(total);
    const shown = Boolean(t && t.textContent.trim());
    if (shown && out.firstContent === null) out.firstContent = now();
    if (!floor && shown && live && out.interactive === null) {
      const pw = document.querySelector(password);
      if (document.querySelector(pay) && !(pw && pw.disabled)) out.interactive = now();
    }
    if (out.firstContent !== null && (floor || out.interactive !== null)) {
      observer.disconnect();
      done(out);
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
  // The widget's code runs once its wasm is instantiated; the frame's script mounts it in
  // the microtasks that follow, so the first check after them is a task later.
  const running = (result) => {
    live = true;
    setTimeout(check, 0);
    return result;
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    if (original) WebAssembly[name] = (...a) => original.apply(WebAssembly, a).then(running);
  }
  Object.defineProperty(window, '__bcBench', { value: { finished } });
}
const probeSource = (floor) =>
  `(${probe})(${JSON.stringify({ total: SEL.summary('total'), pay: SEL.pay, password: SEL.password, floor })})`;

/**
 * One cold load: a new browser context (empty HTTP cache, no compiled-wasm cache, no
 * storage, its own connections), a new tab, `condition`'s network and CPU on the page's
 * session and, unless `frameThrottled` is false, on the frame's. Resolves to
 * `{ firstContent, interactive, files }` (ms from navigation start; interactive is null
 * for a floor page). `files` (with `keepFiles`): every request of the page and the frame
 * with its transferred bytes and when it finished.
 */
async function coldLoad(cdp, url, { condition, floor = false, frameThrottled = true, keepFiles = false }) {
  const { browserContextId } = await cdp.send('Target.createBrowserContext', { disposeOnDetach: true });
  const frames = [];
  const requests = new Map();
  const errors = [];
  let page = null;
  let pageTarget = null;
  const throttle = (sessionId) => [
    cdp.send('Network.enable', {}, sessionId),
    ...(condition.network ? [cdp.send('Network.emulateNetworkConditions', condition.network, sessionId)] : []),
    ...(condition.cpu > 1 ? [cdp.send('Emulation.setCPUThrottlingRate', { rate: condition.cpu }, sessionId)] : []),
  ];
  const attached = async ({ sessionId, targetInfo }) => {
    const frame = targetInfo.type === 'iframe' ? { sessionId, throttled: false } : null;
    if (frame) frames.push(frame);
    try {
      if (frame) {
        await Promise.all([
          cdp.send('Page.enable', {}, sessionId),
          cdp.send('Page.addScriptToEvaluateOnNewDocument', { source: probeSource(floor) }, sessionId),
          ...(frameThrottled ? throttle(sessionId) : [cdp.send('Network.enable', {}, sessionId)]),
        ]);
        frame.throttled = frameThrottled && Boolean(condition.network || condition.cpu > 1);
      }
      await cdp.send('Runtime.runIfWaitingForDebugger', {}, sessionId);
    } catch (e) {
      errors.push(e);
    }
  };
  const off = cdp.onEvent((method, params, sessionId) => {
    if (method === 'Target.attachedToTarget' && sessionId === page) return void attached(params);
    const where = sessionId === page ? 'page' : frames.some((f) => f.sessionId === sessionId) ? 'frame' : null;
    if (!where) return;
    if (method === 'Network.requestWillBeSent') {
      // The frame's document is reported on the page's session (its parent's): it is the
      // frame's download all the same.
      const own = params.type === 'Document' && params.frameId !== pageTarget ? 'frame' : where;
      if (!requests.has(params.requestId)) requests.set(params.requestId, { where: own, url: params.request.url, start: params.timestamp, end: null, bytes: 0 });
    } else if (method === 'Network.loadingFinished' || method === 'Network.loadingFailed') {
      const r = requests.get(params.requestId);
      if (r && r.end === null) {
        r.end = params.timestamp;
        r.bytes = params.encodedDataLength ?? 0;
        if (method === 'Network.loadingFailed') r.failed = params.errorText;
      }
    }
  });
  try {
    const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank', browserContextId });
    pageTarget = targetId;
    page = (await cdp.send('Target.attachToTarget', { targetId, flatten: true })).sessionId;
    await Promise.all([
      ...throttle(page),
      cdp.send('Emulation.setDeviceMetricsOverride', VIEWPORT, page),
      cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, page),
    ]);
    const navigated = await cdp.send('Page.navigate', { url }, page);
    if (navigated.errorText) throw new Error(`${url}: ${navigated.errorText}`);
    const deadline = Date.now() + TIMEOUT;
    let result = null;
    while (!result) {
      if (errors.length) throw errors[0];
      if (Date.now() > deadline) throw new Error(`${url}: no ${floor ? 'first content' : 'interactive checkout'} in the frame within ${TIMEOUT / 1000} s`);
      for (const f of frames) {
        let timer;
        const r = await Promise.race([
          cdp.send('Runtime.evaluate', { expression: 'globalThis.__bcBench?.finished ?? null', awaitPromise: true, returnByValue: true }, f.sessionId)
            .catch(() => null), // the frame's document was not there yet, or was replaced
          new Promise((resolve) => { timer = setTimeout(resolve, Math.max(0, deadline - Date.now()), null); }),
        ]);
        clearTimeout(timer);
        if (r?.result?.value) result = r.result.value;
      }
      if (!result) await sleep(50);
    }
    const origin = (await cdp.send('Runtime.evaluate', { expression: 'performance.timeOrigin', returnByValue: true }, page)).result.value;
    const throttledFrames = frames.filter((f) => f.throttled).length;
    if ((condition.network || condition.cpu > 1) && frameThrottled && throttledFrames === 0) {
      throw new Error(`${url}: the frame was never throttled`);
    }
    let files = null;
    if (keepFiles) {
      // Whatever is still downloading (a favicon, say) counts too: wait for it, 10 s at most.
      for (let i = 0; i < 200 && [...requests.values()].some((r) => r.end === null); i++) await sleep(50);
      const nav = [...requests.values()].find((r) => r.where === 'page' && r.url === url);
      files = [...requests.values()].map((r) => ({ ...r, done: r.end === null || !nav ? null : (r.end - nav.start) * 1000 }));
    }
    return {
      firstContent: result.firstContent - origin,
      interactive: result.interactive === null ? null : result.interactive - origin,
      files,
    };
  } finally {
    off();
    await cdp.send('Target.disposeBrowserContext', { browserContextId }).catch(() => {});
  }
}

// "/balance-checkout/v1/balance-checkout-2c82779dc67f5f35_bg.wasm" -> ".../balance-checkout_bg.wasm":
// without Trunk's content hashes and with "{id}" for a session, so that two builds' rows meet.
function fileName(url) {
  if (!/^https?:/.test(url)) return url.slice(0, 40);
  const u = new URL(url);
  let p = u.pathname.replace(/-[0-9a-f]{16}(?=[._])/g, '').replace(/\/cs_[A-Za-z0-9]+/g, '/{id}');
  p = p.replace(/^\/balance-checkout\/v1\//, '…/v1/');
  return p === '/' ? `/${u.search ? '?…' : ''}` : p;
}

function byFile(files) {
  const out = new Map();
  for (const f of files) {
    const key = `${f.where}\t${fileName(f.url)}`;
    const o = out.get(key) ?? { where: f.where, name: fileName(f.url), bytes: 0, count: 0, done: null, failed: null };
    o.bytes += f.bytes;
    o.count += 1;
    o.done = Math.max(o.done ?? 0, f.done ?? 0);
    o.failed ??= f.failed ?? null;
    out.set(key, o);
  }
  return out;
}

const fmt = (x) => (x == null || Number.isNaN(x) ? '-' : `${x.toFixed(0)} ms`);
const ratio = (a, b) => (a == null || b == null || Number.isNaN(a) || Number.isNaN(b) ? '-' : `${(a / b).toFixed(2)}×`);
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;

/**
 * Runs the bench. `builds`: `[{ key, label, url }]` (the current build first; a base build
 * second, when given). Prints a table per condition and the bytes per file.
 */
export async function benchLoads({ builds, loads, chromium, chromiumArgs, command }) {
  const floor = await startFloor();
  const cdp = await launchCdp(chromium, [
    ...chromiumArgs,
    // As Playwright launches it: a tab is never treated as in the background.
    '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows', '--disable-renderer-backgrounding',
  ]);
  const targets = [
    ...builds,
    // The current build's iframe-first embed (the shop writes the frame in its HTML),
    // against its own floor, B.
    { key: 'iframeFirst', label: 'current build, iframe-first', url: `${builds[0].url}&embed=iframe`, floorKey: 'floorB' },
    { key: 'floorA', label: 'floor A: script inserts the frame', url: floor.a, floor: true },
    { key: 'floorB', label: 'floor B: frame in the shop\'s HTML', url: floor.b, floor: true },
  ];
  const runs = {};
  const files = {};
  const checks = {};
  try {
    // Warms the servers and the OS file cache (not the browser: every load is cold).
    for (const t of targets) await coldLoad(cdp, t.url, { condition: CONDITIONS[0], floor: t.floor });
    for (const condition of CONDITIONS) {
      runs[condition.key] = Object.fromEntries(targets.map((t) => [t.key, []]));
      // Round by round, so that the machine's noise falls on all alike, in the reverse
      // order every other round (current, base, floor A, floor B, then floor B, floor A,
      // base, current): a load runs slower right after a heavy one (the browser still
      // tearing the last context down), and the builds take that turn alike.
      for (let i = 0; i < loads; i++) {
        process.stderr.write(`  load: ${condition.key} round ${i + 1}/${loads}\n`);
        for (const t of i % 2 ? [...targets].reverse() : targets) {
          await sleep(SETTLE);
          const r = await coldLoad(cdp, t.url, { condition, floor: t.floor, keepFiles: i === 0 });
          runs[condition.key][t.key].push(r);
          if (i === 0) (files[t.key] ??= {})[condition.key] = r.files;
        }
      }
      // The check: one load of the current build with its frame left unthrottled, as this
      // bench measured before 2026-12-02.
      if (condition.network || condition.cpu > 1) {
        await sleep(SETTLE);
        checks[condition.key] = await coldLoad(cdp, builds[0].url, { condition, frameThrottled: false });
      }
    }
  } finally {
    await cdp.close();
    await floor.stop();
  }

  const current = builds[0];
  const base = builds[1];
  console.log(`\n## Load: cold loads, median of ${loads} (p90), from the shop's navigation start; ${cdp.version}`);
  console.log(`command: ${command}`);
  for (const t of targets) console.log(`  ${t.label}: ${t.url}`);
  console.log('first content: the order\'s total shown in the checkout frame; interactive: Pay present and the form taking input, the widget running.');
  console.log('Throttling on the shop\'s page and on the frame\'s renderer (its own DevTools target, throttled before it loads).');
  const stats = {};
  for (const condition of CONDITIONS) {
    const rows = runs[condition.key];
    const s = Object.fromEntries(Object.entries(rows).map(([k, rs]) => {
      const fc = rs.map((r) => r.firstContent);
      const it = rs.map((r) => r.interactive).filter((x) => x !== null);
      return [k, { fc: median(fc), fc90: quantile(fc, 0.9), it: median(it), it90: quantile(it, 0.9) }];
    }));
    stats[condition.key] = s;
    const floorA = s.floorA.fc;
    console.log(`\n### ${condition.title}${condition.network ? ' (page and frame)' : ''}`);
    console.log(`${''.padEnd(36)}${'first content'.padEnd(22)}${'interactive'.padEnd(22)}${'÷ floor A'.padEnd(16)}${base ? '÷ base' : ''}`);
    const line = (label, fc, it, vsFloor, vsBase = '') =>
      console.log(`${label.padEnd(36)}${fc.padEnd(22)}${it.padEnd(22)}${vsFloor.padEnd(16)}${vsBase}`);
    for (const t of targets) {
      const x = s[t.key];
      const ref = t.floorKey ? s[t.floorKey].fc : floorA;
      const both = (a, b) => (t.floor ? ratio(a, ref) : `${ratio(a, ref)} / ${ratio(b, ref)}${t.floorKey ? ' (÷ B)' : ''}`);
      line(t.label, `${fmt(x.fc)} (p90 ${x.fc90.toFixed(0)})`, t.floor ? '' : `${fmt(x.it)} (p90 ${x.it90.toFixed(0)})`,
        t.key === 'floorA' ? '1' : both(x.fc, x.it),
        base && t.key === current.key ? `${ratio(x.fc, s[base.key].fc)} / ${ratio(x.it, s[base.key].it)}` : '');
    }
    const c = checks[condition.key];
    if (c) line('check: frame not throttled (1 load)', fmt(c.firstContent), fmt(c.interactive), '', '');
  }

  // Bytes per file, and when each finished (ms from the shop's navigation start) in the
  // first counted load of each condition: the frame's files finishing later under
  // throttling is the proof that the frame's renderer was throttled.
  console.log('\n### Bytes per file (transferred, Network.loadingFinished encodedDataLength on the page\'s and the frame\'s sessions)');
  const keys = CONDITIONS.map((c) => c.key);
  const tables = Object.fromEntries(targets.map((t) => [t.key, Object.fromEntries(keys.map((k) => [k, byFile(files[t.key][k] ?? [])]))]));
  const header = `${'where'.padEnd(7)}${'file'.padEnd(40)}${current.key.padStart(10)}${base ? base.key.padStart(10) : ''}   finished at (${current.key}): ${keys.join(' / ')}`;
  console.log(header);
  const rowsOf = (key) => tables[key][keys[0]];
  const names = new Map([...rowsOf(current.key)].concat(base ? [...rowsOf(base.key)] : []));
  let totals = [0, 0];
  for (const [name, o] of names) {
    const a = rowsOf(current.key).get(name);
    const b = base ? rowsOf(base.key).get(name) : null;
    totals = [totals[0] + (a?.bytes ?? 0), totals[1] + (b?.bytes ?? 0)];
    const done = keys.map((k) => fmt(tables[current.key][k].get(name)?.done).replace(' ms', '')).join(' / ');
    const times = (x) => (x && x.count > 1 ? ` ×${x.count}` : '');
    console.log(`${o.where.padEnd(7)}${(o.name + times(a) + (o.failed ? ` (${o.failed})` : '')).slice(0, 39).padEnd(40)}${(a ? kib(a.bytes) : '-').padStart(10)}${base ? (b ? kib(b.bytes) : '-').padStart(10) : ''}   ${done} ms`);
  }
  console.log(`${'total'.padEnd(47)}${kib(totals[0]).padStart(10)}${base ? kib(totals[1]).padStart(10) : ''}`);
  for (const t of targets.filter((x) => x.floor)) {
    const rows = [...rowsOf(t.key).values()];
    console.log(`${t.label}: ${rows.map((o) => `${o.where} ${o.name} ${kib(o.bytes)}`).join(', ')}; total ${kib(rows.reduce((s, o) => s + o.bytes, 0))}`);
  }
  return stats;
}
