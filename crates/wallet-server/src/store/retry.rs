//! Running a database transaction again when it lost a race (DESIGN.md *Several
//! replicas*).
//!
//! At `SERIALIZABLE` PostgreSQL — and every Postgres-compatible distributed SQL engine —
//! refuses a transaction whose effects could not have happened in some serial order with
//! SQLSTATE `40001` (`serialization_failure`), and breaks a lock cycle with `40P01`
//! (`deadlock_detected`). The PostgreSQL manual (*Transaction Isolation*, 13.2.3 and
//! 13.4) says the application must retry the whole transaction. SQLite answers `SQLITE_BUSY`
//! (5, and its extended codes) when its write lock stays taken past the busy timeout.
//!
//! [`retrying`] runs a transaction body again, from its `BEGIN`, on those errors only,
//! at most [`MAX_ATTEMPTS`] times with a jittered exponential pause. Nothing outside the
//! transaction is repeated: the body must do all its writes inside it (each money
//! function does, and idempotency keys and nonces are claimed before it, once).

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rand::Rng as _;

use crate::error::{ApiError, ServerError};
use checkout_core::ErrorCode;

/// How many times a transaction runs at most (the first try included).
pub const MAX_ATTEMPTS: u32 = 10;

/// The first pause, in milliseconds; each next one doubles, up to [`MAX_PAUSE_MS`].
const FIRST_PAUSE_MS: u64 = 4;
/// The longest pause, in milliseconds.
const MAX_PAUSE_MS: u64 = 250;

/// Transactions run again since start, in this process (the `/metrics` counter).
static RETRIES: AtomicU64 = AtomicU64::new(0);

/// How many times a transaction was run again in this process since it started.
#[must_use]
pub fn retries() -> u64 {
    RETRIES.load(Ordering::Relaxed)
}

/// The SQLSTATE (PostgreSQL) or result code (SQLite) when `error` — or one of its causes —
/// is a database error that a new attempt of the whole transaction may not meet again.
#[must_use]
pub fn retryable_code(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if let Some(sqlx::Error::Database(db)) = e.downcast_ref::<sqlx::Error>() {
            let code = db.code()?;
            return is_retryable(&code).then(|| code.into_owned());
        }
        cause = e.source();
    }
    None
}

/// `40001` serialization failure, `40P01` deadlock (PostgreSQL, SQLSTATE); `5` busy and
/// its extended codes `261`, `517`, `773`, `6` locked and `262` (SQLite result codes).
fn is_retryable(code: &str) -> bool {
    matches!(
        code,
        "40001" | "40P01" | "5" | "261" | "517" | "773" | "6" | "262"
    )
}

/// The pause before attempt `attempt + 1`: equal jitter over an exponential step, so
/// that transactions that collided once do not collide again in step.
fn pause(attempt: u32) -> Duration {
    let step = FIRST_PAUSE_MS
        .saturating_mul(1 << attempt.min(16))
        .min(MAX_PAUSE_MS);
    let half = step / 2;
    Duration::from_millis(half + rand::thread_rng().gen_range(0..=half))
}

/// Runs `transaction` (a function that begins, does and commits one database
/// transaction) until it succeeds, fails with an error that is not a lost race, or has
/// run [`MAX_ATTEMPTS`] times. `what` names it in the logs.
///
/// # Errors
/// The transaction's own error; 503 `server_busy` when every attempt lost a race (the
/// client retries with the same `Idempotency-Key`).
pub async fn retrying<T, F, Fut>(what: &'static str, mut transaction: F) -> Result<T, ServerError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ServerError>>,
{
    let mut attempt = 1;
    loop {
        let error = match transaction().await {
            Ok(value) => return Ok(value),
            Err(e) => e,
        };
        let Some(code) = retryable_code(&error) else {
            return Err(error);
        };
        if attempt >= MAX_ATTEMPTS {
            tracing::warn!(
                what,
                code,
                attempt,
                "transaction lost every race; giving up"
            );
            return Err(ApiError::new(
                ErrorCode::ServerBusy,
                "the wallet is busy with conflicting payments; retry with the same Idempotency-Key",
            )
            .into());
        }
        RETRIES.fetch_add(1, Ordering::Relaxed);
        crate::telemetry::metrics::transaction_retried(what, &code);
        tracing::info!(
            what,
            code,
            attempt,
            "transaction lost a race; running it again"
        );
        tokio::time::sleep(pause(attempt)).await;
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::{is_retryable, pause, MAX_PAUSE_MS};

    #[test]
    fn it_retries_serialization_failures_deadlocks_and_busy_sqlite_only() {
        for code in ["40001", "40P01", "5", "517"] {
            assert!(is_retryable(code), "{code}");
        }
        for code in ["23505", "23514", "40000", "19", "2067"] {
            assert!(!is_retryable(code), "{code}");
        }
    }

    #[test]
    fn its_pauses_grow_and_stay_bounded() {
        for attempt in 1..40 {
            let p = pause(attempt).as_millis();
            assert!(p <= u128::from(MAX_PAUSE_MS), "{attempt}: {p}");
        }
        assert!(pause(1).as_millis() <= 8);
    }
}
