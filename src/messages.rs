//! What an error means for the shopper, in their language, with what to do next.

use checkout_core::{Currency, ErrorCode};

use crate::api::{ApiError, Code};
use crate::format;
use crate::format::fill;
use crate::i18n::Locale;

/// The sentence shown for an error (and sent as `message` in `balancecheckout:failed`).
#[must_use]
pub fn describe(locale: Locale, currency: Option<Currency>, e: &ApiError) -> String {
    let t = locale.text();
    let other = || fill(t.err_other, &[("code", e.code.as_str())]);
    match &e.code {
        Code::Api(code) => describe_api(locale, currency, *code, e).unwrap_or_else(other),
        Code::Network => t.err_network.to_owned(),
        Code::Timeout => t.err_timeout.to_owned(),
        Code::AwaitingPayment => t.err_awaiting.to_owned(),
        Code::MissingSession => t.err_missing.to_owned(),
        Code::PasskeyCanceled => t.err_passkey_canceled.to_owned(),
        Code::InvalidResponse | Code::Canceled | Code::Unknown(_) => other(),
    }
}

/// The sentence for an API code; `None` for codes the shopper cannot act on, which get
/// the generic sentence with the code.
fn describe_api(
    locale: Locale,
    currency: Option<Currency>,
    code: ErrorCode,
    e: &ApiError,
) -> Option<String> {
    let t = locale.text();
    Some(match code {
        ErrorCode::WrongPassword => fill(t.err_wrong_password, &[("n", &attempts_left(e))]),
        ErrorCode::PasskeyInvalid => fill(t.err_passkey_invalid, &[("n", &attempts_left(e))]),
        ErrorCode::PasskeyExpired => t.err_passkey_expired.to_owned(),
        ErrorCode::PasskeyNotEnrolled => t.err_passkey_not_enrolled.to_owned(),
        ErrorCode::PasswordLocked => {
            let time = e
                .locked_until
                .as_deref()
                .map_or_else(String::new, |u| format::local_time(locale, u));
            fill(t.err_locked, &[("time", &time)])
        }
        ErrorCode::QuoteMismatch | ErrorCode::InsufficientBalance => {
            quote_changed(locale, currency, e)
        }
        ErrorCode::SessionCompleted => t.err_completed.to_owned(),
        ErrorCode::SessionExpired => t.err_expired.to_owned(),
        ErrorCode::SessionNotFound => t.err_not_found.to_owned(),
        ErrorCode::Unauthorized | ErrorCode::SignatureInvalid => t.err_unauthorized.to_owned(),
        ErrorCode::SignatureExpired => t.err_clock.to_owned(),
        ErrorCode::RequestInProgress => t.err_in_progress.to_owned(),
        ErrorCode::RateLimited | ErrorCode::ServerBusy => {
            let n = e.retry_after.unwrap_or(30).to_string();
            fill(t.err_rate_limited, &[("n", &n)])
        }
        ErrorCode::InvalidRequest
        | ErrorCode::LinkRevoked
        | ErrorCode::IntentNotFound
        | ErrorCode::WalletNotFound
        | ErrorCode::LinkNotFound
        | ErrorCode::WebhookEndpointNotFound
        | ErrorCode::EventNotFound
        | ErrorCode::NotFound
        | ErrorCode::MethodNotAllowed
        | ErrorCode::NonceReused
        | ErrorCode::CartChanged
        | ErrorCode::IntentNotRefundable
        | ErrorCode::IntentNotPending
        | ErrorCode::WalletExists
        | ErrorCode::WalletActivated
        | ErrorCode::ContactTaken
        | ErrorCode::StepUpRequired
        | ErrorCode::CrossSiteRequest
        | ErrorCode::RechargeNotFound
        | ErrorCode::RechargeNotPending
        | ErrorCode::WebhookEndpointConfigured
        | ErrorCode::WebhookSecretLast
        | ErrorCode::PayloadTooLarge
        | ErrorCode::IdempotencyConflict
        | ErrorCode::MethodUnavailable
        | ErrorCode::AmountMismatch
        | ErrorCode::IntentCanceled
        | ErrorCode::HoldExpired
        | ErrorCode::IntentSucceeded
        | ErrorCode::RefundExceedsPaid
        | ErrorCode::SecondLegPending
        | ErrorCode::InternalError => return None,
    })
}

/// The backend's new split, for the shopper to confirm.
fn quote_changed(locale: Locale, currency: Option<Currency>, e: &ApiError) -> String {
    let money = |a| currency.map_or_else(String::new, |c| format::amount(locale, a, c));
    let (balance, other) = e.quote.as_ref().map_or_else(
        || ("—".to_owned(), "—".to_owned()),
        |q| (money(q.balance_amount), money(q.other_amount)),
    );
    let t = locale.text();
    fill(
        t.err_quote_changed,
        &[("balance", &balance), ("other", &other)],
    )
}

/// How many attempts are left, or `?` when the backend did not say.
fn attempts_left(e: &ApiError) -> String {
    e.attempts_left
        .map_or_else(|| "?".to_owned(), |n| n.to_string())
}
