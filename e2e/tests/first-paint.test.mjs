// The checkout at first paint (DESIGN.md *Embedding* → *First paint*): the frame document
// arrives with the order drawn from the session id alone — its lines, why the balance may
// not pay some of them, the total at standard prices — and Pay disabled, before any script
// runs; the widget then takes over, and the order is never shown twice. The frame
// downloads the wasm itself: the merchant's page downloads only loader.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { withCheckout } from '../lib/fixture.mjs';
import { CHROMIUM, CHROMIUM_ARGS, openShop, widget, frameIn, fillCheckout } from '../lib/browser.mjs';
import { SEL } from '../selectors.mjs';

/** The frame document at `src`, opened in a browser that runs no script at all. */
async function withoutScripts(src, fn) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(src);
    await fn(page);
  } finally {
    await browser.close();
  }
}

for (const locale of ['en', 'zh-CN']) {
  test(`the frame document holds the order and its total before any script runs (${locale})`, async (t) => {
    await withCheckout(t, async ({ shop, page }) => {
      await openShop(page, shop, { cart: 'mixed', locale });
      const src = await widget.iframe(page).getAttribute('src');
      const [address, fragment] = src.split('#');
      assert.match(address, /\?locale=/, 'the locale travels in the query');
      assert.doesNotMatch(address, /secret/, 'the client secret stays in the fragment');
      assert.match(fragment, /client_secret=/);
      const frame = frameIn(page);
      assert.equal(await frame.locator(SEL.firstPaint).count(), 0, 'the widget took over');
      const lines = await frame.locator(SEL.lines).count();
      // The balance off: the widget's total is the order at standard prices.
      await widget.useBalance(page).click();
      await frame.locator(SEL.summary('balance')).filter({ hasText: /^\D*0\.00$/ }).waitFor();
      const total = await widget.summary(page, 'total').innerText();

      await withoutScripts(src, async (doc) => {
        const first = doc.locator(SEL.firstPaint);
        assert.ok(await first.isVisible(), 'drawn by the server');
        assert.equal(await first.locator(SEL.summary('total')).innerText(), total);
        assert.equal(await first.locator(SEL.lines).count(), lines, 'every line, shipping too');
        const reason = await first.locator(SEL.line('L2')).locator(SEL.reason).innerText();
        assert.match(reason, locale === 'en' ? /virtual/i : /虚拟/, 'why the game card is not payable');
        assert.ok(await first.locator(SEL.pay).isDisabled(), 'Pay waits for the widget');
        assert.equal(await doc.locator('html').getAttribute('lang'), locale === 'en' ? 'en' : 'zh-CN');
        assert.equal(await doc.locator(SEL.summary('balance')).count(), 0, 'no balance without the secret');
      });
    });
  });
}

/** Who downloaded the widget's wasm, in order: 'page' or 'frame'. */
function wasmDownloads(page) {
  const who = [];
  page.on('request', (r) => {
    if (r.url().endsWith('_bg.wasm')) who.push(r.frame() === page.mainFrame() ? 'page' : 'frame');
  });
  return who;
}

test('the merchant\'s page downloads only loader.js: the frame downloads the wasm, once', async (t) => {
  await withCheckout(t, async ({ shop, page }) => {
    const who = wasmDownloads(page);
    await openShop(page, shop, { cart: 'basic', locale: 'en' });
    await fillCheckout(page);
    await widget.pay(page).click();
    await widget.succeeded(page).waitFor();
    assert.deepEqual(who, ['frame'], 'one download, in the frame');
  });
});
