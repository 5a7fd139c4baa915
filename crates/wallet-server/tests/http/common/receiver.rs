//! A merchant's webhook receiver on loopback, for the webhook tests: it answers each
//! delivery as a script says (2xx, an error status, a redirect, or not at all) and keeps
//! every request it got, headers and raw body, so that the tests verify signatures with the
//! `standardwebhooks` library on their own.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use serde_json::Value;

/// How the receiver answers one delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 200.
    Ok,
    /// This status, at once.
    Status(u16),
    /// A 302 to another path of the receiver (which would answer 200): must not be followed.
    Redirect,
    /// No answer for a minute: longer than the server's timeout.
    Hang,
    /// 200 after this many milliseconds (a slow receiver).
    Slow(u64),
}

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub answer: Answer,
    /// When the request arrived.
    pub at: std::time::Instant,
}

impl Received {
    /// The `webhook-id` header.
    #[must_use]
    pub fn id(&self) -> String {
        self.headers
            .get("webhook-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }

    /// The body as JSON.
    #[must_use]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// Whether the `standardwebhooks` library accepts the signature with `secret`.
    #[must_use]
    pub fn verifies_with(&self, secret: &str) -> bool {
        standardwebhooks::Webhook::new(secret)
            .and_then(|hook| hook.verify(&self.body, &self.headers))
            .is_ok()
    }
}

#[derive(Default)]
struct Inner {
    script: VecDeque<Answer>,
    /// The answer once the script is done (`None`: 200).
    default: Option<Answer>,
    received: Vec<Received>,
    redirect_followed: usize,
}

/// The receiver; it stops when dropped.
pub struct Receiver {
    /// `http://127.0.0.1:<port>/hook`.
    pub url: String,
    pub port: u16,
    inner: Arc<Mutex<Inner>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn hook(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap, body: Bytes) -> Response {
    let answer = {
        let mut i = inner.lock().unwrap();
        let fallback = i.default.unwrap_or(Answer::Ok);
        let answer = i.script.pop_front().unwrap_or(fallback);
        i.received.push(Received {
            headers,
            body: body.to_vec(),
            answer,
            at: std::time::Instant::now(),
        });
        answer
    };
    match answer {
        Answer::Ok => (StatusCode::OK, "ok").into_response(),
        Answer::Status(s) => StatusCode::from_u16(s).unwrap().into_response(),
        Answer::Redirect => Redirect::temporary("/elsewhere").into_response(),
        Answer::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            StatusCode::OK.into_response()
        }
        Answer::Slow(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            StatusCode::OK.into_response()
        }
    }
}

async fn elsewhere(State(inner): State<Arc<Mutex<Inner>>>) -> StatusCode {
    inner.lock().unwrap().redirect_followed += 1;
    StatusCode::OK
}

/// A free loopback port, closed again: connections to it are refused until a receiver
/// listens there. It is taken below Linux's ephemeral range (32768–60999), so that no
/// server started meanwhile (with its port 0) is given it before the receiver binds it.
pub async fn free_port() -> u16 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let start = (std::process::id() ^ nanos) % 12_000;
    for step in 0..12_000 {
        let port = 20_000 + u16::try_from((start + step * 7919) % 12_000).unwrap();
        if tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return port;
        }
    }
    panic!("no free loopback port between 20000 and 32000");
}

impl Receiver {
    /// A receiver on a free port answering `script` in order, then 200.
    pub async fn start(script: &[Answer]) -> Receiver {
        Receiver::start_on(0, script).await
    }

    /// A receiver on `port` (0: a free one).
    pub async fn start_on(port: u16, script: &[Answer]) -> Receiver {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind the receiver");
        let port = listener.local_addr().unwrap().port();
        let inner = Arc::new(Mutex::new(Inner {
            script: script.iter().copied().collect(),
            ..Inner::default()
        }));
        let app = Router::new()
            .route("/hook", post(hook))
            .route("/elsewhere", post(elsewhere).get(elsewhere))
            .with_state(inner.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            url: format!("http://127.0.0.1:{port}/hook"),
            port,
            inner,
            task,
        }
    }

    /// `http://127.0.0.1:<port>`: the origin of [`Receiver::url`].
    #[must_use]
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// How to answer once the script is done.
    pub fn set_default(&self, answer: Answer) {
        self.inner.lock().unwrap().default = Some(answer);
    }

    /// Every request so far.
    #[must_use]
    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }

    /// The requests for event `id` answered 200.
    #[must_use]
    pub fn delivered(&self, id: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| matches!(r.answer, Answer::Ok | Answer::Slow(_)) && r.id() == id)
            .collect()
    }

    /// How many times a redirect of this receiver was followed.
    #[must_use]
    pub fn redirects_followed(&self) -> usize {
        self.inner.lock().unwrap().redirect_followed
    }
}

/// Polls `check` every 50 ms until it gives a value (at most 90 s: a bound, not a timing
/// assertion).
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..1800 {
        if let Some(v) = check().await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("still waiting after 90 s for {what}");
}
