//! The delivery worker. Each delivery row is claimed by one statement that pushes its
//! `next_attempt_ms` past the attempt's timeout (a lease): PostgreSQL picks the row with
//! `FOR UPDATE SKIP LOCKED`, so several replicas never claim the same row, and SQLite runs
//! one process. A process killed mid-send leaves the row to be claimed again when the
//! lease ends: delivery is at least once. The answer is recorded with the attempt in one
//! transaction; a failure is retried after the schedule's next wait (±10 % jitter), and
//! after the last the delivery is `failed`.

use std::sync::Arc;
use std::time::Duration;

use checkout_core::DeliveryStatus;
use rand::Rng as _;
use sqlx::Row as _;
use tokio::sync::Semaphore;

use super::transport::{send, Answer, Clients, Message};
use crate::config::WebhookSettings;
use crate::error::ServerError;
use crate::store::db::{Db, Dialect};
use crate::store::sealing::Sealer;

/// A claimed delivery.
#[derive(Debug, Clone)]
struct Claim {
    id: String,
    event_id: String,
    endpoint_id: String,
    /// Attempts made, this one included.
    attempts: i64,
}

/// Extra lease beyond the timeout, for recording the answer.
const LEASE_MARGIN_MS: i64 = 5000;

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Runs the worker until the process ends; `sealer` opens the stored secrets.
pub async fn run(db: Db, settings: WebhookSettings, sealer: Sealer) {
    let clients = match Clients::new(settings.timeout, &settings.private_origins) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhook delivery cannot start: no HTTP client");
            return;
        }
    };
    let settings = Arc::new(settings);
    let slots = Arc::new(Semaphore::new(settings.concurrency));
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        match claim(&db, ms(settings.timeout) + LEASE_MARGIN_MS).await {
            Ok(Some(job)) => {
                let (db, clients, settings) = (db.clone(), clients.clone(), settings.clone());
                let sealer = sealer.clone();
                tokio::spawn(async move {
                    if let Err(e) = attempt((&db, &sealer), &clients, &settings, &job).await {
                        tracing::warn!(error = %e, delivery = %job.id, "webhook attempt not recorded; retried when its lease ends");
                    }
                    drop(slot);
                });
            }
            Ok(None) => {
                drop(slot);
                idle(settings.poll).await;
            }
            Err(e) => {
                drop(slot);
                tracing::warn!(error = %e, "claiming webhook deliveries failed");
                tokio::time::sleep(settings.poll).await;
            }
        }
    }
}

/// Waits for a commit of this process, or the next poll.
async fn idle(poll: Duration) {
    tokio::select! {
        () = super::waker().notified() => {}
        () = tokio::time::sleep(poll) => {}
    }
}

/// Claims the delivery due first, if any, leasing it for `lease_ms`.
async fn claim(db: &Db, lease_ms: i64) -> Result<Option<Claim>, sqlx::Error> {
    let skip_locked = match db.dialect {
        Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        Dialect::Sqlite => "",
    };
    let now = super::now_ms();
    let sql = format!(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_ms = $2 \
         WHERE status = $3 AND next_attempt_ms <= $1 AND id = (SELECT id FROM webhook_deliveries \
         WHERE status = $3 AND next_attempt_ms <= $1 ORDER BY next_attempt_ms LIMIT 1{skip_locked}) \
         RETURNING id, event_id, endpoint_id, attempts"
    );
    let row = sqlx::query(&sql)
        .bind(now)
        .bind(now.saturating_add(lease_ms))
        .bind(DeliveryStatus::Pending.code())
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok(Claim {
            id: r.try_get("id")?,
            event_id: r.try_get("event_id")?,
            endpoint_id: r.try_get("endpoint_id")?,
            attempts: r.try_get("attempts")?,
        })
    })
    .transpose()
}

/// What an attempt needs from the database.
struct Target {
    url: String,
    livemode: bool,
    deleted: bool,
    payload: String,
    secrets: Vec<String>,
}

async fn target(db: &Db, sealer: &Sealer, job: &Claim) -> Result<Option<Target>, ServerError> {
    let Some(row) = sqlx::query(
        "SELECT e.url, e.livemode, e.deleted_at, v.payload FROM webhook_endpoints e, events v \
         WHERE e.id = $1 AND v.id = $2",
    )
    .bind(&job.endpoint_id)
    .bind(&job.event_id)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let stored: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, secret FROM webhook_secrets WHERE endpoint_id = $1 AND retired_at IS NULL \
         ORDER BY created_at, id",
    )
    .bind(&job.endpoint_id)
    .fetch_all(&db.pool)
    .await?;
    let secrets = stored
        .iter()
        .map(|(id, s)| sealer.open(id, s).map(|(secret, _)| secret))
        .collect::<Result<Vec<_>, _>>()?;
    let deleted: Option<i64> = row.try_get("deleted_at")?;
    let livemode: i64 = row.try_get("livemode")?;
    Ok(Some(Target {
        url: row.try_get("url")?,
        livemode: livemode != 0,
        deleted: deleted.is_some(),
        payload: row.try_get("payload")?,
        secrets,
    }))
}

/// Sends a claimed delivery once and records what happened.
async fn attempt(
    (db, sealer): (&Db, &Sealer),
    clients: &Clients,
    settings: &WebhookSettings,
    job: &Claim,
) -> Result<(), ServerError> {
    let started = super::now_ms();
    let answer = match target(db, sealer, job).await? {
        Some(t) if !t.deleted && !t.secrets.is_empty() => {
            let message = Message {
                url: &t.url,
                livemode: t.livemode,
                event_id: &job.event_id,
                payload: &t.payload,
                secrets: &t.secrets,
            };
            send(clients, &message).await
        }
        Some(t) if t.deleted => gave_up("the endpoint was deleted"),
        Some(_) => gave_up("the endpoint has no active secret"),
        None => gave_up("the endpoint or the event is gone"),
    };
    let last = usize::try_from(job.attempts)
        .ok()
        .and_then(|n| settings.retry_schedule.get(n.saturating_sub(1)))
        .is_none();
    let next = if answer.delivered() {
        None
    } else if last || is_final(&answer) {
        Some(None)
    } else {
        let n = usize::try_from(job.attempts).unwrap_or(1).saturating_sub(1);
        let wait = settings.retry_schedule.get(n).copied().unwrap_or_default();
        Some(Some(started.saturating_add(jittered(ms(wait)))))
    };
    record(db, job, started, &answer, next).await
}

/// An answer that no retry can change.
fn gave_up(why: &str) -> Answer {
    Answer {
        status: None,
        error: Some(format!("not sent: {why}")),
        duration_ms: 0,
    }
}

fn is_final(answer: &Answer) -> bool {
    answer
        .error
        .as_deref()
        .is_some_and(|e| e.starts_with("not sent:"))
}

/// `wait_ms` ± 10 %.
fn jittered(wait_ms: i64) -> i64 {
    let tenth = wait_ms / 10;
    wait_ms - tenth + rand::thread_rng().gen_range(0..=tenth.saturating_mul(2))
}

/// Records the attempt and the delivery's new state in one transaction. `next`: `None`
/// when delivered, `Some(None)` when failed for good, `Some(Some(at_ms))` to retry.
async fn record(
    db: &Db,
    job: &Claim,
    started: i64,
    answer: &Answer,
    next: Option<Option<i64>>,
) -> Result<(), ServerError> {
    crate::store::retry::retrying("delivery_record", || {
        record_once(db, job, started, answer, next)
    })
    .await
}

/// One attempt of [`record`], run again by [`crate::store::retry::retrying`].
async fn record_once(
    db: &Db,
    job: &Claim,
    started: i64,
    answer: &Answer,
    next: Option<Option<i64>>,
) -> Result<(), ServerError> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO webhook_attempts (delivery_id, attempted_ms, duration_ms, response_status, \
         accepted, error) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&job.id)
    .bind(started)
    .bind(answer.duration_ms)
    .bind(answer.status.map(i64::from))
    .bind(i64::from(answer.delivered()))
    .bind(answer.error.as_deref())
    .execute(&mut *tx)
    .await?;
    let now = super::now_ms();
    let (status, next_ms, delivered_ms) = match next {
        None => (DeliveryStatus::Delivered, now, Some(now)),
        Some(None) => (DeliveryStatus::Failed, now, None),
        Some(Some(at)) => (DeliveryStatus::Pending, at, None),
    };
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $2, next_attempt_ms = $3, delivered_ms = $4 \
         WHERE id = $1 AND status = $5",
    )
    .bind(&job.id)
    .bind(status.code())
    .bind(next_ms)
    .bind(delivered_ms)
    .bind(DeliveryStatus::Pending.code())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    match status {
        DeliveryStatus::Delivered => {
            tracing::debug!(delivery = %job.id, "webhook delivered");
        }
        DeliveryStatus::Failed => {
            tracing::warn!(delivery = %job.id, error = ?answer.error, "webhook failed for good");
        }
        DeliveryStatus::Pending => {
            tracing::info!(delivery = %job.id, error = ?answer.error, "webhook attempt failed; retried later");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::jittered;

    #[test]
    fn jitter_stays_within_a_tenth_of_the_wait() {
        for _ in 0..1000 {
            let w = jittered(10_000);
            assert!((9_000..=11_000).contains(&w), "{w}");
        }
        assert_eq!(jittered(0), 0);
    }
}
