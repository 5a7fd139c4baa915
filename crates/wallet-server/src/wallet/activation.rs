//! Activation links (DESIGN.md *Test and live mode*, *The shopper's account*): a wallet
//! created without a payment password — every live wallet, since a live admin key may not
//! set one — gets a single-use link, valid [`ACTIVATION_SECS`], where its shopper sets the
//! login password (the sign-in credential) and the payment password. Only the token's SHA-256 is stored; the token travels in the link's query,
//! which the access log never records.

use checkout_core::ErrorCode;

use crate::error::{ApiError, ServerError};
use crate::security::password::Passwords;
use crate::store::db::Db;
use crate::store::ledger::WalletRef;
use crate::util::{random_id, sha256_hex};

/// How long an activation link works: 24 hours.
pub const ACTIVATION_SECS: i64 = 24 * 3600;

/// A link as issued: the token (`wa_…`, shown once) and when it stops working (unix
/// seconds).
#[derive(Debug, Clone)]
pub struct Activation {
    pub token: String,
    pub expires_at: i64,
}

impl Activation {
    /// The page where the shopper uses it, under `base` (the wallet's public URL).
    #[must_use]
    pub fn url(&self, base: &str) -> String {
        format!("{base}/wallet/activate?token={}", self.token)
    }
}

fn already_set() -> ApiError {
    ApiError::new(
        ErrorCode::WalletActivated,
        "this wallet's passwords are already set; its shopper changes them on the wallet's security page",
    )
}

/// 404 `not_found`: the link is unknown, used or expired.
#[must_use]
pub fn invalid_link() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "this activation link was already used or has expired; ask for a new one",
    )
}

/// Issues a link at `now` (unix seconds) for a wallet of this mode that has no login
/// password yet (a new wallet, or one made before login passwords: the link then sets a
/// new payment password too). The wallet's earlier links stop working: only the newest
/// one can activate it.
///
/// # Errors
/// 404 `wallet_not_found` (also for a wallet of the other mode); 409 `wallet_activated`
/// when its password is already set.
pub async fn issue(db: &Db, wallet: WalletRef<'_>, now: i64) -> Result<Activation, ServerError> {
    let hash: Option<String> = sqlx::query_scalar(
        "SELECT login_hash FROM wallets WHERE shopper_id = $1 AND livemode = $2",
    )
    .bind(wallet.shopper)
    .bind(i64::from(wallet.livemode))
    .fetch_optional(&db.pool)
    .await?;
    match hash.map(|h| h.is_empty()) {
        None => {
            return Err(ApiError::new(
                ErrorCode::WalletNotFound,
                "no wallet exists for this shopper; create it with POST /v1/wallets",
            )
            .into())
        }
        Some(false) => return Err(already_set().into()),
        Some(true) => {}
    }
    let token = random_id("wa_", 32);
    let expires_at = now + ACTIVATION_SECS;
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE wallet_activations SET used_at = $3 \
         WHERE shopper_id = $1 AND livemode = $2 AND used_at IS NULL",
    )
    .bind(wallet.shopper)
    .bind(i64::from(wallet.livemode))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO wallet_activations (token_digest, shopper_id, livemode, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(wallet.shopper)
    .bind(i64::from(wallet.livemode))
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(shopper = %wallet.shopper, "activation link issued");
    Ok(Activation { token, expires_at })
}

/// The wallet (shopper id, mode) a link at `now` would activate, or `None` when it is
/// unknown, used or expired.
///
/// # Errors
/// The database's.
pub async fn pending(
    db: &Db,
    token: &str,
    now: i64,
) -> Result<Option<(String, bool)>, ServerError> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT shopper_id, livemode FROM wallet_activations \
         WHERE token_digest = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(shopper, mode)| (shopper, mode != 0)))
}

/// What the shopper types on the activation page: each password twice.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    pub login: &'a str,
    pub login_confirm: &'a str,
    pub pin: &'a str,
    pub pin_confirm: &'a str,
}

impl Credentials<'_> {
    /// Checks both passwords for `shopper`'s wallet of mode `livemode`, before anything is
    /// spent.
    ///
    /// # Errors
    /// 400 `invalid_request` at `login_password` (weak), `login_confirm` (differs),
    /// `password` (not six digits, or trivial for a live wallet) or `confirm` (differs).
    pub fn check(&self, shopper: &str, livemode: bool) -> Result<(), ApiError> {
        crate::security::login::check_strength(self.login, shopper, "login_password")?;
        if self.login != self.login_confirm {
            return Err(ApiError::field(
                "login_confirm",
                "differs from the password typed first",
            ));
        }
        crate::security::pin::check_new(self.pin, self.pin_confirm, None, livemode, "password")
    }
}

/// Uses the link at `now`: sets the wallet's login password and payment password and
/// spends the link, in one transaction; answers the wallet's shopper id.
///
/// # Errors
/// 404 `not_found` for an unknown, used or expired link; 400 `invalid_request` at
/// `login_password` (weak), `login_confirm` (differs), `password` (not six digits, or
/// trivial for a live wallet) or `confirm` (differs), or 409
/// `wallet_activated` when the passwords were set in the meantime.
pub async fn complete(
    db: &Db,
    passwords: &Passwords,
    token: &str,
    typed: Credentials<'_>,
    now: i64,
) -> Result<String, ServerError> {
    let Some((shopper, livemode)) = pending(db, token, now).await? else {
        return Err(invalid_link().into());
    };
    typed.check(&shopper, livemode)?;
    let (hash, pepper_id) = passwords.hash(typed.pin.to_owned()).await?;
    let (login_hash, login_pepper_id) = passwords.hash(typed.login.to_owned()).await?;
    let mut tx = db.begin().await?;
    let taken: Option<(String, i64)> = sqlx::query_as(
        "UPDATE wallet_activations SET used_at = $2 \
         WHERE token_digest = $1 AND used_at IS NULL AND expires_at > $2 \
         RETURNING shopper_id, livemode",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((shopper, livemode)) = taken else {
        tx.rollback().await?;
        return Err(invalid_link().into());
    };
    let set = sqlx::query(
        "UPDATE wallets SET password_hash = $3, pepper_id = $4, login_hash = $5, login_pepper_id = $6 \
         WHERE shopper_id = $1 AND livemode = $2 AND login_hash = ''",
    )
    .bind(&shopper)
    .bind(livemode)
    .bind(hash)
    .bind(pepper_id)
    .bind(login_hash)
    .bind(login_pepper_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if set == 0 {
        tx.rollback().await?;
        return Err(already_set().into());
    }
    // Whoever was signed in before (a wallet from before login passwords) is not any more.
    sqlx::query("DELETE FROM wallet_sessions WHERE shopper_id = $1")
        .bind(&shopper)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(shopper = %shopper, "wallet activated");
    Ok(shopper)
}
