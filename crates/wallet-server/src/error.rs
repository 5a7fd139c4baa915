//! The one error shape of the API: `{"error":{"code","message",…extras}}`, for our own
//! errors and for every rejection axum or a layer would otherwise answer in plain text.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

/// An error answer: status, code, message and extra fields (`attempts_left`, `quote`, …).
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub extra: Map<String, Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            extra: Map::new(),
        }
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
        let err = ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", e.to_string());
        if e.path().is_empty() {
            err
        } else {
            err.with("path", e.path())
        }
    }

    /// 400 `invalid_request` about one field.
    #[must_use]
    pub fn field(path: &str, message: impl Into<String>) -> ApiError {
        let message = format!("{path}: {}", message.into());
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", message).with("path", path)
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 500: logs the cause (never a secret: causes are database and IO errors) and
    /// answers without internals.
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "{context}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the server failed to handle this request; retry with the same Idempotency-Key, and report it if it persists",
        )
    }

    /// The JSON body.
    #[must_use]
    pub fn body(&self) -> Value {
        let mut inner = Map::new();
        inner.insert("code".to_owned(), Value::from(self.code));
        inner.insert("message".to_owned(), Value::from(self.message.clone()));
        for (k, v) in &self.extra {
            inner.insert(k.clone(), v.clone());
        }
        let mut outer = Map::new();
        outer.insert("error".to_owned(), Value::Object(inner));
        Value::Object(outer)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> ApiError {
        ApiError::internal("database error", e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.body().to_string();
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(secs) = self.extra.get("retry_after").and_then(Value::as_u64) {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

/// A JSON answer with a status, kept as bytes so that idempotent replays are byte for byte.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub body: String,
}

impl Reply {
    #[must_use]
    pub fn json(status: StatusCode, value: &impl Serialize) -> Reply {
        Reply {
            status,
            body: serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned()),
        }
    }
}

impl From<ApiError> for Reply {
    fn from(e: ApiError) -> Reply {
        Reply {
            status: e.status,
            body: e.body().to_string(),
        }
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
    ApiError::not_found(
        "not_found",
        "no such endpoint; see /v1/openapi.json for the API",
    )
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take this HTTP method; see /v1/openapi.json",
    )
}
