// Debian's Chromium driven by playwright-core (no browser download), headless, with a
// fresh profile per launch, and helpers to drive the widget inside its frame on the
// wallet's origin (Playwright's frame locators reach into it as a shopper's clicks do).
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST, SEL, frameOf } from '../selectors.mjs';

export const CHROMIUM = process.env.BC_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--no-first-run',
  '--disable-sync', '--disable-quic',
];
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

/** Launches Chromium with a new empty user-data-dir; `close()` removes it. */
export async function launch() {
  const profile = mkdtempSync(path.join(tmpdir(), 'bc-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Runs in the page before its own scripts: records the widget's DOM events (captured on
// window, so they are seen whether or not they bubble) and CSP violations.
function recorder() {
  window.__bc = { events: [], csp: [] };
  for (const name of ['ready', 'change', 'succeeded', 'requires-action', 'failed', 'done']) {
    window.addEventListener(`balancecheckout:${name}`, (e) => {
      let detail = null;
      try { detail = JSON.parse(JSON.stringify(e.detail)); } catch { detail = String(e.detail); }
      window.__bc.events.push({ name, detail });
    }, true);
  }
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__bc.csp.push(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
  }, true);
}

/** A new page that records console errors, page errors, CSP violations and widget events. */
export async function newPage(browser) {
  const page = await browser.context.newPage();
  const console = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  await page.addInitScript(recorder);
  page.bc = { console };
  return page;
}

/** The checkout frame inside a host element (default: the shop's auto-mounted one). */
export const frameIn = (page, host = HOST) => page.frameLocator(frameOf(host));

const inFrame = (page, selector) => frameIn(page).locator(selector);

export const widget = {
  root: (page) => page.locator(HOST),
  iframe: (page) => page.locator(frameOf()),
  pay: (page) => inFrame(page, SEL.pay),
  password: (page) => inFrame(page, SEL.password),
  useBalance: (page) => inFrame(page, SEL.useBalance),
  cap: (page) => inFrame(page, SEL.cap),
  method: (page, code) => inFrame(page, SEL.method(code)),
  summary: (page, part) => inFrame(page, SEL.summary(part)),
  line: (page, id) => inFrame(page, SEL.line(id)),
  topup: (page) => inFrame(page, SEL.topup),
  error: (page) => inFrame(page, SEL.error),
  outcome: (page) => inFrame(page, SEL.outcome),
  succeeded: (page) => inFrame(page, SEL.succeeded),
  actionLink: (page) => inFrame(page, SEL.actionLink),
  merchantLeg: (page) => inFrame(page, SEL.merchantLeg),
  cancel: (page) => inFrame(page, SEL.cancel),
  retry: (page) => inFrame(page, SEL.retry),
};

/**
 * Clicks an element inside a cross-origin frame that may lie below the fold. Chromium
 * hit-tests a click into an out-of-process frame from the compositor's last frame: a
 * click sent right after Playwright scrolls the page can land on the `<iframe>` element
 * of the host page instead, and the widget never hears it. Scrolling first and waiting
 * two of the page's animation frames is what a shopper's thumb does anyway.
 */
export async function clickInFrame(page, locator) {
  await locator.scrollIntoViewIfNeeded();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await locator.click();
}

/** The checkout frame's `Frame` (for evaluating inside it), once it is attached. */
export async function widgetFrame(page, host = HOST) {
  const handle = await page.locator(frameOf(host)).elementHandle();
  return eventually(async () => handle.contentFrame(), { what: 'the checkout frame' });
}

/** Opens the demo shop and waits until the widget is interactive (quote shown, Pay present). */
export async function openShop(page, shop, { cart = 'mixed', locale = 'en', rest = 'sandbox' } = {}) {
  const response = await page.goto(`${shop}/?cart=${cart}&locale=${locale}&rest=${rest}`);
  await widgetInteractive(page);
  return response;
}

export async function widgetInteractive(page, timeout = 20_000) {
  await widget.summary(page, 'total').waitFor({ state: 'visible', timeout });
  // The server's first paint (same markup, Pay disabled) gives way to the widget.
  await frameIn(page).locator(SEL.firstPaint).waitFor({ state: 'detached', timeout });
  await widget.pay(page).waitFor({ state: 'visible', timeout });
}

/** Types the payment password (and, when needed, picks the second method). */
export async function fillCheckout(page, { password = '123456', method = null } = {}) {
  if (method) await widget.method(page, method).check();
  await widget.password(page).fill(password);
}

/** Text of an amount cell without currency signs or spaces: "¥106.00" -> "106.00". */
export async function amountOf(locator) {
  const text = await locator.innerText();
  const m = /[\d,]+(?:\.\d+)?/.exec(text.replace(/\s/g, ''));
  return m ? m[0].replace(/,/g, '') : text;
}

// Asserts that the amount shown by `locator` becomes `expected`. The widget renders on its
// own schedule (a click returns before Yew re-renders, an update crosses postMessage), so a
// read right after an action may still show the figure before it.
export async function expectAmount(locator, expected, message) {
  let shown;
  try {
    await eventually(async () => (shown = await amountOf(locator)) === expected, { timeout: 5_000, what: `amount ${expected}` });
  } catch {
    assert.equal(shown, expected, message);
  }
}

export async function events(page, name) {
  const all = await page.evaluate(() => window.__bc?.events ?? []);
  return name ? all.filter((e) => e.name === name) : all;
}

export async function cspViolations(page) {
  const fromDom = await page.evaluate(() => window.__bc?.csp ?? []);
  const fromConsole = page.bc.console.filter((l) => /Content Security Policy|Refused to/i.test(l));
  return [...fromDom, ...fromConsole];
}

export function artifactPath(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** Polls `fn` until it returns a truthy value, or throws after `timeout` ms. */
export async function eventually(fn, { timeout = 15_000, interval = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
