// A forgotten payment password on a phone (360 px), in both locales: the demo shopper,
// signed in, asks for a code, reads it in the sandbox inbox (where test wallets' codes go),
// sets a new payment password typed twice, and pays at the checkout with it; the old one
// is refused. axe-core audits the reset page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { audit } from '../lib/audit.mjs';
import { openShop, fillCheckout, widget } from '../lib/browser.mjs';
import { raw, SHOPPER, LOGIN } from '../lib/api.mjs';

const CONTACT = '+8613800000000';
const NEW_PIN = '864213';

for (const [locale, sent, done] of [
  ['zh-CN', '验证码已发送至', '支付密码已重设'],
  ['en', 'We sent a code to', 'Your payment password was reset'],
]) {
  test(`a shopper resets a forgotten payment password with a code (${locale}) and pays with the new one`, async (t) => {
    await withCheckout(t, async ({ base, shop, page }) => {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(`${base}/wallet/?locale=${locale}`);
      await page.fill('#shopper_id', SHOPPER);
      await page.fill('#password', LOGIN);
      await page.locator('form button.primary').click();
      await page.locator('[data-available]').waitFor();

      await page.goto(`${base}/wallet/security`);
      await page.locator('form[action="/wallet/security/reset/send"] button').click();
      assert.match(await page.locator('.notice').innerText(), new RegExp(`${sent} \\+86•+0000`));
      const inbox = await raw(base, 'GET', `/v1/sandbox/messages?to=${encodeURIComponent(CONTACT)}`);
      const code = inbox.json.data[0].text.match(/\b\d{6}\b/)[0];
      const found = await audit(page, `${locale} reset:`);
      await page.fill('#code', code);
      await page.fill('#new', NEW_PIN);
      await page.fill('#confirm', NEW_PIN);
      await page.locator('form[action="/wallet/security/reset"] button').click();
      assert.match(await page.locator('.notice').innerText(), new RegExp(done));
      assert.deepEqual(found, [], found.join('\n'));

      // The checkout takes the new payment password, not the old one.
      await openShop(page, shop, { cart: 'basic', locale });
      await fillCheckout(page, { password: '123456' });
      await widget.pay(page).click();
      await widget.error(page).waitFor();
      await fillCheckout(page, { password: NEW_PIN });
      await widget.pay(page).click();
      await widget.succeeded(page).waitFor({ timeout: 20_000 });
    });
  });
}
