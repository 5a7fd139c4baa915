//! Top-up inside checkout (DESIGN.md *The shopper's wallet*, "In checkout"): when a quote
//! carries `topup_to_unlock`, the frame recharges the session's wallet through a payment
//! method without leaving the checkout, then quotes again with the new balance. The
//! recharge itself is `crate::wallet::recharges`: credited once, when the method succeeds.
//!
//! The client secret authorises starting and reading a top-up: it can only ask the shopper
//! to pay money *into* their own wallet, on the method's page, and reads back only the
//! top-ups its own session started, while that session is open.

use checkout_core::{Amount, ErrorCode, Method, SessionStatus};

use super::refusals::not_open;
use crate::error::{ApiError, ServerError};
use crate::http::state::AppState;
use crate::store::db::rows::SessionRow;
use crate::util::now;
use crate::wallet::recharges::{self, RechargeView};

/// Starts a top-up of the session's wallet; `base` is the origin of the method's page.
///
/// # Errors
/// 409 `session_completed`, 409 `second_leg_pending` while its payment waits for the
/// second method, 410 `session_expired`; 422 `method_unavailable` without a provider for recharges (only the
/// sandbox, for test-mode sessions); those of [`recharges::create`].
pub async fn start(
    state: &AppState,
    session: &SessionRow,
    amount: Amount,
    method: Method,
    base: &str,
) -> Result<RechargeView, ServerError> {
    let status = session.effective_status(now());
    if status == SessionStatus::AwaitingPayment {
        // Its own code, not the idempotency one: the payment's second leg is still running.
        return Err(ApiError::new(
            ErrorCode::SecondLegPending,
            "this session's payment is waiting for its second method; finish or cancel it before topping up",
        )
        .into());
    }
    if status != SessionStatus::Open {
        return Err(not_open(status, None).into());
    }
    if !state.config.sandbox || session.livemode {
        return Err(ApiError::new(
            ErrorCode::MethodUnavailable,
            "this wallet has no payment provider for recharges of this session",
        )
        .into());
    }
    let wallet = (session.wallet(), Some(session.id.as_str()));
    let campaigns = &state.config.recharge_promotions;
    let r = recharges::create((&state.db, campaigns), wallet, amount, method).await?;
    Ok(RechargeView::of(&r, base))
}

/// A top-up this session started, while the session can still be paid: a closed session
/// reads only its outcome, and another session of the same shopper reads nothing of it.
///
/// # Errors
/// 409 `session_completed`, 410 `session_expired`; 404 `recharge_not_found` for an
/// unknown id or a recharge this session did not start.
pub async fn read(
    state: &AppState,
    session: &SessionRow,
    id: &str,
    base: &str,
) -> Result<RechargeView, ServerError> {
    let status = session.effective_status(now());
    if !matches!(status, SessionStatus::Open | SessionStatus::AwaitingPayment) {
        return Err(not_open(status, None).into());
    }
    match recharges::load(&state.db, id, session.livemode).await? {
        Some(r) if r.session_id.as_deref() == Some(session.id.as_str()) => {
            Ok(RechargeView::of(&r, base))
        }
        _ => Err(ApiError::new(
            ErrorCode::RechargeNotFound,
            "no top-up of this session's wallet has this id",
        )
        .into()),
    }
}
