// What the merchant's page can and cannot learn (DESIGN.md *Security model*): a hostile
// script on the shop's page during a whole payment, the frame's own origin for every
// request whatever its fragment says, framing refused to origins the merchant did not
// allow, and messages from anyone but the frame ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { withCheckout } from '../lib/fixture.mjs';
import { openShop, fillCheckout, widget, widgetFrame, clickInFrame, events, eventually } from '../lib/browser.mjs';
import { raw, wallet, SEEDED_BALANCE, SHOPPER, PASSWORD } from '../lib/api.mjs';
import { hostile } from '../lib/hostile.mjs';
import { SEL } from '../selectors.mjs';

test('a hostile script on the merchant page sees no password, no balance and no wallet id during a payment', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await page.addInitScript(hostile);
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    // Typed key by key, as a shopper does (keydown, input, keyup for each digit).
    await widget.password(page).click();
    await widget.password(page).pressSequentially(PASSWORD, { delay: 20 });
    await widget.pay(page).click();
    await widget.succeeded(page).waitFor();
    await page.evaluate(() => window.__walk());
    const seen = await page.evaluate(() => window.__hostile);
    const merchantEvents = JSON.stringify(await events(page));
    const everything = JSON.stringify(seen) + merchantEvents;

    assert.deepEqual(seen.keys.filter((k) => /key=\d|data=\d|value=\d/.test(k)), [], 'no keystroke of the password');
    assert.ok(!everything.includes(PASSWORD), 'the password never appears');
    assert.deepEqual(seen.frames, [], 'the frame\'s document and location are out of reach');
    const after = (await wallet(base)).balance; // 59.50
    for (const secret of [SEEDED_BALANCE, after, SHOPPER]) {
      assert.ok(!everything.includes(secret), `${secret} never reaches the page`);
    }
    assert.ok(!everything.includes('payment_password') && !everything.includes('topup_to_unlock'));
    // What the merchant does learn: the totals and the outcome.
    assert.ok((await events(page, 'succeeded')).length === 1, 'the outcome reached the page');
    assert.ok(seen.requests.every((r) => !r.includes('/v1/')), 'the page itself sent nothing to the API');
    assert.deepEqual(page.bc.console, [], 'a quiet console under the shop\'s CSP without wasm-unsafe-eval');
  });
});

test('the frame talks only to its own origin whatever its fragment says', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    const src = await widget.iframe(page).getAttribute('src');
    const other = 'http://127.0.0.1:9';
    await page.evaluate(({ src, other }) => {
      const el = document.createElement('div');
      el.id = 'tampered';
      const frame = document.createElement('iframe');
      frame.src = `${src}&endpoint=${encodeURIComponent(other)}&api=${encodeURIComponent(other)}`;
      el.append(frame);
      document.querySelector('main').append(el);
    }, { src, other });
    const tampered = page.frameLocator('#tampered iframe');
    await tampered.locator(SEL.summary('total')).waitFor();
    await tampered.locator(SEL.password).fill(PASSWORD);
    await clickInFrame(page, tampered.locator(SEL.pay));
    await tampered.locator(SEL.succeeded).waitFor();
    const elsewhere = requests.filter((u) => !u.startsWith(base) && !u.startsWith(shop));
    assert.deepEqual(elsewhere, [], 'every request went to the wallet (or the shop\'s own files)');
    assert.ok(requests.some((u) => u.startsWith(`${base}/v1/sessions/`)), 'the session came from the wallet');
  });
});

function servePage(html) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html(`http://127.0.0.1:${server.address().port}`));
    });
    server.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }));
  });
}

test('a page the merchant did not allow cannot frame the checkout', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    const src = await widget.iframe(page).getAttribute('src');
    const path = new URL(src).pathname;
    const direct = await raw(base, 'GET', path);
    assert.equal(direct.status, 200);
    const csp = direct.headers.get('content-security-policy');
    assert.match(csp, new RegExp(`frame-ancestors ${shop}$`), csp);
    assert.ok(csp.includes("script-src 'self' 'wasm-unsafe-eval'") && csp.includes("default-src 'none'"), csp);
    const unknown = await raw(base, 'GET', '/balance-checkout/v1/frame/cs_unknown');
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-security-policy'), /frame-ancestors 'none'/);

    // Another origin embeds the genuine frame URL, even naming itself as the embedder.
    const evil = await servePage((origin) => `<!doctype html><title>Not the shop</title>
      <iframe id="stolen" src="${base}${path}#${new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(new URL(src).hash.slice(1))), origin })}"></iframe>`);
    t.after(() => evil.close());
    const refused = [];
    page.on('console', (m) => { if (/frame-ancestors|Refused to frame/i.test(m.text())) refused.push(m.text()); });
    await page.goto(evil.origin);
    await eventually(async () => refused.length > 0, { what: 'the browser refusing to frame the checkout' });
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const rendered = await frame.evaluate((root) => document.querySelectorAll(`${root}, input`).length, SEL.root).catch(() => 0);
    assert.equal(rendered, 0, 'nothing of the checkout rendered');

    // And on the shop's own (allowed) page, a frame told another embedder refuses to run.
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    await page.evaluate((url) => {
      const el = document.createElement('div');
      el.id = 'lying';
      const f = document.createElement('iframe');
      f.src = url;
      el.append(f);
      document.querySelector('main').append(el);
    }, src.replace(encodeURIComponent(shop), encodeURIComponent('http://evil.example')));
    const lying = page.frameLocator('#lying iframe');
    await lying.locator(SEL.refused).waitFor();
    assert.equal(await lying.locator('input').count(), 0);
  });
});

test('messages from another window or origin are ignored by the loader', async (t) => {
  await withCheckout(t, async ({ shop, page }) => {
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    const before = (await events(page)).length;
    await page.evaluate(() => {
      const fake = { source: 'balance-checkout', type: 'succeeded', detail: { id: 'pi_fake', status: 'succeeded' } };
      window.postMessage(fake, '*'); // the page's own window, the shop's origin
      window.postMessage({ source: 'balance-checkout', type: 'resize', detail: { height: 5 } }, '*');
    });
    await page.waitForTimeout(500);
    assert.equal((await events(page)).length, before, 'no event from a forged message');
    const height = await widget.iframe(page).evaluate((f) => f.getBoundingClientRect().height);
    assert.ok(height > 100, `the frame kept its height (${height})`);
    // The frame ignores an update from anyone but its parent on the embedding origin;
    // from the parent it applies it.
    const frame = await widgetFrame(page);
    await frame.evaluate(() => window.postMessage({ source: 'balance-checkout', type: 'update', locale: 'zh-CN' }, '*'));
    await page.waitForTimeout(300);
    assert.equal(await frame.evaluate((root) => document.querySelector(root).lang, SEL.root), 'en');
  });
});
