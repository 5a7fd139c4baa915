// A reload while the second method runs is no dead end (issue: "a shopper who reloads
// mid-payment is stranded"): the frame shows the waiting payment again, "continue" goes
// back to the sandbox's page and pays, "cancel this payment" releases the hold at once.
// Money is checked on the backend; screenshots at 360 px go to e2e/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { openShop, fillCheckout, widget, artifactPath } from '../lib/browser.mjs';
import { wallet, ledger, intent, SEEDED_BALANCE } from '../lib/api.mjs';

/** Pays the mixed cart with WeChat Pay, then reloads the same session's page. */
async function holdThenReload(page, base, shop, locale) {
  await page.setViewportSize({ width: 360, height: 780 });
  await openShop(page, shop, { cart: 'mixed', locale });
  await fillCheckout(page, { method: 'wechat_pay' });
  await widget.pay(page).click();
  await widget.actionLink(page).waitFor();
  const href = await widget.actionLink(page).getAttribute('href');
  const id = /\/(pi_[A-Za-z0-9]+)/.exec(href)?.[1];
  // The same session again, as a reload of a page that kept its session would load it.
  const session = (await page.locator('#bc-session').textContent()).trim();
  const secret = await page.locator('[data-balance-checkout]').getAttribute('data-client-secret');
  await page.reload();
  await page.evaluate(({ session, secret }) => {
    const host = document.querySelector('[data-balance-checkout]');
    window.BalanceCheckout.mount(host, { sessionId: session, clientSecret: secret, locale: host.dataset.locale });
  }, { session, secret });
  await widget.actionLink(page).waitFor({ timeout: 20_000 });
  const held = await wallet(base);
  assert.deepEqual([held.balance, held.held], ['14.50', '106.00']);
  return { id, href };
}

test('reloaded mid-payment: continue goes back to the sandbox and pays (en, 360 px)', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const { id } = await holdThenReload(page, base, shop, 'en');
    await page.screenshot({ path: artifactPath('resume-en-360.png') });
    // "Continue": the link the resumed frame shows, opened as its new tab would be.
    const href = await widget.actionLink(page).getAttribute('href', { timeout: 20_000 });
    assert.match(href, new RegExp(`/${id}\\?locale=en$`), 'continue goes to this payment\'s page, in the checkout\'s language');
    const tab = await page.context().newPage();
    try {
      await tab.goto(href, { timeout: 20_000 });
      await tab.locator('button.approve').click({ timeout: 20_000 });
      await tab.waitForLoadState('load', { timeout: 20_000 });
    } finally {
      await tab.close();
    }
    await widget.succeeded(page).waitFor({ timeout: 20_000 });
    assert.equal((await intent(base, id)).status, 'succeeded');
    const w = await wallet(base);
    assert.deepEqual([w.balance, w.held], ['14.50', '0.00']);
  });
});

test('reloaded mid-payment: cancel releases the hold at once (zh-CN, 360 px)', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const { id } = await holdThenReload(page, base, shop, 'zh-CN');
    const cancel = widget.cancel(page);
    assert.equal((await cancel.innerText()).trim(), '取消这笔支付');
    await page.screenshot({ path: artifactPath('resume-zh-360.png') });
    await cancel.click();
    await widget.pay(page).waitFor({ timeout: 20_000 });
    assert.equal((await intent(base, id)).status, 'canceled');
    const w = await wallet(base);
    assert.deepEqual([w.balance, w.held], [SEEDED_BALANCE, '0.00']);
    const entries = await ledger(base);
    assert.ok(entries.some((e) => e.kind === 'release' && e.reference === id), 'hold released');
    assert.ok(!entries.some((e) => e.kind === 'capture'), 'nothing captured');
  });
});
