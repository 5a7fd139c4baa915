// The loader's JavaScript API as a merchant uses it: BalanceCheckout.mount() beside the
// auto-mounted widget, update() and destroy(), in the demo shop under its strict CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { openShop, widget, amountOf, eventually } from '../lib/browser.mjs';
import { raw, MERCHANT_KEY, SHOPPER } from '../lib/api.mjs';

const SELF = { id: 'self', kind: 'self_operated' };
// ¥10.00 the balance may pay, ¥50.00 of virtual goods it may not.
const CART = {
  currency: 'CNY',
  lines: [
    { id: 'G1', name: 'Game card 50', quantity: 1, unit_price: '50.00', merchant: SELF, category: 'virtual' },
    { id: 'N1', name: 'Notebook', quantity: 2, unit_price: '5.00', merchant: SELF, category: 'physical' },
  ],
};

test('a widget mounted from script works on its own; destroy() stops it and leaves the page as it was', async (t) => {
  await withCheckout(t, async ({ base, page }) => {
    await openShop(page, base, { cart: 'basic', locale: 'en' });
    const created = await raw(base, 'POST', '/v1/sessions', {
      key: MERCHANT_KEY,
      body: { shopper_id: SHOPPER, cart: CART },
    });
    assert.equal(created.status, 201, created.text);
    await page.evaluate(async ({ id, secret }) => {
      const el = document.createElement('div');
      el.id = 'second';
      document.querySelector('main').append(el);
      window.__second = BalanceCheckout.mount(el, {
        endpoint: location.origin, sessionId: id, clientSecret: secret,
        locale: 'zh-CN', theme: { accent: '#0a66c2' },
      });
      await window.__second.ready;
    }, { id: created.json.id, secret: created.json.client_secret });

    const second = page.locator('#second');
    const part = (name) => second.locator(`.bc-summary__${name} dd`);
    await part('total').waitFor();
    assert.equal(await amountOf(part('total')), '60.00');
    assert.equal(await amountOf(part('balance')), '10.00');
    assert.equal(await amountOf(part('other')), '50.00');
    assert.equal(await second.locator('.bc').getAttribute('lang'), 'zh-CN');
    const accent = () => page.evaluate(() => document.getElementById('second').style.getPropertyValue('--bc-accent'));
    assert.equal(await accent(), '#0a66c2');

    // Each widget has its own state: switching the balance off in one leaves the other.
    await second.locator('input[role="switch"]').click();
    assert.equal(await amountOf(part('balance')), '0.00');
    assert.equal(await amountOf(widget.summary(page, 'balance')), '61.00');
    await second.locator('input[role="switch"]').click();

    await page.evaluate(() => window.__second.update({ locale: 'en' }));
    await eventually(async () => (await second.locator('.bc').getAttribute('lang')) === 'en', { what: 'lang en' });
    assert.equal(await amountOf(part('other')), '50.00', 'a new locale keeps the checkout');

    // Pay with WeChat Pay: the widget then polls the intent until the method finishes.
    const polls = [];
    page.on('request', (r) => { if (r.method() === 'GET' && /\/v1\/intents\/pi_/.test(r.url())) polls.push(r.url()); });
    await second.locator('input[type="radio"][value="wechat_pay"]').check();
    await second.locator('input[type="password"]').fill('123456');
    await second.locator('button.bc-pay').click();
    await second.locator('.bc-outcome a[href]').waitFor();
    await eventually(async () => polls.length > 0, { what: 'the intent polled' });

    await page.evaluate(() => window.__second.destroy());
    const seen = polls.length;
    assert.equal(await page.evaluate(() => document.getElementById('second').shadowRoot.childNodes.length), 0);
    assert.equal(await accent(), '', 'the theme properties are removed');
    await page.waitForTimeout(5_000); // more than two poll intervals
    assert.equal(polls.length, seen, 'no poll after destroy()');

    // The auto-mounted widget is untouched and still answers the shopper.
    await widget.useBalance(page).click();
    assert.equal(await amountOf(widget.summary(page, 'balance')), '0.00');
  });
});
