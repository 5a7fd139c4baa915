//! Step-up: the shopper confirms it is them before a sensitive change (DESIGN.md *The
//! shopper's account*, "Step-up"): adding or removing a passkey, changing the login or
//! payment password, a transfer to a payee not paid before or above
//! `transfer_step_up_above`. The ways are a passkey of the wallet or a one-time code to
//! its verified contact. The payment password is not one (every transfer needs it
//! anyway). A wallet with neither a passkey nor a contact steps up with its login
//! password typed again ("sudo mode"), under the sign-in throttle: it has nothing
//! stronger, and its shopper can add a passkey once stepped up.
//!
//! A step-up holds for [`STEP_UP_SECS`] in the one sign-in that made it
//! (`wallet_sessions.stepped_up_at`); another device's sign-in must step up itself.

use std::net::IpAddr;

use checkout_core::ErrorCode;

use super::codes::{self, Purpose};
use super::passkeys::{self, RelyingParty};
use crate::config::MessageGateway;
use crate::error::{ApiError, ServerError};
use crate::security::password::Passwords;
use crate::security::throttle::SignInThrottle;
use crate::store::db::Db;
use crate::store::mode::WalletRef;
use crate::util::sha256_hex;

/// How long a step-up holds: 10 minutes.
pub const STEP_UP_SECS: i64 = 600;

/// Whether a step-up at `at` still holds at `now`.
#[must_use]
pub fn fresh(at: Option<i64>, now: i64) -> bool {
    at.is_some_and(|at| at <= now && now - at < STEP_UP_SECS)
}

/// 403 `step_up_required`.
#[must_use]
pub fn required() -> ApiError {
    ApiError::new(
        ErrorCode::StepUpRequired,
        "confirm it is you first (a passkey or a code to your phone or e-mail), then try again",
    )
}

/// The ways a wallet can step up.
#[derive(Debug, Clone, Default)]
pub struct Ways {
    /// The verified contact, masked, when it has one.
    pub contact: Option<String>,
    /// Whether it has a passkey (and the server a relying party).
    pub passkey: bool,
    /// Whether the login password is the way: only with neither of the others.
    pub login_password: bool,
}

/// The ways `wallet` can step up on this server.
///
/// # Errors
/// The database's.
pub async fn ways(
    db: &Db,
    rp: Option<&RelyingParty>,
    wallet: WalletRef<'_>,
) -> Result<Ways, ServerError> {
    let contact = codes::contact_of(db, wallet)
        .await?
        .map(|c| codes::masked(&c));
    let passkey = rp.is_some() && passkeys::store::any(db, wallet).await?;
    Ok(Ways {
        login_password: contact.is_none() && !passkey,
        contact,
        passkey,
    })
}

/// Records a step-up in the sign-in with cookie `token` at `now`.
async fn mark(db: &Db, token: &str, now: i64) -> Result<(), ServerError> {
    sqlx::query("UPDATE wallet_sessions SET stepped_up_at = $2 WHERE token_digest = $1")
        .bind(sha256_hex(token.as_bytes()))
        .bind(now)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Sends a step-up code to the wallet's contact; answers it masked.
///
/// # Errors
/// Those of [`codes::send`].
pub async fn send_code(
    db: &Db,
    deps: (&Passwords, &MessageGateway),
    wallet: WalletRef<'_>,
    now: i64,
) -> Result<String, ServerError> {
    codes::send(db, deps, wallet, Purpose::StepUp, now).await
}

/// Steps up the sign-in with cookie `token` with the code sent by [`send_code`].
///
/// # Errors
/// Those of [`codes::redeem`].
pub async fn with_code(
    db: &Db,
    passwords: &Passwords,
    (wallet, token): (WalletRef<'_>, &str),
    code: &str,
    now: i64,
) -> Result<(), ServerError> {
    codes::redeem(db, passwords, wallet, (Purpose::StepUp, code), now).await?;
    mark(db, token, now).await
}

/// Steps up the sign-in with cookie `token` with a passkey's answer to
/// [`passkeys::step_up::challenge`].
///
/// # Errors
/// Those of [`passkeys::step_up::verify`].
pub async fn with_passkey(
    db: &Db,
    rp: &RelyingParty,
    (wallet, token): (WalletRef<'_>, &str),
    credential: &str,
    now: i64,
) -> Result<(), ServerError> {
    passkeys::step_up::verify(db, rp, (wallet, token), credential, now).await?;
    mark(db, token, now).await
}

/// Steps up the sign-in with cookie `token` with the login password, for a wallet whose
/// [`Ways`] allow it, from the client `address`.
///
/// # Errors
/// 403 `step_up_required` when the wallet has a passkey or a contact; 400
/// `invalid_request` at `login_password` when it is wrong; 429 `rate_limited`.
pub async fn with_login(
    (db, passwords, throttle): (&Db, &Passwords, &SignInThrottle),
    rp: Option<&RelyingParty>,
    (wallet, token): (WalletRef<'_>, &str),
    (password, address): (&str, Option<IpAddr>),
    now: i64,
) -> Result<(), ServerError> {
    if !ways(db, rp, wallet).await?.login_password {
        return Err(required().into());
    }
    let deps = (db, passwords, throttle);
    match super::login::sign_in(deps, wallet.shopper, password, address, now).await {
        Err(ServerError::Api(e)) if e.code == ErrorCode::Unauthorized => {
            return Err(ApiError::field("login_password", "is not your login password").into())
        }
        other => other?,
    };
    mark(db, token, now).await
}

#[cfg(test)]
mod tests {
    use super::{fresh, STEP_UP_SECS};

    #[test]
    fn a_step_up_holds_ten_minutes_and_never_from_the_future() {
        assert!(!fresh(None, 1000));
        assert!(fresh(Some(1000), 1000));
        assert!(fresh(Some(1000), 1000 + STEP_UP_SECS - 1));
        assert!(!fresh(Some(1000), 1000 + STEP_UP_SECS));
        assert!(!fresh(Some(1001), 1000));
    }
}
