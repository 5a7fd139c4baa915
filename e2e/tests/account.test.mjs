// The shopper's account end to end (DESIGN.md *The shopper's account*), on a phone
// (360 px), in both locales: sign up with a phone number and the code from the sandbox
// inbox, confirm it is them with a new code and add a passkey (Chromium's virtual
// authenticator), sign out, sign in again with the passkey alone, link the wallet to the
// demo shop on the consent page with the passkey — no password typed — and pay there with
// the payment password. In zh-CN the browser offers the passkey in the account field's
// autofill (conditional mediation; the virtual authenticator, which asks no one, takes it
// at once); in en the browser has no conditional mediation and the shopper taps "Sign in
// with a passkey". axe-core audits the sign-up and sign-in pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { audit } from '../lib/audit.mjs';
import { openShop, fillCheckout, widget } from '../lib/browser.mjs';
import { wallet, topUp } from '../lib/api.mjs';
import { newestCode, stepUpWithCode, virtualAuthenticator, addPasskey } from '../lib/wallet.mjs';

const LOGIN = 'Quartz-Meadow-Falcon-3';
const PIN = '402719';

for (const [locale, phone, created, conditional] of [
  ['zh-CN', '+8613900000001', '钱包已开通', true],
  ['en', '+8613900000002', 'Your wallet is ready', false],
]) {
  test(`sign up (${locale}), add a passkey, sign in and link a shop with it, pay with the PIN`, async (t) => {
    await withCheckout(t, async ({ base, shop, page }) => {
      await page.setViewportSize({ width: 360, height: 740 });
      if (!conditional) {
        await page.addInitScript(() => { delete PublicKeyCredential.isConditionalMediationAvailable; });
      }
      const authenticator = await virtualAuthenticator(page);
      const found = [];

      await page.goto(`${base}/wallet/?locale=${locale}`);
      await page.locator('a[href="/wallet/sign-up"]').click();
      found.push(...await audit(page, `${locale} sign-up:`));
      await page.fill('#contact', phone);
      await page.locator('form[action="/wallet/sign-up"] button').click();
      await page.fill('#code', await newestCode(base, phone));
      await page.fill('#login_password', LOGIN);
      await page.fill('#login_confirm', LOGIN);
      await page.fill('#password', PIN);
      await page.fill('#confirm', PIN);
      await page.locator('form[action="/wallet/sign-up/complete"] button').click();
      assert.match(await page.locator('.notice').innerText(), new RegExp(created));
      const id = (await page.locator('[data-wallet-id]').innerText()).trim();
      assert.match(id, /^w_/);

      await page.goto(`${base}/wallet/security`);
      await stepUpWithCode(page, base);
      await addPasskey(page, 'Phone');
      assert.equal((await authenticator.credentials()).length, 1, 'the device holds the passkey');
      const [held] = await authenticator.credentials();
      assert.equal(held.isResidentCredential, true, 'a discoverable credential');

      await page.locator('form[action="/wallet/sign-out"] button').click();
      if (!conditional) {
        await page.locator('#bc-passkey-continue').waitFor();
        found.push(...await audit(page, `${locale} sign-in:`));
        await page.locator('#bc-passkey-continue').click();
      }
      await page.locator('[data-available]').waitFor();

      // Link the wallet to the shop with the passkey on the consent page.
      await openShop(page, shop, { cart: 'basic', locale });
      await page.click('#link-wallet');
      await page.waitForURL((url) => url.href.startsWith(`${base}/wallet/link/lr_`));
      if (!conditional) await page.locator('#bc-passkey-continue').click();
      await page.waitForURL((url) => url.href.startsWith(`${shop}/`) && url.searchParams.get('linked') === 'yes');

      await topUp(base, '100.00', id);
      await openShop(page, shop, { cart: 'basic', locale });
      await fillCheckout(page, { password: PIN });
      await widget.pay(page).click();
      await widget.succeeded(page).waitFor({ timeout: 20_000 });
      assert.equal((await wallet(base, id)).balance, '39.00');
      assert.deepEqual(found, [], found.join('\n'));
    });
  });
}
