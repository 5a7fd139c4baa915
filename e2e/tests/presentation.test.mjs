// What the shopper sees: reasons, balance prices and the top-up hint, both locales at
// phone and desktop widths, accessibility (axe-core, a keyboard-only payment), and the
// widget, in its frame on the wallet's origin, under the shop's strict CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { withCheckout } from '../lib/fixture.mjs';
import { openShop, widget, widgetFrame, frameIn, expectAmount, cspViolations, artifactPath, eventually } from '../lib/browser.mjs';
import { wallet } from '../lib/api.mjs';
import { SEL } from '../selectors.mjs';

// The shop's CSP: the wallet's origin for the loader and the frame, no 'wasm-unsafe-eval'
// (the WebAssembly runs in the frame, under the wallet's CSP), no inline code.
const shopCsp = (wallet) => `default-src 'self'; script-src 'self' ${wallet}; style-src 'self'; `
  + `img-src 'self' data:; connect-src 'self'; frame-src ${wallet}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

const directives = (csp) => csp.split(';').map((d) => d.trim().replace(/\s+/g, ' ')).filter(Boolean).sort();

test('ineligible items are explained', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await openShop(page, shop, { cart: 'mixed', locale: 'en' });
    const reason = (id) => widget.line(page, id).locator(SEL.reason);
    assert.match(await reason('L2').innerText(), /virtual/i, 'the game card: category excluded');
    assert.match(await reason('L4').innerText(), /seller/i, 'marketplace seller not accepting balance');
    assert.equal(await reason('L1').count(), 0, 'the kettle is eligible');
    assert.equal(await reason('L3').count(), 0, 'the partner seller accepts balance');
    await expectAmount(widget.summary(page, 'balance'), '106.00');
  });
});

test('balance prices not unlocked: the top-up hint says how much to add', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    // topup cart: 179.00 + 6.00 at balance prices > 120.50: standard prices, hint to top up 64.50.
    await openShop(page, shop, { cart: 'topup', locale: 'en' });
    await expectAmount(widget.summary(page, 'total'), '205.00');
    await expectAmount(widget.summary(page, 'balance'), '120.50');
    await expectAmount(widget.summary(page, 'other'), '84.50');
    assert.equal(await widget.summary(page, 'savings').count(), 0, 'no savings shown');
    const hint = await widget.topup(page).innerText();
    assert.match(hint, /64\.50/, `top-up amount in "${hint}"`);
    assert.match(hint, /20\.00/, `savings in "${hint}"`);
  });
});

test('the demo shop sends a strict CSP without wasm-unsafe-eval and the widget pays under it', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const response = await openShop(page, shop, { cart: 'basic', locale: 'zh-CN' });
    const csp = response.headers()['content-security-policy'];
    assert.ok(csp, 'Content-Security-Policy header present');
    assert.deepEqual(directives(csp), directives(shopCsp(base)));
    assert.ok(!csp.includes('wasm-unsafe-eval') && !csp.includes('unsafe-inline'));
    await widget.password(page).fill('123456');
    await widget.pay(page).click();
    await widget.succeeded(page).waitFor();
    assert.deepEqual(await cspViolations(page), [], 'no CSP violations');
    // Nothing in the console: no uncaught error, no failed load (a 404 such as a missing
    // favicon), no preload hint the page did not use.
    assert.deepEqual(page.bc.console, [], 'a quiet console');
  });
});

test('screenshots in zh-CN and en at 320, 360 and 1280 px, nothing wider than the screen', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    for (const locale of ['zh-CN', 'en']) {
      for (const width of [320, 360, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await openShop(page, shop, { cart: 'mixed', locale });
        const host = widget.root(page);
        const box = await host.boundingBox();
        assert.ok(box.width <= width, `widget fits ${width} px (is ${box.width})`);
        await host.screenshot({ path: artifactPath(`widget-${locale}-${width}.png`) });
        await page.screenshot({ path: artifactPath(`shop-${locale}-${width}.png`), fullPage: true });
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(scrollWidth <= width, `no horizontal scrolling at ${width} px (scrollWidth ${scrollWidth})`);
        // Nor inside the frame: its content fits the frame's width.
        const frame = await widgetFrame(page);
        const inner = await frame.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        assert.ok(inner[0] <= inner[1], `the frame's content fits at ${width} px (${inner})`);
      }
    }
  });
});

const axeSource = () => readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// Runs axe-core in a page or frame (evaluated through the DevTools protocol, so the CSP
// does not block it) and returns the serious and critical violations.
async function audit(page, context, label) {
  await page.evaluate(axeSource());
  const results = await page.evaluate(async (ctx) =>
    // eslint-disable-next-line no-undef
    axe.run(ctx ?? document, { resultTypes: ['violations'] }), context);
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${label} ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
}

test('accessibility: the widget has no serious or critical axe-core violations', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const found = [];
    for (const locale of ['en', 'zh-CN']) {
      await openShop(page, shop, { cart: 'mixed', locale });
      found.push(...await audit(await widgetFrame(page), null, `${locale} form:`));
      // After a wrong password: the error state is audited too.
      await widget.method(page, 'wechat_pay').check();
      await widget.password(page).fill('000000');
      await widget.pay(page).click();
      await widget.error(page).first().waitFor();
      found.push(...await audit(await widgetFrame(page), null, `${locale} error:`));
    }
    assert.deepEqual(found, []);
  });
});

test('accessibility: the demo shop page has no serious or critical axe-core violations', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const found = [];
    for (const locale of ['en', 'zh-CN']) {
      await openShop(page, shop, { cart: 'mixed', locale });
      found.push(...await audit(page, null, `${locale} page:`));
    }
    assert.deepEqual(found, []);
  });
});

// What has focus inside the widget's frame.
const focused = async (page) => (await widgetFrame(page)).evaluate(() => {
  const a = document.hasFocus() ? document.activeElement : null;
  return a && {
    tag: a.tagName.toLowerCase(), type: a.type ?? '', role: a.getAttribute('role'),
    value: a.value ?? '', text: a.textContent, outline: getComputedStyle(a).outlineStyle,
  };
});

async function tabTo(page, what, matches) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f && matches(f)) return f;
  }
  throw new Error(`Tab never reached ${what}`);
}

test('keyboard only: switch, cap, method, password and Pay, with the focus always visible', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    await openShop(page, shop, { cart: 'mixed', locale: 'en' });
    const sw = await tabTo(page, 'the balance switch', (f) => f.role === 'switch');
    assert.equal(sw.outline, 'solid', 'the widget\'s focus ring on the switch');
    await page.keyboard.press('Space');
    await expectAmount(widget.summary(page, 'balance'), '0.00');
    await page.keyboard.press('Space');
    await expectAmount(widget.summary(page, 'balance'), '106.00');

    await tabTo(page, 'the cap field', (f) => f.tag === 'input' && f.type === 'text');
    await page.keyboard.type('50');
    await expectAmount(widget.summary(page, 'balance'), '50.00');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await expectAmount(widget.summary(page, 'balance'), '106.00');

    const radio = await tabTo(page, 'the method picker', (f) => f.type === 'radio');
    assert.equal(radio.outline, 'solid');
    await page.keyboard.press('ArrowDown'); // the next method in the group
    assert.ok(await widget.method(page, 'wechat_pay').isChecked());

    await tabTo(page, 'the password', (f) => f.type === 'password');
    await page.keyboard.type('123456');
    const pay = await tabTo(page, 'Pay', (f) => f.tag === 'button');
    assert.equal(pay.outline, 'solid');
    assert.match(pay.text, /WeChat Pay/);
    await page.keyboard.press('Enter');
    await widget.actionLink(page).waitFor();
    const w = await wallet(base);
    assert.deepEqual([w.balance, w.held], ['14.50', '106.00'], 'the balance part is held');
  });
});

for (const [locale, choose] of [['zh-CN', /请选择剩余 ¥119\.90 的付款方式/], ['en', /Choose how to pay the remaining ¥119\.90/]]) {
test(`the method choice in plain sight at 360 px (${locale}): nothing chosen for the shopper, each whole row a tap target of 44 px or more`, async (t) => {
  await withCheckout(t, async ({ page, shop }) => {
    await page.setViewportSize({ width: 360, height: 780 });
    await openShop(page, shop, { cart: 'mixed', locale });
    const rows = frameIn(page).locator('.bc-method');
    assert.equal(await rows.count(), 4);
    for (let i = 0; i < 4; i += 1) {
      const box = await rows.nth(i).boundingBox();
      assert.ok(box.height >= 44 && box.width >= 44, `row ${i}: ${box.width} × ${box.height} px`);
      assert.equal(await rows.nth(i).locator('input').isChecked(), false, 'nothing preselected');
    }
    assert.match(await widget.pay(page).innerText(), choose);
    assert.ok(await widget.pay(page).isDisabled(), 'Pay waits for a method');
    // A tap at the row's far end (not on the radio or its word) chooses it.
    const row = rows.nth(1);
    const box = await row.boundingBox();
    await row.click({ position: { x: box.width - 6, y: box.height / 2 } });
    assert.ok(await widget.method(page, 'wechat_pay').isChecked());
    await page.screenshot({ path: artifactPath(`methods-${locale}-360.png`) });
  });
});
}

/** WCAG relative luminance of an `rgb(r, g, b)` colour. */
function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

for (const locale of ['zh-CN', 'en']) {
test(`dark mode: the checkout follows the system setting, with text readable on its surface (${locale}, 360 px)`, async (t) => {
  await withCheckout(t, async ({ page, shop }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 360, height: 780 });
    await openShop(page, shop, { cart: 'mixed', locale });
    const colours = await frameIn(page).locator('.bc').evaluate((el) => {
      const s = getComputedStyle(el);
      return { text: getComputedStyle(document.body).color, surface: s.backgroundColor };
    });
    const [a, b] = [luminance(colours.text), luminance(colours.surface)];
    const contrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    assert.ok(b < 0.1, `a dark surface: ${colours.surface}`);
    assert.ok(contrast >= 4.5, `text ${colours.text} on ${colours.surface}: ${contrast.toFixed(2)}:1`);
    await widget.iframe(page).scrollIntoViewIfNeeded();
    await page.waitForTimeout(500); // the frame's own renderer paints after the scroll
    await page.screenshot({ path: artifactPath(`dark-${locale}-360.png`) });
  });
});
}
