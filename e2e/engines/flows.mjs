// The checkout's flows, described once and run in each engine through W3C WebDriver
// (firefox.test.mjs, webkit.test.mjs, chromium.test.mjs). One browser per engine for the
// file; one fresh `wallet-server demo` (empty in-memory database, the demo shop on a
// second origin) per flow. Money is checked against the wallet and the ledger through the
// admin API after each flow, as in the Chromium suite (tests/).
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { startDemoServer } from '../lib/server.mjs';
import { startBrowser, eventually, By } from '../lib/webdriver.mjs';
import { Shopper, SEL, recordEvents } from '../lib/shopper.mjs';
import { frameOf } from '../selectors.mjs';
import { hostile } from '../lib/hostile.mjs';
import { artifactPath } from '../lib/browser.mjs';
import {
  wallet, ledger, chargedIntents, intent, createSession, SEEDED_BALANCE, SHOPPER, PASSWORD,
} from '../lib/api.mjs';

const SELF = { id: 'self', kind: 'self_operated' };
// The demo shop's `basic` cart: 55.00 at the balance price + 6.00 shipping, all from balance.
const BASIC = {
  currency: 'CNY',
  lines: [{ id: 'L1', name: 'Electric kettle 1.7 L', quantity: 1, unit_price: '59.90', balance_price: '55.00', merchant: SELF, category: 'physical' }],
  shipping: { fee: '6.00' },
};

// Mounts a second checkout from script (BalanceCheckout.mount) in a new element `#id`.
function mountSecond(id, session) {
  const el = document.createElement('div');
  el.id = id;
  document.querySelector('main').append(el);
  window.__mounted = BalanceCheckout.mount(el, { sessionId: session.id, clientSecret: session.secret, locale: 'en' });
}

// A page on a third loopback origin (not allowed by the demo's merchant); `html(origin)`.
function servePage(html) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html(`http://127.0.0.1:${server.address().port}`));
    });
    server.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }));
  });
}

/** Registers the flows for `engine` ('firefox', 'webkit' or 'chromium'). */
export async function checkoutFlows(engine) {
  const browser = await startBrowser(engine);
  console.log(`engine: ${browser.name}`);
  const shopper = new Shopper(browser.driver);
  const d = browser.driver;

  // A fresh server per flow; on failure a screenshot and the logs go to e2e/artifacts/.
  const flow = (name, fn) => test(name, { timeout: 180_000 }, async (t) => {
    const server = await startDemoServer();
    try {
      await fn({ base: server.url, shop: server.shop });
    } catch (e) {
      const slug = `${engine}-${t.name}`.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
      try {
        await d.switchTo().defaultContent();
        writeFileSync(artifactPath(`failed-${slug}.png`), await d.takeScreenshot(), 'base64');
      } catch { /* best effort */ }
      try { writeFileSync(artifactPath(`failed-${slug}.log`), `driver:\n${browser.log}\n\nserver:\n${server.log}`); } catch { /* */ }
      throw e;
    } finally {
      // Back to one blank tab, so the next flow starts as this one did.
      try {
        const [first, ...rest] = await d.getAllWindowHandles();
        for (const h of rest) { await d.switchTo().window(h); await d.close(); }
        await d.switchTo().window(first);
        await d.get('about:blank');
      } catch { /* the next flow will say so */ }
      await server.stop();
    }
  });

  describe(browser.name, () => {
    after(() => browser.close());

    flow('pays with balance only; the merchant page receives the events', async ({ base, shop }) => {
      await shopper.openShop(shop, { cart: 'basic' });
      assert.deepEqual(await shopper.summary(['total', 'balance', 'other', 'savings']),
        { total: '61.00', balance: '61.00', other: '0.00', savings: '4.90' });
      await shopper.onPage(recordEvents);
      await shopper.pay();
      await shopper.waitInFrame(SEL.succeeded);

      const w = await wallet(base);
      assert.deepEqual([w.balance, w.held], ['59.50', '0.00']);
      assert.equal(chargedIntents(await ledger(base)).length, 1, 'exactly one charge');
      // The loader's CustomEvent reached the page, with the outcome the backend holds.
      const [ev] = await eventually(async () => {
        const seen = await shopper.onPage(() => window.__bc.events.filter((e) => e.name === 'succeeded'));
        return seen.length > 0 && seen;
      }, { what: 'balancecheckout:succeeded on the page' });
      assert.match(ev.detail.id, /^pi_/);
      assert.deepEqual([ev.detail.status, ev.detail.total, ev.detail.balance_amount, ev.detail.other_amount],
        ['succeeded', '61.00', '61.00', '0.00']);
      assert.equal((await intent(base, ev.detail.id)).status, 'succeeded');
      // The shop's own listener (a file under its strict CSP) heard ready, change, succeeded.
      const heard = await eventually(async () => {
        const names = await shopper.onPage(() => [...document.querySelectorAll('#bc-events li')].map((li) => li.dataset.event));
        return ['ready', 'change', 'succeeded'].every((n) => names.includes(n)) && names;
      }, { what: 'the shop listing ready, change and succeeded' });
      assert.ok(heard.indexOf('ready') < heard.indexOf('change'), `ready before change: ${heard}`);
      // The receipt: the split, the transaction number; Done tells the page.
      const number = await shopper.waitInFrame('.bc-receipt__id dd');
      assert.equal(number, ev.detail.id);
      await shopper.tap('.bc-done');
      const [done] = await eventually(async () => {
        const seen = await shopper.onPage(() => window.__bc.events.filter((e) => e.name === 'done'));
        return seen.length > 0 && seen;
      }, { what: 'balancecheckout:done on the page' });
      assert.equal(done.detail.id, ev.detail.id);
      assert.equal(done.detail.balance_left, undefined, 'the balance stays in the frame');
    });

    async function payMixedWithWeChat(base, shop) {
      // mixed cart: balance prices apply (106.00 from balance), 119.90 remains.
      await shopper.openShop(shop, { cart: 'mixed' });
      assert.deepEqual(await shopper.summary(['balance', 'other']), { balance: '106.00', other: '119.90' });
      await shopper.pay({ method: 'wechat_pay' });
      await shopper.waitInFrame(SEL.actionLink);
      const href = await shopper.attributeInFrame(SEL.actionLink, 'href');
      const id = /\/(pi_[A-Za-z0-9]+)/.exec(href)?.[1];
      assert.ok(id, `the next action names the intent: ${href}`);
      const held = await wallet(base);
      assert.deepEqual([held.balance, held.held], ['14.50', '106.00'], 'the balance part is held');
      return id;
    }

    flow('balance + WeChat Pay approved in the sandbox tab: the hold is captured', async ({ base, shop }) => {
      const id = await payMixedWithWeChat(base, shop);
      const { url, status } = await shopper.decideInSandbox('approve');
      assert.ok(url.includes(id), url);
      assert.equal(status, 'succeeded');
      await shopper.waitInFrame(SEL.succeeded, { timeout: 30_000 }); // the widget polls every 2 s
      assert.equal((await intent(base, id)).status, 'succeeded');
      const w = await wallet(base);
      assert.deepEqual([w.balance, w.held], ['14.50', '0.00']);
      const entries = await ledger(base);
      assert.deepEqual(chargedIntents(entries), [id]);
      assert.ok(entries.some((e) => e.kind === 'capture' && e.reference === id), 'hold captured');
      assert.ok(!entries.some((e) => e.kind === 'release'), 'nothing released');
    });

    flow('a declined second method releases the hold and the shopper can pay again', async ({ base, shop }) => {
      const id = await payMixedWithWeChat(base, shop);
      const { status } = await shopper.decideInSandbox('decline');
      assert.equal(status, 'canceled');
      assert.equal((await intent(base, id)).status, 'canceled');
      const w = await wallet(base);
      assert.deepEqual([w.balance, w.held], [SEEDED_BALANCE, '0.00']);
      const entries = await ledger(base);
      assert.ok(entries.some((e) => e.kind === 'release' && e.reference === id), 'hold released');
      assert.ok(!entries.some((e) => e.kind === 'capture'), 'nothing captured');
      // The widget notices (it polls), says so and offers Pay again.
      await shopper.waitInFrame(SEL.error, { timeout: 30_000 });
      await shopper.waitInFrame(SEL.pay);
    });

    flow('the shop collects the rest on its own page, its server captures: the hold is captured once', async ({ base, shop }) => {
      await shopper.openShop(shop, { cart: 'mixed', rest: 'shop' });
      assert.deepEqual(await shopper.summary(['balance', 'other']), { balance: '106.00', other: '119.90' });
      await shopper.waitInFrame(SEL.merchantLeg, { text: /Pay the remaining ¥119\.90 on the next step/ });
      await shopper.pay();
      await eventually(() => shopper.onPage(() => !document.getElementById('collect').hidden),
        { what: "the shop's card form, shown on requires-action" });
      const held = await wallet(base);
      assert.deepEqual([held.balance, held.held], ['14.50', '106.00'], 'the balance part is held');
      await shopper.onPage(() => document.getElementById('collect-pay').click());
      await eventually(async () => (await shopper.onPage(() => document.getElementById('collect-result').dataset.outcome)) === 'paid',
        { what: 'the shop paid by card and captured' });
      await shopper.waitInFrame(SEL.succeeded, { timeout: 30_000 }); // the widget polls every 2 s
      const w = await wallet(base);
      assert.deepEqual([w.balance, w.held], ['14.50', '0.00']);
      const entries = await ledger(base);
      const [id] = chargedIntents(entries);
      assert.equal(chargedIntents(entries).length, 1, 'exactly one charge');
      assert.ok(entries.some((e) => e.kind === 'capture' && e.reference === id), 'hold captured');
      assert.equal((await intent(base, id)).second_leg.provider, 'card');
    });

    flow('reloaded while the second method runs: the payment is shown again and cancel releases the hold', async ({ base, shop }) => {
      const id = await payMixedWithWeChat(base, shop);
      const session = await shopper.onPage(() => ({
        id: document.getElementById('bc-session').textContent.trim(),
        secret: document.querySelector('[data-balance-checkout]').dataset.clientSecret,
      }));
      await d.navigate().refresh();
      await shopper.onPage((s) => {
        const host = document.querySelector('[data-balance-checkout]');
        window.BalanceCheckout.mount(host, { sessionId: s.id, clientSecret: s.secret, locale: 'en' });
      }, session);
      await shopper.waitInFrame(SEL.actionLink, { timeout: 30_000 });
      await shopper.tap(SEL.cancel);
      await shopper.waitInFrame(SEL.pay, { timeout: 30_000 });
      assert.equal((await intent(base, id)).status, 'canceled');
      const w = await wallet(base);
      assert.deepEqual([w.balance, w.held], [SEEDED_BALANCE, '0.00']);
    });

    flow('the wasm and the session are downloaded once each', async ({ shop }) => {
      // WebKit gave the wasm's <link rel=preload as=fetch> to no fetch() and downloaded it
      // twice (docs/DESIGN-NOTES.md, *Engines*): the frame's Resource Timing counts them.
      await shopper.openShop(shop, { cart: 'basic' });
      const entries = await shopper.inFrame((dr) => dr.executeScript(
        'return performance.getEntriesByType("resource").map((e) => e.initiatorType + " " + new URL(e.name).pathname)'));
      const wasm = entries.filter((e) => e.endsWith('_bg.wasm'));
      const session = entries.filter((e) => /\/v1\/sessions\/cs_[A-Za-z0-9]+$/.test(e));
      assert.equal(wasm.length, 1, `one download of the wasm: ${JSON.stringify(entries)}`);
      assert.equal(session.length, 1, `one request for the session: ${JSON.stringify(entries)}`);
    });

    flow('a wrong password shows the attempts left and charges nothing', async ({ base, shop }) => {
      await shopper.openShop(shop, { cart: 'basic' });
      await shopper.pay({ password: '000000' });
      const alert = await shopper.waitInFrame(SEL.error, { text: /wrong payment password/i });
      assert.match(alert, /\b4\b/, `four attempts left: ${alert}`);
      const w = await wallet(base);
      assert.deepEqual([w.balance, w.held], [SEEDED_BALANCE, '0.00']);
      assert.equal(chargedIntents(await ledger(base)).length, 0);
      // The field was cleared; the right password then pays.
      await eventually(async () => (await shopper.inFrame(async () => (await shopper.visible(SEL.password)).getAttribute('value'))) === '',
        { what: 'the password field cleared' });
      await shopper.pay();
      await shopper.waitInFrame(SEL.succeeded);
      assert.equal(chargedIntents(await ledger(base)).length, 1);
    });

    flow('a hostile script on the merchant page sees no digit, no balance and no wallet id', async ({ base, shop }) => {
      await shopper.openShop(shop, { cart: 'basic' });
      // Before the checkout it watches exists: a tag manager that loaded with the page.
      await shopper.onPage(hostile);
      await shopper.onPage(recordEvents);
      const session = await createSession(base, BASIC);
      await shopper.onPage(mountSecond, 'second', session);
      await shopper.interactive('#second');
      await shopper.pay({ host: '#second' }); // typed key by key: keydown, input, keyup per digit
      await shopper.waitInFrame(SEL.succeeded, { host: '#second' });
      await eventually(async () => (await shopper.onPage(() => window.__bc.events.filter((e) => e.name === 'succeeded').length)) === 1,
        { what: 'the outcome reaching the page' });
      await shopper.onPage(() => window.__walk());
      const seen = await shopper.onPage(() => window.__hostile);
      const everything = JSON.stringify(seen) + JSON.stringify(await shopper.onPage(() => window.__bc.events));

      assert.deepEqual(seen.keys.filter((k) => /key=\d|data=\d|value=\d/.test(k)), [], 'no keystroke of the password');
      assert.ok(!/\b\d{6}\b/.test(seen.keys.join(' ') + seen.values.join(' ')), 'no six digits typed or read');
      assert.ok(!everything.includes(PASSWORD), 'the password never appears');
      assert.deepEqual(seen.frames, [], 'the frame\'s document and location are out of reach');
      const after = (await wallet(base)).balance; // 59.50
      assert.equal(after, '59.50');
      for (const secret of [SEEDED_BALANCE, after, SHOPPER]) {
        assert.ok(!everything.includes(secret), `${secret} never reaches the page`);
      }
      assert.ok(!everything.includes('payment_password') && !everything.includes('topup_to_unlock'));
      assert.ok(seen.messages.length > 0, 'the script did hear the frame\'s messages');
      assert.ok(seen.requests.every((r) => !r.includes('/v1/')), 'the page itself sent nothing to the API');
      assert.equal(chargedIntents(await ledger(base)).length, 1, 'exactly one charge');
    });

    flow('a page the merchant did not allow cannot frame the checkout; a frame told another embedder refuses', async ({ base, shop }) => {
      await shopper.openShop(shop, { cart: 'basic' });
      const src = await shopper.onPage((iframe) => document.querySelector(iframe).src, frameOf());
      // Another origin embeds the genuine frame URL, naming itself as the embedder.
      const evil = await servePage((origin) => {
        const hash = new URLSearchParams(new URL(src).hash.slice(1));
        hash.set('origin', origin);
        return `<!doctype html><title>Not the shop</title><div id="stolen"><iframe src="${src.split('#')[0]}#${hash}"></iframe></div>
          <script>document.querySelector('iframe').addEventListener('load', () => { window.__loaded = true; });</script>`;
      });
      try {
        await d.get(evil.origin);
        await eventually(() => shopper.onPage(() => window.__loaded === true), { what: 'the stolen frame\'s load event' });
        // The browser enforces frame-ancestors: the wallet's document never runs there (not
        // even frame.js, which would show its refusal).
        const inside = await shopper.inFrame((dr) => dr.executeScript(
          'return document.getElementById(arguments[0]) ? "the checkout document" : "another document"', SEL.mountId), '#stolen')
          .catch(() => 'unreachable');
        assert.notEqual(inside, 'the checkout document', 'the browser refused to frame the checkout');
      } finally {
        evil.close();
      }
      // On the shop's own page, a frame whose fragment names another embedder refuses to run.
      await shopper.openShop(shop, { cart: 'basic' });
      await shopper.onPage((url) => {
        const el = document.createElement('div');
        el.id = 'lying';
        const f = document.createElement('iframe');
        f.src = url;
        el.append(f);
        document.querySelector('main').append(el);
      }, src.replace(encodeURIComponent(shop), encodeURIComponent('http://evil.example')));
      await shopper.waitInFrame(SEL.refused, { host: '#lying' });
      assert.equal(await shopper.inFrame(async (dr) => (await dr.findElements(By.css('input'))).length, '#lying'), 0);
      assert.equal(chargedIntents(await ledger(base)).length, 0);
    });

    flow('the frame grows and shrinks with its content', async ({ base, shop }) => {
      await shopper.openShop(shop, { cart: 'basic' });
      const lines = Array.from({ length: 30 }, (_, i) => ({
        id: `L${i + 1}`, name: `Item ${i + 1}`, quantity: 1, unit_price: '1.00', merchant: SELF, category: 'physical',
      }));
      const session = await createSession(base, { currency: 'CNY', lines });
      await shopper.onPage(mountSecond, 'long', session);
      await shopper.interactive('#long');
      let last;
      const fits = (what) => eventually(async () => {
        const frame = await shopper.onPage(() => document.querySelector('#long iframe').getBoundingClientRect().height);
        const content = await shopper.inFrame((dr) => dr.executeScript('return Math.ceil(document.body.getBoundingClientRect().height)'), '#long');
        last = { frame, content };
        return Math.abs(frame - content) <= 1 && last;
      }, { what }).catch((e) => { throw new Error(`${e.message} (last heights ${JSON.stringify(last)})`); });
      const collapsed = await fits('the frame fitting the collapsed list');
      await shopper.tap(SEL.more, '#long');
      const expanded = await fits('the frame fitting the expanded list');
      assert.ok(expanded.frame > collapsed.frame + 200, `taller when expanded (${collapsed.frame} → ${expanded.frame})`);
      await shopper.tap(SEL.more, '#long');
      const again = await fits('the frame fitting the collapsed list again');
      assert.ok(Math.abs(again.frame - collapsed.frame) <= 1, `back to ${collapsed.frame} (is ${again.frame})`);
      // And the shop's own checkout kept its height meanwhile.
      const shopFrame = await shopper.onPage((iframe) => document.querySelector(iframe).getBoundingClientRect().height, frameOf());
      assert.ok(shopFrame > 100, `the shop's checkout frame is ${shopFrame}px`);
    });
  });
}
