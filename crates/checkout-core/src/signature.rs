//! The `Checkout-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use thiserror::Error;

use crate::vocabulary::ErrorCode;

/// A signature older (or further in the future) than this many seconds is rejected.
pub const TOLERANCE_SECS: i64 = 300;

/// Why a `Checkout-Signature` header was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    #[error("Checkout-Signature header is malformed: {0}; expected \"t=<unix seconds>,v1=<64 hex digits>\"")]
    Malformed(String),
    #[error("Checkout-Signature does not match the request body; sign the exact bytes you send with the session's client secret")]
    Mismatch,
    #[error("Checkout-Signature timestamp is {age} s away from the server's clock (at most {TOLERANCE_SECS} s allowed); sign the request again just before sending it")]
    Expired { age: i64 },
}

impl SignatureError {
    /// The API error code: [`ErrorCode::SignatureExpired`] for a stale timestamp, else
    /// [`ErrorCode::SignatureInvalid`]. Its wire string is `.code().code()`.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            SignatureError::Expired { .. } => ErrorCode::SignatureExpired,
            SignatureError::Malformed(_) | SignatureError::Mismatch => ErrorCode::SignatureInvalid,
        }
    }
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this never fails.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The header value signing `body` at `timestamp` with `secret`.
#[must_use]
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let tag = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(tag))
}

/// A parsed header: the timestamp and every `v1` signature in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    pub timestamp: i64,
    pub v1: Vec<[u8; 32]>,
}

impl SignatureHeader {
    /// Parses `t=…,v1=…`. Several `v1` values are allowed (secret rotation); unknown
    /// schemes are ignored so that new ones can be added without breaking old servers.
    pub fn parse(header: &str) -> Result<SignatureHeader, SignatureError> {
        let malformed = |m: &str| SignatureError::Malformed(m.to_owned());
        let mut timestamp = None;
        let mut v1 = Vec::new();
        for part in header.split(',') {
            let (key, value) = part
                .trim()
                .split_once('=')
                .ok_or_else(|| malformed("each part must be key=value"))?;
            match key {
                "t" => {
                    if timestamp.is_some() {
                        return Err(malformed("t appears twice"));
                    }
                    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(malformed("t must be unix seconds"));
                    }
                    timestamp = Some(
                        value
                            .parse::<i64>()
                            .map_err(|_| malformed("t must be unix seconds"))?,
                    );
                }
                "v1" => {
                    let mut tag = [0u8; 32];
                    hex::decode_to_slice(value, &mut tag)
                        .map_err(|_| malformed("v1 must be 64 hex digits"))?;
                    v1.push(tag);
                }
                _ => {}
            }
        }
        let timestamp = timestamp.ok_or_else(|| malformed("t is missing"))?;
        if v1.is_empty() {
            return Err(malformed("v1 is missing"));
        }
        Ok(SignatureHeader { timestamp, v1 })
    }
}

/// Verifies a header against the raw body at time `now` (unix seconds): the HMAC in
/// constant time first, then the timestamp within [`TOLERANCE_SECS`].
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
    let parsed = SignatureHeader::parse(header)?;
    let expected = mac(secret, parsed.timestamp, body);
    let matches = parsed
        .v1
        .iter()
        .any(|tag| expected.clone().verify_slice(tag).is_ok());
    if !matches {
        return Err(SignatureError::Mismatch);
    }
    let age = now.saturating_sub(parsed.timestamp);
    // `unsigned_abs`: `abs` of a saturated `i64::MIN` would overflow (a panic in debug builds,
    // a negative and therefore "fresh" age in release builds).
    if age.unsigned_abs() > TOLERANCE_SECS.unsigned_abs() {
        return Err(SignatureError::Expired { age });
    }
    Ok(())
}
