// Browser measurements of the widget against `wallet-server demo` (see BENCHMARKS.md,
// "End to end and load"). Run through scripts/bench.sh, or from e2e/:
//   node bench/run.mjs [--only load,quote,memory,wasm] [--loads 10]
//     [--base-server <wallet-server> --base-widget <dist dir>]
// Needs target/release/wallet-server and dist/ (trunk build --release), or the build named
// by BC_E2E_SERVER_BIN and BC_E2E_WIDGET_DIR. The load part is in load.mjs; with
// --base-server and --base-widget it also loads that (previous) build, round by round
// with the current one, and prints the current figures as ratios to it.
import { chromium } from 'playwright-core';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startDemoServer, SERVER_BIN, WIDGET_DIR } from '../lib/server.mjs';
import { benchLoads } from './load.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from '../lib/browser.mjs';
import { HOST, SEL, frameOf } from '../selectors.mjs';
import { median, quantile } from './stats.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const LOADS = Number(opt('loads', 10));
const SIZES = opt('sizes', '4,1000,10000').split(',').map(Number);
const RECOMPUTES = Number(opt('recomputes', 100));
const ONLY = opt('only', 'load,quote,memory,wasm').split(',');
const QUOTE_PKG = opt('quote-pkg', process.env.BC_QUOTE_WASM_PKG ?? '');
const QUOTE_BIN = opt('quote-bin', process.env.BC_CHECKOUT_QUOTE_BIN ?? '');
const BASE_SERVER = opt('base-server', '');
const BASE_WIDGET = opt('base-widget', '');
if (Boolean(BASE_SERVER) !== Boolean(BASE_WIDGET)) {
  console.error('--base-server and --base-widget go together (a previous build: its wallet-server and its dist/)');
  process.exit(2);
}

const ms = (x) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const mib = (b) => `${(b / 1048576).toFixed(2)} MiB`;

// The selectors `instrument` needs, as strings: an init script's argument is data.
const INSTRUMENT_SEL = { mountId: SEL.mountId, total: SEL.summary('total'), pay: SEL.pay, password: SEL.password };

// In the page and in the checkout frame before their scripts: remember every WebAssembly
// memory instantiated (the frame's), and in the frame, find the widget's root.
function instrument(sel) {
  window.__wasmMemories = [];
  const keep = (result) => {
    const instance = result.instance ?? result;
    for (const v of Object.values(instance.exports ?? {})) {
      if (v instanceof WebAssembly.Memory) window.__wasmMemories.push(v);
    }
    return result;
  };
  const inst = WebAssembly.instantiate;
  WebAssembly.instantiate = (...a) => inst.apply(WebAssembly, a).then(keep);
  const stream = WebAssembly.instantiateStreaming;
  if (stream) WebAssembly.instantiateStreaming = (...a) => stream.apply(WebAssembly, a).then(keep);
  if (window.top === window) return;
  window.__bcRoot = () => document.getElementById(sel.mountId);
  // Interactive: the quote is shown and the form takes input (Pay stays disabled until a
  // password is typed, by design). Polled every 2 ms from the start of the frame's
  // document; resolves to epoch milliseconds, which the top page's timeOrigin turns into
  // time since the shop's navigation started.
  window.__interactive = new Promise((resolve) => {
    const check = () => {
      const root = window.__bcRoot();
      const total = root?.querySelector(sel.total);
      const pay = root?.querySelector(sel.pay);
      const pw = root?.querySelector(sel.password);
      if (total && total.textContent.trim() && pay && (!pw || !pw.disabled)) resolve(performance.timeOrigin + performance.now());
      else setTimeout(check, 2);
    };
    check();
  });
}

async function newBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// The checkout frame of the shop's widget, once its document (not about:blank) is there.
async function checkoutFrame(page) {
  const iframe = await page.waitForSelector(frameOf(HOST), { timeout: 120_000, state: 'attached' });
  const frame = await iframe.contentFrame();
  await frame.waitForURL(/\/balance-checkout\/v1\/frame\//, { timeout: 120_000, waitUntil: 'commit' });
  await frame.waitForFunction(() => window.__interactive, null, { timeout: 120_000 });
  return frame;
}

function bigCart(n) {
  // Valid by construction: prices 1.00..50.99, balance prices 0.50 lower on every fifth
  // line, a mix of excluded categories and a seller that does not accept balance.
  const lines = [];
  for (let i = 1; i <= n; i++) {
    const major = 1 + (i % 50);
    const minor = String(i % 100).padStart(2, '0');
    const line = { id: `L${i}`, name: `Item ${i}`, quantity: 1 + (i % 3), unit_price: `${major}.${minor}`,
      merchant: { id: 'self', kind: 'self_operated' }, category: 'physical' };
    if (i % 7 === 0) line.category = 'virtual';
    if (i % 11 === 0) line.merchant = { id: 'm-778', kind: 'third_party' };
    if (i % 5 === 0) line.balance_price = `${major - 1}.${String((i % 100) + 50).slice(-2)}`;
    lines.push(line);
  }
  return { currency: 'CNY', lines, shipping: { fee: '6.00' } };
}

// The server accepts request bodies up to 64 KB, so a merchant cannot register a
// 1,000-line cart through POST /v1/sessions. The widget's side is measured anyway: the
// demo shop's session is answered with the large cart in place of the preset one (the
// widget computes the quote itself and never checks the digest).
async function withLargeCart(page, n) {
  const cart = bigCart(n);
  await page.route(/\/v1\/sessions\/cs_[A-Za-z0-9]+$/, async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    const response = await route.fetch();
    const session = await response.json();
    session.cart = cart;
    return route.fulfill({ response, json: session });
  });
}

// Toggles "use balance" and waits for the split to change: one recompute (quote in wasm
// plus the re-render), timed inside the page.
async function recompute(page, times) {
  return page.evaluate(async ({ n, useBalance, balance }) => {
    const root = window.__bcRoot();
    const out = [];
    for (let i = 0; i < n; i++) {
      const sw = root.querySelector(useBalance);
      const cell = () => root.querySelector(balance)?.textContent;
      const before = cell();
      const t0 = performance.now();
      await new Promise((resolve, reject) => {
        const obs = new MutationObserver(() => { if (cell() !== before) { obs.disconnect(); resolve(); } });
        obs.observe(root, { subtree: true, childList: true, characterData: true });
        setTimeout(() => { obs.disconnect(); reject(new Error(`the split did not change within 30 s (recompute ${i})`)); }, 30_000);
        sw.click();
      });
      out.push(performance.now() - t0);
    }
    return out;
  }, { n: times, useBalance: SEL.useBalance, balance: SEL.summary('balance') });
}

// Clicks "Show all N items" when the cart has it and waits until every line is listed.
async function listEveryLine(page, n) {
  return page.evaluate(async ({ n, more: moreSel, lines }) => {
    const root = window.__bcRoot();
    const more = root.querySelector(moreSel);
    if (!more) return false;
    more.click();
    const deadline = performance.now() + 60_000;
    while (root.querySelectorAll(lines).length < n) {
      if (performance.now() > deadline) throw new Error(`not every line was listed within 60 s (${n} lines)`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }, { n, more: SEL.more, lines: SEL.lines });
}

const rowLabel = (r) => (r.n === 4 ? 'demo mixed cart (4 lines)' : `${r.n} lines${r.all ? ', all listed' : ''}`);

async function memory(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => window.__wasmMemories.reduce((s, m) => s + m.buffer.byteLength, 0));
  return { js: usedSize, wasm };
}

async function benchQuoteAndMemory(shop) {
  const browser = await newBrowser();
  const rows = [];
  try {
    for (const n of SIZES) {
      process.stderr.write(`  recompute/memory: ${n} lines ...\n`);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(instrument, INSTRUMENT_SEL);
      const cdp = await context.newCDPSession(page);
      page.on('crash', () => process.stderr.write(`  the page crashed with ${n} lines\n`));
      page.on('console', (m) => { if (m.type() === 'error') process.stderr.write(`  console: ${m.text()}\n`); });
      // 4 lines: the demo shop's own mixed cart; otherwise the same page with a large cart.
      if (n > 4) await withLargeCart(page, n);
      await page.goto(`${shop}/?cart=mixed&locale=en`, { waitUntil: 'commit' });
      const frame = await checkoutFrame(page);
      const load = await frame.evaluate(() => Promise.race([window.__interactive.then((t) => t - performance.timeOrigin),
        new Promise((resolve) => setTimeout(() => resolve(null), 120_000))]));
      if (load === null) {
        // A finding, not a harness failure: report it and go on with the other figures.
        console.log(`${n} lines: the widget was not interactive within 120 s; no recompute or memory figure`);
        await context.close();
        continue;
      }
      const afterLoad = await memory(frame, cdp);
      const warm = await recompute(frame, RECOMPUTES);
      const afterRecompute = await memory(frame, cdp);
      rows.push({ n, load, median: median(warm), p90: quantile(warm, 0.9), afterLoad, afterRecompute });
      // A long cart lists its first lines; the shopper can ask for all of them.
      if (await listEveryLine(frame, n)) {
        const all = await recompute(frame, RECOMPUTES);
        const afterAll = await memory(frame, cdp);
        rows.push({ n, all: true, load, median: median(all), p90: quantile(all, 0.9), afterLoad: afterRecompute, afterRecompute: afterAll });
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  console.log(`\n## Recompute in the browser: toggle "use balance" until the split changes (quote in wasm + re-render), ${RECOMPUTES} times`);
  console.log('command: node e2e/bench/run.mjs --only quote');
  for (const r of rows) {
    console.log(`${rowLabel(r).padEnd(30)} load ${ms(r.load)}  recompute median ${ms(r.median)}  p90 ${ms(r.p90)}`);
  }
  const [small, k1, k10] = SIZES.map((n) => rows.find((r) => r.n === n && !r.all));
  if (k1 && k10) console.log(`ratio 10,000 / 1,000 lines (median recompute): ${(k10.median / k1.median).toFixed(1)}x; 1,000 / 4 lines: ${(k1.median / small.median).toFixed(1)}x`);
  console.log('\n## Memory (after a forced GC): JS heap used, wasm linear memory');
  console.log('command: node e2e/bench/run.mjs --only memory');
  for (const r of rows) {
    const from = r.all ? 'before listing all' : 'after load';
    console.log(`${rowLabel(r).padEnd(30)} ${from}: JS ${mib(r.afterLoad.js)}, wasm ${mib(r.afterLoad.wasm)}; after ${RECOMPUTES} recomputes: JS ${mib(r.afterRecompute.js)}, wasm ${mib(r.afterRecompute.wasm)}`);
  }
  return rows;
}

// checkout-core's quote alone, in wasm (e2e/bench/quote-wasm, built like the widget) and
// natively (the checkout-quote command), on the same 1,000- and 10,000-line requests.
async function benchWasmQuote(base) {
  if (!QUOTE_PKG || !existsSync(path.join(QUOTE_PKG, 'quote_wasm_bench.js'))) {
    console.log('\n## Quote in wasm: skipped (build e2e/bench/quote-wasm; scripts/bench.sh does)');
    return;
  }
  const browser = await newBrowser();
  const rows = [];
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route(`${base}/__quote/**`, (route) => {
      const file = path.join(QUOTE_PKG, path.basename(new URL(route.request().url()).pathname));
      if (file.endsWith('.html')) return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>quote</title>' });
      const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
      return route.fulfill({ contentType: type, body: readFileSync(file) });
    });
    await page.goto(`${base}/__quote/index.html`);
    for (const n of [1000, 10000]) {
      const request = JSON.stringify({ cart: bigCart(n), balance: '5000.00', use_balance: true, balance_cap: null });
      const reps = n === 1000 ? 50 : 10;
      const r = await page.evaluate(async ({ request, reps }) => {
        const m = await import('/__quote/quote_wasm_bench.js');
        await m.default({ module_or_path: '/__quote/quote_wasm_bench_bg.wasm' });
        const full = [];
        const quoteOnly = [];
        const prepared = new m.Prepared(request);
        for (let i = 0; i < reps + 2; i++) {
          let t = performance.now();
          const out = m.parse_and_quote(request);
          if (out.startsWith('{"error"')) throw new Error(out);
          full.push(performance.now() - t);
          t = performance.now();
          prepared.quote(1);
          quoteOnly.push(performance.now() - t);
        }
        return { full: full.slice(2), quoteOnly: quoteOnly.slice(2) };
      }, { request, reps });
      let native = NaN;
      if (QUOTE_BIN && existsSync(QUOTE_BIN)) {
        const k = reps;
        const input = `${request}\n`.repeat(k);
        const t0 = process.hrtime.bigint();
        const res = spawnSync(QUOTE_BIN, [], { input, maxBuffer: 1 << 30 });
        const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
        if (res.status !== 0) throw new Error(`checkout-quote exited ${res.status}: ${res.stderr}`);
        native = elapsed / k;
      }
      rows.push({ n, full: median(r.full), quote: median(r.quoteOnly), native });
    }
    await context.close();
  } finally {
    await browser.close();
  }
  console.log('\n## Quote alone: checkout-core in wasm (Chromium, size-optimised like the widget) and native');
  console.log('command: node e2e/bench/run.mjs --only wasm --quote-pkg <wasm-bindgen out dir> --quote-bin target/release/checkout-quote');
  for (const r of rows) {
    console.log(`${String(r.n).padStart(6)} lines  wasm parse+validate+quote median ${ms(r.full)}, quote only ${ms(r.quote)};  native checkout-quote (parse+quote+print, incl. process start amortised) ${Number.isNaN(r.native) ? 'n/a' : ms(r.native)}`
      + (Number.isNaN(r.native) ? '' : `;  ratio wasm/native ${(r.full / r.native).toFixed(1)}x`));
  }
  if (rows.length === 2) console.log(`ratio 10,000 / 1,000 lines (wasm parse+quote): ${(rows[1].full / rows[0].full).toFixed(1)}x`);
}

const SERVER_ENV = { BC_RATE_LIMIT_IP_PER_MIN: '100000', BC_RATE_LIMIT_SESSION_PER_MIN: '100000' };
const server = await startDemoServer({ env: SERVER_ENV });
let baseServer = null;
try {
  console.log(`wallet-server demo at ${server.url}, demo shop at ${server.shop}; Chromium ${CHROMIUM}`);
  console.log(`build: ${SERVER_BIN}, widget ${WIDGET_DIR}`);
  if (ONLY.includes('load')) {
    const shopPage = (shop) => `${shop}/?cart=mixed&locale=zh-CN`;
    const builds = [{ key: 'current', label: 'current build (demo shop)', url: shopPage(server.shop) }];
    if (BASE_SERVER) {
      baseServer = await startDemoServer({ env: SERVER_ENV, bin: BASE_SERVER, widgetDir: BASE_WIDGET });
      console.log(`base build: ${BASE_SERVER}, widget ${BASE_WIDGET}; its demo shop at ${baseServer.shop}`);
      builds.push({ key: 'base', label: 'base build (demo shop)', url: shopPage(baseServer.shop) });
    }
    const env = ['BC_E2E_SERVER_BIN', 'BC_E2E_WIDGET_DIR'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]} `).join('');
    const command = `cd e2e && ${env}node bench/run.mjs --only load --loads ${LOADS}${BASE_SERVER ? ` --base-server ${BASE_SERVER} --base-widget ${BASE_WIDGET}` : ''}`;
    await benchLoads({ builds, loads: LOADS, chromium: CHROMIUM, chromiumArgs: CHROMIUM_ARGS, command });
  }
  if (ONLY.includes('quote') || ONLY.includes('memory')) await benchQuoteAndMemory(server.shop);
  if (ONLY.includes('wasm')) await benchWasmQuote(server.url);
} finally {
  await baseServer?.stop();
  await server.stop();
}
