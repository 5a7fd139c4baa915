//! Credentials: merchant secret keys, the admin key and session client secrets (bearer
//! tokens), and the wallet pages' sign-in cookie. A handler that needs one names its
//! extractor in its arguments: [`MerchantKey`], [`SignedIn`] (and
//! `crate::checkout::FrameSession` for a session's client secret).

use std::sync::Arc;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};

use super::lang::PageLanguage;
use super::state::AppState;
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

/// An admin key that was presented, and the mode of the wallets it manages (DESIGN.md
/// *Test and live mode*). The admin routes' layer puts it in the request's extensions
/// before the body is read; handlers take it as `Extension<AdminKey>`.
#[derive(Debug, Clone, Copy)]
pub struct AdminKey {
    pub livemode: bool,
}

/// The admin key that is presented.
///
/// # Errors
/// 401 `unauthorized` when it is missing or wrong, or the server has none.
pub fn admin(config: &Config, headers: &HeaderMap) -> Result<AdminKey, ApiError> {
    let token = bearer(headers).ok_or_else(|| {
        ApiError::unauthorized("missing admin credentials; send Authorization: Bearer <admin key>")
    })?;
    if config.admin_keys.is_empty() {
        return Err(ApiError::unauthorized(
            "wallet endpoints are disabled: this server has no admin key (set admin_key or BC_ADMIN_KEY)",
        ));
    }
    match config.admin_keys.get(&key_digest(token)) {
        Some(&livemode) => Ok(AdminKey { livemode }),
        None => Err(ApiError::unauthorized(
            "wrong admin key; use an admin key of the server's configuration",
        )),
    }
}

/// The credential that may read `GET /metrics`: the metrics key, or an admin key (which
/// may do everything).
///
/// # Errors
/// 401 `unauthorized` when it is missing or neither.
pub fn metrics_reader(config: &Config, headers: &HeaderMap) -> Result<(), ApiError> {
    let token = bearer(headers).ok_or_else(|| {
        ApiError::unauthorized("missing credentials; send Authorization: Bearer <metrics key>")
    })?;
    let digest = key_digest(token);
    if config.metrics_key == Some(digest) || config.admin_keys.contains_key(&digest) {
        Ok(())
    } else {
        Err(ApiError::unauthorized(
            "wrong metrics key; use the metrics_key of the server's configuration",
        ))
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

/// The merchant whose secret key is presented (`Authorization: Bearer sk_…`), with its
/// mode (`livemode`). Rejection: 401 `unauthorized`, before any body is read.
pub struct MerchantKey(pub Arc<Merchant>);

impl FromRequestParts<AppState> for MerchantKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        merchant(&state.config, &parts.headers).map(MerchantKey)
    }
}

/// A shopper signed in to the wallet pages (their sign-in cookie, the sign-in extended by
/// 30 minutes), with the page's language. Rejection: back to the sign-in page;
/// `Option<SignedIn>` is `None` instead.
pub struct SignedIn {
    pub shopper: String,
    /// The signed-in wallet's mode.
    pub livemode: bool,
    pub token: String,
    /// When the shopper last stepped up in this sign-in (unix seconds).
    pub stepped_up_at: Option<i64>,
    /// The page's language.
    pub page: PageLanguage,
}

impl SignedIn {
    /// The signed-in wallet.
    #[must_use]
    pub fn wallet(&self) -> crate::store::ledger::WalletRef<'_> {
        crate::store::ledger::WalletRef::new(&self.shopper, self.livemode)
    }

    /// Whether the shopper stepped up in this sign-in less than
    /// [`crate::security::step_up::STEP_UP_SECS`] before `now`.
    #[must_use]
    pub fn stepped_up(&self, now: i64) -> bool {
        crate::security::step_up::fresh(self.stepped_up_at, now)
    }
}

impl OptionalFromRequestParts<AppState> for SignedIn {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        let Ok(page) =
            <PageLanguage as FromRequestParts<AppState>>::from_request_parts(parts, state).await;
        let Some(token) =
            crate::http::extract::cookie(&parts.headers, crate::security::sessions::COOKIE)
        else {
            return Ok(None);
        };
        let resumed =
            crate::security::sessions::resume(&state.db, &token, crate::util::now()).await;
        Ok(resumed.ok().flatten().map(|r| SignedIn {
            shopper: r.shopper,
            livemode: r.livemode,
            token,
            stepped_up_at: r.stepped_up_at,
            page,
        }))
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        <SignedIn as OptionalFromRequestParts<AppState>>::from_request_parts(parts, state)
            .await
            .ok()
            .flatten()
            .ok_or_else(|| Redirect::to("/wallet/").into_response())
    }
}
