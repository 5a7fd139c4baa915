//! The sandbox inbox (sandbox mode only): the one-time codes sent to test wallets'
//! contacts, newest first, so that testers and tests read them (`crate::security::codes`).
//! A live wallet's codes never land here.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use serde::Serialize;

use crate::error::{Reply, ServerError};
use crate::http::state::AppState;
use crate::util::rfc3339;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/sandbox/messages", get(list))
}

/// One message as sent.
#[derive(Debug, Serialize)]
struct Message {
    id: String,
    to: String,
    text: String,
    /// RFC 3339.
    created_at: String,
}

#[derive(Debug, Serialize)]
struct Inbox {
    data: Vec<Message>,
}

/// `GET /v1/sandbox/messages[?to=<contact>]`: the 20 newest, for one recipient or all.
async fn list(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Reply, ServerError> {
    let to = query.get("to").cloned().unwrap_or_default();
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT id, recipient, body, created_at FROM sandbox_messages \
         WHERE $1 = '' OR recipient = $1 ORDER BY created_at DESC, id DESC LIMIT 20",
    )
    .bind(&to)
    .fetch_all(&state.db.pool)
    .await?;
    let data = rows
        .into_iter()
        .map(|(id, to, text, at)| Message {
            id,
            to,
            text,
            created_at: rfc3339(at),
        })
        .collect();
    Ok(Reply::json(StatusCode::OK, &Inbox { data }))
}
