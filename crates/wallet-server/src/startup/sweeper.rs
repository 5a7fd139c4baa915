//! Background task: releases expired holds (intent `canceled`, session open again), marks
//! expired sessions (with their `session.expired` events), abandons recharges left
//! `pending` (their bonus reservations go back) and forgets old idempotency keys and
//! nonces. Every step claims its rows with `FOR UPDATE SKIP LOCKED` on PostgreSQL
//! (DESIGN.md *Several replicas*), or, for recharges, moves each from `pending` with a
//! conditional update that one replica wins, so any number of replicas may sweep at once.

use std::time::Duration;

use checkout_core::{EventType, SessionStatus};
use sqlx::Row as _;

use crate::store::db::Db;
use crate::views::SessionOutcome;
use crate::webhooks::outbox::{self, Owner};

/// Idempotency keys and nonces are kept a day: far longer than any retry or signature.
const RETENTION_SECS: i64 = 24 * 3600;

/// Rows one sweeping statement claims at most, so no transaction holds many locks.
const BATCH: usize = 200;

/// How often the sweeper runs, and what it lets age.
#[derive(Debug, Clone, Copy)]
pub struct Terms {
    pub interval_secs: u64,
    /// A test recharge still `pending` this long after it began is abandoned.
    pub recharge_ttl_secs: i64,
}

pub async fn run(db: Db, terms: Terms) {
    let mut tick = tokio::time::interval(Duration::from_secs(terms.interval_secs));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = sweep(&db, terms).await {
            tracing::warn!(error = %e, "sweep failed; retrying on the next tick");
        }
    }
}

/// Marks open sessions past `expires_at` expired, each with its `session.expired` event,
/// [`BATCH`] sessions per transaction, each batch claimed with `FOR UPDATE SKIP LOCKED`
/// (a replica's concurrent sweep takes other rows).
async fn expire_sessions(db: &Db, now: i64) -> Result<(), crate::error::ServerError> {
    while crate::store::retry::retrying("expire_sessions", || expire_sessions_once(db, now)).await?
        > 0
    {}
    Ok(())
}

/// One batch of [`expire_sessions`]; returns how many sessions it expired.
async fn expire_sessions_once(db: &Db, now: i64) -> Result<usize, crate::error::ServerError> {
    let mut tx = db.begin().await?;
    let sql = format!(
        "UPDATE sessions SET status = $2 WHERE id IN (SELECT id FROM sessions \
         WHERE status = $3 AND expires_at <= $1 LIMIT {BATCH}{}) \
         RETURNING id, merchant_id, livemode",
        db.skip_locked()
    );
    let rows = sqlx::query(&sql)
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
    Ok(rows.len())
}

/// Deletes rows older than `before` from `table` (keyed by `key`, a column list), a
/// batch at a time, each batch claimed with `FOR UPDATE SKIP LOCKED` so that replicas
/// sweeping at once never wait on each other. `only` narrows the rows further.
async fn forget(
    db: &Db,
    (table, key, only): (&str, &str, &str),
    before: i64,
) -> Result<(), crate::error::ServerError> {
    let sql = format!(
        "DELETE FROM {table} WHERE ({key}) IN (SELECT {key} FROM {table} \
         WHERE created_at < $1{only} LIMIT {BATCH}{})",
        db.skip_locked()
    );
    loop {
        let gone = sqlx::query(&sql)
            .bind(before)
            .execute(&db.pool)
            .await?
            .rows_affected();
        if gone == 0 {
            return Ok(());
        }
    }
}

/// One pass.
///
/// # Errors
/// The database's; the next tick tries again.
pub async fn sweep(db: &Db, terms: Terms) -> Result<(), crate::error::ServerError> {
    let now = crate::util::now();
    let released = crate::checkout::second_leg::expire_holds(db, now).await?;
    if released > 0 {
        tracing::info!(released, "expired holds released");
    }
    expire_sessions(db, now).await?;
    // Its failure must not hold up the forgetting below.
    match crate::wallet::abandoned::abandon_stale(db, now - terms.recharge_ttl_secs).await {
        Ok(0) => {}
        Ok(abandoned) => tracing::info!(abandoned, "unfinished recharges abandoned"),
        Err(e) => {
            tracing::warn!(error = %e, "abandoning unfinished recharges failed; the next sweep tries again")
        }
    }
    let keys = ("idempotency_keys", "scope, key", " AND state = 'done'");
    forget(db, keys, now - RETENTION_SECS).await?;
    // A nonce older than the signature tolerance can never be replayed with a valid
    // signature, but keeping it a day costs little and keeps `nonce_reused` honest.
    forget(db, ("nonces", "nonce", ""), now - RETENTION_SECS).await?;
    Ok(())
}
