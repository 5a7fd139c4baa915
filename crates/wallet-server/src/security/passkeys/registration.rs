//! Adding a passkey to a wallet (DESIGN.md *Passkeys*, "Enrolment"): the signed-in
//! shopper confirms with the payment password, the browser creates a credential on the
//! platform authenticator with user verification, and the server keeps its public key.

use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{
    AuthenticatorAttachment, CreationChallengeResponse, PasskeyRegistration,
    RegisterPublicKeyCredential,
};
use webauthn_rs_proto::ResidentKeyRequirement;

use super::challenges::{self, Issued, Purpose};
use super::store::{self, StoredPasskey};
use super::RelyingParty;
use crate::error::{ApiError, ServerError};
use crate::store::db::Db;
use crate::store::ledger::WalletRef;

/// What a registration challenge keeps until its answer.
#[derive(Serialize, Deserialize)]
struct Pending {
    name: String,
    registration: PasskeyRegistration,
}

/// Starts adding a passkey named `name` to the wallet of `shopper` (whose payment
/// password the caller has checked): the options for `navigator.credentials.create()`
/// (W3C WebAuthn §5.4), as JSON with binary fields in base64url.
///
/// # Errors
/// 400 `invalid_request` (`name`); 500 when webauthn-rs cannot make the options.
pub async fn start(
    db: &Db,
    rp: &RelyingParty,
    wallet: WalletRef<'_>,
    name: &str,
    now: i64,
) -> Result<CreationChallengeResponse, ServerError> {
    let shopper = wallet.shopper;
    let name = store::check_name(name)?;
    let existing: Vec<_> = store::list(db, wallet)
        .await?
        .iter()
        .map(|p| p.passkey.cred_id().clone())
        .collect();
    let (mut options, registration) = rp
        .webauthn()
        .start_passkey_registration(
            super::user_handle(shopper),
            shopper,
            &format!("{shopper} (Balance Checkout wallet)"),
            Some(existing),
        )
        .map_err(|e| ServerError::internal("passkey registration options", e))?;
    // "Pay with fingerprint": the phone's own authenticator (DESIGN.md *Passkeys*).
    // A discoverable credential where the device can make one, so that it also signs in
    // without a typed id (`super::sign_in`); "preferred", not "required": a phone that
    // cannot still pays with it.
    if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
        selection.authenticator_attachment = Some(AuthenticatorAttachment::Platform);
        selection.resident_key = Some(ResidentKeyRequirement::Preferred);
    }
    let pending = Pending { name, registration };
    let issued = Issued {
        challenge: super::b64url(&options.public_key.challenge),
        purpose: Purpose::Registration,
        wallet,
        session_id: None,
        intent_sha256: None,
        state: &pending,
    };
    challenges::issue(db, &issued, now).await?;
    Ok(options)
}

/// Finishes adding a passkey: `credential` is the browser's answer
/// (`PublicKeyCredential.toJSON()` of `create()`), for a challenge issued to `shopper`.
///
/// # Errors
/// 400 `invalid_request` (`credential`) when it is not such an answer or does not verify
/// (origin, relying party, user verification, attestation); 410 `passkey_expired` when
/// its challenge expired, was used, or was issued to another wallet.
pub async fn finish(
    db: &Db,
    rp: &RelyingParty,
    wallet: WalletRef<'_>,
    credential: &str,
    now: i64,
) -> Result<StoredPasskey, ServerError> {
    let shopper = wallet.shopper;
    let credential: RegisterPublicKeyCredential =
        serde_json::from_str(credential).map_err(|e| {
            ApiError::field(
                "credential",
                format!("is not a WebAuthn registration (PublicKeyCredential JSON): {e}"),
            )
        })?;
    let challenge = super::signed_challenge(&credential.response.client_data_json)
        .ok_or_else(challenges::expired)?;
    let taken: challenges::Taken<Pending> = challenges::take(
        db,
        &challenge,
        (Purpose::Registration, wallet.livemode),
        now,
    )
    .await?;
    if taken.shopper != shopper {
        return Err(challenges::expired().into());
    }
    let passkey = rp
        .webauthn()
        .finish_passkey_registration(&credential, &taken.state.registration)
        .map_err(|e| {
            ApiError::field(
                "credential",
                format!("the passkey did not verify ({e}); try again on this wallet's own page"),
            )
        })?;
    store::add(db, shopper, &taken.state.name, &passkey, now).await
}
