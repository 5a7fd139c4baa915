// What shoppers and networks do: double clicks, a cut connection in the middle of Pay,
// wrong passwords. The backend's ledger must show exactly one charge (or none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { openShop, fillCheckout, widget, eventually } from '../lib/browser.mjs';
import { wallet, ledger, chargedIntents, SEEDED_BALANCE } from '../lib/api.mjs';

const INTENTS = '**/v1/sessions/*/intents';

async function assertOneCharge(base, balanceAfter) {
  const entries = await ledger(base);
  assert.equal(chargedIntents(entries).length, 1, `exactly one charge, ledger: ${JSON.stringify(entries)}`);
  const w = await wallet(base);
  assert.deepEqual([w.balance, w.held], [balanceAfter, '0.00']);
}

test('double click on Pay charges once', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const posts = [];
    page.on('request', (r) => { if (r.method() === 'POST' && /\/intents$/.test(r.url())) posts.push(r); });
    await openShop(page, shop, { cart: 'basic' });
    await fillCheckout(page);
    await widget.pay(page).dblclick();
    await widget.succeeded(page).waitFor();
    assert.equal(posts.length, 1, 'one intents POST for a double click');
    await assertOneCharge(base, '59.50');
  });
});

test('connection cut after the intent reached the server, then retry: one charge', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const sent = [];
    let cut = false;
    await page.route(INTENTS, async (route) => {
      const req = route.request();
      sent.push({ key: req.headers()['idempotency-key'], body: req.postData() });
      if (!cut) {
        cut = true;
        await route.fetch(); // the server executes the payment ...
        await route.abort('connectionreset'); // ... and the answer never arrives
        return;
      }
      await route.continue();
    });
    await openShop(page, shop, { cart: 'basic' });
    await fillCheckout(page);
    await widget.pay(page).click();
    // The widget reports the failure and offers to try again (Pay or a retry button).
    await eventually(async () => (await widget.error(page).count()) > 0 || (await widget.succeeded(page).count()) > 0,
      { what: 'an error after the cut' });
    if ((await widget.succeeded(page).count()) === 0) {
      const retry = widget.retry(page);
      if (await retry.count()) await retry.first().click();
      else {
        if ((await widget.password(page).inputValue()) === '') await widget.password(page).fill('123456');
        await widget.pay(page).click();
      }
      await widget.succeeded(page).waitFor({ timeout: 20_000 });
    }
    assert.ok(sent.length >= 2, 'the widget retried');
    assert.equal(sent[1].key, sent[0].key, 'the retry reuses the Idempotency-Key');
    await assertOneCharge(base, '59.50');
  });
});

test('connection cut before the intent reached the server, then retry: one charge', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const sent = [];
    await page.route(INTENTS, async (route) => {
      sent.push(route.request().headers()['idempotency-key']);
      if (sent.length === 1) {
        await route.abort('internetdisconnected');
        return;
      }
      await route.continue();
    });
    await openShop(page, shop, { cart: 'basic' });
    await fillCheckout(page);
    await widget.pay(page).click();
    // The widget either retries by itself or reports the failure and lets the shopper retry.
    await eventually(async () => (await widget.error(page).count()) > 0 || (await widget.succeeded(page).count()) > 0,
      { what: 'an error or a retried payment after the cut' });
    if ((await widget.succeeded(page).count()) === 0) {
      assert.equal((await wallet(base)).balance, SEEDED_BALANCE, 'nothing charged before the retry');
      const retry = widget.retry(page);
      if (await retry.count()) await retry.first().click();
      else {
        if ((await widget.password(page).inputValue()) === '') await widget.password(page).fill('123456');
        await widget.pay(page).click();
      }
      await widget.succeeded(page).waitFor({ timeout: 20_000 });
    }
    assert.ok(sent.length >= 2, 'a second attempt was sent');
    await assertOneCharge(base, '59.50');
  });
});

test('a wrong password shows the attempts left and charges nothing', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    await fillCheckout(page, { password: '000000' });
    await widget.pay(page).click();
    const alert = widget.error(page).filter({ hasText: /wrong payment password/i });
    await alert.waitFor();
    assert.match(await alert.innerText(), /\b4\b/, 'four attempts left');
    const w = await wallet(base);
    assert.deepEqual([w.balance, w.held], [SEEDED_BALANCE, '0.00']);
    assert.equal(chargedIntents(await ledger(base)).length, 0);
  });
});

test('five wrong passwords lock paying with balance', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    for (let i = 1; i <= 5; i++) {
      await widget.password(page).fill(`00000${i}`);
      await widget.pay(page).click();
      if (i < 5) {
        await widget.error(page).filter({ hasText: new RegExp(`\\b${5 - i}\\b.*attempt`, 'i') }).waitFor();
      }
    }
    await widget.error(page).filter({ hasText: /locked/i }).waitFor();
    // Even the right password is refused now.
    await widget.password(page).fill('123456');
    if (await widget.pay(page).isEnabled()) {
      await widget.pay(page).click();
      await widget.error(page).filter({ hasText: /locked/i }).waitFor();
    }
    const w = await wallet(base);
    assert.deepEqual([w.balance, w.held], [SEEDED_BALANCE, '0.00']);
    assert.equal(chargedIntents(await ledger(base)).length, 0);
  });
});

const SESSION = /\/v1\/sessions\/cs_[A-Za-z0-9]+$/;

test('the session and the wasm are requested once each, the session before the wasm has arrived', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const gets = [];
    const wasm = [];
    page.on('request', (r) => {
      if (r.method() === 'GET' && SESSION.test(r.url())) gets.push(performance.now());
      if (r.url().endsWith('.wasm')) wasm.push(r);
    });
    await openShop(page, shop, { cart: 'basic' });
    assert.equal(gets.length, 1, 'one GET of the session');
    // The shop's preload hint and the loader's fetch are one download.
    assert.equal(wasm.length, 1, 'one download of the wasm');
    const wasmDone = await wasm[0].response().then((r) => r.finished()).then(() => performance.now());
    assert.ok(gets[0] < wasmDone, 'the session was requested before the wasm had arrived');
  });
});

test('a session request cut by the network is sent again by the widget', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    let gets = 0;
    await page.route(SESSION, async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      gets += 1;
      if (gets === 1) return route.abort('connectionreset'); // the loader's request
      return route.continue();
    });
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    assert.equal(gets, 2, 'the widget loaded the session itself after the cut');
    await fillCheckout(page);
    await widget.pay(page).click();
    await widget.succeeded(page).waitFor();
    await assertOneCharge(base, '59.50');
  });
});
