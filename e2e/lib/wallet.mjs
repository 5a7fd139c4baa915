// The shopper on the wallet's own pages (Playwright): sign in with the login password,
// read a one-time code from the sandbox inbox (where test wallets' codes go), confirm it
// is them ("step-up") with it, and add a passkey held by Chromium's virtual authenticator
// (the DevTools protocol's WebAuthn domain: a platform authenticator with discoverable
// credentials and user verification, as a phone has).
import { raw, SHOPPER, LOGIN } from './api.mjs';

/** The messages in the sandbox inbox (for `to`, when given), newest first. */
async function inbox(base, to) {
  const query = to ? `?to=${encodeURIComponent(to)}` : '';
  return (await raw(base, 'GET', `/v1/sandbox/messages${query}`)).json.data;
}

const codeOf = (message) => message.text.match(/\b\d{6}\b/)[0];

/** The six digits of the newest message in the sandbox inbox (for `to`, when given). */
export async function newestCode(base, to) {
  return codeOf((await inbox(base, to))[0]);
}

/**
 * The code of the message `send` makes arrive: the inbox's times are in seconds, so the
 * newest of two codes sent within one second is the one not there before.
 */
export async function codeSentBy(base, send) {
  const before = new Set((await inbox(base)).map((m) => m.id));
  await send();
  for (let i = 0; i < 50; i++) {
    const fresh = (await inbox(base)).find((m) => !before.has(m.id));
    if (fresh) return codeOf(fresh);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no new message in the sandbox inbox');
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
  const code = await codeSentBy(base, () =>
    page.locator('form[action="/wallet/step-up/code/send"] button').click());
  await page.locator('#code').fill(code);
  await page.locator('form[action="/wallet/step-up/code"] button').click();
}

/** A virtual platform authenticator on `page` (Chromium only). */
export async function virtualAuthenticator(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
    verifies: (on) => cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: on }),
  };
}

/** On the security page, stepped up: adds a passkey named `name` and waits for the notice. */
export async function addPasskey(page, name) {
  await page.locator('[data-stepped-up]').waitFor();
  await page.locator('#pk-name').fill(name);
  await page.locator('#pk-name').press('Enter');
  // The page without a password field, where the script asks the device.
  await page.locator('#bc-passkey-continue').click();
  await page.locator('p.notice').waitFor();
}
