// The shopper on the wallet's own pages (Playwright): sign in with the login password,
// read a one-time code from the sandbox inbox (where test wallets' codes go), and confirm
// it is them ("step-up") with it.
import { raw, SHOPPER, LOGIN } from './api.mjs';

/** The six digits of the newest message in the sandbox inbox (for `to`, when given). */
export async function newestCode(base, to) {
  const query = to ? `?to=${encodeURIComponent(to)}` : '';
  const inbox = await raw(base, 'GET', `/v1/sandbox/messages${query}`);
  return inbox.json.data[0].text.match(/\b\d{6}\b/)[0];
}

/** Signs in on the wallet pages and waits for the balance. */
export async function signIn(page, base, { account = SHOPPER, password = LOGIN, locale = 'en' } = {}) {
  await page.goto(`${base}/wallet/?locale=${locale}`);
  await page.locator('#shopper_id').fill(account);
  await page.locator('#password').fill(password);
  await page.locator('#password').press('Enter');
  await page.locator('[data-available]').waitFor();
}

/** On a page that asks for a step-up: confirms with a code sent to the wallet's contact. */
export async function stepUpWithCode(page, base) {
  await page.locator('[data-step-up-required] a.button').click();
  await page.locator('form[action="/wallet/step-up/code/send"] button').click();
  await page.locator('#code').fill(await newestCode(base));
  await page.locator('form[action="/wallet/step-up/code"] button').click();
}
