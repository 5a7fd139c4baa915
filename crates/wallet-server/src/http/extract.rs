//! Reading requests: the raw body within its limit, and strict JSON parsing with the
//! offending field's path in the error.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use checkout_core::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The largest request body accepted, in bytes (the body limit answers 413 beyond it).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The largest body of `POST /v1/sessions`, in bytes: a cart may have 10,000 lines of up
/// to a few hundred bytes each, so merchants (authenticated before the body is read) get
/// more room.
pub const MAX_SESSION_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Bodies up to this size are read to the end even when too large, so that the client
/// receives the 413 rather than a reset connection while it is still sending.
const DRAIN_BYTES: usize = 16 * 1024 * 1024;

/// The raw request body, at most [`MAX_BODY_BYTES`]; too large (413 `payload_too_large`)
/// or unreadable (400 `invalid_request`) bodies are API errors.
pub struct RawBody(pub Bytes);

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        ErrorCode::PayloadTooLarge,
        format!(
            "the request body is larger than {} KB; send a smaller body",
            limit / 1024
        ),
    )
}

/// Reads a body of at most `limit` bytes.
///
/// # Errors
/// 413 `payload_too_large` above `limit`; 400 `invalid_request` when the body breaks off.
pub async fn read_body(mut body: Body, limit: usize) -> Result<Bytes, ApiError> {
    use http_body_util::BodyExt;
    let mut buf = Vec::new();
    let mut seen: usize = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidRequest,
                format!("the request body could not be read ({e}); send it again"),
            )
        })?;
        if let Ok(data) = frame.into_data() {
            seen = seen.saturating_add(data.len());
            if seen > DRAIN_BYTES {
                return Err(too_large(limit));
            }
            if seen <= limit {
                buf.extend_from_slice(&data);
            }
        }
    }
    if seen > limit {
        return Err(too_large(limit));
    }
    Ok(Bytes::from(buf))
}

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<RawBody, ApiError> {
        read_body(req.into_body(), MAX_BODY_BYTES)
            .await
            .map(RawBody)
    }
}

/// True when the request says its body is JSON.
#[must_use]
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// Parses a JSON body strictly (unknown fields and numbers for amounts rejected).
///
/// # Errors
/// 415 `invalid_request` without `Content-Type: application/json`; 400 `invalid_request`
/// with the offending field's `path` otherwise.
pub fn parse_json<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    parse_json_body(is_json(headers), body)
}

/// [`parse_json`] for a body whose `Content-Type` was read before (`is_json`).
///
/// # Errors
/// As [`parse_json`].
pub fn parse_json_body<T: DeserializeOwned>(is_json: bool, body: &[u8]) -> Result<T, ApiError> {
    if !is_json {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "the body must be JSON; send Content-Type: application/json",
        )
        .with_status(StatusCode::UNSUPPORTED_MEDIA_TYPE));
    }
    let text = std::str::from_utf8(body).map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidRequest,
            "the body is not UTF-8 text; send JSON encoded as UTF-8",
        )
    })?;
    checkout_core::error::from_json::<T>(text).map_err(|e| ApiError::invalid(&e))
}

/// The value of the request's cookie `name` (RFC 6265 `Cookie` headers, parsed by the
/// `cookie` crate).
#[must_use]
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// For `#[serde(default, deserialize_with = "present")]`: an optional field that may be
/// left out but is never `null` (the OpenAPI document says its type, not `nullable`).
///
/// # Errors
/// The deserializer's, for `null` too ("invalid type: null").
pub fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// [`super::client::client_ip`] of a request, as an extractor (the configuration's trusted proxies).
pub struct ClientAddress(pub Option<std::net::IpAddr>);

impl axum::extract::FromRequestParts<crate::http::state::AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::http::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        let trusted = &state.config.limits.trusted_proxies;
        Ok(ClientAddress(super::client::client_ip(
            peer,
            &parts.headers,
            trusted,
        )))
    }
}

/// The base of absolute URLs, `public_url` (never the request's `Host`): an extractor.
pub struct BaseUrl(pub String);

impl axum::extract::FromRequestParts<crate::http::state::AppState> for BaseUrl {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        _: &mut axum::http::request::Parts,
        state: &crate::http::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(BaseUrl(state.public.base().to_owned()))
    }
}

/// A list's `limit` when none is given, and the most one page holds (`GET /v1/events`,
/// `/v1/sessions`, `/v1/intents`, `/v1/refunds`).
pub const DEFAULT_LIMIT: i64 = 10;
pub const MAX_LIMIT: i64 = 100;

/// A list's `limit` query value.
///
/// # Errors
/// 400 `invalid_request` at `limit` unless it is a whole number from 1 to [`MAX_LIMIT`].
pub fn page_limit(value: &str) -> Result<i64, ApiError> {
    value
        .parse()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
        .ok_or_else(|| ApiError::field("limit", "must be a whole number from 1 to 100"))
}
