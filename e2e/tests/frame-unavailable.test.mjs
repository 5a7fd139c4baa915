// A page the merchant did not allow embeds the checkout the ordinary way (the loader and a
// host element): the browser refuses the frame (the wallet's frame-ancestors), the frame
// never speaks, and after 10 s the loader says so — `balancecheckout:failed` with
// `frame_unavailable`, the `ready` promise rejected, the cause on the console — instead of
// leaving a silent grey box. On the allowed shop nothing of the kind happens; a frame that
// is only slow still works when it arrives after the event. DESIGN.md *Embedding* →
// Messages; docs/widget.md *What the page learns: events*.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { withCheckout } from '../lib/fixture.mjs';
import { newPage, openShop, widgetInteractive, events, eventually } from '../lib/browser.mjs';
import { raw, MERCHANT_KEY, SHOPPER } from '../lib/api.mjs';

const TIMEOUT = 10_000; // the loader's, per DESIGN.md
const SELF = { id: 'self', kind: 'self_operated' };
const CART = {
  currency: 'CNY',
  lines: [{ id: 'N1', name: 'Notebook', quantity: 2, unit_price: '5.00', merchant: SELF, category: 'physical' }],
};

// A page on an origin of its own (a free loopback port), which the demo merchant does not allow.
function servePage(html) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    });
    server.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('a frame the browser refuses (an origin the merchant did not allow) ends in failed/frame_unavailable after 10 s; the allowed shop hears no such event; a late frame still works', async (t) => {
  await withCheckout(t, async ({ base, shop, page, browser }) => {
    const created = await raw(base, 'POST', '/v1/sessions', { key: MERCHANT_KEY, body: { shopper_id: SHOPPER, cart: CART } });
    assert.equal(created.status, 201, created.text);
    const { id, client_secret: secret } = created.json;

    const other = await servePage(`<!doctype html><title>Not an allowed page</title>
      <script src="${base}/balance-checkout/v1/loader.js" defer></script>
      <main><div id="auto" data-balance-checkout data-session="${id}" data-client-secret="${secret}" data-locale="en"></div></main>`);
    t.after(() => other.close());

    // The three pages run side by side, so the whole test waits the 10 s once.
    const allowed = await newPage(browser);
    const slow = await newPage(browser);
    // A slow network on an allowed page: the frame document arrives 2 s after the timeout.
    await slow.route((url) => url.href.startsWith(`${base}/balance-checkout/v1/frame/`), async (route) => {
      await sleep(TIMEOUT + 2_000);
      await route.continue().catch(() => {}); // the page may be closed by then
    });

    const started = Date.now();
    const refusedPage = (async () => {
      await page.goto(other.origin);
      // Two more widgets mounted from script: one to read `ready`, one destroyed at once.
      await page.evaluate(({ id, secret }) => {
        const host = (name) => {
          const el = document.createElement('div');
          el.id = name;
          document.querySelector('main').append(el);
          window.__failedOn = window.__failedOn ?? [];
          el.addEventListener('balancecheckout:failed', () => window.__failedOn.push(name));
          return el;
        };
        const options = { sessionId: id, clientSecret: secret, locale: 'en' };
        window.__ready = 'pending';
        BalanceCheckout.mount(host('scripted'), options).ready.then(
          () => { window.__ready = 'resolved'; },
          (e) => { window.__ready = `rejected: ${e.message}`; },
        );
        BalanceCheckout.mount(host('destroyed'), options).destroy();
      }, { id, secret });
      await eventually(async () => (await events(page, 'failed')).length >= 2, { timeout: TIMEOUT + 5_000, what: 'failed on the page the merchant did not allow' });
      return Date.now() - started;
    })();
    const allowedPage = (async () => {
      await openShop(allowed, shop, { cart: 'basic', locale: 'en' });
    })();
    const slowPage = (async () => {
      await slow.goto(`${shop}/?cart=basic&locale=en&rest=sandbox`);
    })();
    const [elapsed] = await Promise.all([refusedPage, allowedPage, slowPage]);

    // The refused page: the event, from the timer (not earlier), with the code and the cause.
    assert.ok(elapsed >= TIMEOUT - 500, `failed came after the 10 s timeout (${elapsed} ms)`);
    const failed = await events(page, 'failed');
    assert.equal(failed.length, 2, `one failed per live widget: ${JSON.stringify(failed)}`);
    for (const { detail } of failed) {
      assert.equal(detail.code, 'frame_unavailable');
      assert.match(detail.message, /allowed origins/);
      assert.ok(detail.message.includes(other.origin), detail.message);
    }
    await page.waitForTimeout(500);
    assert.deepEqual((await page.evaluate(() => window.__failedOn)).sort(), ['scripted'], 'destroy() cleared its timer: no event for the destroyed widget');
    assert.match(await page.evaluate(() => window.__ready), /^rejected: .*allowed origins/, 'the ready promise rejects');
    assert.equal((await events(page, 'ready')).length, 0, 'the refused frame never said ready');
    const explained = page.bc.console.filter((l) => /^error: Balance Checkout: .*frame-ancestors/.test(l));
    assert.equal(explained.length, 2, `the console says why, once per widget:\n${page.bc.console.join('\n')}`);
    for (const line of explained) {
      assert.ok(line.includes(other.origin) && /allowed_origins/.test(line), line);
    }
    assert.ok(page.bc.console.every((l) => !/Uncaught|unhandled/i.test(l)), `no unhandled rejection:\n${page.bc.console.join('\n')}`);

    // The allowed shop, loaded as long: ready, and no failed event at all.
    const waited = Date.now() - started;
    if (waited < TIMEOUT + 1_000) await allowed.waitForTimeout(TIMEOUT + 1_000 - waited);
    assert.equal((await events(allowed, 'ready')).length, 1, 'the shop\'s widget said ready');
    assert.deepEqual(await events(allowed, 'failed'), [], 'no failed event on the allowed shop');
    assert.ok(allowed.bc.console.every((l) => !/did not load/.test(l)), allowed.bc.console.join('\n'));

    // The slow frame: failed at 10 s, then the frame arrives, says ready and works.
    await eventually(async () => (await events(slow, 'ready')).length === 1, { timeout: 20_000, what: 'the late frame saying ready' });
    const order = (await events(slow)).map((e) => (e.name === 'failed' ? `failed:${e.detail.code}` : e.name));
    assert.equal(order[0], 'failed:frame_unavailable', `the page heard failed first: ${order}`);
    assert.ok(order.indexOf('ready') > 0, `then ready: ${order}`);
    await widgetInteractive(slow);
    await slow.close();
    await allowed.close();
  });
});
