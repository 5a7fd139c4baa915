//! Payment passwords: Argon2id hashes (on a blocking thread, never on the async
//! workers), and the lockout after [`MAX_ATTEMPTS`] wrong tries.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use checkout_core::ErrorCode;

use crate::db::Db;
use crate::error::{ApiError, ServerError};
use crate::util::rfc3339;

/// Wrong passwords in a row that lock the wallet.
pub const MAX_ATTEMPTS: i64 = 5;

/// The PHC string of an Argon2id hash (default parameters: 19 MiB, 2 passes).
///
/// # Errors
/// Internal when hashing fails.
pub async fn hash(password: String) -> Result<String, ServerError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServerError::internal("hashing a payment password", e.to_string()))
    })
    .await
    .map_err(|e| ServerError::internal("password hashing task", e))?
}

async fn verify(phc: String, password: String) -> Result<bool, ServerError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&phc)
            .map_err(|e| ServerError::internal("stored password hash", e.to_string()))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| ServerError::internal("password verification task", e))?
}

fn locked(until: i64) -> ApiError {
    ApiError::new(
        ErrorCode::PasswordLocked,
        format!(
            "too many wrong payment passwords: the wallet is locked until {}; try again after that",
            rfc3339(until)
        ),
    )
    .with("locked_until", rfc3339(until))
}

/// Checks the wallet's payment password: 423 while locked, 403 with `attempts_left` when
/// wrong, 423 when this wrong try is the one that locks it.
///
/// # Errors
/// 423 `password_locked`, 403 `wrong_password`, 402 `insufficient_balance` without a wallet.
pub async fn check(
    db: &Db,
    shopper: &str,
    password: &str,
    now: i64,
    lockout_secs: i64,
) -> Result<(), ServerError> {
    let row: Option<(String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT password_hash, failed_attempts, locked_until FROM wallets WHERE shopper_id = $1",
    )
    .bind(shopper)
    .fetch_optional(&db.pool)
    .await?;
    let Some((phc, _, locked_until)) = row else {
        return Err(ApiError::new(
            ErrorCode::InsufficientBalance,
            "the shopper has no wallet yet, so nothing can be paid from balance; pay with another method",
        )
        .into());
    };
    if let Some(until) = locked_until {
        if until > now {
            return Err(locked(until).into());
        }
        // The lock has run out: the count starts again.
        sqlx::query(
            "UPDATE wallets SET failed_attempts = 0, locked_until = NULL \
             WHERE shopper_id = $1 AND locked_until = $2",
        )
        .bind(shopper)
        .bind(until)
        .execute(&db.pool)
        .await?;
    }
    if verify(phc, password.to_owned()).await? {
        sqlx::query(
            "UPDATE wallets SET failed_attempts = 0 WHERE shopper_id = $1 AND failed_attempts <> 0",
        )
        .bind(shopper)
        .execute(&db.pool)
        .await?;
        return Ok(());
    }
    // Counted in SQL so that parallel wrong tries each count.
    let failed: i64 = sqlx::query_scalar(
        "UPDATE wallets SET failed_attempts = failed_attempts + 1 WHERE shopper_id = $1 \
         RETURNING failed_attempts",
    )
    .bind(shopper)
    .fetch_one(&db.pool)
    .await?;
    if failed >= MAX_ATTEMPTS {
        // From the moment of locking, not the request's start: Argon2 under load can take
        // a while, and the shopper is told the full lockout.
        let until = crate::util::now().max(now) + lockout_secs;
        sqlx::query("UPDATE wallets SET locked_until = $2 WHERE shopper_id = $1")
            .bind(shopper)
            .bind(until)
            .execute(&db.pool)
            .await?;
        return Err(locked(until).with("attempts_left", 0).into());
    }
    let left = MAX_ATTEMPTS - failed;
    Err(ApiError::new(
        ErrorCode::WrongPassword,
        format!("wrong payment password; {left} attempts left before the wallet locks"),
    )
    .with("attempts_left", left)
    .into())
}
