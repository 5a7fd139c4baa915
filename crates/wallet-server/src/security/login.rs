//! The wallet's sign-in credential (DESIGN.md *The shopper's account*): a login password
//! of at least [`MIN_CHARS`] characters that a maintained strength estimator does not
//! find guessable (the `zxcvbn` crate, score at least [`MIN_SCORE`] of 4; NIST SP 800-63B
//! §3.1.1 asks for a check against commonly used passwords), stored like the payment
//! password: Argon2id keyed with the pepper. The six-digit payment password is never a
//! sign-in credential, and a failed sign-in never touches the payment lock.

use std::net::IpAddr;

use crate::error::{ApiError, ServerError};
use crate::security::password::Passwords;
use crate::security::throttle::SignInThrottle;
use crate::store::db::Db;
use crate::store::mode::WalletRef;

/// Fewest characters of a login password.
pub const MIN_CHARS: usize = 8;
/// Most characters of a login password (Argon2id takes any length; this bounds the work).
pub const MAX_CHARS: usize = 128;
/// Lowest zxcvbn score (0–4) a login password may have: 3 is "safely unguessable".
pub const MIN_SCORE: u8 = 3;

/// Checks a new login password for `shopper` (whose id zxcvbn also treats as guessable).
///
/// # Errors
/// 400 `invalid_request` at `path`, saying what would make it acceptable.
pub fn check_strength(password: &str, shopper: &str, path: &str) -> Result<(), ApiError> {
    let chars = password.chars().count();
    if !(MIN_CHARS..=MAX_CHARS).contains(&chars) {
        return Err(ApiError::field(
            path,
            format!("must be {MIN_CHARS} to {MAX_CHARS} characters"),
        ));
    }
    let score = u8::from(zxcvbn::zxcvbn(password, &[shopper]).score());
    if score < MIN_SCORE {
        return Err(ApiError::field(
            path,
            "is too easy to guess; use a longer one that is not a common password, e.g. three unrelated words",
        ));
    }
    Ok(())
}

/// Stores the wallet's login password (checked by [`check_strength`] first).
///
/// # Errors
/// 400 `invalid_request` at `path` for a weak password; 503 `server_busy`.
pub async fn set(
    db: &Db,
    passwords: &Passwords,
    wallet: WalletRef<'_>,
    password: &str,
    path: &str,
) -> Result<(), ServerError> {
    check_strength(password, wallet.shopper, path)?;
    let (hash, pepper_id) = passwords.hash(password.to_owned()).await?;
    sqlx::query(
        "UPDATE wallets SET login_hash = $3, login_pepper_id = $4 \
         WHERE shopper_id = $1 AND livemode = $2",
    )
    .bind(wallet.shopper)
    .bind(i64::from(wallet.livemode))
    .bind(hash)
    .bind(pepper_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Whether `password` is the login password of the wallet named by `account` (its id, or
/// its verified contact when no wallet has that id): the wallet's id and mode when it is.
/// An unknown account, or a wallet without a login password, costs the same Argon2id run
/// and answers `None` like a wrong password: no answer tells which accounts exist.
///
/// # Errors
/// 503 `server_busy` when no Argon2id worker is free; the database's.
pub async fn verify(
    db: &Db,
    passwords: &Passwords,
    account: &str,
    password: &str,
) -> Result<Option<(String, bool)>, ServerError> {
    // Ids and contacts are each unique across both modes; an id wins over a contact.
    let row: Option<(String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT shopper_id, login_hash, login_pepper_id, livemode FROM wallets \
         WHERE shopper_id = $1 OR contact = $1 \
         ORDER BY CASE WHEN shopper_id = $1 THEN 0 ELSE 1 END LIMIT 1",
    )
    .bind(account)
    .fetch_optional(&db.pool)
    .await?;
    let (stored, wallet) = match row {
        Some((id, hash, pepper, mode)) => (Some((hash, pepper)), Some((id, mode != 0))),
        None => (None, None),
    };
    let right = passwords.matches(stored, password.to_owned()).await?;
    Ok(wallet.filter(|_| right))
}

/// 401 `unauthorized`: the one answer for a wrong password, an unknown id and a wallet
/// without a login password.
#[must_use]
pub fn wrong() -> ApiError {
    ApiError::unauthorized("the wallet ID, phone, e-mail or the login password is wrong")
}

/// A sign-in to `account` (a wallet id or a verified contact) with the login password,
/// from the client `address` at `now` (unix seconds), under the throttle: the wallet's id
/// and mode when it succeeds.
///
/// # Errors
/// 429 `rate_limited` with `retry_after` while the id or the address is slowed down (no
/// password is checked; `throttle` counts the try before it is checked); 401 `unauthorized` ([`wrong`]); 503 `server_busy`.
pub async fn sign_in(
    (db, passwords, throttle): (&Db, &Passwords, &SignInThrottle),
    account: &str,
    password: &str,
    address: Option<IpAddr>,
    now: i64,
) -> Result<(String, bool), ServerError> {
    throttle.reserve(account, address, now)?;
    match verify(db, passwords, account, password).await? {
        Some(wallet) => {
            throttle.succeeded(account, address);
            Ok(wallet)
        }
        None => {
            throttle.failed(address, now);
            Err(wrong().into())
        }
    }
}

/// Changes the wallet's login password: the new one (typed twice) is checked first, then
/// the current one, under the sign-in throttle.
///
/// # Errors
/// 400 `invalid_request` at `new_login` (weak, or the current one), `new_login_confirm`
/// (differs) or `current_login` (wrong); 429 `rate_limited`; 503 `server_busy`.
pub async fn change(
    deps: (&Db, &Passwords, &SignInThrottle),
    wallet: WalletRef<'_>,
    (current, new, confirm): (&str, &str, &str),
    address: Option<IpAddr>,
    now: i64,
) -> Result<(), ServerError> {
    check_strength(new, wallet.shopper, "new_login")?;
    if new != confirm {
        return Err(
            ApiError::field("new_login_confirm", "differs from the password typed first").into(),
        );
    }
    if new == current {
        return Err(ApiError::field("new_login", "is the current one; choose another").into());
    }
    match sign_in(deps, wallet.shopper, current, address, now).await {
        Err(ServerError::Api(e)) if e.code == checkout_core::ErrorCode::Unauthorized => {
            return Err(ApiError::field("current_login", "is not the current password").into())
        }
        other => other?,
    };
    set(deps.0, deps.1, wallet, new, "new_login").await
}

#[cfg(test)]
mod tests {
    use super::check_strength;

    #[test]
    fn common_short_and_pin_shaped_passwords_are_refused() {
        for weak in [
            "123456",
            "password",
            "12345678",
            "qwertyuiop",
            "shopper_demo1",
            "Passw0rd!",
        ] {
            assert!(
                check_strength(weak, "shopper_demo", "login_password").is_err(),
                "{weak}"
            );
        }
        for strong in ["Lantern-Maple-42", "violet tractor oyster", "kq8#Tz!m2Lw"] {
            assert!(
                check_strength(strong, "shopper_demo", "login_password").is_ok(),
                "{strong}"
            );
        }
        let long = "x".repeat(129);
        assert!(check_strength(&long, "s", "login_password").is_err());
    }
}
