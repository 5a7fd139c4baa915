//! What an error means for the shopper, in their language, with what to do next.

use checkout_core::Currency;

use crate::api::ApiError;
use crate::format;
use crate::i18n::{fill, Locale};

/// The sentence shown for an error (and sent as `message` in `balancecheckout:failed`).
#[must_use]
pub fn describe(locale: Locale, currency: Option<Currency>, e: &ApiError) -> String {
    let t = locale.text();
    let money = |a| currency.map_or_else(String::new, |c| format::amount(locale, a, c));
    match e.code.as_str() {
        "wrong_password" => {
            let n = e
                .attempts_left
                .map_or_else(|| "?".to_owned(), |n| n.to_string());
            fill(t.err_wrong_password, &[("n", &n)])
        }
        "password_locked" => {
            let time = e.locked_until.as_deref().map_or("", short_time);
            fill(t.err_locked, &[("time", time)])
        }
        "quote_mismatch" | "insufficient_balance" => match &e.quote {
            Some(q) => fill(
                t.err_quote_changed,
                &[
                    ("balance", &money(q.balance_amount)),
                    ("other", &money(q.other_amount)),
                ],
            ),
            None => fill(t.err_quote_changed, &[("balance", "—"), ("other", "—")]),
        },
        "session_completed" => t.err_completed.to_owned(),
        "session_expired" => t.err_expired.to_owned(),
        "session_not_found" => t.err_not_found.to_owned(),
        "unauthorized" | "signature_invalid" => t.err_unauthorized.to_owned(),
        "signature_expired" => t.err_clock.to_owned(),
        "network_error" => t.err_network.to_owned(),
        "timeout" => t.err_timeout.to_owned(),
        "request_in_progress" => t.err_in_progress.to_owned(),
        "awaiting_payment" => t.err_awaiting.to_owned(),
        "missing_session" => t.err_missing.to_owned(),
        "rate_limited" => {
            let n = e.retry_after.unwrap_or(30).to_string();
            fill(t.err_rate_limited, &[("n", &n)])
        }
        code => fill(t.err_other, &[("code", code)]),
    }
}

/// `2026-11-25T13:20:00Z` → `2026-11-25 13:20 UTC`: enough to know when to come back.
fn short_time(rfc3339: &str) -> &str {
    rfc3339.get(..16).unwrap_or(rfc3339)
}
