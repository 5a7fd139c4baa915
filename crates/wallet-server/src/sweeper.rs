//! Background task: releases expired holds (intent `canceled`, session open again), marks
//! expired sessions (with their `session.expired` events) and forgets old idempotency keys
//! and nonces.

use std::time::Duration;

use checkout_core::{EventType, SessionStatus};
use sqlx::Row as _;

use crate::db::Db;
use crate::views::SessionOutcome;
use crate::webhooks::outbox::{self, Owner};

/// Idempotency keys and nonces are kept a day: far longer than any retry or signature.
const RETENTION_SECS: i64 = 24 * 3600;

pub async fn run(db: Db, interval_secs: u64) {
    let mut tick = tokio::time::interval(Duration::from_secs(interval_secs));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = sweep(&db).await {
            tracing::warn!(error = %e, "sweep failed; retrying on the next tick");
        }
    }
}

/// Marks open sessions past `expires_at` expired, each with its `session.expired` event,
/// in one transaction (a replica's concurrent sweep changes other rows or none).
async fn expire_sessions(db: &Db, now: i64) -> Result<(), crate::error::ServerError> {
    let mut tx = db.begin().await?;
    let rows = sqlx::query(
        "UPDATE sessions SET status = $2 WHERE status = $3 AND expires_at <= $1 \
         RETURNING id, merchant_id, livemode",
    )
    .bind(now)
    .bind(SessionStatus::Expired.code())
    .bind(SessionStatus::Open.code())
    .fetch_all(&mut *tx)
    .await?;
    for row in &rows {
        let id: String = row.try_get("id")?;
        let merchant_id: String = row.try_get("merchant_id")?;
        let livemode: i64 = row.try_get("livemode")?;
        let object = SessionOutcome {
            id,
            status: SessionStatus::Expired,
            intent_id: None,
        };
        let owner = Owner {
            merchant_id: &merchant_id,
            livemode: livemode != 0,
        };
        outbox::record(&mut tx, owner, EventType::SessionExpired, &object, now).await?;
    }
    tx.commit().await?;
    if !rows.is_empty() {
        crate::webhooks::wake();
    }
    Ok(())
}

/// One pass.
///
/// # Errors
/// The database's; the next tick tries again.
pub async fn sweep(db: &Db) -> Result<(), crate::error::ServerError> {
    let now = crate::util::now();
    let released = crate::payments::expire_holds(db, now).await?;
    if released > 0 {
        tracing::info!(released, "expired holds released");
    }
    expire_sessions(db, now).await?;
    sqlx::query("DELETE FROM idempotency_keys WHERE state = 'done' AND created_at < $1")
        .bind(now - RETENTION_SECS)
        .execute(&db.pool)
        .await?;
    // A nonce older than the signature tolerance can never be replayed with a valid
    // signature, but keeping it a day costs little and keeps `nonce_reused` honest.
    sqlx::query("DELETE FROM nonces WHERE created_at < $1")
        .bind(now - RETENTION_SECS)
        .execute(&db.pool)
        .await?;
    Ok(())
}
