// The demo shop's 618 promotion (¥10 off a balance part of ¥199 or more): with the seeded
// balance the checkout says how much a top-up would take; with enough balance the
// discount is shown, paid, and only the discounted amount leaves the wallet. And the
// e-CNY recharge bonus on the wallet's recharge page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCheckout } from '../lib/fixture.mjs';
import { openShop, fillCheckout, widget, expectAmount, frameIn } from '../lib/browser.mjs';
import { wallet, ledger, chargedIntents, topUp } from '../lib/api.mjs';
import { signIn } from '../lib/wallet.mjs';
import { audit } from '../lib/audit.mjs';

test('618: the top-up that unlocks the discount, then the discount shown and paid', async (t) => {
  await withCheckout(t, async ({ base, shop, page }) => {
    // festival cart: an air purifier at 219.00, no balance price; 120.50 < 199.
    await openShop(page, shop, { cart: 'festival', locale: 'zh-CN' });
    await expectAmount(widget.summary(page, 'balance'), '120.50');
    const hint = frameIn(page).locator('.bc-topup p').first();
    await hint.waitFor();
    const text = await hint.innerText();
    assert.match(text, /充值.*78\.50.*可享618 余额支付满199减10/, text);
    assert.equal(await frameIn(page).locator('.bc-summary__discount').count(), 0);

    await topUp(base, '100.00');
    await openShop(page, shop, { cart: 'festival', locale: 'zh-CN' });
    await expectAmount(widget.summary(page, 'total'), '209.00');
    await expectAmount(widget.summary(page, 'balance'), '209.00');
    const row = frameIn(page).locator('.bc-summary__discount');
    assert.match(await row.innerText(), /618 余额支付满199减10[\s\S]*已减\s*¥10\.00/);
    // Turning the balance off takes the discount away; on again brings it back.
    await widget.useBalance(page).uncheck();
    await expectAmount(widget.summary(page, 'total'), '219.00');
    await widget.useBalance(page).check();
    await expectAmount(widget.summary(page, 'total'), '209.00');

    await fillCheckout(page);
    await widget.pay(page).click();
    await widget.succeeded(page).waitFor();
    const w = await wallet(base);
    assert.deepEqual([w.balance, w.held], ['11.50', '0.00'], '220.50 less 209.00');
    assert.equal(chargedIntents(await ledger(base)).length, 1);
  });
});

test('e-CNY recharge bonus: shown before confirming, credited with the recharge as its own line', async (t) => {
  await withCheckout(t, async ({ base, page }) => {
    await signIn(page, base, { locale: 'zh-CN' });
    await page.goto(`${base}/wallet/recharge?locale=zh-CN`);
    const campaign = page.locator('.notice.campaign');
    assert.match(await campaign.innerText(), /数字人民币充值满 ¥100\.00 赠 5%，单笔最高 ¥20\.00/);
    assert.deepEqual(await audit(page, 'recharge with a campaign:'), []);
    await page.locator('input[name="preset"][value="100"]').check();
    await page.locator('input[name="method"][value="ecny"]').check();
    await page.locator('button.primary[type="submit"]').click();
    await page.locator('button.approve').click();
    await page.locator('[data-status="succeeded"]').waitFor();
    await page.goto(`${base}/wallet/?locale=zh-CN`);
    await page.locator('[data-available]').waitFor();
    assert.match(await page.locator('[data-available]').innerText(), /225\.50/, '120.50 + 100.00 + 5.00');
    const history = await page.locator('.history').innerText();
    assert.match(history, /充值赠送[\s\S]*\+¥5\.00/);
    const rewards = (await ledger(base)).filter((e) => e.kind === 'reward' && e.amount === '5.00');
    assert.equal(rewards.length, 1, 'one bonus, credited once');
  });
});
