//! Signing in with a passkey (DESIGN.md *The shopper's account*, "Sign-in credentials"):
//! a discoverable credential, offered by the browser in the sign-in form's autofill
//! (conditional mediation) or behind a button; no wallet id is typed. The device says
//! which credential answered and whose (its user handle); the wallet is the one that
//! holds that credential, and its user handle must match.
//!
//! A sign-in challenge names no wallet: it is stored with an empty wallet id in test mode
//! (`passkey_challenges` needs both), and the wallet and its mode come from the
//! credential. It is single use and two minutes long like every challenge.

use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, PublicKeyCredential, RequestChallengeResponse,
};

use super::challenges::{self, Issued, Purpose};
use super::{store, RelyingParty};
use crate::error::{ApiError, ServerError};
use crate::store::db::Db;
use crate::store::ledger::WalletRef;

/// The options for `navigator.credentials.get()` with no allowed credentials (the device
/// offers its passkeys for this relying party), `mediation: "conditional"`.
///
/// # Errors
/// The database's; 500 when webauthn-rs cannot make the options.
pub async fn challenge(
    db: &Db,
    rp: &RelyingParty,
    now: i64,
) -> Result<RequestChallengeResponse, ServerError> {
    let (options, authentication) = rp
        .webauthn()
        .start_discoverable_authentication()
        .map_err(|e| ServerError::internal("passkey sign-in challenge", e))?;
    let issued = Issued {
        challenge: super::b64url(&options.public_key.challenge),
        purpose: Purpose::SignIn,
        wallet: WalletRef::new("", false),
        session_id: None,
        intent_sha256: None,
        state: &authentication,
    };
    challenges::issue(db, &issued, now).await?;
    Ok(options)
}

/// 400 `invalid_request` at `credential`: the one answer for an assertion that does not
/// sign in.
fn refused() -> ApiError {
    ApiError::field(
        "credential",
        "this passkey did not sign in; try again, or use your password",
    )
}

/// Verifies the device's answer (`PublicKeyCredential` JSON) at `now`: the wallet (id,
/// mode) it signs in to. The credential's counter and last use are stored.
///
/// # Errors
/// 410 `passkey_expired` for an unknown, used or expired challenge; 400 `invalid_request`
/// at `credential` when it is no assertion, names no stored passkey or another wallet's user handle, or
/// does not verify (signature, origin, user verification, counter).
pub async fn verify(
    db: &Db,
    rp: &RelyingParty,
    credential: &str,
    now: i64,
) -> Result<(String, bool), ServerError> {
    let credential: PublicKeyCredential =
        serde_json::from_str(credential).map_err(|_| refused())?;
    let challenge =
        super::signed_challenge(&credential.response.client_data_json).ok_or_else(refused)?;
    let taken: challenges::Taken<DiscoverableAuthentication> =
        challenges::take(db, &challenge, (Purpose::SignIn, false), now).await?;
    let (user, credential_id) = rp
        .webauthn()
        .identify_discoverable_authentication(&credential)
        .map_err(|_| refused())?;
    let (mut stored, shopper, livemode) =
        store::by_credential_id(db, &super::b64url(credential_id))
            .await?
            .ok_or_else(refused)?;
    if user != super::user_handle(&shopper) {
        return Err(refused().into());
    }
    // `_v2` takes webauthn-rs's `Credential`, which only its `danger-credential-internals`
    // feature exposes; this one takes the passkey as a `DiscoverableKey` and checks the same.
    #[allow(deprecated)]
    let result = rp
        .webauthn()
        .finish_discoverable_authentication(
            &credential,
            taken.state,
            &[DiscoverableKey::from(&stored.passkey)],
        )
        .map_err(|_| refused())?;
    stored.passkey.update_credential(&result);
    store::used(db, &stored, now).await?;
    Ok((shopper, livemode))
}
