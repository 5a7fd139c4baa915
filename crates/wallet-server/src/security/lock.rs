//! The wallet's lock (DESIGN.md *API* 4, *Security model*): every attempt to authorise
//! with the payment password or a passkey is **counted before it is checked**, atomically
//! in SQL, so a burst of guesses can never check more than the attempts left; the
//! [`MAX_ATTEMPTS`]th counted attempt locks the wallet for `lockout_secs`, and a success
//! clears the count.

use checkout_core::ErrorCode;

use crate::error::{ApiError, ServerError};
use crate::store::db::Db;
use crate::store::ledger::WalletRef;
use crate::util::rfc3339;

/// Failed attempts in a row that lock the wallet.
pub const MAX_ATTEMPTS: i64 = 5;

pub fn locked(until: i64) -> ApiError {
    ApiError::new(
        ErrorCode::PasswordLocked,
        format!(
            "too many wrong payment passwords: the wallet is locked until {}; try again after that",
            rfc3339(until)
        ),
    )
    .with("locked_until", rfc3339(until))
}

/// Whole minutes, rounded up and at least one, until the lock of a 423 `password_locked`
/// error lifts (read from its `locked_until`); `None` for any other error.
#[must_use]
pub fn minutes_left(e: &ApiError, now: i64) -> Option<i64> {
    let until = e.extra.get("locked_until")?.as_str()?;
    let until = time::OffsetDateTime::parse(until, &time::format_description::well_known::Rfc3339)
        .ok()?
        .unix_timestamp();
    Some(((until - now + 59) / 60).max(1))
}

/// Counts one attempt before it is checked. `Ok(Some(count))` with the attempts counted
/// so far (this one included); `Ok(None)` when the wallet is locked (or has no password).
/// A wallet of the other mode is never touched.
async fn reserve(
    db: &Db,
    wallet: WalletRef<'_>,
    now: i64,
    until: i64,
) -> Result<Option<i64>, ServerError> {
    // A lock that has run out ends: the count starts again.
    sqlx::query(
        "UPDATE wallets SET failed_attempts = 0, locked_until = NULL \
         WHERE shopper_id = $1 AND livemode = $3 AND locked_until IS NOT NULL AND locked_until <= $2",
    )
    .bind(wallet.shopper)
    .bind(now)
    .bind(i64::from(wallet.livemode))
    .execute(&db.pool)
    .await?;
    // One statement: concurrent attempts each see the others' counts, and the one that
    // takes the count to the maximum locks the wallet before any of them is checked.
    let counted: Option<i64> = sqlx::query_scalar(
        "UPDATE wallets SET failed_attempts = failed_attempts + 1, \
         locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN $3 ELSE NULL END \
         WHERE shopper_id = $1 AND livemode = $4 AND locked_until IS NULL AND failed_attempts < $2 \
         RETURNING failed_attempts",
    )
    .bind(wallet.shopper)
    .bind(MAX_ATTEMPTS)
    .bind(until)
    .bind(i64::from(wallet.livemode))
    .fetch_optional(&db.pool)
    .await?;
    Ok(counted)
}

/// Counts one attempt at `now` (unix seconds) before it is checked; answers how many are
/// counted so far, this one included.
///
/// # Errors
/// 423 `password_locked` with `locked_until` while the wallet is locked.
pub async fn count_attempt(
    db: &Db,
    wallet: WalletRef<'_>,
    now: i64,
    lockout_secs: i64,
) -> Result<i64, ServerError> {
    if let Some(counted) = reserve(db, wallet, now, now + lockout_secs).await? {
        return Ok(counted);
    }
    let until: Option<i64> = sqlx::query_scalar(
        "SELECT locked_until FROM wallets WHERE shopper_id = $1 AND livemode = $2",
    )
    .bind(wallet.shopper)
    .bind(i64::from(wallet.livemode))
    .fetch_optional(&db.pool)
    .await?
    .flatten();
    Err(locked(until.unwrap_or(now + lockout_secs)).into())
}

/// A success: the count starts again.
///
/// # Errors
/// The database's.
pub async fn clear(db: &Db, wallet: WalletRef<'_>) -> Result<(), ServerError> {
    sqlx::query(
        "UPDATE wallets SET failed_attempts = 0, locked_until = NULL \
         WHERE shopper_id = $1 AND livemode = $2",
    )
    .bind(wallet.shopper)
    .bind(i64::from(wallet.livemode))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The error for a failed attempt that was the `counted`th: 423 `password_locked` when it
/// locked the wallet, else `wrong(attempts_left)` with `attempts_left` added.
#[must_use]
pub fn failed(
    counted: i64,
    now: i64,
    lockout_secs: i64,
    wrong: impl FnOnce(i64) -> ApiError,
) -> ServerError {
    if counted >= MAX_ATTEMPTS {
        return locked(now + lockout_secs).with("attempts_left", 0).into();
    }
    let left = MAX_ATTEMPTS - counted;
    wrong(left).with("attempts_left", left).into()
}

#[cfg(test)]
mod tests {
    use super::{locked, minutes_left};
    use crate::error::ApiError;

    #[test]
    fn the_minutes_left_come_from_the_lock_itself() {
        let now = 1_700_000_000;
        assert_eq!(minutes_left(&locked(now + 900), now), Some(15));
        assert_eq!(minutes_left(&locked(now + 61), now), Some(2));
        assert_eq!(minutes_left(&locked(now), now), Some(1));
        assert_eq!(minutes_left(&ApiError::unauthorized("no"), now), None);
    }
}
