//! The sandbox inbox (sandbox mode only): the one-time codes sent to test wallets'
//! contacts, newest first, so that testers and tests read them (`crate::security::codes`):
//! JSON, or a page for a browser (`Accept: text/html`). A live wallet's codes never land
//! here.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;

use crate::error::{Reply, ServerError};
use crate::http::state::AppState;
use crate::util::{html_escape, rfc3339};

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
    headers: HeaderMap,
) -> Result<Response, ServerError> {
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
    let inbox = Inbox { data };
    let browser = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if browser {
        return Ok(page(&inbox));
    }
    Ok(Reply::json(StatusCode::OK, &inbox).into_response())
}

/// The inbox as a page: each message with its recipient and time, no script.
fn page(inbox: &Inbox) -> Response {
    let items: String = inbox
        .data
        .iter()
        .map(|m| {
            format!(
                "<li><p><strong>{}</strong> <small>{}</small></p><p>{}</p></li>",
                html_escape(&m.to),
                html_escape(&m.created_at),
                html_escape(&m.text)
            )
        })
        .collect();
    let body = if items.is_empty() {
        "<p>No messages yet / 暂无消息</p>".to_owned()
    } else {
        format!("<ol>{items}</ol>")
    };
    let html = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sandbox inbox · 沙箱收件箱</title></head>
<body><main><h1>Sandbox inbox · 沙箱收件箱</h1><p>One-time codes sent to test wallets' phones and e-mail addresses, newest first. 测试钱包收到的验证码（最新在前）。</p>{body}</main></body></html>"#
    );
    (
        [
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Html(html),
    )
        .into_response()
}
