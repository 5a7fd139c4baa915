//! The sandbox provider's side of recharges: a page where a tester approves, declines or
//! abandons paying a recharge, and the same as JSON endpoints for scripts. Approving
//! credits the wallet once (`crate::wallet::recharges::settle`).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use checkout_core::RechargeStatus;

use crate::error::{Reply, ServerError};
use crate::http::extract::RawBody;
use crate::http::state::AppState;
use crate::util::{html_escape, STRICT_CSP};
use crate::wallet::recharges::{find, settle, Outcome, RechargeView};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/sandbox/recharges/{id}", get(page))
        .route("/v1/sandbox/recharges/{id}/approve", post(approve))
        .route("/v1/sandbox/recharges/{id}/decline", post(decline))
        .route("/v1/sandbox/recharges/{id}/abandon", post(abandon))
}

async fn act(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
    outcome: Outcome,
) -> Result<Response, ServerError> {
    let result = settle(&state.db, id, outcome).await;
    if super::is_form(headers) {
        find(&state.db, id, false).await?;
        return Ok(Redirect::to(&format!("/v1/sandbox/recharges/{id}")).into_response());
    }
    let r = result?;
    let base = state.public.base();
    Ok(Reply::json(StatusCode::OK, &RechargeView::of(&r, base)).into_response())
}

async fn approve(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    _b: RawBody,
) -> Result<Response, ServerError> {
    act(&s, &id, &headers, Outcome::Approve).await
}

async fn decline(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    _b: RawBody,
) -> Result<Response, ServerError> {
    act(&s, &id, &headers, Outcome::Decline).await
}

async fn abandon(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    _b: RawBody,
) -> Result<Response, ServerError> {
    act(&s, &id, &headers, Outcome::Abandon).await
}

const fn status_text(status: RechargeStatus) -> &'static str {
    match status {
        RechargeStatus::Pending => "Waiting for you to approve or decline this recharge.",
        RechargeStatus::Succeeded => "Approved: the wallet was credited.",
        RechargeStatus::Failed => "Declined: nothing was charged or credited.",
        RechargeStatus::Abandoned => "Abandoned: nothing was charged or credited.",
    }
}

async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ServerError> {
    let r = find(&state.db, &id, false).await?;
    let id_html = html_escape(&r.id);
    let actions = if r.status == RechargeStatus::Pending {
        format!(
            r#"<div class="actions">
  <form method="post" action="/v1/sandbox/recharges/{id_html}/approve"><button class="approve" type="submit">Approve</button></form>
  <form method="post" action="/v1/sandbox/recharges/{id_html}/decline"><button class="decline" type="submit">Decline</button></form>
  <form method="post" action="/v1/sandbox/recharges/{id_html}/abandon"><button class="abandon" type="submit">Abandon</button></form>
</div>"#
        )
    } else {
        String::new()
    };
    let back = format!(
        r#"<p><a class="back" href="/wallet/recharges/{id_html}">Back to the wallet</a></p>"#
    );
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox recharge {id_html}</title><link rel="stylesheet" href="/v1/sandbox/sandbox.css"></head>
<body><main class="card">
<p class="badge">Sandbox · no real money moves</p>
<h1>Recharge the wallet</h1>
<dl>
  <dt>Recharge</dt><dd><code>{id_html}</code></dd>
  <dt>Method</dt><dd>{method}</dd>
  <dt>To pay with this method</dt><dd class="amount">{c} {amount}</dd>
  <dt>Status</dt><dd class="status status-{status}" data-status="{status}">{status}</dd>
</dl>
<p class="note">{text}</p>
{actions}
{back}
</main></body></html>"#,
        method = r.method.code(),
        c = r.amount.currency(),
        amount = r.amount,
        status = r.status,
        text = status_text(r.status),
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
