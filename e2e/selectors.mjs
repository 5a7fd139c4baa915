// The widget's CSS selectors, in one place for every driver: the Playwright suite
// (lib/browser.mjs, tests/), the WebDriver engines (lib/shopper.mjs, engines/) and the
// measurements (bench/). A class renamed in the widget is renamed here once.
//
// Plain strings and functions of plain values, so that a page script can take them as an
// argument (`page.evaluate(fn, SEL)` serialises only data: pass the strings it needs).

/** The merchant's element that the loader mounts the checkout into. */
export const HOST = '[data-balance-checkout]';

/** The checkout's frame inside a host element. */
export const frameOf = (host = HOST) => `${host} iframe`;

/** Inside the checkout's frame. */
export const SEL = {
  /** The widget's root section (its `lang` is the shown locale). */
  root: '.bc',
  /** The element of the frame document that the widget is mounted on (by id). */
  mountId: 'bc-root',
  pay: 'button.bc-pay',
  passkey: 'button.bc-passkey',
  password: 'input[type="password"]',
  useBalance: 'input[role="switch"]',
  cap: '.bc-balance input.bc-input',
  method: (code) => `input[type="radio"][value="${code}"]`,
  /** A figure of the summary: `total`, `balance`, `other`, `savings`… (its value cell). */
  summary: (part) => `.bc-summary__${part} dd`,
  /** Every line of the order. */
  lines: 'li.bc-line',
  line: (id) => `li.bc-line[data-line="${id}"]`,
  /** Why the balance may not pay a line (inside a line). */
  reason: '.bc-reason',
  /** "Show all N items" / "Show fewer". */
  more: 'button.bc-more',
  topup: '.bc-topup',
  topupGo: 'button.bc-topup__go',
  topupPay: 'a.bc-topup__pay',
  error: '[role="alert"]',
  retry: '[role="alert"] button',
  outcome: '.bc-outcome',
  succeeded: '.bc-outcome--ok',
  actionLink: '.bc-outcome a[href]',
  /** "Pay the remaining … on the next step": the shop collects the rest itself. */
  merchantLeg: '.bc-merchant-leg',
  /** "Cancel this payment", while it waits for the sandbox's page. */
  cancel: 'button.bc-cancel',
  /** The server's first paint of the order, before the widget draws the checkout. */
  firstPaint: '#bc-first',
  /** What a frame shows when it was embedded where it may not be. */
  refused: '.bc-refused',
};
