// Pay with fingerprint (DESIGN.md *Passkeys*) in Chromium with a virtual authenticator
// (the DevTools protocol's WebAuthn domain: a platform authenticator, internal
// transport, user verification on). The shopper adds a passkey on the wallet's security
// page, then pays on the demo shop, a second site, through the frame with it; the
// ledger agrees. With user verification failing, nothing is paid and the password,
// right below, still pays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { openShop, fillCheckout, widget, frameIn } from '../lib/browser.mjs';
import { wallet, ledger, SEEDED_BALANCE } from '../lib/api.mjs';
import { signIn, stepUpWithCode, virtualAuthenticator, addPasskey } from '../lib/wallet.mjs';
import { SEL } from '../selectors.mjs';

/**
 * Signs in on the wallet, confirms it is the shopper with a code (a passkey is added only
 * after a step-up), and adds a passkey named `name` on the security page.
 */
async function enrol(page, base, name) {
  await signIn(page, base);
  await page.goto(`${base}/wallet/security`);
  await stepUpWithCode(page, base);
  await addPasskey(page, name);
  assert.match(await page.locator('p.notice').innerText(), /Passkey added/);
  assert.match(await page.locator('ul.passkeys').innerText(), new RegExp(name));
}

const passkeyButton = (page) => frameIn(page).locator(SEL.passkey);

test('a passkey added on the wallet page pays on the shop through the frame; the ledger agrees', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const authenticator = await virtualAuthenticator(page);
    await enrol(page, base, 'Test phone');
    assert.equal((await authenticator.credentials()).length, 1, 'the device holds one passkey');

    // basic: 61.00 at the balance price, all from balance.
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    const button = passkeyButton(page);
    await button.waitFor();
    assert.equal(await button.innerText(), 'Pay ¥61.00 with fingerprint');
    await button.click();
    await widget.succeeded(page).waitFor();

    const w = await wallet(base);
    assert.deepEqual([w.balance, w.held], ['59.50', '0.00']);
    const payments = (await ledger(base)).filter((e) => e.kind === 'payment');
    assert.deepEqual(payments.map((e) => e.amount), ['61.00'], 'paid once');
  });
});

test('when the fingerprint fails, nothing is paid and the password still pays', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const authenticator = await virtualAuthenticator(page);
    await enrol(page, base, 'Test phone');
    await authenticator.verifies(false);

    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    await passkeyButton(page).click();
    const error = widget.error(page);
    await error.waitFor();
    assert.match(await error.innerText(), /Fingerprint not confirmed|didn't confirm/);
    assert.equal((await wallet(base)).balance, SEEDED_BALANCE, 'nothing moved');

    await fillCheckout(page);
    await widget.pay(page).click();
    await widget.succeeded(page).waitFor();
    assert.equal((await wallet(base)).balance, '59.50', 'the password paid');
  });
});

test("the merchant's page cannot run a ceremony with the wallet's passkeys", async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await virtualAuthenticator(page);
    await enrol(page, base, 'Test phone');
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    // A script on the shop (its own, an XSS, a tag manager) asks the device for the
    // wallet's passkey directly: the browser refuses, the relying party is another site.
    const outcome = await page.evaluate(async (rpId) => {
      try {
        await navigator.credentials.get({
          publicKey: { challenge: crypto.getRandomValues(new Uint8Array(32)), rpId, userVerification: 'required', timeout: 5000 },
        });
        return 'asserted';
      } catch (e) {
        return e.name;
      }
    }, new URL(base).hostname);
    assert.equal(outcome, 'SecurityError');
    assert.equal((await wallet(base)).balance, SEEDED_BALANCE, 'nothing moved');
  });
});
