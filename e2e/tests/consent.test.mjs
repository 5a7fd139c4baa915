// Shopper consent in the demo (DESIGN.md *Shopper consent*, *Demo mode*): shopper_new
// links their wallet to the demo shop on the wallet's own page, in each locale, then pays
// from that wallet; the demo shopper's wallet is not touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { openShop, fillCheckout, widget } from '../lib/browser.mjs';
import { wallet, topUp, SEEDED_BALANCE } from '../lib/api.mjs';
import { signIn } from '../lib/wallet.mjs';

const NEW_SHOPPER = 'shopper_new';
const NEW_PASSWORD = '654321';
const NEW_LOGIN = 'Violet-Tractor-17';

for (const [locale, heading, approve] of [
  ['zh-CN', '关联钱包', '确认关联'],
  ['en', 'Link your wallet', 'Link wallet'],
]) {
  test(`a shopper links their wallet on the wallet's page (${locale}), then pays from it`, async (t) => {
    await withCheckout(t, async ({ base, shop, page }) => {
      await openShop(page, shop, { cart: 'basic', locale });
      await page.click('#link-wallet');
      await page.waitForURL((url) => url.href.startsWith(`${base}/wallet/link/lr_`));
      assert.equal(await page.locator('h1').textContent(), heading);
      assert.match(await page.locator('.asks').textContent(), /Demo Shop/, 'the shop by its name, not its id');
      await page.fill('#shopper_id', NEW_SHOPPER);
      await page.fill('#password', NEW_LOGIN);
      await page.getByRole('button', { name: approve }).click();
      await page.waitForURL((url) => url.href.startsWith(`${shop}/`) && url.searchParams.get('linked') === 'yes');

      // 50.00 seeded; 20.00 more so that the kettle's balance price (61.00) is unlocked.
      await topUp(base, '20.00', NEW_SHOPPER);
      await openShop(page, shop, { cart: 'basic', locale });
      assert.match(await page.locator('.account').textContent(), /linked wallet/);
      await fillCheckout(page, { password: NEW_PASSWORD });
      await widget.pay(page).click();
      await widget.succeeded(page).waitFor({ timeout: 20_000 });

      assert.equal((await wallet(base, NEW_SHOPPER)).balance, '9.00');
      assert.equal((await wallet(base)).balance, SEEDED_BALANCE, 'the demo shopper is untouched');
    });
  });
}

test('unlinking a shop in the wallet asks first, then the shop can no longer ask the wallet to pay (zh-CN)', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await signIn(page, base, { locale: 'zh-CN' });
    await page.goto(`${base}/wallet/security?locale=zh-CN`);
    const confirm = page.locator('details.confirm');
    await confirm.locator('summary').click();
    assert.match(await confirm.innerText(), /确定解除关联吗/);
    await confirm.locator('button.danger').click();
    await page.locator('p.notice[role="status"]').waitFor();
    assert.match(await page.locator('p.notice[role="status"]').innerText(), /已解除关联/);
    // The shop pays through the shopper's link: it shows why there is no checkout now.
    await page.goto(`${shop}/?cart=basic&locale=zh-CN`);
    await page.locator('#unlinked').waitFor();
    assert.equal(await page.locator('[data-balance-checkout]').count(), 0);
    const w = await wallet(base);
    assert.equal(w.balance, SEEDED_BALANCE);
  });
});
