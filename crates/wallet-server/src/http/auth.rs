//! Bearer credentials: merchant secret keys, the admin key and session client secrets.

use std::sync::Arc;

use axum::http::{header, HeaderMap};

use crate::config::{key_digest, Config, Merchant};
use crate::error::ApiError;

/// The token of `Authorization: Bearer <token>`, if present.
#[must_use]
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The merchant whose secret key is presented.
///
/// # Errors
/// 401 `unauthorized` when the key is missing or unknown.
pub fn merchant(config: &Config, headers: &HeaderMap) -> Result<Arc<Merchant>, ApiError> {
    let token = bearer(headers).ok_or_else(|| {
        ApiError::unauthorized(
            "missing merchant credentials; send Authorization: Bearer <merchant secret key>",
        )
    })?;
    config.merchant_by_key(token).ok_or_else(|| {
        ApiError::unauthorized(
            "unknown merchant secret key; check the key in your server's configuration",
        )
    })
}

/// Succeeds when the admin key is presented.
///
/// # Errors
/// 401 `unauthorized` when it is missing or wrong, or the server has none.
pub fn admin(config: &Config, headers: &HeaderMap) -> Result<(), ApiError> {
    let token = bearer(headers).ok_or_else(|| {
        ApiError::unauthorized("missing admin credentials; send Authorization: Bearer <admin key>")
    })?;
    match config.admin_key_digest {
        Some(d) if d == key_digest(token) => Ok(()),
        Some(_) => Err(ApiError::unauthorized(
            "wrong admin key; use the admin_key of the server's configuration",
        )),
        None => Err(ApiError::unauthorized(
            "wallet endpoints are disabled: this server has no admin key (set admin_key or BC_ADMIN_KEY)",
        )),
    }
}

/// Checks the session's client secret.
///
/// # Errors
/// 401 `unauthorized` when it is missing or belongs to another session.
pub fn client_secret(headers: &HeaderMap, expected: &str) -> Result<(), ApiError> {
    let token = bearer(headers).ok_or_else(|| {
        ApiError::unauthorized(
            "missing session credentials; send Authorization: Bearer <the session's client_secret>",
        )
    })?;
    if crate::util::secrets_equal(token, expected) {
        Ok(())
    } else {
        Err(ApiError::unauthorized(
            "the client secret does not belong to this session; use the client_secret returned when the session was created",
        ))
    }
}
