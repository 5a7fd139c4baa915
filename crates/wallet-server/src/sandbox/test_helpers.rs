//! Test helpers (sandbox mode, test keys, test sessions only): a merchant's server pays
//! one of its sessions as the shopper would in the frame, so webhooks and refunds can be
//! scripted without a browser (as Stripe's `test_helpers` do).
//!
//! The payment goes through the frame's own path (`crate::checkout::intents::submit`):
//! the intent is made with the core from the backend's quote, with its nonce, under an
//! idempotency key; only the shopper's password is not asked, since no shopper is there.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use checkout_core::{Choice, ErrorCode, Intent, IntentRequest, IntentStatus, Method, SecondLeg};
use serde::Deserialize;

use crate::checkout::intents::{submit, Submission};
use crate::checkout::second_leg::{finish, Outcome};
use crate::checkout::{live_balance, session_not_found, SessionTerms};
use crate::error::{ApiError, Reply, ServerError};
use crate::http::auth::MerchantKey;
use crate::http::extract::{parse_json, BaseUrl, RawBody};
use crate::http::state::AppState;
use crate::store::db::rows::{load_intent, load_session, SessionRow};
use crate::views::IntentView;

/// What the sandbox's second method answers for the rest.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum SecondLegAnswer {
    #[default]
    Approve,
    Decline,
}

/// The body of `POST /v1/test_helpers/sessions/{id}/pay`; `{}` or none pays with the
/// balance used and the rest approved.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PayRequest {
    #[serde(default = "yes")]
    use_balance: bool,
    #[serde(default)]
    second_leg: SecondLegAnswer,
}

fn yes() -> bool {
    true
}

/// The merchant's own test session `id`.
async fn test_session(
    state: &AppState,
    merchant: &crate::config::Merchant,
    id: &str,
) -> Result<SessionRow, ServerError> {
    if merchant.livemode {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "test helpers act on test-mode sessions only; use your test key (sk_test_…)",
        )
        .into());
    }
    Ok(load_session(&state.db.pool, id)
        .await?
        .filter(|s| s.merchant_id == merchant.id && !s.livemode)
        .ok_or_else(session_not_found)?)
}

/// The intent the frame would send for `choice` at the wallet's balance now: the second
/// method is the merchant's own for a `merchant` leg, else the sandbox's first.
async fn intent_for(
    state: &AppState,
    session: &SessionRow,
    choice: &Choice,
    key: &str,
) -> Result<Intent, ServerError> {
    let terms = SessionTerms::of(session)?;
    let balance = live_balance(&state.db.pool, session.wallet(), session.currency, "").await?;
    let quote = terms.quote(balance, choice)?;
    let method = match terms.second_leg() {
        Some(SecondLeg::Merchant) => Some(Method::Merchant),
        _ => terms.methods.first().copied(),
    };
    let nonce = crate::util::sha256_hex(format!("{}/{key}", session.id).as_bytes());
    let intent = Intent::for_quote(
        &session.id,
        &session.cart_digest,
        choice,
        &quote,
        method,
        &nonce[..32],
    )
    .map_err(|e| ApiError::invalid(&e))?;
    Ok(intent)
}

/// `POST /v1/test_helpers/sessions/{id}/pay` (merchant test key; an optional
/// `Idempotency-Key`, under which a retry answers the first outcome): 201 with the
/// intent — `succeeded`, `canceled` (`declined`), or `requires_action` for a remainder the
/// merchant collects (capture it then).
///
/// # Errors
/// 404 `not_found` with a live key, `session_not_found` for another's or a live
/// session; otherwise what `POST /v1/sessions/{id}/intents` answers (409
/// `session_completed`, 410 `session_expired`, 422 `method_unavailable`, …).
pub async fn pay(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    Path(id): Path<String>,
    BaseUrl(base): BaseUrl,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let session = test_session(&state, &merchant, &id).await?;
    let key = crate::http::idempotency::key(&headers, false)?;
    let scope = format!("merchant:{}:test:pay:{id}", merchant.id);
    let work = async {
        let run = async {
            // No body at all is `{}`, whatever its (absent) Content-Type says.
            let input: PayRequest = if body.is_empty() {
                serde_json::from_str("{}").map_err(|e| ServerError::internal("{}", e))?
            } else {
                parse_json(&headers, &body)?
            };
            pay_once(&state, session, &input, &base).await
        };
        run.await.unwrap_or_else(Reply::from)
    };
    crate::http::idempotency::run(&state, &scope, key.as_deref(), &body, work).await
}

/// One payment through the frame's path, then the sandbox's answer for the rest.
async fn pay_once(
    state: &AppState,
    session: SessionRow,
    input: &PayRequest,
    base: &str,
) -> Result<Reply, ServerError> {
    let key = crate::util::random_id("th_", 24);
    let choice = Choice {
        use_balance: input.use_balance,
        balance_cap: None,
    };
    let intent = intent_for(state, &session, &choice, &key).await?;
    let request = IntentRequest {
        intent,
        payment_password: None,
        passkey: None,
    };
    let body = serde_json::to_vec(&request).map_err(|e| ServerError::internal("intent", e))?;
    let submission = Submission {
        body: body.into(),
        is_json: true,
        key,
        base: base.to_owned(),
        test_helper: true,
    };
    let reply = submit(state.clone(), session, submission).await?;
    if !reply.status.is_success() {
        return Ok(reply);
    }
    settle(state, &reply, input.second_leg, base).await
}

/// The sandbox's answer for a remainder it collects, then the intent as it ends.
async fn settle(
    state: &AppState,
    reply: &Reply,
    answer: SecondLegAnswer,
    base: &str,
) -> Result<Reply, ServerError> {
    let paid: serde_json::Value =
        serde_json::from_str(&reply.body).map_err(|e| ServerError::internal("intent reply", e))?;
    let id = paid["id"].as_str().unwrap_or_default();
    let mut row = load_intent(&state.db.pool, id)
        .await?
        .ok_or_else(|| ServerError::internal("intent reply", "the paid intent is not stored"))?;
    if row.status == IntentStatus::RequiresAction && row.other_method != Some(Method::Merchant) {
        let outcome = match answer {
            SecondLegAnswer::Approve => Outcome::Approved,
            SecondLegAnswer::Decline => Outcome::Declined,
        };
        row = finish(&state.db, id, (outcome, None), crate::util::now()).await?;
    }
    Ok(Reply::json(
        StatusCode::CREATED,
        &IntentView::of(&row, base)?,
    ))
}
