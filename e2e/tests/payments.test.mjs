// Paying: balance only, balance + a second method approved or declined in the sandbox,
// a cap, the merchant's events. Every money assertion is made against the backend's
// wallet and ledger (admin API), not the widget's rendering alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { openShop, fillCheckout, widget, expectAmount, events, eventually } from '../lib/browser.mjs';
import { wallet, ledger, chargedIntents, intent, SEEDED_BALANCE } from '../lib/api.mjs';

test('pays fully with balance (balance prices unlocked)', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    // basic cart: kettle 59.90 (55.00 with balance) + shipping 6.00; 120.50 >= 61.00.
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    await expectAmount(widget.summary(page, 'total'), '61.00');
    await expectAmount(widget.summary(page, 'balance'), '61.00');
    await expectAmount(widget.summary(page, 'other'), '0.00');
    await expectAmount(widget.summary(page, 'savings'), '4.90');
    await fillCheckout(page);
    await widget.pay(page).click();
    await widget.succeeded(page).waitFor();

    const w = await wallet(base);
    assert.deepEqual([w.balance, w.held], ['59.50', '0.00']);
    const entries = await ledger(base);
    assert.equal(chargedIntents(entries).length, 1, 'exactly one charge');
  });
});

test('merchant page receives balancecheckout:succeeded with the intent', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    await fillCheckout(page);
    await widget.pay(page).click();
    const [ev] = await eventually(async () => {
      const seen = await events(page, 'succeeded');
      return seen.length > 0 && seen;
    }, { what: 'balancecheckout:succeeded' });
    const d = ev.detail;
    assert.match(d.id, /^pi_/);
    assert.equal(d.status, 'succeeded');
    assert.equal(d.total, '61.00');
    assert.equal(d.balance_amount, '61.00');
    assert.equal(d.other_amount, '0.00');
    const backend = await intent(base, d.id);
    assert.equal(backend.status, 'succeeded');
    assert.equal(backend.total, '61.00');
    // The shop's own listener (a file under the strict CSP) saw it too.
    await page.locator('#bc-events li[data-event="succeeded"]').waitFor();
    assert.ok((await events(page, 'ready')).length >= 1, 'balancecheckout:ready was dispatched');
  });
});

async function payMixedWithWeChat(page, base, shop) {
  // mixed cart: balance prices apply (106.00 from balance), 119.90 remains.
  await openShop(page, shop, { cart: 'mixed', locale: 'en' });
  await expectAmount(widget.summary(page, 'balance'), '106.00');
  await expectAmount(widget.summary(page, 'other'), '119.90');
  await fillCheckout(page, { method: 'wechat_pay' });
  await widget.pay(page).click();
  await widget.actionLink(page).waitFor();
  const href = await widget.actionLink(page).getAttribute('href');
  const id = /\/(pi_[A-Za-z0-9]+)/.exec(href)?.[1];
  assert.ok(id, `next_action url names the intent: ${href}`);
  // The hold is on the backend before the second method is finished.
  const held = await wallet(base);
  assert.deepEqual([held.balance, held.held], ['14.50', '106.00']);
  return { href, id };
}

async function actInSandbox(page, href, button) {
  // The shopper follows the widget's link (new tab) and decides on the sandbox page.
  const [popup] = await Promise.all([page.context().waitForEvent('page'), widget.actionLink(page).click()]);
  await popup.waitForLoadState();
  assert.ok(popup.url().startsWith(href) || href.endsWith(new URL(popup.url()).pathname), `opened ${popup.url()}`);
  await popup.locator(`button.${button}`).click();
  await popup.waitForLoadState();
  await popup.close();
}

test('balance + WeChat Pay, approved in the sandbox: hold captured', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const { href, id } = await payMixedWithWeChat(page, base, shop);
    await actInSandbox(page, href, 'approve');
    await widget.succeeded(page).waitFor({ timeout: 20_000 });
    assert.equal((await intent(base, id)).status, 'succeeded');
    const w = await wallet(base);
    assert.deepEqual([w.balance, w.held], ['14.50', '0.00']);
    const entries = await ledger(base);
    assert.deepEqual(chargedIntents(entries), [id]);
    assert.ok(entries.some((e) => e.kind === 'capture' && e.reference === id), 'hold captured');
    assert.ok(!entries.some((e) => e.kind === 'release'), 'nothing released');
  });
});

test('balance + WeChat Pay, declined in the sandbox: hold released, balance unchanged', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const { href, id } = await payMixedWithWeChat(page, base, shop);
    await actInSandbox(page, href, 'decline');
    await eventually(async () => (await intent(base, id)).status === 'canceled', { what: 'intent canceled' });
    const w = await wallet(base);
    assert.deepEqual([w.balance, w.held], [SEEDED_BALANCE, '0.00']);
    const entries = await ledger(base);
    assert.ok(entries.some((e) => e.kind === 'release' && e.reference === id), 'hold released');
    assert.ok(!entries.some((e) => e.kind === 'capture'), 'nothing captured');
    // The widget notices (it polls) and lets the shopper try again.
    await widget.pay(page).waitFor({ timeout: 20_000 });
    await eventually(async () => (await events(page, 'failed')).length > 0 || (await widget.error(page).count()) > 0,
      { what: 'the widget reporting the declined payment' });
  });
});

test('a cap set by the shopper is respected', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await openShop(page, shop, { cart: 'mixed', locale: 'en' });
    await widget.cap(page).fill('50');
    // 50 < 106.00 at balance prices: standard prices, 50.00 from balance.
    await expectAmount(widget.summary(page, 'balance'), '50.00');
    await expectAmount(widget.summary(page, 'total'), '230.80');
    await expectAmount(widget.summary(page, 'other'), '180.80');
    await fillCheckout(page, { method: 'wechat_pay' });
    await widget.pay(page).click();
    await widget.actionLink(page).waitFor();
    const href = await widget.actionLink(page).getAttribute('href');
    await actInSandbox(page, href, 'approve');
    await widget.succeeded(page).waitFor({ timeout: 20_000 });
    const w = await wallet(base);
    assert.deepEqual([w.balance, w.held], ['70.50', '0.00']);
    const charge = (await ledger(base)).find((e) => e.kind === 'hold' && e.account === 'available');
    assert.equal(charge.amount, '50.00');
  });
});
