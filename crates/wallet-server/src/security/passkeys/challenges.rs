//! Challenges in flight (`passkey_challenges`, migration 0007): each is answered at most
//! once and within [`super::CHALLENGE_TTL_SECS`]; the row keeps webauthn-rs's ceremony
//! state, so any replica can finish a ceremony another one started.

use checkout_core::ErrorCode;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::Row as _;

use crate::error::{ApiError, ServerError};
use crate::store::db::Db;
use crate::store::ledger::WalletRef;

checkout_core::wire_enum! {
    /// What a challenge is for (`passkey_challenges.purpose`).
    pub enum Purpose {
        /// Adding a passkey on the wallet page.
        Registration = "registration",
        /// Authorising one intent in the frame.
        Payment = "payment",
        /// Confirming it is the shopper in one wallet sign-in (`super::step_up`).
        StepUp = "step_up",
        /// Signing in with a discoverable passkey (`super::sign_in`): no wallet yet.
        SignIn = "sign_in",
    }
}

/// A challenge as issued.
pub struct Issued<'a, S> {
    /// Base64url, as in the options and the signed client data.
    pub challenge: String,
    pub purpose: Purpose,
    /// The wallet it is for; the challenge takes the wallet's mode.
    pub wallet: WalletRef<'a>,
    pub session_id: Option<&'a str>,
    /// Hex SHA-256 of the intent a payment challenge is bound to.
    pub intent_sha256: Option<&'a str>,
    /// webauthn-rs's ceremony state.
    pub state: &'a S,
}

/// A challenge taken for its one answer.
#[derive(Debug)]
pub struct Taken<S> {
    pub shopper: String,
    pub livemode: bool,
    pub session_id: Option<String>,
    pub intent_sha256: Option<String>,
    pub state: S,
}

/// Stores a challenge issued at `now` (unix seconds); removes those long expired.
///
/// # Errors
/// The database's.
pub async fn issue<S: Serialize>(
    db: &Db,
    issued: &Issued<'_, S>,
    now: i64,
) -> Result<(), ServerError> {
    let state = serde_json::to_string(issued.state)
        .map_err(|e| ServerError::internal("passkey ceremony", e))?;
    sqlx::query("DELETE FROM passkey_challenges WHERE expires_at < $1")
        .bind(now - 3600)
        .execute(&db.pool)
        .await?;
    sqlx::query(
        "INSERT INTO passkey_challenges (challenge, purpose, shopper_id, session_id, \
         intent_sha256, state, created_at, expires_at, livemode) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&issued.challenge)
    .bind(issued.purpose.code())
    .bind(issued.wallet.shopper)
    .bind(issued.session_id)
    .bind(issued.intent_sha256)
    .bind(state)
    .bind(now)
    .bind(now + super::CHALLENGE_TTL_SECS)
    .bind(i64::from(issued.wallet.livemode))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Takes the challenge for its one answer at `now`, in the mode it is answered in: one
/// statement marks it used, so two answers racing cannot both take it.
///
/// # Errors
/// 410 `passkey_expired` when it is unknown, used, expired, for another purpose or of
/// the other mode.
pub async fn take<S: DeserializeOwned>(
    db: &Db,
    challenge: &str,
    (purpose, livemode): (Purpose, bool),
    now: i64,
) -> Result<Taken<S>, ServerError> {
    let row = sqlx::query(
        "UPDATE passkey_challenges SET used_at = $3 \
         WHERE challenge = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 \
         AND livemode = $4 RETURNING shopper_id, session_id, intent_sha256, state",
    )
    .bind(challenge)
    .bind(purpose.code())
    .bind(now)
    .bind(i64::from(livemode))
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(expired)?;
    let state: String = row.try_get("state")?;
    Ok(Taken {
        shopper: row.try_get("shopper_id")?,
        livemode,
        session_id: row.try_get("session_id")?,
        intent_sha256: row.try_get("intent_sha256")?,
        state: serde_json::from_str(&state)
            .map_err(|e| ServerError::internal("stored passkey ceremony", e))?,
    })
}

/// 410 `passkey_expired`.
#[must_use]
pub fn expired() -> ApiError {
    ApiError::new(
        ErrorCode::PasskeyExpired,
        "this passkey challenge expired (2 minutes) or was already used; ask for a new one and try again",
    )
}
