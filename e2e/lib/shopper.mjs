// A shopper's hands on the checkout through W3C WebDriver: open the demo shop, reach into
// the checkout's frame (on the wallet's origin) as clicks and keystrokes do, read what it
// shows, and come back to the merchant's page. Every wait polls for a condition.
import { By, until, eventually } from './webdriver.mjs';
import { HOST, SEL, frameOf } from '../selectors.mjs';

/** The widget's selectors (`../selectors.mjs`), as the engines import them from here. */
export { SEL };

/** "¥1,106.00" -> "1106.00". */
export function amountText(text) {
  const m = /[\d,]+(?:\.\d+)?/.exec(text.replace(/\s/g, ''));
  return m ? m[0].replace(/,/g, '') : text;
}

export class Shopper {
  constructor(driver) {
    this.driver = driver;
  }

  /** Runs `fn` with the driver inside the checkout frame of `host`, then returns to the page. */
  async inFrame(fn, host = HOST) {
    const d = this.driver;
    await d.switchTo().defaultContent();
    const iframe = await d.wait(until.elementLocated(By.css(frameOf(host))), 20_000, `the frame in ${host}`);
    await d.switchTo().frame(iframe);
    try {
      return await fn(d);
    } finally {
      await d.switchTo().defaultContent();
    }
  }

  /** The visible element for `css` in the current browsing context, waited for. */
  async visible(css, timeout = 20_000) {
    const el = await this.driver.wait(until.elementLocated(By.css(css)), timeout, `${css} present`);
    await this.driver.wait(until.elementIsVisible(el), timeout, `${css} visible`);
    return el;
  }

  /** Opens the demo shop and waits until its checkout is interactive. */
  async openShop(shop, { cart = 'mixed', locale = 'en', rest = 'sandbox' } = {}) {
    await this.driver.get(`${shop}/?cart=${cart}&locale=${locale}&rest=${rest}`);
    await this.interactive();
  }

  /** Waits until the widget in `host` shows a total and its Pay button (the server's first
   * paint, which looks the same with Pay disabled, gone). */
  async interactive(host = HOST) {
    await this.inFrame(async (d) => {
      // Found by a fresh query each time: an element of the first paint goes stale.
      await d.wait(async () => (await d.findElements(By.css(SEL.firstPaint))).length === 0
        && (await d.findElements(By.css(SEL.pay))).length > 0, 20_000, 'the widget drew the checkout');
      await this.visible(SEL.summary('total'));
      await this.visible(SEL.pay);
    }, host);
  }

  /** The amounts of the summary's parts, e.g. {total: "61.00", balance: "61.00"}. */
  async summary(parts = ['total', 'balance', 'other'], host = HOST) {
    return this.inFrame(async (d) => {
      const out = {};
      for (const p of parts) {
        const els = await d.findElements(By.css(SEL.summary(p)));
        out[p] = els.length ? amountText(await els[0].getText()) : null;
      }
      return out;
    }, host);
  }

  /**
   * Scrolls the merchant's page so that the element `css` of the frame is in the middle of
   * the window, then clicks it, as a shopper scrolls to a button and taps it. Chromium's
   * driver scrolls the page itself; Firefox's and WebKit's scroll only inside the frame,
   * whose own document does not scroll (the frame is as tall as its content), and click
   * outside the window.
   */
  async tap(css, host = HOST) {
    const { y, height } = await this.inFrame(async () => (await this.visible(css)).getRect(), host);
    await this.driver.executeScript(`const r = document.querySelector(arguments[0]).getBoundingClientRect();
      window.scrollBy(0, r.top + arguments[1] - innerHeight / 2)`, frameOf(host), y + height / 2);
    await this.inFrame(async () => (await this.visible(css)).click(), host);
  }

  /**
   * Picks the second method (when given), taps the password field and types the password
   * key by key, then taps Pay. The tap matters in WebKit: it moves focus into a
   * cross-origin frame only on a user's gesture, and its driver's typing needs focus.
   */
  async pay({ password = '123456', method = null, host = HOST } = {}) {
    if (method) await this.tap(SEL.method(method), host);
    await this.tap(SEL.password, host);
    await this.inFrame(async () => {
      const field = await this.visible(SEL.password);
      await field.sendKeys(password);
      await this.driver.wait(until.elementIsEnabled(await this.visible(SEL.pay)), 10_000, 'Pay enabled');
    }, host);
    await this.tap(SEL.pay, host);
  }

  /** Waits for `css` to be visible in the frame; resolves to its text. */
  async waitInFrame(css, { host = HOST, timeout = 20_000, text = null } = {}) {
    return eventually(() => this.inFrame(async (d) => {
      for (const el of await d.findElements(By.css(css))) {
        if (!(await el.isDisplayed())) continue;
        const t = await el.getText();
        if (!text || text.test(t)) return t;
      }
      return null;
    }, host), { timeout, what: `${css}${text ? ` matching ${text}` : ''} in the checkout frame` });
  }

  /** An attribute of the first element for `css` inside the frame. */
  async attributeInFrame(css, name, host = HOST) {
    return this.inFrame(async () => (await this.visible(css)).getAttribute(name), host);
  }

  /**
   * Follows the widget's link to the second method (it opens a new tab), presses the
   * sandbox's `approve` or `decline` button there, closes the tab and comes back.
   */
  async decideInSandbox(button, host = HOST) {
    const d = this.driver;
    const mine = await d.getWindowHandle();
    const before = await d.getAllWindowHandles();
    await this.tap(SEL.actionLink, host);
    const tab = await eventually(async () => (await d.getAllWindowHandles()).find((h) => !before.includes(h)),
      { what: 'the sandbox tab' });
    await d.switchTo().window(tab);
    try {
      const url = await eventually(async () => {
        const u = await d.getCurrentUrl();
        return /\/v1\/sandbox\/intents\/pi_/.test(u) && u;
      }, { what: 'the sandbox page' });
      await (await this.visible(`button.${button}`)).click();
      // The form posts and is answered with a 303 back to the page, now with the outcome.
      const status = await eventually(async () => {
        const s = await d.findElement(By.css('dd.status')).getAttribute('data-status');
        return s !== 'requires_action' && s;
      }, { what: `the sandbox page after ${button}` });
      return { url, status };
    } finally {
      await d.close();
      await d.switchTo().window(mine);
    }
  }

  /** Runs a function on the merchant's page (as its own script would) and returns its value. */
  async onPage(fn, ...args) {
    await this.driver.switchTo().defaultContent();
    return this.driver.executeScript(`return (${fn}).apply(null, arguments)`, ...args);
  }
}

// Runs on the merchant's page: records the widget's DOM events from now on (captured on
// window, so they are seen whether or not they bubble).
export function recordEvents() {
  if (window.__bc) return;
  window.__bc = { events: [] };
  for (const name of ['ready', 'change', 'succeeded', 'requires-action', 'failed', 'done']) {
    window.addEventListener(`balancecheckout:${name}`, (e) => {
      window.__bc.events.push({ name, detail: JSON.parse(JSON.stringify(e.detail)) });
    }, true);
  }
}
