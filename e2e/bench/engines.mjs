// Load to interactive in Chromium, Firefox and WebKit on the same machine and run, through
// the same W3C WebDriver client and the same page, as ratios to Chromium (BENCHMARKS.md,
// "Engines"). Run from e2e/ (WebKit needs an X server):
//   xvfb-run -a node bench/engines.mjs [--loads 10] [--engines chromium,firefox,webkit]
// Needs target/release/wallet-server and dist/ (or BC_E2E_SERVER_BIN / BC_E2E_WIDGET_DIR).
//
// Each load is cold: a new browser session (new empty profile) per load, unthrottled.
// The page is a merchant page on a third loopback origin that the bench's merchant allows
// (WebDriver has no init scripts in every engine, so the page itself records the time):
// the demo's mixed cart in zh-CN, the loader with a script tag, and one inline listener
// that notes performance.now() (milliseconds since the page's navigation started) at the
// first `balancecheckout:change`, which the widget sends once the quote is on screen and
// the form takes input. One warm-up load per engine is not counted; the loads go round
// by round (Chromium, Firefox, WebKit, Chromium, …).
import http from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemoServer } from '../lib/server.mjs';
import { startBrowser, eventually } from '../lib/webdriver.mjs';
import { raw, SHOPPER } from '../lib/api.mjs';
import { median } from './stats.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const LOADS = Number(opt('loads', 10));
const ENGINES = opt('engines', 'chromium,firefox,webkit').split(',');
const KEY = 'sk_test_bench_engines';
const SELF = { id: 'self', kind: 'self_operated' };
// The demo shop's `mixed` cart (crates/wallet-server/src/demo/carts.rs).
const MIXED = {
  currency: 'CNY',
  lines: [
    { id: 'L1', sku: '100012043978', name: 'Electric kettle 1.7 L', quantity: 1, unit_price: '59.90', balance_price: '55.00', merchant: SELF, category: 'physical' },
    { id: 'L2', sku: 'GC-100', name: 'Game card 100', quantity: 1, unit_price: '100.00', merchant: SELF, category: 'virtual' },
    { id: 'L3', sku: 'TEA-220', name: 'Oolong tea gift tin', quantity: 1, unit_price: '45.00', merchant: { id: 'm-partner', kind: 'third_party' }, category: 'physical' },
    { id: 'L4', sku: 'CASE-7', name: 'Phone case', quantity: 1, unit_price: '19.90', merchant: { id: 'm-778', kind: 'third_party' }, category: 'physical' },
  ],
  shipping: { fee: '6.00' },
};


// The merchant page: a session per load (a paid or seen session is no different, but each
// load then reads an open session as a shopper's would).
function merchantPage(wallet) {
  return (session) => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Bench shop</title>
<script>addEventListener('balancecheckout:change', function () {
  if (window.__interactive === undefined) window.__interactive = performance.now();
}, true);</script>
<script src="${wallet}/balance-checkout/v1/loader.js" defer></script></head>
<body><main><div data-balance-checkout data-session="${session.id}" data-client-secret="${session.secret}" data-locale="zh-CN"></div></main></body></html>`;
}

async function listen(handler) {
  const server = http.createServer(handler);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

const pages = new Map();
const site = await listen((req, res) => {
  const html = pages.get(new URL(req.url, 'http://x').pathname);
  res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html ?? 'not found');
});
const dir = mkdtempSync(path.join(tmpdir(), 'bc-bench-engines-'));
const config = path.join(dir, 'bench.toml');
writeFileSync(config, `[[merchants]]
id = "bench-shop"
secret_key = "${KEY}"
allowed_origins = ["${site.origin}"]
[merchants.policy]
accepting_third_party = ["m-partner"]
`);
const wallet = await startDemoServer({ args: ['--config', config] });
const render = merchantPage(wallet.url);
let n = 0;
async function newPage() {
  const created = await raw(wallet.url, 'POST', '/v1/sessions', { key: KEY, body: { shopper_id: SHOPPER, cart: MIXED } });
  if (created.status !== 201) throw new Error(`POST /v1/sessions: ${created.status} ${created.text}`);
  const p = `/checkout/${++n}`;
  pages.set(p, render({ id: created.json.id, secret: created.json.client_secret }));
  return `${site.origin}${p}`;
}

async function coldLoad(engine) {
  const browser = await startBrowser(engine);
  try {
    await browser.driver.get(await newPage());
    const t = await eventually(() => browser.driver.executeScript('return window.__interactive'),
      { timeout: 60_000, interval: 50, what: 'the first balancecheckout:change' });
    return { t, name: browser.name };
  } finally {
    await browser.close();
  }
}

// Round by round, one cold load per engine each, so that a change in the machine's load
// (other builds on the same cores) falls on every engine alike.
const results = ENGINES.map((engine) => ({ engine, name: engine, times: [] }));
try {
  for (const r of results) r.name = (await coldLoad(r.engine)).name; // warm-up: the server, the OS file cache
  for (let i = 0; i < LOADS; i++) {
    for (const r of results) r.times.push((await coldLoad(r.engine)).t);
  }
  for (const r of results) {
    r.median = median(r.times);
    console.error(`${r.name}: ${r.times.map((x) => x.toFixed(0)).join(' ')} ms`);
  }
} finally {
  await wallet.stop();
  site.server.close();
  rmSync(dir, { recursive: true, force: true });
}

const chromium = results.find((r) => r.engine === 'chromium');
console.log(`\n## Load to interactive by engine (median of ${LOADS} cold loads, unthrottled, same machine and run)`);
console.log('command: cd e2e && xvfb-run -a node bench/engines.mjs');
console.log('| engine | median | min | max | ratio to Chromium |');
console.log('|---|---|---|---|---|');
for (const r of results) {
  const ratio = chromium ? (r.median / chromium.median).toFixed(2) : '-';
  console.log(`| ${r.name} | ${r.median.toFixed(0)} ms | ${Math.min(...r.times).toFixed(0)} ms | ${Math.max(...r.times).toFixed(0)} ms | ${ratio} |`);
}
