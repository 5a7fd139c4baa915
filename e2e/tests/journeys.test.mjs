// Journeys a shopper cannot get stuck in, at 360 px in both languages, with screenshots
// in e2e/artifacts/: a locked wallet says until when in the shopper's own time and still
// lets them pay another way without a password, and a paid order ends on a receipt.
// Money is checked on the backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { openShop, fillCheckout, widget, frameIn, eventually, artifactPath, clickInFrame } from '../lib/browser.mjs';
import { wallet, intent, sandbox, SEEDED_BALANCE } from '../lib/api.mjs';

for (const [locale, lockedWords, receiptWords] of [
  ['zh-CN', /锁定至/, /交易单号/],
  ['en', /locked until/, /Transaction no\./],
]) {
  test(`locked, the shopper still pays another way without a password, and gets a receipt (${locale}, 360 px)`, async (t) => {
    await withCheckout(t, async ({ base, shop, page }) => {
      await page.setViewportSize({ width: 360, height: 780 });
      await openShop(page, shop, { cart: 'basic', locale });
      for (let i = 0; i < 5; i += 1) {
        await fillCheckout(page, { password: '000000' });
        await widget.pay(page).click();
        await widget.error(page).first().waitFor();
        await eventually(async () => (await widget.password(page).inputValue()) === '', { what: 'the field cleared' });
      }
      const said = await eventually(async () => {
        const text = await widget.error(page).first().innerText();
        return lockedWords.test(text) && text;
      }, { what: 'the lock' });
      assert.doesNotMatch(said, /\d{4}-\d{2}-\d{2}T/, `a time a shopper reads, not ISO: ${said}`);
      await frameIn(page).locator('a.bc-forgot').waitFor();
      await page.screenshot({ path: artifactPath(`locked-${locale}-360.png`) });

      // The balance off: nothing from the balance, so no password, and the lock does not block.
      await widget.useBalance(page).click();
      assert.equal(await widget.password(page).count(), 0);
      await widget.method(page, 'wechat_pay').check();
      // At 360 px the form grew past the fold: a click right after the scroll can land on
      // the iframe element, not in the frame (clickInFrame).
      await clickInFrame(page, widget.pay(page));
      await widget.actionLink(page).waitFor();
      const href = await widget.actionLink(page).getAttribute('href');
      const id = /\/(pi_[A-Za-z0-9]+)/.exec(href)[1];
      await sandbox(base, id, 'approve');
      await widget.succeeded(page).waitFor({ timeout: 20_000 });
      assert.equal((await intent(base, id)).status, 'succeeded');
      const w = await wallet(base);
      assert.deepEqual([w.balance, w.held], [SEEDED_BALANCE, '0.00'], 'the balance untouched');

      const receipt = await frameIn(page).locator('.bc-receipt').innerText();
      assert.match(receipt, receiptWords);
      assert.match(receipt, new RegExp(id));
      await frameIn(page).locator('.bc-done').waitFor();
      await page.screenshot({ path: artifactPath(`receipt-${locale}-360.png`) });
    });
  });
}

test('the wallet speaks Chinese when something goes wrong (zh-CN, 360 px)', async (t) => {
  await withCheckout(t, async ({ base, page }) => {
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(`${base}/wallet/?locale=zh-CN`);
    await page.locator('#shopper_id').fill('shopper_demo');
    await page.locator('#password').fill('Not-The-Password-1');
    await page.locator('#password').press('Enter');
    const alert = page.locator('[role="alert"]').first();
    await alert.waitFor();
    const said = await alert.innerText();
    assert.match(said, /[\u4e00-\u9fff]/, `Chinese: ${said}`);
    assert.doesNotMatch(said, /[A-Za-z]{4,}/, `no English sentence: ${said}`);
    await page.screenshot({ path: artifactPath('wallet-error-zh-CN-360.png') });
  });
});
