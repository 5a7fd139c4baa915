//! The sandbox provider of the second method (sandbox mode only): a page where a tester
//! approves or declines, and the same as JSON endpoints for scripts. The page is plain
//! HTML forms under the strict CSP: no script, styles from a file.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use checkout_core::{CancelReason, ErrorCode, IntentStatus};

use crate::checkout::second_leg::{finish, Outcome};
use crate::error::{ApiError, Reply, ServerError};
use crate::http::extract::{base_url, RawBody};
use crate::http::state::AppState;
use crate::store::db::rows::{load_intent, load_session, IntentRow};
use crate::store::stored::money;
use crate::util::{html_escape, now, STRICT_CSP};
use crate::views::IntentView;

mod messages;
mod recharges;

// The page's styles, then dark mode (shared by the wallet's pages).
const CSS: &str = concat!(
    include_str!("../assets/sandbox.css"),
    include_str!("../assets/dark.css")
);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/sandbox/sandbox.css", get(css))
        .route("/v1/sandbox/intents/{id}", get(page))
        .route("/v1/sandbox/intents/{id}/approve", post(approve))
        .route("/v1/sandbox/intents/{id}/decline", post(decline))
        .route("/v1/sandbox/intents/{id}/abandon", post(abandon))
        .merge(recharges::routes())
        .merge(messages::routes())
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

/// The test-mode intent with this id whose remainder the sandbox settles: it never sees a
/// live one (404, as for an unknown id: DESIGN.md *Test and live mode*), nor one the
/// merchant collects itself, whose money it may already hold (DESIGN.md *The second leg*).
async fn test_intent(state: &AppState, id: &str) -> Result<IntentRow, ServerError> {
    load_intent(&state.db.pool, id)
        .await?
        .filter(|row| !row.livemode && row.other_method != Some(checkout_core::Method::Merchant))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::IntentNotFound,
                "no test-mode payment intent has this id",
            )
            .into()
        })
}

pub(crate) fn is_form(headers: &HeaderMap) -> bool {
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
) -> Result<Response, ServerError> {
    test_intent(state, id).await?;
    let result = finish(&state.db, id, outcome, now()).await;
    if is_form(headers) {
        // A person clicked a button: show the page again, now with the outcome.
        return Ok(Redirect::to(&format!("/v1/sandbox/intents/{id}")).into_response());
    }
    let row = result?;
    let base = base_url(state.config.public_url.as_deref(), headers);
    Ok(Reply::json(StatusCode::OK, &IntentView::of(&row, &base)?).into_response())
}

async fn approve(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    _b: RawBody,
) -> Result<Response, ServerError> {
    act(&s, &id, &headers, Outcome::Approved).await
}

async fn decline(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    _b: RawBody,
) -> Result<Response, ServerError> {
    act(&s, &id, &headers, Outcome::Declined).await
}

async fn abandon(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    _b: RawBody,
) -> Result<Response, ServerError> {
    act(&s, &id, &headers, Outcome::Abandoned).await
}

fn status_text(row: &IntentRow) -> &'static str {
    match (row.status, row.cancel_reason) {
        (IntentStatus::RequiresAction, _) => "Waiting for you to approve or decline this payment.",
        (IntentStatus::Succeeded, _) => "Approved: the payment succeeded. You can close this page.",
        (IntentStatus::Canceled, Some(CancelReason::Expired)) => {
            "The hold expired before approval; the balance was returned to the wallet."
        }
        (IntentStatus::Canceled, Some(CancelReason::Abandoned)) => {
            "Abandoned: nothing was charged and the balance was returned to the wallet."
        }
        (IntentStatus::Canceled, Some(CancelReason::RequestedByMerchant)) => {
            "Canceled by the shop: nothing was charged and the balance was returned to the wallet."
        }
        (IntentStatus::Canceled, Some(CancelReason::RequestedByShopper)) => {
            "Canceled at the checkout: nothing was charged and the balance was returned to the wallet."
        }
        (IntentStatus::Canceled, Some(CancelReason::Declined) | None) => {
            "Declined: nothing was charged and the balance was returned to the wallet."
        }
    }
}

async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ServerError> {
    let row = test_intent(&state, &id).await?;
    let c = row.currency;
    let return_url = load_session(&state.db.pool, &row.session_id)
        .await?
        .and_then(|s| s.return_url);
    let id_html = html_escape(&row.id);
    let method = row.other_method.map_or("-", |m| m.code());
    let actions = if row.status == IntentStatus::RequiresAction {
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
        status = row.status,
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
