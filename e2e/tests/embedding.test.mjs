// The loader's JavaScript API as a merchant uses it: BalanceCheckout.mount() beside the
// auto-mounted widget, update() and destroy(), two widgets on one page, a host inside the
// merchant's own shadow root, mount → destroy → mount as React StrictMode does, and the
// frame's height following its content.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { openShop, widget, frameIn, widgetFrame, clickInFrame, expectAmount, eventually, widgetInteractive, fillCheckout } from '../lib/browser.mjs';
import { raw, MERCHANT_KEY, SHOPPER } from '../lib/api.mjs';
import { SEL } from '../selectors.mjs';

const SELF = { id: 'self', kind: 'self_operated' };
// ¥10.00 the balance may pay, ¥50.00 of virtual goods it may not.
const CART = {
  currency: 'CNY',
  lines: [
    { id: 'G1', name: 'Game card 50', quantity: 1, unit_price: '50.00', merchant: SELF, category: 'virtual' },
    { id: 'N1', name: 'Notebook', quantity: 2, unit_price: '5.00', merchant: SELF, category: 'physical' },
  ],
};

async function createSession(base, cart = CART) {
  const created = await raw(base, 'POST', '/v1/sessions', { key: MERCHANT_KEY, body: { shopper_id: SHOPPER, cart } });
  assert.equal(created.status, 201, created.text);
  return { id: created.json.id, secret: created.json.client_secret };
}

// Counts the page's `message` listeners on window (the loader's own), as a leak detector.
function countMessageListeners() {
  if (window.top !== window) return;
  const live = new Set();
  const add = window.addEventListener;
  const remove = window.removeEventListener;
  window.addEventListener = function (type, fn, ...rest) {
    if (type === 'message') live.add(fn);
    return add.call(this, type, fn, ...rest);
  };
  window.removeEventListener = function (type, fn, ...rest) {
    if (type === 'message') live.delete(fn);
    return remove.call(this, type, fn, ...rest);
  };
  window.__messageListeners = () => live.size;
}

test('a widget mounted from script works on its own; destroy() during a poll stops it and leaves the page as it was', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    const session = await createSession(base);
    await page.evaluate(async ({ id, secret }) => {
      const el = document.createElement('div');
      el.id = 'second';
      document.querySelector('main').append(el);
      window.__secondEvents = [];
      for (const name of ['ready', 'change', 'succeeded', 'requires-action', 'failed']) {
        el.addEventListener(`balancecheckout:${name}`, () => window.__secondEvents.push(name));
      }
      window.__second = BalanceCheckout.mount(el, {
        sessionId: id, clientSecret: secret, locale: 'zh-CN', theme: { accent: '#0a66c2', radius: '4px' },
      });
      await window.__second.ready;
    }, session);

    const second = frameIn(page, '#second');
    const part = (name) => second.locator(SEL.summary(name));
    await part('total').waitFor();
    await expectAmount(part('total'), '60.00');
    await expectAmount(part('balance'), '10.00');
    await expectAmount(part('other'), '50.00');
    assert.equal(await second.locator(SEL.root).getAttribute('lang'), 'zh-CN');
    const frame = await widgetFrame(page, '#second');
    const accent = () => frame.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bc-accent').trim());
    assert.equal(await accent(), '#0a66c2', 'the theme reaches the frame');

    // Two widgets, each with its own state and its own events.
    const shopHostChanges = () => page.locator('#bc-events li[data-event="change"]').count();
    const firstChanges = await shopHostChanges();
    await second.locator(SEL.useBalance).click();
    await expectAmount(part('balance'), '0.00');
    await expectAmount(widget.summary(page, 'balance'), '61.00');
    await second.locator(SEL.useBalance).click();
    // Events cross two postMessage hops: wait for them rather than read at once.
    const secondChanges = () => page.evaluate(() => window.__secondEvents.filter((n) => n === 'change').length);
    await eventually(async () => (await secondChanges()) >= 3, { what: 'the second host heard its own changes' });
    assert.equal(await shopHostChanges(), firstChanges, 'the first host did not hear the second widget');

    await page.evaluate(() => window.__second.update({ locale: 'en', theme: { accent: '#116611' } }));
    await eventually(async () => (await second.locator(SEL.root).getAttribute('lang')) === 'en', { what: 'lang en' });
    await expectAmount(part('other'), '50.00', 'a new locale keeps the checkout');
    assert.equal(await accent(), '#116611');
    // An update with nothing in it is no adopting loader's hello: no second `ready`.
    await page.evaluate(() => window.__second.update({}));
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__secondEvents.filter((n) => n === 'ready').length), 1);

    // Pay with WeChat Pay: the widget then polls the intent until the method finishes.
    const polls = [];
    page.on('request', (r) => { if (r.method() === 'GET' && /\/v1\/intents\/pi_/.test(r.url())) polls.push(r.url()); });
    await second.locator(SEL.method('wechat_pay')).check();
    await second.locator(SEL.password).fill('123456');
    await clickInFrame(page, second.locator(SEL.pay)); // the frame reaches below the fold
    await second.locator(SEL.actionLink).waitFor();
    await eventually(async () => polls.length > 0, { what: 'the intent polled' });

    await page.evaluate(() => window.__second.destroy());
    const seen = polls.length;
    assert.equal(await page.evaluate(() => document.getElementById('second').childNodes.length), 0, 'the frame is gone');
    await page.waitForTimeout(5_000); // more than two poll intervals
    assert.equal(polls.length, seen, 'no poll after destroy()');

    // The auto-mounted widget is untouched and still answers the shopper.
    await widget.useBalance(page).click();
    await expectAmount(widget.summary(page, 'balance'), '0.00');
  });
});

test('mounting inside the merchant\'s own shadow root (a web component) works', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    const session = await createSession(base);
    await page.evaluate(async ({ id, secret }) => {
      const outer = document.createElement('div');
      outer.id = 'component';
      document.querySelector('main').append(outer);
      const shadow = outer.attachShadow({ mode: 'open' });
      const host = document.createElement('div');
      host.className = 'pay-here';
      shadow.append(host);
      window.__heard = [];
      document.addEventListener('balancecheckout:succeeded', (e) => window.__heard.push(e.detail.status));
      await BalanceCheckout.mount(host, { sessionId: id, clientSecret: secret, locale: 'en' }).ready;
    }, session);
    const inner = page.frameLocator('#component .pay-here iframe');
    await inner.locator(SEL.summary('total')).waitFor();
    await expectAmount(inner.locator(SEL.summary('total')), '60.00');
    // Interactive as widgetInteractive() has it: the total and the Pay button shown.
    await inner.locator(SEL.pay).waitFor();
    await inner.locator(SEL.method('wechat_pay')).check();
    await inner.locator(SEL.password).fill('123456');
    await clickInFrame(page, inner.locator(SEL.pay));
    await inner.locator(SEL.actionLink).waitFor();
  });
});

test('mount → destroy → mount at once on the same element (React StrictMode) leaves one working frame and no listener', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await page.addInitScript(countMessageListeners);
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    const baseline = await page.evaluate(() => window.__messageListeners());
    const session = await createSession(base);
    await page.evaluate(({ id, secret }) => {
      const el = document.createElement('div');
      el.id = 'strict';
      document.querySelector('main').append(el);
      const options = { sessionId: id, clientSecret: secret, locale: 'en' };
      const a = BalanceCheckout.mount(el, options);
      a.destroy();
      BalanceCheckout.mount(el, options); // the effect runs again
      const c = BalanceCheckout.mount(el, options); // and a re-render mounts once more
      window.__strict = c;
    }, session);
    const strict = frameIn(page, '#strict');
    await strict.locator(SEL.summary('total')).waitFor();
    assert.equal(await page.locator('#strict iframe').count(), 1, 'exactly one frame');
    assert.equal(await page.evaluate(() => window.__messageListeners()), baseline + 1, 'one listener for one widget');
    await strict.locator(SEL.method('wechat_pay')).check();
    await strict.locator(SEL.password).fill('123456');
    await clickInFrame(page, strict.locator(SEL.pay));
    await strict.locator(SEL.actionLink).waitFor();
    await page.evaluate(() => window.__strict.destroy());
    assert.equal(await page.evaluate(() => window.__messageListeners()), baseline, 'destroy() removes its listener');
  });
});

test('the frame is as tall as its content: a long cart expanded and collapsed', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    const lines = Array.from({ length: 30 }, (_, i) => ({
      id: `L${i + 1}`, name: `Item ${i + 1}`, quantity: 1, unit_price: '1.00', merchant: SELF, category: 'physical',
    }));
    const session = await createSession(base, { currency: 'CNY', lines });
    await page.evaluate(async ({ id, secret }) => {
      const el = document.createElement('div');
      el.id = 'long';
      document.querySelector('main').append(el);
      await BalanceCheckout.mount(el, { sessionId: id, clientSecret: secret, locale: 'en' }).ready;
    }, session);
    const long = frameIn(page, '#long');
    await long.locator(SEL.summary('total')).waitFor();
    // The server's first paint (its "Show all" disabled) has given way to the widget.
    await long.locator(SEL.firstPaint).waitFor({ state: 'detached' });
    const frame = await widgetFrame(page, '#long');
    const heights = async () => ({
      frame: await page.evaluate(() => document.querySelector('#long iframe').getBoundingClientRect().height),
      content: await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height)),
    });
    let last;
    const fits = async (what) => eventually(async () => {
      const h = await heights();
      last = h;
      return Math.abs(h.frame - h.content) <= 1 && h;
    }, { what }).catch((e) => { throw new Error(`${e.message} (last heights ${JSON.stringify(last)})`); });
    const collapsed = await fits('the frame fitting the collapsed list');
    // The frame sits below the fold, where Chromium pauses a cross-site frame's rendering:
    // the page scrolls it into view first, and a click right after a scroll can land on
    // the iframe element, not in the frame (clickInFrame).
    await page.locator('#long iframe').scrollIntoViewIfNeeded();
    await clickInFrame(page, long.locator(SEL.more));
    await long.locator(SEL.more).filter({ hasText: /fewer/i }).waitFor();
    const expanded = await fits('the frame fitting the expanded list');
    assert.ok(expanded.frame > collapsed.frame + 200, `taller when expanded (${collapsed.frame} → ${expanded.frame})`);
    await clickInFrame(page, long.locator(SEL.more));
    await long.locator(SEL.more).filter({ hasText: /all 30/i }).waitFor();
    const again = await fits('the frame fitting the collapsed list again');
    assert.ok(Math.abs(again.frame - collapsed.frame) <= 1, `back to ${collapsed.frame} (is ${again.frame})`);
  });
});

test('iframe-first: a frame written in the page\'s HTML is adopted by the loader, sized, and pays', async (t) => {
  await withCheckout(t, async ({ shop, page }) => {
    // The demo shop writes the frame into its HTML itself (docs/widget.md, iframe-first).
    await page.goto(`${shop}/?cart=mixed&locale=en&embed=iframe`);
    const host = '[data-balance-checkout]';
    const src = await page.locator(`${host} iframe`).getAttribute('src');
    assert.match(src, /\/frame\/cs_[^?#]+\?locale=en#client_secret=cs_secret_/, src);
    await widgetInteractive(page);
    await eventually(async () => (await page.evaluate(() => window.__bc.events.some((e) => e.name === 'ready'))),
      { what: 'the adopted frame said it is ready' });
    assert.equal(await page.locator(`${host} iframe`).count(), 1, 'the frame was adopted, not replaced');
    assert.equal(await page.locator(`${host} iframe`).getAttribute('src'), src, 'and not reloaded');
    const height = await page.locator(`${host} iframe`).evaluate((f) => f.getBoundingClientRect().height);
    const content = await (await widgetFrame(page)).evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
    assert.ok(Math.abs(height - content) <= 2, `the frame follows its content (${height} vs ${content})`);
    await fillCheckout(page, { method: 'wechat_pay' });
    await clickInFrame(page, widget.pay(page));
    await widget.actionLink(page).waitFor();
    await eventually(async () => (await page.evaluate(() => window.__bc.events.some((e) => e.name === 'requires-action'))),
      { what: 'requires-action relayed to the page' });
  });
});
