/**
 * Balance Checkout — the JavaScript API of `loader.js`.
 *
 *   <script src="https://wallet.example/balance-checkout/loader.js" defer></script>
 *   <div data-balance-checkout data-endpoint="https://wallet.example"
 *        data-session="cs_..." data-client-secret="cs_secret_..." data-locale="zh-CN"></div>
 *
 * Amounts are always strings in the currency's digits ("120.50", "1000" for JPY).
 */

/** A decimal amount in major units, exactly the currency's digits: "216.00". */
export type AmountString = string;

export type Locale = "zh-CN" | "en" | (string & {});

export type Method = "bank_card" | "wechat_pay" | "alipay" | "ecny";

export type Reason = "item_excluded" | "category_excluded" | "merchant_not_accepting" | "shipping_excluded";

/** CSS custom properties set on the host element: `{accent: "#07c"}` sets `--bc-accent`. */
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
  /** Any other `--bc-*` property, by its full name. */
  [customProperty: `--bc-${string}`]: string | undefined;
}

export interface BalanceCheckoutOptions {
  /** The wallet backend's origin, e.g. "https://wallet.example". Empty: the page's origin. */
  endpoint?: string;
  /** The checkout session id, "cs_…", created by the merchant's server. */
  sessionId?: string;
  /** The session's client secret, "cs_secret_…". */
  clientSecret?: string;
  /** "zh-CN" or "en" (default: the browser's language; anything not Chinese is English). */
  locale?: Locale;
  theme?: BalanceCheckoutTheme;
  /** Render a built-in demo order; payments are simulated and nothing leaves the page. */
  demo?: boolean;
}

export interface BalanceCheckoutHandle {
  /** Resolves once the widget is rendered (the WebAssembly is loaded once per page). */
  readonly ready: Promise<void>;
  /** Merges new options: another locale or theme re-renders; another session starts over. */
  update(options: Partial<BalanceCheckoutOptions>): void;
  /** Unmounts: stops its timers, polls and requests, empties its shadow root, removes its theme. */
  destroy(): void;
}

export interface BalanceCheckout {
  mount(element: Element, options?: BalanceCheckoutOptions): BalanceCheckoutHandle;
  /** Mounts every `[data-balance-checkout]` element not mounted yet (done on load). */
  mountAll(scope?: ParentNode): void;
}

/** The split, as computed by the shared core (same shape as the backend's quote). */
export interface Quote {
  currency: string;
  total: AmountString;
  standard_total: AmountString;
  savings: AmountString;
  balance_prices_applied: boolean;
  eligible_total: AmountString;
  balance_amount: AmountString;
  other_amount: AmountString;
  topup_to_unlock: { amount: AmountString; savings: AmountString } | null;
  lines: Array<{
    id: string;
    eligible: boolean;
    reason: Reason | null;
    amount: AmountString;
    balance: AmountString;
    other: AmountString;
  }>;
}

/** A payment intent as the backend reports it. */
export interface Intent {
  id: string;
  session_id: string;
  status: "succeeded" | "requires_action" | "canceled";
  currency: string;
  total: AmountString;
  balance_amount: AmountString;
  other_method: Method | null;
  other_amount: AmountString;
  next_action: { type: "redirect"; url: string } | null;
  quote: Quote | null;
  created_at: string;
}

export interface BalanceCheckoutFailure {
  /** The backend's error code (`wrong_password`, `password_locked`, `quote_mismatch`,
   *  `session_expired`, …) or the widget's own: `network_error`, `timeout`,
   *  `invalid_response`, `missing_session`, `awaiting_payment`, `canceled`, `load_failed`. */
  code: string;
  /** What the shopper was told, in the widget's locale. */
  message: string;
}

/** Dispatched on the host element; they bubble and cross shadow roots. */
export interface BalanceCheckoutEventMap {
  "balancecheckout:ready": CustomEvent<Record<string, never>>;
  "balancecheckout:change": CustomEvent<Quote>;
  "balancecheckout:succeeded": CustomEvent<Intent>;
  "balancecheckout:requires-action": CustomEvent<Intent>;
  "balancecheckout:failed": CustomEvent<BalanceCheckoutFailure>;
}

declare global {
  interface Window {
    BalanceCheckout: BalanceCheckout;
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface HTMLElementEventMap extends BalanceCheckoutEventMap {}
}
