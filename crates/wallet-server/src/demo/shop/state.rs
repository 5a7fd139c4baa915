//! What the demo shop's handlers share: the wallet's origin, the HTTP client its server
//! calls the wallet with, and the orders its webhooks taught it.

use std::sync::Arc;

use axum::extract::FromRef;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::orders::{OrderDesk, SharedOrders};

/// What the shop's handlers share.
#[derive(Clone)]
pub struct ShopState {
    /// The wallet's origin: where the API, the loader and the frame are.
    pub wallet: Arc<str>,
    /// The shop's own origin (`http://127.0.0.1:<port>`): its return URLs point there.
    pub origin: Arc<str>,
    pub http: reqwest::Client,
    /// What the shop's server learned from the wallet's webhooks.
    pub orders: SharedOrders,
}

impl FromRef<ShopState> for OrderDesk {
    fn from_ref(s: &ShopState) -> OrderDesk {
        OrderDesk {
            orders: s.orders.clone(),
            wallet: s.wallet.clone(),
        }
    }
}

/// A page saying what went wrong between the shop and the wallet.
pub fn wallet_failed(what: &str, e: impl std::fmt::Display) -> Response {
    tracing::warn!(error = %e, "demo shop: {what}");
    (
        StatusCode::BAD_GATEWAY,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("The demo shop could not {what}: {e}. Is the wallet running? Reload the page."),
    )
        .into_response()
}

/// A JSON call to the wallet's API with the shop's key, as a merchant's server makes it;
/// a non-2xx answer is an error with its status and body.
pub async fn call(
    s: &ShopState,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    call_with_key(s, method, path, body, None).await
}

/// [`call`] under an `Idempotency-Key`, for the calls that move money.
pub async fn call_with_key(
    s: &ShopState,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    idempotency_key: Option<&str>,
) -> Result<Value, String> {
    let mut request = s
        .http
        .request(method, format!("{}{path}", s.wallet))
        .bearer_auth(super::super::MERCHANT_KEY);
    if let Some(key) = idempotency_key {
        request = request.header("idempotency-key", key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let reply = request.send().await.map_err(|e| e.to_string())?;
    let status = reply.status();
    let body: Value = reply.json().await.map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(body)
    } else {
        Err(format!("HTTP {status}: {body}"))
    }
}
