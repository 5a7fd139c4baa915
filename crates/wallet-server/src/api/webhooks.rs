//! Webhook endpoints and events (merchant key): `/v1/webhook-endpoints`, `/v1/events`
//! (DESIGN.md *Webhooks*, `docs/webhooks.md`). The rules live in [`crate::webhooks`].

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use checkout_core::EventType;
use serde::Deserialize;

use crate::error::{ApiError, Reply, ServerError};
use crate::http::auth::MerchantKey;
use crate::http::extract::DEFAULT_LIMIT;
use crate::http::extract::{parse_json, RawBody};
use crate::http::state::AppState;
use crate::webhooks::events::Filter;
use crate::webhooks::{endpoints, events};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewEndpoint {
    url: String,
}

/// `POST /v1/webhook-endpoints` `{url}`.
pub async fn create(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let input: NewEndpoint = parse_json(&headers, &body)?;
    let view = endpoints::create(
        (&state.db, &state.sealer),
        &merchant,
        &input.url,
        &state.config.webhooks.private_origins,
    )
    .await?;
    Ok(Reply::json(StatusCode::CREATED, &view))
}

/// `GET /v1/webhook-endpoints`.
pub async fn list(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
) -> Result<Reply, ServerError> {
    let view = endpoints::list(&state.db, &merchant).await?;
    Ok(Reply::json(StatusCode::OK, &view))
}

/// `GET /v1/webhook-endpoints/{id}`.
pub async fn read(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    Path(id): Path<String>,
) -> Result<Reply, ServerError> {
    let view = endpoints::read(&state.db, &merchant, &id).await?;
    Ok(Reply::json(StatusCode::OK, &view))
}

/// `DELETE /v1/webhook-endpoints/{id}`.
pub async fn delete(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    Path(id): Path<String>,
) -> Result<Reply, ServerError> {
    let view = endpoints::delete(&state.db, &merchant, &id).await?;
    Ok(Reply::json(StatusCode::OK, &view))
}

/// `POST /v1/webhook-endpoints/{id}/secrets`: one more active secret (rotation); answers it.
pub async fn add_secret(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    Path(id): Path<String>,
    _body: RawBody,
) -> Result<Reply, ServerError> {
    let view = endpoints::add_secret((&state.db, &state.sealer), &merchant, &id).await?;
    Ok(Reply::json(StatusCode::CREATED, &view))
}

/// `DELETE /v1/webhook-endpoints/{id}/secrets/{secret_id}`.
pub async fn retire_secret(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    Path((id, secret_id)): Path<(String, String)>,
) -> Result<Reply, ServerError> {
    let view = endpoints::retire_secret(&state.db, &merchant, &id, &secret_id).await?;
    Ok(Reply::json(StatusCode::OK, &view))
}

/// `type`, `starting_after` and `limit` of `GET /v1/events`; anything else is refused.
fn filter(query: Option<&str>) -> Result<Filter, ApiError> {
    let mut f = Filter {
        limit: DEFAULT_LIMIT,
        ..Filter::default()
    };
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_encoding::percent_decode_str(&raw.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned();
        match key {
            "type" => {
                f.kind = Some(EventType::from_code(&value).ok_or_else(|| {
                    ApiError::field("type", "is not an event type; see docs/webhooks.md")
                })?);
            }
            "starting_after" => f.starting_after = Some(value),
            "limit" => f.limit = crate::http::extract::page_limit(&value)?,
            other => {
                return Err(ApiError::field(
                    other,
                    "is not a query of GET /v1/events; use type, starting_after or limit",
                ))
            }
        }
    }
    Ok(f)
}

/// `GET /v1/events?type=&starting_after=&limit=`.
pub async fn list_events(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    RawQuery(query): RawQuery,
) -> Result<Reply, ServerError> {
    let filter = filter(query.as_deref())?;
    let view = events::list(&state.db, &merchant, &filter).await?;
    Ok(Reply::json(StatusCode::OK, &view))
}

/// `GET /v1/events/{id}`.
pub async fn read_event(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    Path(id): Path<String>,
) -> Result<Reply, ServerError> {
    let view = events::read(&state.db, &merchant, &id).await?;
    Ok(Reply::json(StatusCode::OK, &view))
}

/// `POST /v1/events/{id}/resend`.
pub async fn resend(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    Path(id): Path<String>,
    _body: RawBody,
) -> Result<Reply, ServerError> {
    let view = events::resend(&state.db, &merchant, &id).await?;
    Ok(Reply::json(StatusCode::ACCEPTED, &view))
}
