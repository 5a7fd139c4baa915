//! A payment request made ready once, and the headers of each of its sends: the same
//! bytes every time, signed again at each send.

use checkout_core::{signature, IntentRequest};

use super::endpoint::Endpoint;
use super::error::ApiError;

/// A payment request ready to send: the body is serialized once, and these exact bytes
/// are signed and resent on every retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedIntent {
    pub url: String,
    pub body: String,
    pub idempotency_key: String,
}

/// Serializes the intent request once for one payment attempt; `passkey` is the
/// assertion that replaces the password.
pub fn prepare_intent(
    endpoint: &Endpoint,
    request: &IntentRequest,
    idempotency_key: &str,
    passkey: Option<&str>,
) -> Result<PreparedIntent, ApiError> {
    Ok(PreparedIntent {
        url: endpoint.intents_url(),
        body: crate::json::intent_request(request, passkey),
        idempotency_key: idempotency_key.to_owned(),
    })
}

/// The headers of one send of a prepared intent, signed at `now` (unix seconds).
#[must_use]
pub fn intent_headers(
    endpoint: &Endpoint,
    prepared: &PreparedIntent,
    now: i64,
) -> Vec<(&'static str, String)> {
    vec![
        ("Authorization", endpoint.authorization()),
        ("Content-Type", "application/json".to_owned()),
        ("Idempotency-Key", prepared.idempotency_key.clone()),
        (
            "Checkout-Signature",
            signature::sign(&endpoint.client_secret, now, prepared.body.as_bytes()),
        ),
    ]
}
