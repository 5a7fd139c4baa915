//! The second leg of a split payment: capture the hold when the second method succeeds,
//! release it when it fails, is abandoned or the hold expires. Each is one transaction
//! guarded by the intent's status transition, so a hold is settled exactly once.

use checkout_core::{CancelReason, ErrorCode, IntentStatus, Method, SessionStatus};

use crate::error::{ApiError, ServerError};
use crate::store::db::rows::{load_intent, IntentRow};
use crate::store::db::{Db, Tx};
use crate::store::ledger::{self, Kind};
use crate::store::stored::money;

/// How a pending intent ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Approved,
    Declined,
    Abandoned,
    Expired,
    /// The merchant canceled it (`POST /v1/intents/{id}/cancel`).
    CanceledByMerchant,
    /// The shopper canceled it from the frame (the client secret).
    CanceledByShopper,
}

impl Outcome {
    /// The status the intent ends in, and why it was canceled.
    fn ends_in(self) -> (IntentStatus, Option<CancelReason>) {
        match self {
            Outcome::Approved => (IntentStatus::Succeeded, None),
            Outcome::Declined => (IntentStatus::Canceled, Some(CancelReason::Declined)),
            Outcome::Abandoned => (IntentStatus::Canceled, Some(CancelReason::Abandoned)),
            Outcome::Expired => (IntentStatus::Canceled, Some(CancelReason::Expired)),
            Outcome::CanceledByMerchant => (
                IntentStatus::Canceled,
                Some(CancelReason::RequestedByMerchant),
            ),
            Outcome::CanceledByShopper => (
                IntentStatus::Canceled,
                Some(CancelReason::RequestedByShopper),
            ),
        }
    }
}

/// Ends a `requires_action` intent. Answers the intent as it is afterwards; an intent
/// that already ended answers 409 `intent_not_pending` (unless it ended the same way,
/// which answers it unchanged, so that retried approvals are harmless). `note` is the
/// merchant's words on a cancel, kept as `cancel_note` (checked by the caller); `now` is
/// unix seconds.
///
/// # Errors
/// 404 `intent_not_found`; 409 `intent_not_pending` with `status`.
pub async fn finish(
    db: &Db,
    intent_id: &str,
    (outcome, note): (Outcome, Option<&str>),
    now: i64,
) -> Result<IntentRow, ServerError> {
    crate::store::retry::retrying("finish_hold", || {
        finish_once(db, intent_id, (outcome, note), now)
    })
    .await
}

/// One attempt of [`finish`], run again by [`crate::store::retry::retrying`].
async fn finish_once(
    db: &Db,
    intent_id: &str,
    (outcome, note): (Outcome, Option<&str>),
    now: i64,
) -> Result<IntentRow, ServerError> {
    let intent = load_intent(&db.pool, intent_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::IntentNotFound, "no payment intent has this id"))?;
    // Only the merchant's capture and cancel, and the hold's expiry, end a remainder the
    // merchant collects: it may already hold the other money (DESIGN.md *The second leg*).
    let settles_merchant_leg = matches!(outcome, Outcome::CanceledByMerchant | Outcome::Expired);
    if intent.other_method == Some(Method::Merchant) && outcome == Outcome::CanceledByShopper {
        return Err(merchant_collects().into());
    }
    if intent.other_method == Some(Method::Merchant) && !settles_merchant_leg {
        return Err(ApiError::new(
            ErrorCode::IntentNotFound,
            "no payment intent with a second method to settle here has this id",
        )
        .into());
    }
    let mut tx = db.begin().await?;
    let Some(ended) = end_in(&mut tx, &intent, (outcome, note), now).await? else {
        tx.rollback().await?;
        let current = load_intent(&db.pool, intent_id).await?.unwrap_or(intent);
        return already_ended(&current, outcome, now);
    };
    tx.commit().await?;
    crate::webhooks::wake();
    tracing::info!(intent = %intent.id, ?outcome, "second method finished");
    Ok(ended)
}

/// What an intent that someone else ended first answers to `outcome`: the intent
/// unchanged when it ended the same way (a retried approval or cancel is harmless), a
/// cancel's 409 after the fact (`intent_succeeded`, `intent_canceled`, `hold_expired`),
/// else 409 `intent_not_pending`.
fn already_ended(
    current: &IntentRow,
    outcome: Outcome,
    now: i64,
) -> Result<IntentRow, ServerError> {
    let (status, reason) = outcome.ends_in();
    if current.status == status && current.cancel_reason == reason {
        return Ok(current.clone());
    }
    if matches!(
        outcome,
        Outcome::CanceledByMerchant | Outcome::CanceledByShopper
    ) {
        if let Some(refusal) = super::refusals::after_the_fact(current, now) {
            return Err(refusal.into());
        }
    }
    Err(match current.status {
        IntentStatus::RequiresAction => {
            not_pending(current.status, "its hold has expired and is being released")
        }
        IntentStatus::Succeeded | IntentStatus::Canceled => {
            not_pending(current.status, &format!("it is already {}", current.status))
        }
    })
}

/// Inside `tx`: moves the intent from `requires_action` to where `outcome` ends it (with
/// the merchant's `note` on a cancel), captures or releases its hold and records its
/// event. `None` when the intent no longer waits (or its hold's time does not fit the
/// outcome): nothing was changed.
pub(super) async fn end_in(
    tx: &mut Tx,
    intent: &IntentRow,
    (outcome, note): (Outcome, Option<&str>),
    now: i64,
) -> Result<Option<IntentRow>, ServerError> {
    let (status, reason) = outcome.ends_in();
    let guard = match outcome {
        // An approval after the hold expired must not capture, nor a cancel release it
        // under another name: the sweeper releases it as expired.
        Outcome::Approved | Outcome::CanceledByMerchant | Outcome::CanceledByShopper => {
            " AND hold_expires_at > $4"
        }
        Outcome::Expired => " AND hold_expires_at <= $4",
        Outcome::Declined | Outcome::Abandoned => " AND $4 = $4",
    };
    let sql = format!(
        "UPDATE intents SET status = $2, cancel_reason = $3, updated_at = $4, cancel_note = $7 \
         WHERE id = $1 AND status = $5 AND livemode = $6{guard}"
    );
    let changed = sqlx::query(&sql)
        .bind(&intent.id)
        .bind(status.code())
        .bind(reason.map(CancelReason::code))
        .bind(now)
        .bind(IntentStatus::RequiresAction.code())
        .bind(i64::from(intent.livemode))
        .bind(note)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Ok(None);
    }
    if status == IntentStatus::Succeeded {
        capture(tx, intent, now).await?;
    } else {
        release(tx, intent, now).await?;
    }
    let ended = load_intent(&mut **tx, &intent.id)
        .await?
        .ok_or_else(|| ServerError::internal("intent", "vanished in its transaction"))?;
    // No `next_action` once ended, so no base URL is needed.
    crate::webhooks::outbox::intent_event(tx, &ended, "", now).await?;
    Ok(Some(ended))
}

/// The hold to the merchant, the second method's leg to the merchant, the session paid.
async fn capture(tx: &mut Tx, intent: &IntentRow, now: i64) -> Result<(), ServerError> {
    let c = intent.currency;
    let held = ledger::wallet_held(intent.wallet());
    let settlement = ledger::merchant_settlement(&intent.merchant_id, c, intent.livemode);
    let balance_part = money(intent.balance_amount, c)?;
    ledger::transfer(
        tx,
        Kind::Capture,
        &intent.id,
        &held,
        &settlement,
        balance_part,
        now,
    )
    .await?;
    // A remainder the merchant collected with its own provider never passed through the
    // wallet's books; the sandbox's did (DESIGN-NOTES *The second leg*).
    match intent.other_method {
        Some(Method::Merchant) => {}
        method => {
            let method = ledger::external(method.unwrap_or(Method::BankCard), c, intent.livemode);
            let other = money(intent.other_amount, c)?;
            ledger::transfer(
                tx,
                Kind::SecondMethod,
                &intent.id,
                &method,
                &settlement,
                other,
                now,
            )
            .await?;
        }
    }
    sqlx::query("UPDATE sessions SET status = $2 WHERE id = $1 AND livemode = $3")
        .bind(&intent.session_id)
        .bind(SessionStatus::Completed.code())
        .bind(i64::from(intent.livemode))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The hold back to the available balance; the session open again so the shopper may
/// try again (an expired session stays expired for readers).
async fn release(tx: &mut Tx, intent: &IntentRow, now: i64) -> Result<(), ServerError> {
    let c = intent.currency;
    let held = ledger::wallet_held(intent.wallet());
    let available = ledger::wallet_available(intent.wallet());
    let balance_part = money(intent.balance_amount, c)?;
    ledger::transfer(
        tx,
        Kind::Release,
        &intent.id,
        &held,
        &available,
        balance_part,
        now,
    )
    .await?;
    sqlx::query("UPDATE sessions SET status = $2 WHERE id = $1 AND status = $3 AND livemode = $4")
        .bind(&intent.session_id)
        .bind(SessionStatus::Open.code())
        .bind(SessionStatus::AwaitingPayment.code())
        .bind(i64::from(intent.livemode))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// 409 `second_leg_pending`: the shopper (or anyone but the merchant) may not cancel a
/// remainder the merchant collects.
#[must_use]
pub fn merchant_collects() -> ApiError {
    ApiError::new(
        ErrorCode::SecondLegPending,
        "the shop is collecting the rest of this payment and may already hold it: finish or cancel it on the shop's page",
    )
}

pub(super) fn not_pending(status: IntentStatus, why: &str) -> ServerError {
    ApiError::new(
        ErrorCode::IntentNotPending,
        format!("this intent no longer waits for its second method: {why}; start a new payment from the checkout"),
    )
    .with("status", status)
    .into()
}

/// Cancels the payments of sessions opened with these links (token digests, in one mode)
/// that wait for the sandbox's page: a revoked link takes back the shop's right to the
/// balance, so their holds come back at once, each with its `payment_intent.canceled`.
/// A remainder the merchant collects is left to the merchant, who may already hold that
/// money and still captures or cancels it (DESIGN.md *The second leg*). Returns how many
/// were canceled; one that ended meanwhile is skipped.
///
/// # Errors
/// The database's.
pub async fn cancel_for_links(
    db: &Db,
    (digests, livemode): (&[String], bool),
    outcome: Outcome,
    now: i64,
) -> Result<usize, ServerError> {
    let mut canceled = 0;
    for digest in digests {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT i.id FROM intents i JOIN sessions s ON s.id = i.session_id \
             WHERE s.link_digest = $1 AND s.livemode = $2 AND i.livemode = $2 AND i.status = $3 \
             AND (i.other_method IS NULL OR i.other_method <> $4)",
        )
        .bind(digest)
        .bind(i64::from(livemode))
        .bind(IntentStatus::RequiresAction.code())
        .bind(Method::Merchant.code())
        .fetch_all(&db.pool)
        .await?;
        for id in ids {
            match finish(db, &id, (outcome, None), now).await {
                Ok(_) => canceled += 1,
                // It ended meanwhile (approved, expired): nothing to cancel.
                Err(ServerError::Api(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(canceled)
}

/// Releases every hold whose time is up at `now` (unix seconds), one transaction per
/// hold. Each hold is claimed with `FOR UPDATE SKIP LOCKED` (DESIGN.md *Several
/// replicas*): replicas sweeping at once release different holds, never one twice.
/// Returns how many this call released.
///
/// # Errors
/// The database's.
pub async fn expire_holds(db: &Db, now: i64) -> Result<usize, ServerError> {
    let mut released = 0;
    while crate::store::retry::retrying("expire_hold", || expire_one(db, now)).await? {
        released += 1;
    }
    Ok(released)
}

/// Claims one expired hold no other transaction holds and releases it. Returns whether
/// there was one.
async fn expire_one(db: &Db, now: i64) -> Result<bool, ServerError> {
    let mut tx = db.begin().await?;
    let sql = format!(
        "SELECT id FROM intents WHERE status = $2 AND hold_expires_at <= $1 \
         ORDER BY hold_expires_at LIMIT 1{}",
        db.skip_locked()
    );
    let id: Option<String> = sqlx::query_scalar(&sql)
        .bind(now)
        .bind(IntentStatus::RequiresAction.code())
        .fetch_optional(&mut *tx)
        .await?;
    let Some(id) = id else {
        tx.rollback().await?;
        return Ok(false);
    };
    let intent = load_intent(&mut *tx, &id)
        .await?
        .ok_or_else(|| ServerError::internal("intent", "vanished while claimed"))?;
    if end_in(&mut tx, &intent, (Outcome::Expired, None), now)
        .await?
        .is_none()
    {
        // Claimed rows cannot change under us; nothing to release after all.
        tx.rollback().await?;
        return Ok(false);
    }
    tx.commit().await?;
    crate::webhooks::wake();
    tracing::info!(intent = %id, "expired hold released");
    Ok(true)
}
