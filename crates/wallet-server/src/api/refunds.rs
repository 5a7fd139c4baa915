//! `POST /v1/intents/{id}/refunds` (merchant), under an optional idempotency key, and
//! `GET /v1/refunds`.

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;

use crate::checkout::records::query::{Kind, ListQuery};
use crate::checkout::refunds::{refund, RefundRequest};
use crate::error::{Reply, ServerError};
use crate::http::auth::MerchantKey;
use crate::http::extract::{parse_json, read_body, MAX_SESSION_BODY_BYTES};
use crate::http::state::AppState;

/// `POST /v1/intents/{id}/refunds`: the merchant is authenticated before its body is read,
/// which may be as large as the session's (a refund by lines of a 10,000-line cart).
pub async fn create(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    Path(id): Path<String>,
    req: Request,
) -> Result<Reply, ServerError> {
    let (parts, body) = req.into_parts();
    let headers = parts.headers;
    let body = read_body(body, MAX_SESSION_BODY_BYTES).await?;
    let key = crate::http::idempotency::key(&headers, false)?;
    // The mode too: one merchant id may hold a test key and a live key.
    let mode = crate::store::mode::mode_name(merchant.livemode);
    let scope = format!("merchant:{}:{mode}:refund:{id}", merchant.id);
    let work = async {
        let run = async {
            let req: RefundRequest = parse_json(&headers, &body)?;
            let view = refund(&state.db, &merchant, &id, &req).await?;
            Ok::<_, ServerError>(Reply::json(StatusCode::CREATED, &view))
        };
        run.await.unwrap_or_else(Reply::from)
    };
    crate::http::idempotency::run(&state, &scope, key.as_deref(), &body, work).await
}

/// `GET /v1/refunds` (merchant): its refunds, newest first (`crate::checkout::records::lists`).
pub async fn list(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    RawQuery(query): RawQuery,
) -> Result<Reply, ServerError> {
    let q = ListQuery::parse(Kind::Refunds, query.as_deref())?;
    let page = crate::checkout::records::lists::refunds(&state.db, &merchant, &q).await?;
    Ok(Reply::json(StatusCode::OK, &page))
}
