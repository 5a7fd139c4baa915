//! Top-up inside checkout (DESIGN.md *The shopper's wallet*, "In checkout"): the calls
//! `POST /v1/sessions/{id}/topups` `{amount, method}` → the recharge with the method's
//! page, and `GET /v1/sessions/{id}/topups/{topup_id}`, polled until it is not `pending`.

use checkout_core::{Method, Money, RechargeStatus};

use crate::api::{fetch, into_result, ApiError, Code, Endpoint, RETRY};
use crate::wire;

/// A top-up as the backend answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopUpView {
    /// `rc_…`.
    pub id: String,
    pub status: RechargeStatus,
    /// The method's page while `pending`.
    pub url: Option<String>,
}

impl TopUpView {
    /// Reads the backend's JSON.
    ///
    /// # Errors
    /// What is missing or malformed, as `field: expected …`.
    pub fn from_json(body: &str) -> Result<TopUpView, String> {
        let v = wire::parse(body)?;
        let status = wire::string(&v, "status")?;
        Ok(TopUpView {
            id: wire::string(&v, "id")?,
            status: RechargeStatus::from_code(&status)
                .ok_or_else(|| format!("status: unknown value {status:?}"))?,
            url: wire::opt_string(&v, "next_action_url")?,
        })
    }
}

fn read(body: Result<String, ApiError>) -> Result<TopUpView, ApiError> {
    TopUpView::from_json(&body?).map_err(|e| ApiError::new(Code::InvalidResponse, e))
}

/// Starts a top-up of `amount` (major units) by `method`, once (not retried: a second
/// start would only make a second pending recharge, which credits nothing unless paid).
///
/// # Errors
/// The backend's (`method_unavailable`, `session_expired`, …) or the network's.
pub async fn start(
    endpoint: &Endpoint,
    amount: Money,
    method: Method,
) -> Result<TopUpView, ApiError> {
    let url = endpoint.url(&format!("/v1/sessions/{}/topups", endpoint.session_id));
    let body = format!(r#"{{"amount":"{amount}","method":"{}"}}"#, method.code());
    let headers = [
        ("Authorization", endpoint.authorization()),
        ("Content-Type", "application/json".to_owned()),
    ];
    read(into_result(
        fetch("POST", &url, &headers, Some(&body), RETRY.timeout_ms).await,
    ))
}

/// Reads a top-up once: the caller polls.
///
/// # Errors
/// The backend's or the network's.
pub async fn get(endpoint: &Endpoint, id: &str) -> Result<TopUpView, ApiError> {
    let url = endpoint.url(&format!("/v1/sessions/{}/topups/{id}", endpoint.session_id));
    let headers = [("Authorization", endpoint.authorization())];
    read(into_result(
        fetch("GET", &url, &headers, None, RETRY.timeout_ms).await,
    ))
}
