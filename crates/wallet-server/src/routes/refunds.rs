//! `POST /v1/intents/{id}/refunds` (merchant), under an optional idempotency key.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};

use crate::error::{Reply, ServerError};
use crate::extract::{parse_json, RawBody};
use crate::refunds::{refund, RefundRequest};
use crate::state::AppState;

/// `POST /v1/intents/{id}/refunds`.
pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let merchant = crate::auth::merchant(&state.config, &headers)?;
    let key = crate::idempotency::key(&headers, false)?;
    let scope = format!("merchant:{}:refund:{id}", merchant.id);
    let work = async {
        let run = async {
            let req: RefundRequest = parse_json(&headers, &body)?;
            let view = refund(&state.db, &merchant, &id, &req).await?;
            Ok::<_, ServerError>(Reply::json(StatusCode::CREATED, &view))
        };
        run.await.unwrap_or_else(Reply::from)
    };
    crate::idempotency::run(&state, &scope, key.as_deref(), &body, work).await
}
