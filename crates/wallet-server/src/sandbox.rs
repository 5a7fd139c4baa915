//! The sandbox provider of the second method (sandbox mode only): a page where a tester
//! approves or declines, and the same as JSON endpoints for scripts. The page is plain
//! HTML forms under the strict CSP: no script, styles from a file.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::db::sessions::{load_intent, load_session, IntentRow};
use crate::error::{ApiError, Reply};
use crate::payments::{finish, Outcome};
use crate::routes::intent_view::{base_url, intent_json};
use crate::routes::{AppState, RawBody};
use crate::util::{currency, html_escape, money, now, STRICT_CSP};

const CSS: &str = include_str!("assets/sandbox.css");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/sandbox/sandbox.css", get(css))
        .route("/v1/sandbox/intents/{id}", get(page))
        .route("/v1/sandbox/intents/{id}/approve", post(approve))
        .route("/v1/sandbox/intents/{id}/decline", post(decline))
        .route("/v1/sandbox/intents/{id}/abandon", post(abandon))
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

async fn act(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
    outcome: Outcome,
) -> Result<Response, ApiError> {
    let result = finish(&state.db, id, outcome, now()).await;
    if is_form(headers) {
        // A person clicked a button: show the page again, now with the outcome.
        return Ok(Redirect::to(&format!("/v1/sandbox/intents/{id}")).into_response());
    }
    let row = result?;
    let base = base_url(state, headers);
    Ok(Reply::json(StatusCode::OK, &intent_json(&row, &base)?).into_response())
}

async fn approve(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    _b: RawBody,
) -> Result<Response, ApiError> {
    act(&s, &id, &headers, Outcome::Approved).await
}

async fn decline(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    _b: RawBody,
) -> Result<Response, ApiError> {
    act(&s, &id, &headers, Outcome::Declined).await
}

async fn abandon(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    _b: RawBody,
) -> Result<Response, ApiError> {
    act(&s, &id, &headers, Outcome::Abandoned).await
}

fn status_text(row: &IntentRow) -> &'static str {
    match (row.status.as_str(), row.cancel_reason.as_deref()) {
        ("requires_action", _) => "Waiting for you to approve or decline this payment.",
        ("succeeded", _) => "Approved: the payment succeeded. You can close this page.",
        (_, Some("expired")) => {
            "The hold expired before approval; the balance was returned to the wallet."
        }
        (_, Some("abandoned")) => {
            "Abandoned: nothing was charged and the balance was returned to the wallet."
        }
        _ => "Declined: nothing was charged and the balance was returned to the wallet.",
    }
}

async fn page(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let row = load_intent(&state.db.pool, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("intent_not_found", "no payment intent has this id"))?;
    let c = currency(&row.currency)?;
    let return_url = load_session(&state.db.pool, &row.session_id)
        .await?
        .and_then(|s| s.return_url);
    let id_html = html_escape(&row.id);
    let method = html_escape(row.other_method.as_deref().unwrap_or("-"));
    let actions = if row.status == "requires_action" {
        format!(
            r#"<div class="actions">
  <form method="post" action="/v1/sandbox/intents/{id_html}/approve"><button class="approve" type="submit">Approve</button></form>
  <form method="post" action="/v1/sandbox/intents/{id_html}/decline"><button class="decline" type="submit">Decline</button></form>
  <form method="post" action="/v1/sandbox/intents/{id_html}/abandon"><button class="abandon" type="submit">Abandon</button></form>
</div>"#
        )
    } else {
        String::new()
    };
    let back = return_url
        .map(|u| {
            format!(
                r#"<p><a class="back" href="{}">Back to the shop</a></p>"#,
                html_escape(&u)
            )
        })
        .unwrap_or_default();
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox payment {id_html}</title><link rel="stylesheet" href="/v1/sandbox/sandbox.css"></head>
<body><main class="card">
<p class="badge">Sandbox · no real money moves</p>
<h1>Second payment method</h1>
<dl>
  <dt>Intent</dt><dd><code>{id_html}</code></dd>
  <dt>Method</dt><dd>{method}</dd>
  <dt>To pay with this method</dt><dd class="amount">{c} {other}</dd>
  <dt>Held from the wallet balance</dt><dd>{c} {balance}</dd>
  <dt>Order total</dt><dd>{c} {total}</dd>
  <dt>Status</dt><dd class="status status-{status}" data-status="{status}">{status}</dd>
</dl>
<p class="note">{text}</p>
{actions}
{back}
</main></body></html>"#,
        other = money(row.other_amount, c)?,
        balance = money(row.balance_amount, c)?,
        total = money(row.total, c)?,
        status = html_escape(&row.status),
        text = status_text(&row),
    );
    Ok((
        [
            (header::CONTENT_SECURITY_POLICY, STRICT_CSP),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Html(html),
    )
        .into_response())
}
