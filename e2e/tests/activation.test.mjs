// A wallet the operator made without passwords, activated by its shopper on a phone
// (360 px), in both locales: the activation link's page refuses a guessable login password
// in the page's language, sets both passwords, works once, and the shopper then signs in
// with the login password (never the payment password) and sees the TEST banner of a test
// wallet. axe-core audits each page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { audit } from '../lib/audit.mjs';
import { raw, ADMIN_KEY } from '../lib/api.mjs';

const LOGIN = 'Juniper-Lantern-Orbit-7';
const PIN = '402719';

for (const [locale, weak, banner] of [
  ['zh-CN', '登录密码太容易被猜到', '测试钱包'],
  ['en', 'Password: is too easy to guess', 'TEST wallet'],
]) {
  test(`a shopper activates a wallet the operator made (${locale}) and signs in with the password`, async (t) => {
    await withCheckout(t, async ({ base, page }) => {
      await page.setViewportSize({ width: 360, height: 740 });
      const id = `activated_${locale.slice(0, 2)}`;
      const made = await raw(base, 'POST', '/v1/wallets', { key: ADMIN_KEY, body: { shopper_id: id, currency: 'CNY' } });
      assert.equal(made.status, 201, made.text);
      const url = made.json.activation.url.replace(/^https?:\/\/[^/]+/, base);
      const found = [];

      await page.goto(`${url}&locale=${locale}`);
      assert.equal(await page.locator('html').getAttribute('lang'), locale);
      found.push(...await audit(page, `${locale} activation:`));
      const fill = async (login, pin) => {
        await page.fill('#login_password', login);
        await page.fill('#login_confirm', login);
        await page.fill('#password', pin);
        await page.fill('#confirm', pin);
        await page.locator('form button.primary').click();
      };
      await fill('iloveyou', PIN);
      assert.match(await page.locator('[role="alert"]').innerText(), new RegExp(weak));
      await fill(LOGIN, PIN);
      await page.locator('.notice').waitFor();
      found.push(...await audit(page, `${locale} activated:`));

      // The link works once.
      await page.goto(`${url}&locale=${locale}`);
      await page.locator('[role="alert"]').waitFor();
      assert.equal(await page.locator('#login_password').count(), 0);

      // The payment password signs in nowhere; the login password does.
      await page.goto(`${base}/wallet/?locale=${locale}`);
      // The field asks for 8 characters; let the six digits through to hear the server.
      await page.$eval('form[action="/wallet/sign-in"]', (f) => f.setAttribute('novalidate', ''));
      await page.fill('#shopper_id', id);
      await page.fill('#password', PIN);
      await page.locator('form button.primary').click();
      await page.locator('[role="alert"]:not(#bc-passkey-status)').waitFor();
      await page.fill('#password', LOGIN);
      await page.locator('form button.primary').click();
      await page.locator('[data-available]').waitFor();
      assert.match(await page.locator('.test-mode').innerText(), new RegExp(banner));
      found.push(...await audit(page, `${locale} balance:`));
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 360, `nothing wider than the phone (${wide}px)`);
      assert.deepEqual(found, [], found.join('\n'));
    });
  });
}
