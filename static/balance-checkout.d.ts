/**
 * Balance Checkout — the JavaScript API of `loader.js`.
 *
 *   <script src="https://wallet.example/balance-checkout/v1/loader.js"
 *           integrity="sha384-…" crossorigin="anonymous" defer></script>
 *   <div data-balance-checkout data-session="cs_..." data-client-secret="cs_secret_..."
 *        data-locale="zh-CN"></div>
 *
 * The checkout runs in a frame on the wallet's origin (the origin loader.js came from);
 * the page gets its height and the events below, never the password, the balance or the
 * wallet id.
 *
 * Amounts are always strings in the currency's digits ("120.50", "1000" for JPY).
 */

/** A decimal amount in major units, exactly the currency's digits: "216.00". */
export type AmountString = string;

export type Locale = "zh-CN" | "en" | (string & {});

export type Method = "bank_card" | "wechat_pay" | "alipay" | "ecny";

export type Reason = "item_excluded" | "category_excluded" | "merchant_not_accepting" | "shipping_excluded";

/** CSS custom properties inside the frame: `{accent: "#07c"}` sets `--bc-accent`. The
 *  frame checks each value (colours: `#hex`, `rgb()`, `hsl()` or a name; `radius`: a
 *  length like `8px`; `font`: a font-family list) and ignores, with a console warning,
 *  what is not one. */
export interface BalanceCheckoutTheme {
  accent?: string;
  accentText?: string;
  radius?: string;
  font?: string;
  text?: string;
  muted?: string;
  surface?: string;
  border?: string;
  focus?: string;
  ok?: string;
  okBg?: string;
  no?: string;
  noBg?: string;
  /** The same properties by their full name (`"--bc-accent"`). */
  [customProperty: `--bc-${string}`]: string | undefined;
}

export interface BalanceCheckoutOptions {
  /** The checkout session id, "cs_…", created by the merchant's server. */
  sessionId: string;
  /** The session's client secret, "cs_secret_…". */
  clientSecret: string;
  /** "zh-CN" or "en" (default: the browser's language; anything not Chinese is English). */
  locale?: Locale;
  theme?: BalanceCheckoutTheme;
}

export interface BalanceCheckoutHandle {
  /** Resolves once the frame runs the widget (its first message); rejects with the
   *  `frame_unavailable` failure when the frame has not spoken within 10 s (the browser
   *  refused it: the page's origin is not among the merchant's allowed origins). A frame
   *  that starts later still works and fires `balancecheckout:ready`. */
  readonly ready: Promise<void>;
  /** Another locale or theme re-renders the frame; another session gets a new frame. */
  update(options: Partial<BalanceCheckoutOptions>): void;
  /** Removes the frame (its timers, polls and requests end with it) and every listener. */
  destroy(): void;
}

export interface BalanceCheckout {
  /** Throws a TypeError without a session id (`cs_…`) and client secret. */
  mount(element: Element, options: BalanceCheckoutOptions): BalanceCheckoutHandle;
  /** Mounts every `[data-balance-checkout]` element not mounted yet (done on load). */
  mountAll(scope?: ParentNode): void;
}

/** The totals of the split, after every change (computed by the shared core). Not the
 *  whole quote: its top-up hint would reveal the shopper's balance, so the page gets only
 *  these. The merchant's server reads the whole quote with the intent. */
export interface QuoteTotals {
  currency: string;
  total: AmountString;
  standard_total: AmountString;
  savings: AmountString;
  balance_prices_applied: boolean;
  balance_amount: AmountString;
  other_amount: AmountString;
}

/** A payment intent as the page learns it (the backend's intent without its `quote`). */
export interface Intent {
  id: string;
  session_id: string;
  status: "succeeded" | "requires_action" | "canceled";
  currency: string;
  total: AmountString;
  balance_amount: AmountString;
  other_method: Method | null;
  other_amount: AmountString;
  next_action:
    | { type: "redirect"; url: string }
    | { type: "merchant_collect"; amount: AmountString; currency: string; expires_at: string }
    | null;
  created_at: string;
  /** Your order number and metadata, from the session. */
  merchant_reference: string | null;
  metadata: Record<string, string>;
}

export interface BalanceCheckoutFailure {
  /** The backend's error code (`wrong_password`, `password_locked`, `quote_mismatch`,
   *  `session_expired`, …) or the widget's own: `network_error`, `timeout`,
   *  `invalid_response`, `missing_session`, `awaiting_payment`, `canceled`, `load_failed`;
   *  or the loader's `frame_unavailable` (no word from the frame within 10 s). */
  code: string;
  /** What the shopper was told, in the widget's locale. */
  message: string;
}

/** Dispatched on the host element (relayed from the frame); they bubble and cross shadow roots. */
export interface BalanceCheckoutEventMap {
  "balancecheckout:ready": CustomEvent<Record<string, never>>;
  "balancecheckout:change": CustomEvent<QuoteTotals>;
  "balancecheckout:succeeded": CustomEvent<Intent>;
  "balancecheckout:requires-action": CustomEvent<Intent>;
  "balancecheckout:failed": CustomEvent<BalanceCheckoutFailure>;
  /** The shopper pressed Done on the receipt of a succeeded payment. */
  "balancecheckout:done": CustomEvent<{ id: string }>;
}

declare global {
  interface Window {
    BalanceCheckout: BalanceCheckout;
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface HTMLElementEventMap extends BalanceCheckoutEventMap {}
}
