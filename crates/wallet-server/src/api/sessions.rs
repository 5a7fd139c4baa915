//! `POST /v1/sessions` (merchant), `GET /v1/sessions/{id}`, `POST …/quote` and the
//! top-ups `POST …/topups`, `GET …/topups/{topup_id}` and `POST …/passkey-challenge`
//! (frame).

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode};
use checkout_core::{Amount, Choice, Method};
use serde::Deserialize;

use crate::checkout::records::query::{Kind, ListQuery};
use crate::checkout::sessions::{create_session, quote as quote_session, session_answer};
use crate::checkout::topups;
use crate::checkout::{authorized_session, FrameSession};
use crate::error::{Reply, ServerError};
use crate::http::auth::MerchantKey;
use crate::http::extract::{parse_json, read_body, BaseUrl, RawBody, MAX_SESSION_BODY_BYTES};
use crate::http::state::AppState;
use crate::util::now;

/// `POST /v1/sessions`: the merchant is authenticated before its (possibly large) cart
/// is read; under an optional `Idempotency-Key` (a retry answers the same session).
pub async fn create(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    req: Request,
) -> Result<Reply, ServerError> {
    let (parts, body) = req.into_parts();
    let headers = parts.headers;
    let body = read_body(body, MAX_SESSION_BODY_BYTES).await?;
    let key = crate::http::idempotency::key(&headers, false)?;
    // The mode too: one merchant id may hold a test key and a live key.
    let mode = crate::store::mode::mode_name(merchant.livemode);
    let scope = format!("merchant:{}:{mode}:session", merchant.id);
    let work = async {
        let run = async {
            let input = parse_json(&headers, &body)?;
            let created = create_session(&state.db, &state.config, &merchant, input).await?;
            Ok::<_, ServerError>(Reply::json(StatusCode::CREATED, &created))
        };
        run.await.unwrap_or_else(Reply::from)
    };
    crate::http::idempotency::run(&state, &scope, key.as_deref(), &body, work).await
}

/// `GET /v1/sessions/{id}`: with the merchant's key, the session as the merchant sees it
/// (`crate::checkout::records::sessions`); with the client secret, what the frame loads.
pub async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
    BaseUrl(base): BaseUrl,
    headers: HeaderMap,
) -> Result<Reply, ServerError> {
    if let Ok(merchant) = crate::http::auth::merchant(&state.config, &headers) {
        let view =
            crate::checkout::records::sessions::read(&state.db, &merchant, &id, now()).await?;
        return Ok(Reply::json(StatusCode::OK, &view));
    }
    let session = authorized_session(&state.db, &id, &headers).await?;
    let passkeys = state.relying_party.is_some();
    let answer = session_answer(&state.db, &session, passkeys, &base).await?;
    Ok(Reply::json(StatusCode::OK, &answer))
}

/// `GET /v1/sessions` (merchant): its sessions, newest first (`crate::checkout::records::lists`).
pub async fn list(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    RawQuery(query): RawQuery,
) -> Result<Reply, ServerError> {
    let q = ListQuery::parse(Kind::Sessions, query.as_deref())?;
    let page = crate::checkout::records::lists::sessions(&state.db, &merchant, &q, now()).await?;
    Ok(Reply::json(StatusCode::OK, &page))
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
