//! Signing up on `/wallet/sign-up` (DESIGN.md *The shopper's account*, "Getting an
//! account"): the shopper gives a contact (an e-mail address or an international phone
//! number), proves it with a one-time code sent to it, and chooses the login password and
//! the payment password; the wallet gets a random id and the contact as its verified one.
//!
//! No oracle: asking for a code answers the same for a contact that already has a wallet
//! (the code is sent all the same); only someone who reads that code learns, on
//! completing, that the contact is taken.

use checkout_core::Currency;

use crate::config::MessageGateway;
use crate::error::ServerError;
use crate::security::codes::{self, Purpose, Subject};
use crate::security::password::Passwords;
use crate::store::db::Db;
use crate::store::mode::WalletRef;
use crate::util::random_id;
use crate::wallet::activation::Credentials;

/// Sends a sign-up code to `contact` for a wallet of mode `livemode`.
///
/// # Errors
/// 400 `invalid_request` at `contact`; those of [`codes::send_to`] (429 `rate_limited`
/// within a minute of the last code to it).
pub async fn start(
    db: &Db,
    deps: (&Passwords, &MessageGateway),
    livemode: bool,
    contact: &str,
    now: i64,
) -> Result<(), ServerError> {
    codes::check_contact(contact)?;
    let subject = Subject {
        id: contact,
        livemode,
    };
    codes::send_to(db, deps, (subject, contact), Purpose::SignUp, now).await
}

/// Opens the wallet: the passwords are checked first (a typo costs no try of the code),
/// then the code, then the contact must still be free. Answers the new wallet's id.
///
/// # Errors
/// Those of [`Credentials::check`]; 400 `invalid_request` at `code`; 409 `contact_taken`;
/// 503 `server_busy`.
pub async fn complete(
    db: &Db,
    passwords: &Passwords,
    (livemode, currency): (bool, Currency),
    (contact, code): (&str, &str),
    typed: Credentials<'_>,
    now: i64,
) -> Result<String, ServerError> {
    let id = random_id("w_", 20);
    typed.check(&id, livemode)?;
    let subject = Subject {
        id: contact,
        livemode,
    };
    codes::redeem(db, passwords, subject, (Purpose::SignUp, code), now).await?;
    if codes::wallet_with_contact(db, contact).await?.is_some() {
        return Err(codes::contact_taken().into());
    }
    let wallet = WalletRef::new(&id, livemode);
    // Made without passwords (as the admin API makes a live wallet), then given them: a
    // crash in between leaves a wallet nobody can reach or name, and no contact taken.
    crate::wallet::accounts::create_wallet(db, passwords, wallet, currency, (None, None)).await?;
    crate::security::login::set(db, passwords, wallet, typed.login, "login_password").await?;
    crate::security::pin::reset(db, passwords, wallet, typed.pin).await?;
    codes::set_contact(db, wallet, contact).await?;
    tracing::info!(shopper = %id, livemode, "wallet signed up");
    Ok(id)
}
