// The shopper's wallet pages at /wallet/ on a phone (360 px), in both locales: sign in,
// recharge by WeChat Pay through the sandbox with the keyboard only, see it in the
// history; and the top-up inside checkout that unlocks balance prices on the demo shop.
// The ledger is checked through the admin API, axe-core audits every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { audit } from '../lib/audit.mjs';
import { openShop, fillCheckout, widget, expectAmount, eventually } from '../lib/browser.mjs';
import { wallet, ledger, SHOPPER, LOGIN } from '../lib/api.mjs';
import { HOST, SEL } from '../selectors.mjs';

for (const locale of ['zh-CN', 'en']) {
  test(`wallet at 360 px (${locale}): sign in, recharge 20.00 by WeChat Pay with the keyboard, see it in the history`, async (t) => {
    await withCheckout(t, async ({ base, page }) => {
      await page.setViewportSize({ width: 360, height: 740 });
      const found = [];
      await page.goto(`${base}/wallet/?locale=${locale}`);
      assert.equal(await page.locator('html').getAttribute('lang'), locale);
      found.push(...await audit(page, `${locale} sign-in:`));

      // Keyboard only: Tab to each field, type, Enter submits.
      await page.locator('#shopper_id').focus();
      await page.keyboard.type(SHOPPER);
      await page.keyboard.press('Tab');
      await page.keyboard.type(LOGIN);
      await page.keyboard.press('Enter');
      await page.locator('[data-available]').waitFor();
      assert.match(await page.locator('[data-available]').innerText(), /120\.50/);
      found.push(...await audit(page, `${locale} balance:`));

      await page.goto(`${base}/wallet/recharge`);
      found.push(...await audit(page, `${locale} recharge:`));
      await page.locator('input[name="preset"][value="20"]').focus();
      await page.keyboard.press('Space');
      await page.locator('input[name="method"][value="wechat_pay"]').focus();
      await page.keyboard.press('Space');
      assert.ok(await page.locator('input[name="method"][value="wechat_pay"]').isChecked());
      await page.keyboard.press('Enter');
      // The method's page (the sandbox provider): approve with the keyboard too.
      await page.locator('button.approve').waitFor();
      assert.match(await page.locator('.amount').innerText(), /20\.00/);
      await page.locator('button.approve').focus();
      await page.keyboard.press('Enter');
      await page.locator('[data-status="succeeded"]').waitFor();
      await page.locator('a.back').click();
      await page.locator('.status[data-status="succeeded"]').waitFor();
      await page.locator('a.button.primary').click();

      await page.locator('[data-available]').waitFor();
      assert.match(await page.locator('[data-available]').innerText(), /140\.50/);
      const first = page.locator('.history .item').first();
      const words = locale === 'en' ? 'Recharge via WeChat Pay' : '充值 · 微信支付';
      assert.match(await first.innerText(), new RegExp(`${words}[\\s\\S]*\\+¥20\\.00`));
      found.push(...await audit(page, `${locale} history:`));
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 360, `nothing wider than the phone (${wide}px)`);

      // The ledger agrees: one top-up of 20.00 from WeChat Pay, and the balance.
      const w = await wallet(base);
      assert.equal(w.balance, '140.50');
      const topUps = (await ledger(base)).filter((e) => e.kind === 'top_up' && e.amount === '20.00');
      assert.equal(topUps.length, 1, 'credited once');
      assert.deepEqual(found, [], found.join('\n'));
    });
  });
}

test('in checkout, the hinted top-up is paid in a new tab and the order is paid at balance prices', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    const changes = [];
    // topup cart: 185.00 at balance prices > 120.50, so standard prices (205.00) and a hint.
    await openShop(page, shop, { cart: 'topup', locale: 'en' });
    await expectAmount(widget.summary(page, 'total'), '205.00');
    const hint = await widget.topup(page).innerText();
    assert.match(hint, /Top up ¥64\.50 to save ¥20\.00/);
    await page.exposeFunction('__change', (total) => changes.push(total));
    await page.evaluate((host) => document.querySelector(host)
      .addEventListener('balancecheckout:change', (e) => window.__change(e.detail.total)), HOST);

    await widget.topup(page).locator(SEL.topupGo).click();
    const link = widget.topup(page).locator(SEL.topupPay);
    await link.waitFor();
    assert.equal(await link.getAttribute('target'), '_blank');
    const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await tab.locator('button.approve').click();
    await tab.locator('[data-status="succeeded"]').waitFor();
    await tab.close();

    // The frame sees the credit, quotes again and tells the page.
    await expectAmount(widget.summary(page, 'total'), '185.00');
    await expectAmount(widget.summary(page, 'balance'), '185.00');
    await expectAmount(widget.summary(page, 'other'), '0.00');
    await eventually(async () => changes.includes('185.00'), { what: 'balancecheckout:change with the new quote' });
    assert.equal(await widget.topup(page).count(), 0, 'the hint is gone');
    await fillCheckout(page);
    await widget.pay(page).click();
    await widget.succeeded(page).waitFor();

    const w = await wallet(base);
    assert.deepEqual([w.balance, w.held], ['0.00', '0.00']);
    const entries = await ledger(base);
    assert.equal(entries.filter((e) => e.kind === 'top_up' && e.amount === '64.50').length, 1);
    assert.equal(entries.filter((e) => e.kind === 'payment' && e.amount === '185.00').length, 1);
  });
});
