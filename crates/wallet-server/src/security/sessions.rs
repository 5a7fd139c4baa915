//! The wallet pages' sign-in (DESIGN.md *The shopper's wallet*): a random token in an
//! `HttpOnly`, `SameSite=Strict` cookie on the wallet's origin (`Secure` over https),
//! stored as its SHA-256 digest only, ending after 30 minutes without a request and after
//! [`MAX_SECS`] whatever the activity.

use crate::error::ServerError;
use crate::store::db::Db;
use crate::util::{random_id, sha256_hex};

/// Seconds a sign-in lasts without a request.
pub const IDLE_SECS: i64 = 30 * 60;

/// Seconds a sign-in lasts at most, in use or not: 12 hours.
pub const MAX_SECS: i64 = 12 * 3600;

/// The cookie's name.
pub const COOKIE: &str = "bc_wallet";

/// Starts a sign-in for `shopper` at `now` (unix seconds); returns the cookie's token.
///
/// # Errors
/// The database's.
pub async fn start(db: &Db, shopper: &str, now: i64) -> Result<String, ServerError> {
    let token = random_id("ws_", 43);
    sqlx::query(
        "INSERT INTO wallet_sessions (token_digest, shopper_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(shopper)
    .bind(now)
    .bind(now + IDLE_SECS)
    .execute(&db.pool)
    .await?;
    Ok(token)
}

/// A sign-in resumed by its cookie.
#[derive(Debug, Clone)]
pub struct Resumed {
    pub shopper: String,
    /// The wallet's mode.
    pub livemode: bool,
    /// When the shopper last confirmed it was them in this sign-in (unix seconds;
    /// `crate::security::step_up`).
    pub stepped_up_at: Option<i64>,
}

/// The sign-in with `token` at `now`, extended by [`IDLE_SECS`]; `None` when unknown or
/// expired.
///
/// # Errors
/// The database's.
pub async fn resume(db: &Db, token: &str, now: i64) -> Result<Option<Resumed>, ServerError> {
    let row: Option<(String, Option<i64>)> = sqlx::query_as(
        "UPDATE wallet_sessions SET expires_at = $3 \
         WHERE token_digest = $1 AND expires_at > $2 AND created_at > $4 \
         RETURNING shopper_id, stepped_up_at",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(now)
    .bind(now + IDLE_SECS)
    .bind(now - MAX_SECS)
    .fetch_optional(&db.pool)
    .await?;
    let Some((shopper, stepped_up_at)) = row else {
        return Ok(None);
    };
    let livemode: Option<i64> =
        sqlx::query_scalar("SELECT livemode FROM wallets WHERE shopper_id = $1")
            .bind(&shopper)
            .fetch_optional(&db.pool)
            .await?;
    Ok(livemode.map(|mode| Resumed {
        shopper,
        livemode: mode != 0,
        stepped_up_at,
    }))
}

/// Ends the sign-in with `token` (signing out).
///
/// # Errors
/// The database's.
pub async fn end(db: &Db, token: &str) -> Result<(), ServerError> {
    sqlx::query("DELETE FROM wallet_sessions WHERE token_digest = $1")
        .bind(sha256_hex(token.as_bytes()))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Ends every sign-in of `shopper` but the one with `keep` (after a password change).
///
/// # Errors
/// The database's.
pub async fn end_others(db: &Db, shopper: &str, keep: &str) -> Result<(), ServerError> {
    sqlx::query("DELETE FROM wallet_sessions WHERE shopper_id = $1 AND token_digest <> $2")
        .bind(shopper)
        .bind(sha256_hex(keep.as_bytes()))
        .execute(&db.pool)
        .await?;
    Ok(())
}
