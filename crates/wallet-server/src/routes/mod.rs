//! HTTP routes of the API and the helpers they share.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::db::Db;
use crate::error::ApiError;
use crate::ratelimit::RateLimiter;

pub mod intent_view;
pub mod intents;
pub mod refunds;
pub mod sessions;
pub mod wallets;

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub limiter: Arc<RateLimiter>,
}

/// The largest request body accepted (the body limit answers 413 beyond it).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The largest body of `POST /v1/sessions`: a cart may have 10,000 lines of up to a few
/// hundred bytes each, so merchants (authenticated before the body is read) get more room.
pub const MAX_SESSION_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Bodies up to this size are read to the end even when too large, so that the client
/// receives the 413 rather than a reset connection while it is still sending.
const DRAIN_BYTES: usize = 16 * 1024 * 1024;

/// The raw request body, at most [`MAX_BODY_BYTES`]; too large or unreadable bodies are
/// API errors.
pub struct RawBody(pub Bytes);

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!(
            "the request body is larger than {} KB; send a smaller body",
            limit / 1024
        ),
    )
}

/// Reads a body of at most `limit` bytes.
pub async fn read_body(mut body: Body, limit: usize) -> Result<Bytes, ApiError> {
    use http_body_util::BodyExt;
    let mut buf = Vec::new();
    let mut seen: usize = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
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

/// Parses a JSON body strictly (unknown fields and numbers for amounts rejected), with the
/// path of the offending field in the error.
pub fn parse_json<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    if !is_json(headers) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_request",
            "the body must be JSON; send Content-Type: application/json",
        ));
    }
    let text = std::str::from_utf8(body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body is not UTF-8 text; send JSON encoded as UTF-8",
        )
    })?;
    checkout_core::error::from_json::<T>(text).map_err(|e| ApiError::invalid(&e))
}

/// The `/v1` API.
pub fn api(sandbox: bool) -> Router<AppState> {
    let router = Router::new()
        .route("/v1/openapi.json", get(crate::openapi::document))
        .route("/v1/sessions", post(sessions::create))
        .route("/v1/sessions/{id}", get(sessions::read))
        .route("/v1/sessions/{id}/quote", post(sessions::quote))
        .route("/v1/sessions/{id}/intents", post(intents::create))
        .route("/v1/intents/{id}", get(intents::read))
        .route("/v1/intents/{id}/refunds", post(refunds::create))
        .route("/v1/wallets", post(wallets::create))
        .route("/v1/wallets/{shopper_id}", get(wallets::read))
        .route("/v1/wallets/{shopper_id}/topups", post(wallets::top_up))
        .route("/v1/wallets/{shopper_id}/ledger", get(wallets::ledger));
    if sandbox {
        router.merge(crate::sandbox::routes())
    } else {
        router
    }
}
