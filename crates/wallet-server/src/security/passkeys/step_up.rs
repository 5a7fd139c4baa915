//! Stepping up with a passkey (DESIGN.md *The shopper's account*, "Step-up"): a challenge
//! for one of the wallet's passkeys, bound to one wallet sign-in (the digest of its
//! cookie's token), single use and two minutes long. A failure is not counted against
//! the payment lock: an assertion cannot be guessed, and the payment lock is for the PIN.

use webauthn_rs::prelude::{PasskeyAuthentication, PublicKeyCredential, RequestChallengeResponse};

use super::challenges::{self, Issued, Purpose};
use super::{store, RelyingParty};
use crate::error::{ApiError, ServerError};
use crate::store::db::Db;
use crate::store::ledger::WalletRef;
use crate::util::sha256_hex;

/// The options for `navigator.credentials.get()` (W3C WebAuthn §5.5), `{publicKey: {…}}`,
/// offering the wallet's passkeys, for the sign-in with cookie `token`.
///
/// # Errors
/// 409 `passkey_not_enrolled` when the wallet has none; the database's.
pub async fn challenge(
    db: &Db,
    rp: &RelyingParty,
    (wallet, token): (WalletRef<'_>, &str),
    now: i64,
) -> Result<RequestChallengeResponse, ServerError> {
    let (options, authentication) = super::start_authentication(db, rp, wallet).await?;
    let sign_in = sha256_hex(token.as_bytes());
    let issued = Issued {
        challenge: super::b64url(&options.public_key.challenge),
        purpose: Purpose::StepUp,
        wallet,
        session_id: Some(&sign_in),
        intent_sha256: None,
        state: &authentication,
    };
    challenges::issue(db, &issued, now).await?;
    Ok(options)
}

/// Verifies the device's answer (`PublicKeyCredential` JSON) for the sign-in with cookie
/// `token` at `now`; the credential's counter and last use are stored.
///
/// # Errors
/// 400 `invalid_request` at `credential` when it is not an assertion or does not verify
/// (another sign-in's challenge, signature, origin, user verification, counter); 410
/// `passkey_expired`; 409 `passkey_not_enrolled` for a credential not of this wallet.
pub async fn verify(
    db: &Db,
    rp: &RelyingParty,
    (wallet, token): (WalletRef<'_>, &str),
    credential: &str,
    now: i64,
) -> Result<(), ServerError> {
    let refused = |why: String| ApiError::field("credential", why);
    let credential: PublicKeyCredential = serde_json::from_str(credential)
        .map_err(|e| refused(format!("is not a WebAuthn assertion: {e}")))?;
    let challenge = super::signed_challenge(&credential.response.client_data_json)
        .ok_or_else(|| refused("has no challenge".into()))?;
    let taken: challenges::Taken<PasskeyAuthentication> =
        challenges::take(db, &challenge, (Purpose::StepUp, wallet.livemode), now).await?;
    if taken.shopper != wallet.shopper
        || taken.session_id.as_deref() != Some(sha256_hex(token.as_bytes()).as_str())
    {
        return Err(refused("answers another sign-in's challenge; try again".into()).into());
    }
    let result = rp
        .webauthn()
        .finish_passkey_authentication(&credential, &taken.state)
        .map_err(|e| refused(format!("did not verify ({e}); try again")))?;
    let mut stored = store::list(db, wallet)
        .await?
        .into_iter()
        .find(|p| p.passkey.cred_id() == result.cred_id())
        .ok_or_else(store::not_enrolled)?;
    stored.passkey.update_credential(&result);
    store::used(db, &stored, now).await
}
