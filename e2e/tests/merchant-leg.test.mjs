// The rest collected by the shop itself (DESIGN.md *The second leg*, `merchant`): the
// frame says "Pay the remaining … on the next step", the page receives requires-action
// with merchant_collect, shows its own card form, its server captures the wallet's hold,
// the webhook confirms the order and the ledger agrees. Money is checked on the backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { openShop, fillCheckout, widget, expectAmount, events, eventually } from '../lib/browser.mjs';
import { wallet, ledger, chargedIntents, intent, SEEDED_BALANCE } from '../lib/api.mjs';

/** Pays the mixed cart's balance part; the rest (119.90) is for the shop to collect. */
async function holdForTheShop(page, base, shop) {
  await openShop(page, shop, { cart: 'mixed', locale: 'en', rest: 'shop' });
  await expectAmount(widget.summary(page, 'balance'), '106.00');
  await expectAmount(widget.summary(page, 'other'), '119.90');
  assert.match(await widget.merchantLeg(page).innerText(), /Pay the remaining ¥119\.90 on the next step/);
  assert.equal(await widget.method(page, 'wechat_pay').count(), 0, 'no method list');
  await fillCheckout(page);
  await widget.pay(page).click();
  const [ev] = await eventually(async () => {
    const seen = await events(page, 'requires-action');
    return seen.length > 0 && seen;
  }, { what: 'balancecheckout:requires-action' });
  assert.equal(ev.detail.other_method, 'merchant');
  assert.equal(ev.detail.next_action.type, 'merchant_collect');
  assert.equal(ev.detail.next_action.amount, '119.90');
  const held = await wallet(base);
  assert.deepEqual([held.balance, held.held], ['14.50', '106.00']);
  await page.locator('#collect').waitFor();
  assert.equal(await page.locator('#collect-amount').textContent(), '119.90');
  return ev.detail.id;
}

test('the shop collects the rest on its own page and captures: the webhook confirms, the ledger agrees', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const id = await holdForTheShop(page, base, shop);
    await page.locator('#collect-pay').click();
    await page.locator('#collect-result[data-outcome="paid"]').waitFor({ timeout: 20_000 });
    // The frame polls the intent and shows the payment complete.
    await widget.succeeded(page).waitFor({ timeout: 20_000 });
    const paid = await intent(base, id);
    assert.equal(paid.status, 'succeeded');
    assert.equal(paid.second_leg.provider, 'card');
    assert.equal(paid.second_leg.amount, '119.90');
    const w = await wallet(base);
    assert.deepEqual([w.balance, w.held], ['14.50', '0.00']);
    const entries = await ledger(base);
    assert.deepEqual(chargedIntents(entries), [id]);
    assert.ok(entries.some((e) => e.kind === 'capture' && e.reference === id), 'hold captured');
    // The shop's server learned it from the wallet's webhook, not from the browser.
    const session = (await page.locator('#bc-session').textContent()).trim();
    const orders = await page.context().newPage();
    await eventually(async () => {
      await orders.goto(`${shop}/orders/${session}?locale=en`);
      return /paid — confirmed by the wallet/.test(await orders.locator('#order-status').textContent());
    }, { what: 'the order confirmed by the webhook', timeout: 20_000 });
  });
});

test('a card the shop declines cancels the intent: the hold goes back, nothing is charged', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const id = await holdForTheShop(page, base, shop);
    await page.locator('#collect-card').fill('4000 0000 0000 0002');
    await page.locator('#collect-pay').click();
    await page.locator('#collect-result[data-outcome="card_declined"]').waitFor({ timeout: 20_000 });
    assert.equal((await intent(base, id)).status, 'canceled');
    const w = await wallet(base);
    assert.deepEqual([w.balance, w.held], [SEEDED_BALANCE, '0.00']);
    const entries = await ledger(base);
    assert.ok(entries.some((e) => e.kind === 'release' && e.reference === id), 'hold released');
    assert.ok(!entries.some((e) => e.kind === 'capture'), 'nothing captured');
    // The frame notices (it polls) and lets the shopper pay again.
    await widget.pay(page).waitFor({ timeout: 20_000 });
  });
});
