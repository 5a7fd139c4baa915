// The merchant's server learns the outcome from the wallet's signed webhook, not from the
// browser: after paying on the demo shop, the shop's order page (rendered by its server)
// turns to "paid — confirmed by the wallet" once the webhook arrived, and the widget's
// success event alone never marked it paid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { openShop, fillCheckout, widget, events, eventually } from '../lib/browser.mjs';

const PAID_EN = 'paid — confirmed by the wallet';
const PAID_ZH = '已支付 — 钱包已确认';

test('paying on the demo shop turns its order page to paid from the webhook', async (t) => {
  await withCheckout(t, async ({ shop, page, browser }) => {
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    const orderHref = await page.locator('#order-link').getAttribute('href');
    assert.match(orderHref, /^\/orders\/cs_/);
    const orderUrl = new URL(orderHref, shop).toString();

    // Before paying, the shop's server knows of no payment.
    const orders = await browser.context.newPage();
    await orders.goto(orderUrl);
    assert.match(await orders.locator('#order-status').textContent(), /not paid yet/);

    await fillCheckout(page);
    await widget.pay(page).click();
    await widget.succeeded(page).waitFor();
    assert.equal((await events(page, 'succeeded')).length, 1, 'the page saw the widget succeed');

    // The order page reloads itself until the shop's server has the verified webhook.
    await eventually(async () => {
      await orders.goto(orderUrl);
      return (await orders.locator('#order-status').getAttribute('data-paid')) === 'true';
    }, { timeout: 30_000, what: 'the order page to show the webhook' });
    assert.equal((await orders.locator('#order-status').textContent()).trim(), PAID_EN);
    await orders.goto(orderUrl.replace('locale=en', 'locale=zh-CN'));
    assert.equal((await orders.locator('#order-status').textContent()).trim(), PAID_ZH);
  });
});
