//! A wallet's passkeys as stored: `passkeys` rows (migration 0007), each webauthn-rs's
//! `Passkey` (credential id, public key, signature counter) as JSON, with the name the
//! shopper gave it.

use checkout_core::ErrorCode;
use sqlx::Row as _;
use webauthn_rs::prelude::Passkey;

use crate::error::{ApiError, ServerError};
use crate::store::db::Db;
use crate::store::ledger::WalletRef;
use crate::util::random_id;

/// Longest passkey name, in characters.
pub const MAX_NAME_CHARS: usize = 40;

/// One of a wallet's passkeys.
#[derive(Debug, Clone)]
pub struct StoredPasskey {
    /// `pk_…`.
    pub id: String,
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub passkey: Passkey,
}

fn parse(row: &crate::store::db::Row) -> Result<StoredPasskey, ServerError> {
    let json: String = row.try_get("credential")?;
    Ok(StoredPasskey {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        passkey: serde_json::from_str(&json)
            .map_err(|e| ServerError::internal("stored passkey", e))?,
    })
}

/// The wallet's passkeys, oldest first (none for a wallet of the other mode).
///
/// # Errors
/// The database's; a stored credential that no longer parses (500).
pub async fn list(db: &Db, wallet: WalletRef<'_>) -> Result<Vec<StoredPasskey>, ServerError> {
    let rows = sqlx::query(
        "SELECT p.id, p.name, p.created_at, p.last_used_at, p.credential FROM passkeys p \
         JOIN wallets w ON w.shopper_id = p.shopper_id \
         WHERE p.shopper_id = $1 AND w.livemode = $2 ORDER BY p.created_at, p.id",
    )
    .bind(wallet.shopper)
    .bind(i64::from(wallet.livemode))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(parse).collect()
}

/// Whether the wallet has a passkey.
///
/// # Errors
/// The database's.
pub async fn any(db: &Db, wallet: WalletRef<'_>) -> Result<bool, ServerError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM passkeys p JOIN wallets w ON w.shopper_id = p.shopper_id \
         WHERE p.shopper_id = $1 AND w.livemode = $2",
    )
    .bind(wallet.shopper)
    .bind(i64::from(wallet.livemode))
    .fetch_one(&db.pool)
    .await?;
    Ok(n > 0)
}

/// A name as the shopper typed it: trimmed, 1 to [`MAX_NAME_CHARS`] characters.
///
/// # Errors
/// 400 `invalid_request` (`name`).
pub fn check_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(ApiError::field(
            "name",
            format!(
                "give the passkey a name of 1 to {MAX_NAME_CHARS} characters, such as \"My phone\""
            ),
        ));
    }
    Ok(name.to_owned())
}

/// Stores a new passkey of the wallet at `now` (unix seconds).
///
/// # Errors
/// 400 `invalid_request` when this credential is already stored (for any wallet).
pub async fn add(
    db: &Db,
    shopper: &str,
    name: &str,
    passkey: &Passkey,
    now: i64,
) -> Result<StoredPasskey, ServerError> {
    let id = random_id("pk_", 24);
    let json = serde_json::to_string(passkey).map_err(|e| ServerError::internal("passkey", e))?;
    let inserted = sqlx::query(
        "INSERT INTO passkeys (id, shopper_id, credential_id, name, credential, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (credential_id) DO NOTHING",
    )
    .bind(&id)
    .bind(shopper)
    .bind(super::b64url(passkey.cred_id()))
    .bind(name)
    .bind(json)
    .bind(now)
    .execute(&db.pool)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(ApiError::field(
            "credential",
            "this passkey is already added; use it, or remove it first",
        )
        .into());
    }
    Ok(StoredPasskey {
        id,
        name: name.to_owned(),
        created_at: now,
        last_used_at: None,
        passkey: passkey.clone(),
    })
}

/// The passkey with credential id `credential_id` (base64url), of any wallet, with its
/// wallet's id and mode; `None` when no wallet has it.
///
/// # Errors
/// The database's; a stored credential that no longer parses (500).
pub async fn by_credential_id(
    db: &Db,
    credential_id: &str,
) -> Result<Option<(StoredPasskey, String, bool)>, ServerError> {
    // A credential id is unique across both modes; the wallet's mode comes with it.
    let row = sqlx::query(
        "SELECT p.id, p.name, p.created_at, p.last_used_at, p.credential, p.shopper_id, \
         w.livemode FROM passkeys p JOIN wallets w ON w.shopper_id = p.shopper_id \
         WHERE p.credential_id = $1",
    )
    .bind(credential_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let livemode: i64 = row.try_get("livemode")?;
    Ok(Some((
        parse(&row)?,
        row.try_get("shopper_id")?,
        livemode != 0,
    )))
}

/// Removes one of the wallet's passkeys; answers whether it was there.
///
/// # Errors
/// The database's.
pub async fn remove(db: &Db, shopper: &str, id: &str) -> Result<bool, ServerError> {
    let n = sqlx::query("DELETE FROM passkeys WHERE id = $1 AND shopper_id = $2")
        .bind(id)
        .bind(shopper)
        .execute(&db.pool)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Records a use at `now`, with the credential as the verification updated it (its
/// counter).
///
/// # Errors
/// The database's.
pub async fn used(db: &Db, stored: &StoredPasskey, now: i64) -> Result<(), ServerError> {
    let json =
        serde_json::to_string(&stored.passkey).map_err(|e| ServerError::internal("passkey", e))?;
    sqlx::query("UPDATE passkeys SET credential = $2, last_used_at = $3 WHERE id = $1")
        .bind(&stored.id)
        .bind(json)
        .bind(now)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// 409 `passkey_not_enrolled`.
#[must_use]
pub fn not_enrolled() -> ApiError {
    ApiError::new(
        ErrorCode::PasskeyNotEnrolled,
        "this wallet has no such passkey; pay with the payment password, or add a passkey on the wallet's security page",
    )
}
