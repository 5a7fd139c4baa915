//! The second leg of a split payment: capture the hold when the second method succeeds,
//! release it when it fails, is abandoned or the hold expires. Each is one transaction
//! guarded by the intent's status transition, so a hold is settled exactly once.

use axum::http::StatusCode;
use checkout_core::Method;

use crate::db::sessions::{load_intent, IntentRow};
use crate::db::Db;
use crate::error::ApiError;
use crate::ledger::{self, LedgerError};
use crate::util::{currency, money};

/// How a pending intent ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Approved,
    Declined,
    Abandoned,
    Expired,
}

impl Outcome {
    fn reason(self) -> &'static str {
        match self {
            Outcome::Approved => "approved",
            Outcome::Declined => "declined",
            Outcome::Abandoned => "abandoned",
            Outcome::Expired => "expired",
        }
    }
}

fn ledger_failure(e: LedgerError) -> ApiError {
    match e {
        LedgerError::Db(e) => e.into(),
        other => ApiError::internal("settling a hold", format!("{other:?}")),
    }
}

/// Ends a `requires_action` intent. Answers the intent as it is afterwards; an intent
/// that already ended answers 409 `intent_not_pending` (unless it ended the same way,
/// which answers it unchanged, so that retried approvals are harmless).
pub async fn finish(
    db: &Db,
    intent_id: &str,
    outcome: Outcome,
    now: i64,
) -> Result<IntentRow, ApiError> {
    let intent = load_intent(&db.pool, intent_id)
        .await?
        .ok_or_else(|| ApiError::not_found("intent_not_found", "no payment intent has this id"))?;
    let mut tx = db.begin().await?;
    let (status, guard) = match outcome {
        // An approval after the hold expired must not capture: the sweeper releases it.
        Outcome::Approved => ("succeeded", " AND hold_expires_at > $4"),
        Outcome::Expired => ("canceled", " AND hold_expires_at <= $4"),
        Outcome::Declined | Outcome::Abandoned => ("canceled", " AND $4 = $4"),
    };
    let sql = format!(
        "UPDATE intents SET status = $2, cancel_reason = $3, updated_at = $4 \
         WHERE id = $1 AND status = 'requires_action'{guard}"
    );
    let changed = sqlx::query(&sql)
        .bind(intent_id)
        .bind(status)
        .bind((status == "canceled").then_some(outcome.reason()))
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        tx.rollback().await?;
        let current = load_intent(&db.pool, intent_id).await?.unwrap_or(intent);
        let same = (current.status == "succeeded" && outcome == Outcome::Approved)
            || (current.status == "canceled" && outcome != Outcome::Approved);
        if same {
            return Ok(current);
        }
        let why = if current.status == "requires_action" {
            "its hold has expired and is being released".to_owned()
        } else {
            format!("it is already {}", current.status)
        };
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "intent_not_pending",
            format!("this intent no longer waits for its second method: {why}; start a new payment from the checkout"),
        )
        .with("status", current.status));
    }
    let c = currency(&intent.currency)?;
    let held = ledger::wallet_held(&intent.shopper_id);
    let balance_part = money(intent.balance_amount, c)?;
    if status == "succeeded" {
        let settlement = ledger::merchant_settlement(&intent.merchant_id, c);
        ledger::transfer(
            &mut tx,
            "capture",
            &intent.id,
            &held,
            &settlement,
            balance_part,
            now,
        )
        .await
        .map_err(ledger_failure)?;
        let method = intent
            .other_method
            .as_deref()
            .unwrap_or(Method::BankCard.code());
        let other = money(intent.other_amount, c)?;
        ledger::transfer(
            &mut tx,
            "second_method",
            &intent.id,
            &ledger::external(method, c),
            &settlement,
            other,
            now,
        )
        .await
        .map_err(ledger_failure)?;
        sqlx::query("UPDATE sessions SET status = 'completed' WHERE id = $1")
            .bind(&intent.session_id)
            .execute(&mut *tx)
            .await?;
    } else {
        let available = ledger::wallet_available(&intent.shopper_id);
        ledger::transfer(
            &mut tx,
            "release",
            &intent.id,
            &held,
            &available,
            balance_part,
            now,
        )
        .await
        .map_err(ledger_failure)?;
        // The shopper may try again (an expired session stays expired for readers).
        sqlx::query(
            "UPDATE sessions SET status = 'open' WHERE id = $1 AND status = 'awaiting_payment'",
        )
        .bind(&intent.session_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    tracing::info!(intent = %intent.id, outcome = outcome.reason(), "second method finished");
    load_intent(&db.pool, intent_id)
        .await?
        .ok_or_else(|| ApiError::internal("intent", "vanished after commit"))
}

/// Releases every hold whose time is up. Returns how many were released.
pub async fn expire_holds(db: &Db, now: i64) -> Result<usize, ApiError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM intents WHERE status = 'requires_action' AND hold_expires_at <= $1",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    let mut released = 0;
    for id in ids {
        if finish(db, &id, Outcome::Expired, now).await.is_ok() {
            released += 1;
        }
    }
    Ok(released)
}
