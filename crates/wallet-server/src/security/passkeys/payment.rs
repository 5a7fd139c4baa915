//! Paying with a passkey (DESIGN.md *Passkeys*, "Paying"). The frame asks for a challenge
//! with the intent it is about to send; the challenge is bound to that intent (the
//! SHA-256 of its canonical JSON), single use and two minutes long. The intent then
//! carries the assertion instead of the payment password, and [`verify`] accepts it only
//! for that same intent, on this wallet's origin, with user verification, from one of
//! the wallet's passkeys whose counter did not go back. A failure is counted against the
//! wallet's lock exactly like a wrong password (`crate::security::lock`).

use checkout_core::{ErrorCode, Intent};
use sha2::{Digest, Sha256};
use webauthn_rs::prelude::{PasskeyAuthentication, PublicKeyCredential, RequestChallengeResponse};

use super::challenges::{self, Issued, Purpose};
use super::{store, RelyingParty};
use crate::error::{ApiError, ServerError};
use crate::store::db::rows::SessionRow;
use crate::store::db::Db;

/// Hex SHA-256 of the intent's canonical JSON (its fields in the contract's order, as
/// serde writes the core's `Intent`): what a payment challenge is bound to.
///
/// # Errors
/// 500 when the intent cannot be serialised (it always can).
pub fn intent_sha256(intent: &Intent) -> Result<String, ServerError> {
    let json = serde_json::to_vec(intent).map_err(|e| ServerError::internal("intent", e))?;
    Ok(hex::encode(Sha256::digest(json)))
}

/// The assertion's fields: those of `PublicKeyCredential.toJSON()` that the frame sends
/// (W3C WebAuthn Level 3 §5.1), and no other, as everywhere in a request body.
const ASSERTION_FIELDS: [&str; 5] = ["id", "rawId", "type", "response", "extensions"];
const RESPONSE_FIELDS: [&str; 4] = [
    "authenticatorData",
    "clientDataJSON",
    "signature",
    "userHandle",
];

/// Refuses unknown fields in the assertion and its response, and client extension
/// results (none are asked for).
fn check_shape(assertion: &serde_json::Value) -> Result<(), ApiError> {
    let unknown = |path: String| {
        ApiError::field(
            &path,
            "is not a field of the assertion; send PublicKeyCredential.toJSON()'s id, rawId, type, response and an empty extensions",
        )
    };
    let fields =
        |v: &serde_json::Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
    for key in fields(assertion).unwrap_or_default() {
        if !ASSERTION_FIELDS.contains(&key.as_str()) {
            return Err(unknown(format!("passkey.{key}")));
        }
    }
    for key in fields(&assertion["response"]).unwrap_or_default() {
        if !RESPONSE_FIELDS.contains(&key.as_str()) {
            return Err(unknown(format!("passkey.response.{key}")));
        }
    }
    if let Some(key) = fields(&assertion["extensions"]).unwrap_or_default().first() {
        return Err(unknown(format!("passkey.extensions.{key}")));
    }
    Ok(())
}

/// A challenge for paying `intent` in `session` (which the caller found open) with one of
/// the wallet's passkeys: the options for `navigator.credentials.get()` (W3C WebAuthn
/// §5.5), `{publicKey: {…}}`.
///
/// # Errors
/// 422 `method_unavailable` without a relying party; 400 `invalid_request`
/// (`intent.session_id`) for another session's intent; 409 `passkey_not_enrolled` when
/// the wallet has no passkey.
pub async fn challenge(
    db: &Db,
    rp: Option<&RelyingParty>,
    session: &SessionRow,
    intent: &Intent,
    now: i64,
) -> Result<RequestChallengeResponse, ServerError> {
    let rp = rp.ok_or_else(super::unavailable)?;
    intent.validate().map_err(|e| ApiError::invalid(&e))?;
    if intent.session_id != session.id {
        return Err(ApiError::field(
            "intent.session_id",
            "does not match the session in the URL; ask for a challenge for this session's intent",
        )
        .into());
    }
    let (options, authentication) = super::start_authentication(db, rp, session.wallet()).await?;
    let digest = intent_sha256(intent)?;
    let issued = Issued {
        challenge: super::b64url(&options.public_key.challenge),
        purpose: Purpose::Payment,
        wallet: session.wallet(),
        session_id: Some(&session.id),
        intent_sha256: Some(&digest),
        state: &authentication,
    };
    challenges::issue(db, &issued, now).await?;
    Ok(options)
}

/// Verifies the `passkey` of an intent request at `now` (unix seconds): it must answer a
/// payment challenge issued for exactly this `intent` of this `session`. On success the
/// credential's counter and last use are stored and the wallet's count of failures
/// clears.
///
/// # Errors
/// 400 `invalid_request` (`passkey`) when it is not an assertion; 410 `passkey_expired`
/// (unknown, used or expired challenge: not counted); 423 `password_locked` while the
/// wallet is locked; 403 `passkey_invalid` with `attempts_left` (counted) when it was
/// made for another intent or session, or webauthn-rs refuses it (signature, origin,
/// relying party, user verification, counter); 409 `passkey_not_enrolled` when the
/// credential is not one of the wallet's (counted).
pub async fn verify(
    (db, rp, lockout): (&Db, Option<&RelyingParty>, i64),
    session: &SessionRow,
    intent: &Intent,
    assertion: &serde_json::Value,
    now: i64,
) -> Result<(), ServerError> {
    let rp = rp.ok_or_else(super::unavailable)?;
    check_shape(assertion)?;
    let credential: PublicKeyCredential =
        serde_json::from_value(assertion.clone()).map_err(|e| {
            ApiError::field(
                "passkey",
                format!("is not a WebAuthn assertion (PublicKeyCredential JSON): {e}"),
            )
        })?;
    let challenge = super::signed_challenge(&credential.response.client_data_json)
        .ok_or_else(|| ApiError::field("passkey.response.clientDataJSON", "has no challenge"))?;
    let taken: challenges::Taken<PasskeyAuthentication> =
        challenges::take(db, &challenge, (Purpose::Payment, session.livemode), now).await?;
    let shopper = &session.shopper_id;
    let counted = crate::security::lock::count_attempt(db, session.wallet(), now, lockout).await?;
    let refuse = |why: String| {
        crate::security::lock::failed(counted, now, lockout, |left| {
            ApiError::new(
                ErrorCode::PasskeyInvalid,
                format!("{why}; {left} attempts left before the wallet locks"),
            )
        })
    };
    let bound = taken.shopper == *shopper
        && taken.session_id.as_deref() == Some(session.id.as_str())
        && taken.intent_sha256 == Some(intent_sha256(intent)?);
    if !bound {
        return Err(refuse(
            "the passkey confirmed a different payment; ask for a challenge for this intent".into(),
        ));
    }
    let result = rp
        .webauthn()
        .finish_passkey_authentication(&credential, &taken.state)
        .map_err(|e| refuse(format!("the passkey did not verify ({e})")))?;
    let mut stored = store::list(db, session.wallet())
        .await?
        .into_iter()
        .find(|p| p.passkey.cred_id() == result.cred_id())
        .ok_or_else(|| {
            crate::security::lock::failed(counted, now, lockout, |_| store::not_enrolled())
        })?;
    stored.passkey.update_credential(&result);
    store::used(db, &stored, now).await?;
    crate::security::lock::clear(db, session.wallet()).await
}
