//! Passkeys: "pay with fingerprint" (DESIGN.md *Passkeys*; W3C Web Authentication
//! Level 3). A wallet keeps any number of WebAuthn credentials (platform authenticator,
//! user verification required), added on the wallet's security page and used in the
//! frame to authorise a payment instead of the six-digit password.
//!
//! Verification is `webauthn-rs`'s: origin and relying-party id, user verification, the
//! signature and its counter. This module adds what is ours: where credentials and
//! challenges are stored ([`store`], [`challenges`]), the relying party of this wallet
//! ([`RelyingParty`]), enrolment ([`registration`]), the payment's challenge bound to
//! one intent ([`payment`]), the step-up bound to one sign-in ([`step_up`]) and signing in
//! with a discoverable passkey ([`sign_in`]).

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use checkout_core::ErrorCode;
use sha2::{Digest, Sha256};
use webauthn_rs::prelude::{Url, Uuid, Webauthn, WebauthnBuilder};

use crate::error::ApiError;

pub mod challenges;
pub mod payment;
pub mod registration;
pub mod sign_in;
pub mod step_up;
pub mod store;

/// How long a challenge may be answered: two minutes (DESIGN.md *Passkeys*).
pub const CHALLENGE_TTL_SECS: i64 = 120;

/// The wallet as a WebAuthn relying party: its id is the host of the wallet's public
/// origin, and only assertions made on that origin verify.
#[derive(Debug, Clone)]
pub struct RelyingParty {
    webauthn: Arc<Webauthn>,
    id: String,
}

impl RelyingParty {
    /// The relying party of the wallet at `origin` (`https://wallet.example`, or
    /// `http://localhost:8080` for the demo).
    ///
    /// # Errors
    /// Why passkeys cannot work there: the origin is not a URL, or its host is an IP
    /// address (a relying-party id must be a domain name, WebAuthn §5.1.3 and the HTML
    /// standard's "registrable domain suffix").
    pub fn for_origin(origin: &str) -> Result<RelyingParty, String> {
        let url = Url::parse(origin).map_err(|e| format!("{origin:?} is not a URL: {e}"))?;
        let id = url
            .domain()
            .ok_or_else(|| {
                format!("{origin:?} has no domain name (browsers refuse passkeys for an IP address); serve the wallet at a name such as https://wallet.example or http://localhost")
            })?
            .to_owned();
        let webauthn = WebauthnBuilder::new(&id, &url)
            .and_then(|b| b.rp_name("Balance Checkout wallet").build())
            .map_err(|e| format!("{origin:?} cannot be a WebAuthn relying party: {e}"))?;
        Ok(RelyingParty {
            webauthn: Arc::new(webauthn),
            id,
        })
    }

    /// The relying-party id (the wallet's host).
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn webauthn(&self) -> &Webauthn {
        &self.webauthn
    }
}

/// 422 `method_unavailable`: this server has no relying party (its public URL has no
/// domain name).
#[must_use]
pub fn unavailable() -> ApiError {
    ApiError::new(
        ErrorCode::MethodUnavailable,
        "passkeys are off on this wallet server: its public_url must be a domain name (https://wallet.example, or http://localhost for a demo); pay with the payment password",
    )
}

/// Starts an authentication with any of the wallet's passkeys: the options for
/// `navigator.credentials.get()` and webauthn-rs's ceremony state.
///
/// # Errors
/// 409 `passkey_not_enrolled` when the wallet has none; the database's.
pub async fn start_authentication(
    db: &crate::store::db::Db,
    rp: &RelyingParty,
    wallet: crate::store::ledger::WalletRef<'_>,
) -> Result<
    (
        webauthn_rs::prelude::RequestChallengeResponse,
        webauthn_rs::prelude::PasskeyAuthentication,
    ),
    crate::error::ServerError,
> {
    let passkeys: Vec<_> = store::list(db, wallet)
        .await?
        .into_iter()
        .map(|p| p.passkey)
        .collect();
    if passkeys.is_empty() {
        return Err(store::not_enrolled().into());
    }
    rp.webauthn()
        .start_passkey_authentication(&passkeys)
        .map_err(|e| crate::error::ServerError::internal("passkey challenge", e))
}

/// The WebAuthn user handle of a wallet: 16 bytes of a SHA-256 of the shopper id, so the
/// authenticator never stores the id itself.
#[must_use]
pub fn user_handle(shopper: &str) -> Uuid {
    let digest = Sha256::digest([b"balance-checkout passkey user:", shopper.as_bytes()].concat());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

/// Base64url without padding, as WebAuthn's JSON forms write binary.
#[must_use]
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The `challenge` a browser signed, read from the `clientDataJSON` it returned
/// (WebAuthn §5.8.1 `CollectedClientData`); `None` when there is none.
#[must_use]
pub fn signed_challenge(client_data_json: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct ClientData {
        challenge: String,
    }
    serde_json::from_slice::<ClientData>(client_data_json)
        .ok()
        .map(|c| c.challenge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relying_party_needs_a_domain_name() {
        let rp = RelyingParty::for_origin("http://localhost:8080").unwrap();
        assert_eq!(rp.id(), "localhost");
        let rp = RelyingParty::for_origin("https://wallet.example").unwrap();
        assert_eq!(rp.id(), "wallet.example");
        let e = RelyingParty::for_origin("http://127.0.0.1:8080").unwrap_err();
        assert!(e.contains("no domain name"), "{e}");
        assert!(RelyingParty::for_origin("not a url").is_err());
    }

    #[test]
    fn user_handles_are_stable_and_do_not_carry_the_shopper_id() {
        assert_eq!(user_handle("shopper_demo"), user_handle("shopper_demo"));
        assert_ne!(user_handle("shopper_demo"), user_handle("shopper_other"));
        assert!(!user_handle("shopper_demo").to_string().contains("shopper"));
    }

    #[test]
    fn the_signed_challenge_comes_from_the_client_data() {
        let data = br#"{"type":"webauthn.get","challenge":"abc_-","origin":"http://localhost:1"}"#;
        assert_eq!(signed_challenge(data).as_deref(), Some("abc_-"));
        assert_eq!(signed_challenge(b"{}"), None);
        assert_eq!(signed_challenge(b"\xff"), None);
    }
}
