//! Talking to the wallet backend: building requests (pure, tested without a server) and
//! sending them with a timeout and retries.
//!
//! Retries happen only when the request may not have reached the backend or the backend
//! failed (network errors, timeouts, 5xx). Every retry of a payment resends the same
//! bytes with the same `Idempotency-Key`, so the backend answers a retry with the stored
//! result instead of charging twice.

use std::future::Future;

use checkout_core::{signature, ErrorCode, IntentRequest, SessionStatus};
use gloo::timers::callback::Timeout;
use gloo::timers::future::TimeoutFuture;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

use crate::session::{IntentView, ServerQuote, Session};
use crate::wire;

/// Where a session lives and the secret the widget authenticates with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The backend's origin; empty in the widget, which talks only to the origin of its
    /// frame document (the browser tests set it to reach a test server).
    pub base: String,
    pub session_id: String,
    pub client_secret: String,
}

impl Endpoint {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.trim_end_matches('/'))
    }

    #[must_use]
    pub fn session_url(&self) -> String {
        self.url(&format!("/v1/sessions/{}", self.session_id))
    }

    #[must_use]
    pub fn intents_url(&self) -> String {
        self.url(&format!("/v1/sessions/{}/intents", self.session_id))
    }

    /// The intent's summary view (without its quote, which grows with the cart): what a
    /// poll of a pending intent needs.
    #[must_use]
    pub fn intent_url(&self, intent_id: &str) -> String {
        self.url(&format!("/v1/intents/{intent_id}?view=summary"))
    }

    pub(crate) fn authorization(&self) -> String {
        format!("Bearer {}", self.client_secret)
    }
}

/// What an error is about: a code of the API (the core's [`ErrorCode`]), a code newer
/// than this widget, or one of the widget's own. Matched exhaustively, so a code added to
/// the vocabulary cannot fall through unnoticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// A code of the API (DESIGN.md, `docs/DESIGN-NOTES.md`).
    Api(ErrorCode),
    /// A code the backend sent that this version of the widget does not know.
    Unknown(String),
    /// `network_error`: no answer reached the widget.
    Network,
    /// `timeout`: no answer within the request's time.
    Timeout,
    /// `invalid_response`: an answer the widget cannot read.
    InvalidResponse,
    /// `missing_session`: the frame was opened without a session.
    MissingSession,
    /// `awaiting_payment`: the session's payment waits for its second method.
    AwaitingPayment,
    /// `canceled`: the second method did not complete.
    Canceled,
    /// `passkey_canceled`: the device did not confirm the passkey (canceled, verification
    /// failed, or none of the wallet's passkeys is on this device).
    PasskeyCanceled,
}

impl Code {
    /// A code as the backend wrote it.
    #[must_use]
    pub fn from_wire(code: &str) -> Code {
        ErrorCode::from_code(code).map_or_else(|| Code::Unknown(code.to_owned()), Code::Api)
    }

    /// The code's string, as sent in `balancecheckout:failed`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Code::Api(code) => code.code(),
            Code::Unknown(code) => code,
            Code::Network => "network_error",
            Code::Timeout => "timeout",
            Code::InvalidResponse => "invalid_response",
            Code::MissingSession => "missing_session",
            Code::AwaitingPayment => "awaiting_payment",
            Code::Canceled => "canceled",
            Code::PasskeyCanceled => "passkey_canceled",
        }
    }
}

impl From<ErrorCode> for Code {
    fn from(code: ErrorCode) -> Code {
        Code::Api(code)
    }
}

/// An error to show: the backend's `{"error": {...}}`, or one of the widget's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: Code,
    pub message: String,
    pub attempts_left: Option<u32>,
    pub locked_until: Option<String>,
    pub retry_after: Option<u64>,
    /// Boxed: errors travel in `Result`s, and the quote is rare.
    pub quote: Option<Box<ServerQuote>>,
}

impl ApiError {
    #[must_use]
    pub fn new(code: impl Into<Code>, message: impl Into<String>) -> ApiError {
        ApiError {
            code: code.into(),
            message: message.into(),
            attempts_left: None,
            locked_until: None,
            retry_after: None,
            quote: None,
        }
    }

    /// Reads `{"error": {...}}`; `None` when the body is not an error document.
    fn from_body(body: &str) -> Option<ApiError> {
        let e = wire::field(&wire::parse(body).ok()?, "error");
        let quote = wire::field(&e, "quote");
        Some(ApiError {
            code: Code::from_wire(&wire::string(&e, "code").ok()?),
            message: wire::string(&e, "message").unwrap_or_default(),
            attempts_left: wire::opt_integer(&e, "attempts_left")
                .ok()
                .flatten()
                .and_then(|n| u32::try_from(n).ok()),
            locked_until: wire::opt_string(&e, "locked_until").ok().flatten(),
            retry_after: wire::opt_integer(&e, "retry_after").ok().flatten(),
            quote: ServerQuote::read(&quote).ok().map(Box::new),
        })
    }
}

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

/// How often and how patiently to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Sends in total, the first included.
    pub attempts: u32,
    pub base_delay_ms: u32,
    pub max_delay_ms: u32,
    pub timeout_ms: u32,
}

pub const RETRY: RetryPolicy = RetryPolicy {
    attempts: 4,
    base_delay_ms: 500,
    max_delay_ms: 8_000,
    timeout_ms: 15_000,
};

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first retry): exponential, capped,
    /// with "equal jitter" — half fixed, half random — so that many widgets that lost the
    /// network together do not come back in step.
    #[must_use]
    pub fn delay_ms(&self, retry: u32, jitter: u8) -> u32 {
        let exp = self
            .base_delay_ms
            .saturating_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX))
            .min(self.max_delay_ms);
        let half = exp / 2;
        half + half * u32::from(jitter) / 255
    }
}

/// What came back from one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The backend answered with this status and body.
    Reply { status: u16, body: String },
    /// Nothing came back: offline, DNS, CORS, or the timeout fired.
    Network { timed_out: bool },
}

impl Outcome {
    /// Network errors and 5xx may be retried; any other answer is final.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match self {
            Outcome::Reply { status, .. } => (500..=599).contains(status),
            Outcome::Network { .. } => true,
        }
    }
}

/// Sends with `send(n)` (n counts from 0) until an answer is final or the attempts are
/// spent, sleeping with backoff in between.
pub async fn with_retries<F, Fut>(policy: RetryPolicy, mut send: F) -> Outcome
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let mut n = 0;
    loop {
        let outcome = send(n).await;
        n += 1;
        if !outcome.is_retryable() || n >= policy.attempts {
            return outcome;
        }
        let delay = policy.delay_ms(n - 1, crate::random::jitter_byte());
        TimeoutFuture::new(delay).await;
    }
}

/// One fetch with an abort after `timeout_ms`. `fetch` is called directly (not through
/// `gloo-net`, whose request builder and URL handling the widget does not need).
pub(crate) async fn fetch(
    method: &str,
    url: &str,
    headers: &[(&'static str, String)],
    body: Option<&str>,
    timeout_ms: u32,
) -> Outcome {
    const NOT_SENT: Outcome = Outcome::Network { timed_out: false };
    let (Some(window), Ok(header_map)) = (web_sys::window(), Headers::new()) else {
        return NOT_SENT;
    };
    for (name, value) in headers {
        if header_map.append(name, value).is_err() {
            return NOT_SENT;
        }
    }
    let controller = AbortController::new().ok();
    let signal = controller.as_ref().map(AbortController::signal);
    let init = RequestInit::new();
    init.set_method(method);
    init.set_headers(&header_map);
    if let Some(b) = body {
        init.set_body(&JsValue::from_str(b));
    }
    init.set_signal(signal.as_ref());
    // Dropping the timeout (when the answer arrives first) cancels it.
    let abort = controller.clone();
    let timer = Timeout::new(timeout_ms, move || {
        if let Some(c) = abort {
            c.abort();
        }
    });
    let outcome = match JsFuture::from(window.fetch_with_str_and_init(url, &init)).await {
        Ok(response) => read_reply(response).await,
        Err(_) => Outcome::Network {
            timed_out: signal.as_ref().is_some_and(web_sys::AbortSignal::aborted),
        },
    };
    drop(timer);
    outcome
}

/// The status and body of what `fetch` resolved with; anything that is not a readable
/// `Response` counts as nothing received.
async fn read_reply(response: JsValue) -> Outcome {
    let Ok(response) = response.dyn_into::<Response>() else {
        return Outcome::Network { timed_out: false };
    };
    let status = response.status();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    match text.and_then(|t| t.as_string()) {
        Some(body) => Outcome::Reply { status, body },
        None => Outcome::Network { timed_out: false },
    }
}

/// Turns a final outcome into the body of a 2xx answer or an error to show.
pub fn into_result(outcome: Outcome) -> Result<String, ApiError> {
    match outcome {
        Outcome::Reply { status, body } if (200..300).contains(&status) => Ok(body),
        Outcome::Reply { status, body } => Err(ApiError::from_body(&body)
            .unwrap_or_else(|| ApiError::new(Code::InvalidResponse, format!("HTTP {status}")))),
        Outcome::Network { timed_out: true } => Err(ApiError::new(Code::Timeout, "")),
        Outcome::Network { timed_out: false } => Err(ApiError::new(Code::Network, "")),
    }
}

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

/// `GET /v1/intents/{id}?view=summary`, once: the caller polls.
pub async fn get_intent(endpoint: &Endpoint, intent_id: &str) -> Result<IntentView, ApiError> {
    let url = endpoint.intent_url(intent_id);
    let headers = [("Authorization", endpoint.authorization())];
    let body = into_result(fetch("GET", &url, &headers, None, RETRY.timeout_ms).await)?;
    IntentView::from_json(&body).map_err(|e| ApiError::new(Code::InvalidResponse, e))
}
