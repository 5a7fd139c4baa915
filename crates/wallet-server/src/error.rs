//! The one error type of the server and the one place it becomes the API's error body
//! `{"error":{"code","message",…extras}}` (DESIGN.md *Sessions, intents and signatures*).
//!
//! [`ApiError`] is an answer the client can act on (a 4xx with an [`ErrorCode`]);
//! [`ServerError`] adds the failures the client cannot fix — the database, the ledger,
//! corrupt stored data — each keeping its cause (`source()`), logged once and answered as
//! 500 `internal_error` without internals.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use checkout_core::ErrorCode;
use serde::Serialize;
use serde_json::{Map, Value};

/// Any error a cause can be boxed from.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// An error answer the client can act on: status, code, message and extra fields
/// (`attempts_left`, `quote`, `path`, …; see `docs/DESIGN-NOTES.md` *Error extras*).
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub extra: Map<String, Value>,
}

impl ApiError {
    /// An error with the status the contract gives `code` ([`ErrorCode::http_status`]).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::from_u16(code.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code,
            message: message.into(),
            extra: Map::new(),
        }
    }

    /// The same error with another status (415 for a body that is not JSON).
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> ApiError {
        self.status = status;
        self
    }

    /// Adds an extra field next to `code` and `message`.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Serialize) -> ApiError {
        self.extra.insert(
            key.to_owned(),
            serde_json::to_value(value).unwrap_or(Value::Null),
        );
        self
    }

    /// 400 `invalid_request` from a core error, with `path` when a field is at fault.
    #[must_use]
    pub fn invalid(e: &checkout_core::Error) -> ApiError {
        let err = ApiError::new(e.code(), e.to_string());
        if e.path().is_empty() {
            err
        } else {
            err.with("path", e.path())
        }
    }

    /// 400 `invalid_request` about one field: `"<path>: <message>"` and `path`.
    #[must_use]
    pub fn field(path: &str, message: impl Into<String>) -> ApiError {
        let message = format!("{path}: {}", message.into());
        ApiError::new(ErrorCode::InvalidRequest, message).with("path", path)
    }

    /// 401 `unauthorized`.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Unauthorized, message)
    }

    /// The JSON body `{"error":{"code","message",…extras}}`, with `request_id` and
    /// `doc_url` inside a request ([`RequestContext`]).
    #[must_use]
    pub fn body(&self) -> Value {
        let mut inner = Map::new();
        inner.insert("code".to_owned(), Value::from(self.code.code()));
        inner.insert("message".to_owned(), Value::from(self.message.clone()));
        for (k, v) in &self.extra {
            inner.insert(k.clone(), v.clone());
        }
        if let Some(request) = RequestContext::current() {
            let doc = format!("{}#error-{}", request.guide_url, self.code.code());
            inner.insert("request_id".to_owned(), Value::from(request.id));
            inner.insert("doc_url".to_owned(), Value::from(doc));
        }
        let mut outer = Map::new();
        outer.insert("error".to_owned(), Value::Object(inner));
        Value::Object(outer)
    }
}

tokio::task_local! {
    static REQUEST: RequestContext;
}

/// What every answer to one request shares: its id (`req_…`, also the `Request-Id`
/// header and the access log's `request_id`) and where the merchant guide explains the
/// error codes (`<public_url>/docs/guide`, whose `#error-<code>` anchors `doc_url` names).
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub id: String,
    pub guide_url: String,
}

impl RequestContext {
    /// The context of the request being answered; `None` outside one (a test, a task).
    #[must_use]
    pub fn current() -> Option<RequestContext> {
        REQUEST.try_with(Clone::clone).ok()
    }

    /// Runs `work` (the rest of the request's handling) inside this context.
    pub async fn scope<F: std::future::Future>(self, work: F) -> F::Output {
        REQUEST.scope(self, work).await
    }

    /// `tokio::spawn` for a request's own work (a payment that must finish even if the
    /// client hangs up): the task keeps the request's context, which a task-local alone
    /// would not carry over.
    pub fn spawn<F>(work: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match RequestContext::current() {
            Some(context) => tokio::spawn(REQUEST.scope(context, work)),
            None => tokio::spawn(work),
        }
    }
}

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// An answer for the client (4xx, or 5xx the client may retry).
    #[error("{}: {}", .0.code, .0.message)]
    Api(ApiError),
    /// The database failed (connection, constraint, serialization).
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// The ledger refused a posting the caller did not expect it to refuse: a bug.
    #[error("ledger posting refused")]
    Ledger(#[from] LedgerError),
    /// Anything else the client cannot fix: corrupt stored data, a failed task.
    #[error("{context}")]
    Internal {
        context: &'static str,
        #[source]
        source: BoxError,
    },
}

impl From<ApiError> for ServerError {
    fn from(e: ApiError) -> ServerError {
        ServerError::Api(e)
    }
}

impl ServerError {
    /// An internal failure with its cause.
    pub fn internal(context: &'static str, source: impl Into<BoxError>) -> ServerError {
        ServerError::Internal {
            context,
            source: source.into(),
        }
    }

    /// The HTTP status of the answer.
    #[must_use]
    pub fn status_code(&self) -> StatusCode {
        match self {
            ServerError::Api(e) => e.status,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The API code of the answer.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            ServerError::Api(e) => e.code,
            _ => ErrorCode::InternalError,
        }
    }

    /// The answer: the error itself, or — logged here with its causes, never a secret
    /// (causes are database, IO and data errors) — 500 `internal_error` without internals.
    #[must_use]
    pub fn into_api_error(self) -> ApiError {
        match self {
            ServerError::Api(e) => e,
            other => {
                let mut causes = String::new();
                let mut source = std::error::Error::source(&other);
                while let Some(cause) = source {
                    causes.push_str(": ");
                    causes.push_str(&cause.to_string());
                    source = cause.source();
                }
                tracing::error!(error = %other, causes = %causes, "request failed");
                ApiError::new(
                    ErrorCode::InternalError,
                    "the server failed to handle this request; retry with the same Idempotency-Key, and report it if it persists",
                )
            }
        }
    }
}

/// The error answer, with `Retry-After` when it carries `retry_after`.
fn error_response(e: &ApiError) -> Response {
    let mut response = Reply::from(e).into_response();
    if let Some(secs) = e.extra.get("retry_after").and_then(Value::as_u64) {
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error_response(&self)
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        error_response(&self.into_api_error())
    }
}

/// A JSON answer with a status, kept as bytes so that idempotent replays are byte for byte.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub body: String,
}

impl Reply {
    /// `value` as JSON with `status`.
    #[must_use]
    pub fn json(status: StatusCode, value: &impl Serialize) -> Reply {
        Reply {
            status,
            body: serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned()),
        }
    }
}

impl From<&ApiError> for Reply {
    fn from(e: &ApiError) -> Reply {
        Reply {
            status: e.status,
            body: e.body().to_string(),
        }
    }
}

impl From<ServerError> for Reply {
    fn from(e: ServerError) -> Reply {
        Reply::from(&e.into_api_error())
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

/// Answers for requests no route takes.
pub async fn route_not_found() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "no such endpoint; see /v1/openapi.json for the API",
    )
}

/// Answers for a route that does not take the request's method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "this endpoint does not take this HTTP method; see /v1/openapi.json",
    )
}

/// Why a ledger posting was refused (`crate::store::ledger`).
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The account would go below zero (or past the money bound).
    #[error("account {account} would go below zero or past the money bound")]
    Insufficient { account: String },
    /// The legs do not sum to zero: a bug in the caller.
    #[error("the legs of the posting do not sum to zero")]
    Unbalanced,
    /// The database failed.
    #[error("the database failed during the posting")]
    Db(#[from] sqlx::Error),
}

#[cfg(test)]
mod tests {
    use super::{ApiError, ServerError};
    use axum::http::StatusCode;
    use checkout_core::ErrorCode;

    #[test]
    fn an_api_error_keeps_its_code_status_and_extras() {
        let e = ServerError::from(
            ApiError::new(ErrorCode::WrongPassword, "wrong").with("attempts_left", 4),
        );
        assert_eq!(e.status_code(), StatusCode::FORBIDDEN);
        assert_eq!(e.code(), ErrorCode::WrongPassword);
        let body = e.into_api_error().body();
        assert_eq!(body["error"]["code"], "wrong_password");
        assert_eq!(body["error"]["attempts_left"], 4);
    }

    #[test]
    fn an_internal_error_keeps_its_cause_and_answers_without_it() {
        let cause = std::io::Error::other("disk on fire");
        let e = ServerError::internal("stored quote", cause);
        assert_eq!(
            std::error::Error::source(&e).map(ToString::to_string),
            Some("disk on fire".to_owned())
        );
        assert_eq!(e.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = e.into_api_error().body().to_string();
        assert!(body.contains("internal_error") && !body.contains("disk"));
    }
}
