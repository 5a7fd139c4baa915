//! How an intent looks on the wire (DESIGN-NOTES.md *HTTP API shapes*).

use axum::http::{header, HeaderMap};
use serde_json::{json, Value};

use crate::db::sessions::IntentRow;
use crate::error::ApiError;
use crate::routes::AppState;
use crate::util::{currency, money, rfc3339};

/// The base of absolute URLs: `public_url` from the configuration, else this request's Host.
#[must_use]
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    match &state.config.public_url {
        Some(url) => url.clone(),
        None => request_origin(headers),
    }
}

/// `http://` and this request's Host (a Host that is not plain visible ASCII counts as
/// the default address).
#[must_use]
pub fn request_origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("127.0.0.1:8080");
    format!("http://{host}")
}

/// The page where the sandbox second method is approved or declined.
#[must_use]
pub fn sandbox_url(base: &str, intent_id: &str) -> String {
    format!("{base}/v1/sandbox/intents/{intent_id}")
}

/// `{id, session_id, status, currency, total, balance_amount, other_method, other_amount,
/// next_action, quote, created_at, amount_refunded}`
pub fn intent_json(row: &IntentRow, base: &str) -> Result<Value, ApiError> {
    let c = currency(&row.currency)?;
    let quote: Value =
        serde_json::from_str(&row.quote).map_err(|e| ApiError::internal("stored quote", e))?;
    let next_action = if row.status == "requires_action" {
        json!({"type": "redirect", "url": sandbox_url(base, &row.id)})
    } else {
        Value::Null
    };
    Ok(json!({
        "id": row.id,
        "session_id": row.session_id,
        "status": row.status,
        "currency": c,
        "total": money(row.total, c)?,
        "balance_amount": money(row.balance_amount, c)?,
        "other_method": row.other_method,
        "other_amount": money(row.other_amount, c)?,
        "next_action": next_action,
        "quote": quote,
        "created_at": rfc3339(row.created_at),
        "amount_refunded": money(row.refunded_amount, c)?,
    }))
}
