//! Talking to the wallet backend: building requests (pure, tested without a server) and
//! sending them with a timeout and retries.
//!
//! Retries happen only when the request may not have reached the backend or the backend
//! failed (network errors, timeouts, 5xx). Every retry of a payment resends the same
//! bytes with the same `Idempotency-Key`, so the backend answers a retry with the stored
//! result instead of charging twice.
//!
//! The calls the widget makes are here; what they are made of is in the files beside:
//! `endpoint.rs` (URLs, credentials), `intent.rs` (the payment's bytes and signed
//! headers), `http.rs` (one request with a timeout), `retry.rs` (backoff) and `error.rs`
//! (codes and errors).

mod endpoint;
mod error;
mod http;
mod intent;
mod retry;

pub use endpoint::Endpoint;
pub use error::{into_result, ApiError, Code};
pub(crate) use http::fetch;
pub use http::Outcome;
pub use intent::{intent_headers, prepare_intent, PreparedIntent};
pub use retry::{with_retries, RetryPolicy, RETRY};

use checkout_core::{ErrorCode, SessionStatus};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::session::{IntentView, Session};
use crate::wire;

use http::read_reply;

/// `GET /v1/sessions/{id}`. `fetched` is the answer to the same request when `frame.js`
/// already sent it while the wasm was downloading (a promise of its `Response`).
pub async fn load_session(
    endpoint: &Endpoint,
    fetched: Option<&JsValue>,
) -> Result<Session, ApiError> {
    // A final answer to the loader's request is used as it is; anything the retries
    // below would send again (no answer, a timeout, a 5xx) is sent again.
    let mut outcome = Outcome::Network { timed_out: false };
    if let Some(fetched) = fetched {
        if let Ok(response) = JsFuture::from(js_sys::Promise::resolve(fetched)).await {
            outcome = read_reply(response).await;
        }
    }
    if outcome.is_retryable() {
        let url = endpoint.session_url();
        let headers = [("Authorization", endpoint.authorization())];
        outcome = with_retries(RETRY, |_| {
            fetch("GET", &url, &headers, None, RETRY.timeout_ms)
        })
        .await;
    }
    read_session(outcome)
}

/// A session's answer: the whole session while it can be paid; a closed session answers
/// only its outcome (DESIGN.md *Sessions* §2), which ends the checkout here.
fn read_session(outcome: Outcome) -> Result<Session, ApiError> {
    let body = into_result(outcome)?;
    let status = wire::parse(&body)
        .ok()
        .and_then(|v| wire::string(&v, "status").ok())
        .and_then(|s| SessionStatus::from_code(&s));
    match status {
        Some(SessionStatus::Completed) => Err(ApiError::new(ErrorCode::SessionCompleted, "")),
        Some(SessionStatus::Expired) => Err(ApiError::new(ErrorCode::SessionExpired, "")),
        Some(SessionStatus::Open | SessionStatus::AwaitingPayment) | None => {
            Session::from_json(&body).map_err(|e| ApiError::new(Code::InvalidResponse, e))
        }
    }
}

/// `POST /v1/sessions/{id}/intents`, re-signed at each send, same bytes and key each time.
pub async fn submit(
    endpoint: &Endpoint,
    prepared: &PreparedIntent,
) -> Result<IntentView, ApiError> {
    let outcome = with_retries(RETRY, |_| {
        let headers = intent_headers(endpoint, prepared, crate::random::unix_now());
        async move {
            fetch(
                "POST",
                &prepared.url,
                &headers,
                Some(&prepared.body),
                RETRY.timeout_ms,
            )
            .await
        }
    });
    let body = into_result(outcome.await)?;
    IntentView::from_json(&body).map_err(|e| ApiError::new(Code::InvalidResponse, e))
}

/// `POST /v1/intents/{id}/cancel` with the client secret, once: the shopper cancels a
/// payment waiting for the sandbox's page (never one the shop collects: 409
/// `second_leg_pending`). Answers the canceled intent.
pub async fn cancel_intent(endpoint: &Endpoint, intent_id: &str) -> Result<IntentView, ApiError> {
    let url = endpoint.url(&format!("/v1/intents/{intent_id}/cancel"));
    let headers = [
        ("Authorization", endpoint.authorization()),
        ("Content-Type", "application/json".to_owned()),
    ];
    let body = into_result(fetch("POST", &url, &headers, Some("{}"), RETRY.timeout_ms).await)?;
    IntentView::from_json(&body).map_err(|e| ApiError::new(Code::InvalidResponse, e))
}

/// `GET /v1/intents/{id}?view=summary`, once: the caller polls.
pub async fn get_intent(endpoint: &Endpoint, intent_id: &str) -> Result<IntentView, ApiError> {
    let url = endpoint.intent_url(intent_id);
    let headers = [("Authorization", endpoint.authorization())];
    let body = into_result(fetch("GET", &url, &headers, None, RETRY.timeout_ms).await)?;
    IntentView::from_json(&body).map_err(|e| ApiError::new(Code::InvalidResponse, e))
}
