//! `POST /v1/intents/{id}/capture`: the merchant collected the remainder of a `merchant`
//! leg with its own provider, and the wallet captures the hold (DESIGN.md *The second
//! leg*). The merchant's record of the other payment is written, the intent moved to
//! `succeeded`, the hold captured and `payment_intent.succeeded` recorded in one
//! transaction guarded by the intent's status and its hold's time, so a capture happens
//! once and never after the hold expired, whether or not the sweeper has run.

use checkout_core::{Amount, ErrorCode, IntentStatus, Method, Money, Provider};
use serde::Deserialize;

use super::refusals::{after_the_fact, hold_expired};
use super::second_leg::{end_in, Outcome};
use crate::config::Merchant;
use crate::error::{ApiError, Reply, ServerError};
use crate::store::db::rows::{load_merchant_intent, IntentRow};
use crate::store::db::Db;
use crate::store::stored::money;
use crate::views::IntentView;
use axum::http::StatusCode;

/// The body of `POST /v1/intents/{id}/capture`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaptureRequest {
    pub second_leg: CollectedLeg,
}

/// What the merchant collected: exactly the intent's `other_amount` (major units, the
/// currency's digits), with which provider, and that provider's id of the payment.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectedLeg {
    pub amount: Amount,
    pub provider: Provider,
    pub reference: String,
}

/// Captures a merchant's `merchant`-leg intent. Answers the succeeded intent (200), also
/// stored under the idempotency key in the capture's own transaction.
///
/// # Errors
/// 404 `intent_not_found` (another merchant's, another mode's, or unknown); 400
/// `invalid_request` for a reference that is not 1–64 printable ASCII characters, an
/// amount with the wrong digits, or an intent the sandbox settles; 409
/// `intent_succeeded`, `intent_canceled` or `hold_expired` once the intent stopped
/// waiting; 422 `amount_mismatch` with `expected` when the amount is not the remainder.
pub async fn capture(
    db: &Db,
    merchant: &Merchant,
    intent_id: &str,
    req: &CaptureRequest,
    answer: &Answer<'_>,
) -> Result<Reply, ServerError> {
    let now = crate::util::now();
    let leg = &req.second_leg;
    checkout_core::validate_reference(&leg.reference).map_err(|e| ApiError::invalid(&e))?;
    let intent = load_merchant_intent(&db.pool, &merchant.id, merchant.livemode, intent_id)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::IntentNotFound,
                "no payment intent of yours has this id; use the id of the requires-action event",
            )
        })?;
    if let Some(refusal) = after_the_fact(&intent, now) {
        return Err(refusal.into());
    }
    if intent.other_method != Some(Method::Merchant) {
        return Err(ApiError::field(
            "second_leg",
            "this intent's remainder is settled by the sandbox's page, not captured by you; create the session with second_leg \"merchant\"",
        )
        .into());
    }
    let expected = money(intent.other_amount, intent.currency)?;
    let amount = leg
        .amount
        .in_currency(intent.currency)
        .map_err(|e| ApiError::field("second_leg.amount", e.to_string()))?;
    if amount != expected {
        return Err(mismatch(amount, expected).into());
    }
    crate::store::retry::retrying("capture", || capture_once(db, &intent, leg, answer)).await
}

/// Where the capture's answer is stored, in its own transaction, so that a retry after a
/// crash replays it: the idempotency scope and key, and the origin of absolute URLs.
pub struct Answer<'a> {
    pub scope: &'a str,
    pub key: &'a str,
    pub base: &'a str,
}

/// One attempt of [`capture`], run again by [`crate::store::retry::retrying`], at its
/// own time.
async fn capture_once(
    db: &Db,
    intent: &IntentRow,
    leg: &CollectedLeg,
    answer: &Answer<'_>,
) -> Result<Reply, ServerError> {
    let now = crate::util::now();
    let mut tx = db.begin().await?;
    // The record first, so that the event written with the capture carries it.
    sqlx::query(
        "UPDATE intents SET second_leg_provider = $2, second_leg_reference = $3 \
         WHERE id = $1 AND status = $4 AND livemode = $5",
    )
    .bind(&intent.id)
    .bind(leg.provider.code())
    .bind(&leg.reference)
    .bind(IntentStatus::RequiresAction.code())
    .bind(i64::from(intent.livemode))
    .execute(&mut *tx)
    .await?;
    let Some(captured) = end_in(&mut tx, intent, (Outcome::Approved, None), now).await? else {
        tx.rollback().await?;
        // Another request ended it first, or its hold ran out meanwhile.
        let current =
            load_merchant_intent(&db.pool, &intent.merchant_id, intent.livemode, &intent.id)
                .await?
                .unwrap_or_else(|| intent.clone());
        let refusal = after_the_fact(&current, now).unwrap_or_else(|| hold_expired(&current));
        return Err(refusal.into());
    };
    let reply = Reply::json(StatusCode::OK, &IntentView::of(&captured, answer.base)?);
    crate::http::idempotency::store(&mut *tx, answer.scope, answer.key, &reply).await?;
    tx.commit().await?;
    crate::webhooks::wake();
    tracing::info!(intent = %intent.id, provider = %leg.provider, "merchant leg captured");
    Ok(reply)
}

fn mismatch(amount: Money, expected: Money) -> ApiError {
    ApiError::new(
        ErrorCode::AmountMismatch,
        format!(
            "second_leg.amount is {amount} but the remainder to capture is {expected}; capture exactly the intent's other_amount"
        ),
    )
    .with("expected", expected)
}
