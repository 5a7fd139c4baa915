//! What went wrong, as the widget shows it: the API's error codes and the widget's own,
//! read from the backend's `{"error": {...}}` or made here, and the final outcome of a
//! request turned into its body or such an error.

use checkout_core::ErrorCode;

use super::http::Outcome;
use crate::session::ServerQuote;
use crate::wire;

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
            Code::AwaitingPayment => checkout_core::SessionStatus::AwaitingPayment.code(),
            Code::Canceled => checkout_core::IntentStatus::Canceled.code(),
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
