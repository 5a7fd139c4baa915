//! A new payment password (DESIGN.md *The shopper's account*): six digits, typed twice; a
//! live wallet's may not be trivially guessable — one digit repeated, an ascending or
//! descending run, a three-digit group typed twice (`123123`), or one of the twenty PINs
//! people choose most (the frequency lists of Bonneau, Preibusch and Anderson, "A birthday
//! present every eleven wallets?", 2012, and DataGenetics' PIN analysis).

use checkout_core::intent::validate_payment_password;

use crate::error::ApiError;

/// The most common six-digit PINs beyond the patterns [`is_trivial`] already refuses.
const COMMON: [&str; 20] = [
    "123456", "654321", "111111", "000000", "123123", "666666", "121212", "112233", "789456",
    "159753", "888888", "222222", "123321", "520520", "131313", "147258", "159357", "696969",
    "100200", "112211",
];

/// Whether `pin` (six digits) is trivially guessable.
#[must_use]
pub fn is_trivial(pin: &str) -> bool {
    let d: Vec<i32> = pin
        .bytes()
        .map(|b| i32::from(b) - i32::from(b'0'))
        .collect();
    let steps: Vec<i32> = d.windows(2).map(|w| w[1] - w[0]).collect();
    let run = |step: i32| steps.iter().all(|s| *s == step);
    let halves = pin.len() == 6 && pin[..3] == pin[3..];
    run(0) || run(1) || run(-1) || halves || COMMON.contains(&pin)
}

/// Checks a new payment password typed twice (`confirm`), for a wallet of this mode; it
/// must differ from `current` when there is one.
///
/// # Errors
/// 400 `invalid_request` at `path` (not six digits, trivial in live mode, the current
/// one) or at `confirm` (typed differently).
pub fn check_new(
    pin: &str,
    confirm: &str,
    current: Option<&str>,
    livemode: bool,
    path: &str,
) -> Result<(), ApiError> {
    validate_payment_password(pin)
        .map_err(|_| ApiError::field(path, "must be exactly 6 digits"))?;
    if livemode && is_trivial(pin) {
        return Err(ApiError::field(
            path,
            "is too easy to guess (a run, a repeat or a common PIN); choose six digits without a pattern",
        ));
    }
    if current == Some(pin) {
        return Err(ApiError::field(path, "is the current one; choose another"));
    }
    if pin != confirm {
        return Err(ApiError::field(
            "confirm",
            "differs from the password typed first",
        ));
    }
    Ok(())
}

/// Sets a new payment password after a step-up (a one-time code to the wallet's contact)
/// and lifts the lock: the forgotten-password reset.
///
/// # Errors
/// 503 `server_busy` when no Argon2id worker is free; the database's.
pub async fn reset(
    db: &crate::store::db::Db,
    passwords: &crate::security::password::Passwords,
    wallet: crate::store::mode::WalletRef<'_>,
    pin: &str,
) -> Result<(), crate::error::ServerError> {
    let (hash, pepper_id) = passwords.hash(pin.to_owned()).await?;
    sqlx::query(
        "UPDATE wallets SET password_hash = $3, pepper_id = $4, failed_attempts = 0, \
         locked_until = NULL WHERE shopper_id = $1 AND livemode = $2",
    )
    .bind(wallet.shopper)
    .bind(i64::from(wallet.livemode))
    .bind(hash)
    .bind(pepper_id)
    .execute(&db.pool)
    .await?;
    tracing::info!(shopper = %wallet.shopper, "payment password reset; the lock is lifted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_new, is_trivial};

    #[test]
    fn runs_repeats_and_common_pins_are_trivial() {
        for pin in [
            "000000", "999999", "123456", "345678", "987654", "876543", "123123", "520520",
            "147258",
        ] {
            assert!(is_trivial(pin), "{pin}");
        }
        for pin in ["135790", "864213", "402719", "271828"] {
            assert!(!is_trivial(pin), "{pin}");
        }
    }

    #[test]
    fn a_new_pin_is_typed_twice_differs_and_in_live_mode_is_not_trivial() {
        assert!(
            check_new("123456", "123456", None, false, "pin").is_ok(),
            "test wallets may"
        );
        assert!(check_new("123456", "123456", None, true, "pin").is_err());
        assert!(check_new("402719", "402718", None, true, "pin").is_err());
        assert!(check_new("402719", "402719", Some("402719"), true, "pin").is_err());
        assert!(check_new("402719", "402719", Some("135790"), true, "pin").is_ok());
        assert!(check_new("40271", "40271", None, false, "pin").is_err());
    }
}
