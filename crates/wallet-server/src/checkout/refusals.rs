//! Why a session refuses a payment: not open (paid, waiting for its second method,
//! expired), or the intent's amounts differ from the backend's quote; and why an intent
//! can no longer be captured or canceled.

use checkout_core::intent::Mismatch;
use checkout_core::{CancelReason, ErrorCode, IntentStatus, Quote, SessionStatus};

use crate::error::{ApiError, ServerError};
use crate::http::state::AppState;
use crate::store::db::rows::{load_session, pending_intent_of, IntentRow, SessionRow};
use crate::util::now;
use crate::views::MismatchView;

/// Why a session that is not open refuses an intent.
pub(super) fn not_open(status: SessionStatus, pending: Option<String>) -> ApiError {
    match status {
        SessionStatus::Completed => ApiError::new(
            ErrorCode::SessionCompleted,
            "this checkout session is already paid; create a new session for a new order",
        ),
        SessionStatus::AwaitingPayment => ApiError::new(
            ErrorCode::RequestInProgress,
            "a payment for this session is waiting for its second method; finish or cancel it first",
        )
        .with("intent_id", pending),
        SessionStatus::Expired | SessionStatus::Open => ApiError::new(
            ErrorCode::SessionExpired,
            "this checkout session has expired; create a new session from the merchant's server",
        ),
    }
}

/// The error for a session found not open (read again: it may have just changed).
pub(super) async fn session_error(
    state: &AppState,
    session: &SessionRow,
) -> Result<ApiError, ServerError> {
    let fresh = load_session(&state.db.pool, &session.id)
        .await?
        .unwrap_or_else(|| session.clone());
    let pending = pending_intent_of(&state.db, &session.id).await?;
    Ok(not_open(fresh.effective_status(now()), pending))
}

/// 409 `quote_mismatch` with the backend's quote and the fields that differ.
pub(super) fn quote_mismatch(quote: &Quote, diffs: Vec<Mismatch>) -> ApiError {
    let names: Vec<_> = diffs.iter().map(|m| m.field).collect();
    let fields: Vec<_> = diffs
        .into_iter()
        .map(|m| MismatchView {
            field: m.field,
            intent: m.intent,
            quote: m.quote,
        })
        .collect();
    ApiError::new(
        ErrorCode::QuoteMismatch,
        format!(
            "the intent's {} differ from the backend's quote (the balance or cart changed); show the shopper the new quote and sign a new intent",
            names.join(", ")
        ),
    )
    .with("quote", quote)
    .with("mismatches", fields)
}

/// Why an intent can no longer be captured or canceled, at `now`, if it
/// cannot (DESIGN.md *Sessions* §5: 409 `intent_succeeded`, `intent_canceled`,
/// `hold_expired`).
pub fn after_the_fact(intent: &IntentRow, now: i64) -> Option<ApiError> {
    match (intent.status, intent.cancel_reason) {
        (IntentStatus::Succeeded, _) => Some(
            ApiError::new(
                ErrorCode::IntentSucceeded,
                "this intent already succeeded: its hold was captured; nothing more to do",
            )
            .with("status", intent.status),
        ),
        (IntentStatus::Canceled, Some(CancelReason::Expired)) => Some(hold_expired(intent)),
        (IntentStatus::Canceled, _) => Some(
            ApiError::new(
                ErrorCode::IntentCanceled,
                "this intent was canceled and its hold went back to the wallet; void the payment you collected with your provider",
            )
            .with("status", intent.status),
        ),
        (IntentStatus::RequiresAction, _)
            if intent.hold_expires_at.is_some_and(|end| end <= now) =>
        {
            Some(hold_expired(intent))
        }
        (IntentStatus::RequiresAction, _) => None,
    }
}

pub fn hold_expired(intent: &IntentRow) -> ApiError {
    let mut e = ApiError::new(
        ErrorCode::HoldExpired,
        "the hold on the wallet balance expired before this capture; void the payment you collected with your provider and start a new checkout",
    );
    if let Some(end) = intent.hold_expires_at {
        e = e.with("expired_at", crate::util::rfc3339(end));
    }
    e
}

#[cfg(test)]
mod tests {
    use super::not_open;
    use checkout_core::{ErrorCode, SessionStatus};

    #[test]
    fn a_session_that_is_not_open_says_why_with_the_contract_code() {
        let cases = [
            (SessionStatus::Completed, ErrorCode::SessionCompleted, 409),
            (
                SessionStatus::AwaitingPayment,
                ErrorCode::RequestInProgress,
                409,
            ),
            (SessionStatus::Expired, ErrorCode::SessionExpired, 410),
        ];
        for (status, code, http) in cases {
            let e = not_open(status, Some("pi_1".into()));
            assert_eq!((e.code, e.status.as_u16()), (code, http), "{status}");
        }
        let waiting = not_open(SessionStatus::AwaitingPayment, Some("pi_1".into()));
        assert_eq!(waiting.extra["intent_id"], "pi_1");
    }
}
