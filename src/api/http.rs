//! One HTTP request with a timeout, through the browser's `fetch`, and what came back.

use gloo::timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

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

/// One fetch with an abort after `timeout_ms`. `fetch` is called directly (not through
/// `gloo-net`, whose request builder and URL handling the widget does not need).
pub async fn fetch(
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
pub(super) async fn read_reply(response: JsValue) -> Outcome {
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
