//! Background task: releases expired holds (intent `canceled`, session open again), marks
//! expired sessions and forgets old idempotency keys and nonces.

use std::time::Duration;

use checkout_core::SessionStatus;

use crate::db::Db;

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
    sqlx::query("UPDATE sessions SET status = $2 WHERE status = $3 AND expires_at <= $1")
        .bind(now)
        .bind(SessionStatus::Expired.code())
        .bind(SessionStatus::Open.code())
        .execute(&db.pool)
        .await?;
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
