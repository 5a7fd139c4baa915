//! `POST /v1/sessions` (merchant), `GET /v1/sessions/{id}`, `POST …/quote` and the
//! top-ups `POST …/topups`, `GET …/topups/{topup_id}` and `POST …/passkey-challenge`
//! (frame).

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use checkout_core::{Amount, Choice, Method};
use serde::Deserialize;

use crate::checkout::sessions::{create_session, quote as quote_session, session_answer};
use crate::checkout::topups;
use crate::checkout::FrameSession;
use crate::error::{Reply, ServerError};
use crate::http::auth::MerchantKey;
use crate::http::extract::{parse_json, read_body, BaseUrl, RawBody, MAX_SESSION_BODY_BYTES};
use crate::http::state::AppState;

/// `POST /v1/sessions`: the merchant is authenticated before its (possibly large) cart
/// is read.
pub async fn create(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    req: Request,
) -> Result<Reply, ServerError> {
    let (parts, body) = req.into_parts();
    let body = read_body(body, MAX_SESSION_BODY_BYTES).await?;
    let input = parse_json(&parts.headers, &body)?;
    let created = create_session(&state.db, &state.config, &merchant, input).await?;
    Ok(Reply::json(StatusCode::CREATED, &created))
}

/// `GET /v1/sessions/{id}`.
pub async fn read(
    State(state): State<AppState>,
    FrameSession(session): FrameSession,
    BaseUrl(base): BaseUrl,
) -> Result<Reply, ServerError> {
    let passkeys = state.relying_party.is_some();
    let answer = session_answer(&state.db, &session, passkeys, &base).await?;
    Ok(Reply::json(StatusCode::OK, &answer))
}

/// `POST /v1/sessions/{id}/quote`.
pub async fn quote(
    State(state): State<AppState>,
    FrameSession(session): FrameSession,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let choice: Choice = parse_json(&headers, &body)?;
    let quote = quote_session(&state.db, &session, &choice).await?;
    Ok(Reply::json(StatusCode::OK, &quote))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopUp {
    amount: Amount,
    method: Method,
}

/// `POST /v1/sessions/{id}/topups`: recharge the session's wallet (`next_action_url` is
/// the method's page).
pub async fn top_up(
    State(state): State<AppState>,
    FrameSession(session): FrameSession,
    BaseUrl(base): BaseUrl,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let input: TopUp = parse_json(&headers, &body)?;
    let view = topups::start(&state, &session, input.amount, input.method, &base).await?;
    Ok(Reply::json(StatusCode::CREATED, &view))
}

/// `GET /v1/sessions/{id}/topups/{topup_id}`.
pub async fn read_top_up(
    State(state): State<AppState>,
    FrameSession(session): FrameSession,
    BaseUrl(base): BaseUrl,
    Path((_, topup)): Path<(String, String)>,
) -> Result<Reply, ServerError> {
    let view = topups::read(&state, &session, &topup, &base).await?;
    Ok(Reply::json(StatusCode::OK, &view))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChallengeRequest {
    intent: checkout_core::Intent,
}

/// `POST /v1/sessions/{id}/passkey-challenge` `{intent}`: the options for
/// `navigator.credentials.get()`, bound to that intent (`crate::security::passkeys::payment`).
pub async fn passkey_challenge(
    State(state): State<AppState>,
    FrameSession(session): FrameSession,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let input: ChallengeRequest = parse_json(&headers, &body)?;
    let options =
        crate::checkout::sessions::passkey_challenge(&state, &session, &input.intent).await?;
    Ok(Reply::json(StatusCode::OK, &options))
}
