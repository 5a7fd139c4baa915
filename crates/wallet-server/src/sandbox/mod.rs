//! The sandbox provider of the second method (sandbox mode only): a page where a tester
//! approves or declines, and the same as JSON endpoints for scripts; and the merchants'
//! test helpers. The page is plain HTML forms under the strict CSP: no script, styles
//! from a file.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use checkout_core::ErrorCode;

use crate::checkout::second_leg::{finish, Outcome};
use crate::error::{ApiError, Reply, ServerError};
use crate::http::extract::RawBody;
use crate::http::state::AppState;
use crate::store::db::rows::{load_intent, IntentRow};
use crate::util::now;
use crate::views::IntentView;

mod messages;
mod page;
mod recharges;
pub mod test_helpers;

// The page's styles, then dark mode (shared by the wallet's pages).
const CSS: &str = concat!(
    include_str!("../assets/sandbox.css"),
    include_str!("../assets/dark.css")
);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/sandbox/sandbox.css", get(css))
        .route("/v1/sandbox/intents/{id}", get(page::page))
        .route("/v1/sandbox/intents/{id}/approve", post(approve))
        .route("/v1/sandbox/intents/{id}/decline", post(decline))
        .route("/v1/sandbox/intents/{id}/abandon", post(abandon))
        .route(
            "/v1/test_helpers/sessions/{id}/pay",
            post(test_helpers::pay),
        )
        .merge(recharges::routes())
        .merge(messages::routes())
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

/// The test-mode intent with this id whose remainder the sandbox settles: it never sees a
/// live one (404, as for an unknown id: DESIGN.md *Test and live mode*), nor one the
/// merchant collects itself, whose money it may already hold (DESIGN.md *The second leg*).
pub(super) async fn test_intent(state: &AppState, id: &str) -> Result<IntentRow, ServerError> {
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
    (id, query): (&str, &HashMap<String, String>),
    headers: &HeaderMap,
    outcome: Outcome,
) -> Result<Response, ServerError> {
    test_intent(state, id).await?;
    let result = finish(&state.db, id, (outcome, None), now()).await;
    if is_form(headers) {
        // A person clicked a button: show the page again, now with the outcome, in the
        // language the page was in (its forms carry `?locale=`).
        let locale = match crate::http::lang::Lang::of(query, headers) {
            crate::http::lang::Lang::Zh => "zh-CN",
            crate::http::lang::Lang::En => "en",
        };
        let to = format!("/v1/sandbox/intents/{id}?locale={locale}");
        return Ok(Redirect::to(&to).into_response());
    }
    let row = result?;
    let base = state.public.base();
    Ok(Reply::json(StatusCode::OK, &IntentView::of(&row, base)?).into_response())
}

async fn approve(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    _b: RawBody,
) -> Result<Response, ServerError> {
    act(&s, (&id, &q), &headers, Outcome::Approved).await
}

async fn decline(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    _b: RawBody,
) -> Result<Response, ServerError> {
    act(&s, (&id, &q), &headers, Outcome::Declined).await
}

async fn abandon(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    _b: RawBody,
) -> Result<Response, ServerError> {
    act(&s, (&id, &q), &headers, Outcome::Abandoned).await
}
