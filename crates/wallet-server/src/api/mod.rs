//! The `/v1` JSON API: each handler names its credential in its arguments (`MerchantKey`,
//! `FrameSession`; the admin key is a layer), calls one domain function and answers a
//! typed view. The rules live in `checkout`, `consent`, `wallet` and `webhooks`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;

use crate::config::Config;
use crate::http::state::AppState;

pub mod intents;
pub mod links;
pub mod openapi;
pub mod refunds;
pub mod sessions;
pub mod wallets;
pub mod webhooks;

/// The admin key, checked before anything of the request is read (its body included).
async fn admin_only(State(config): State<Arc<Config>>, mut req: Request, next: Next) -> Response {
    match crate::http::auth::admin(&config, req.headers()) {
        Ok(key) => {
            req.extensions_mut().insert(key);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

/// Refuses anyone but a metrics reader ([`crate::http::auth::metrics_reader`]).
async fn metrics_only(State(config): State<Arc<Config>>, req: Request, next: Next) -> Response {
    match crate::http::auth::metrics_reader(&config, req.headers()) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

/// `GET /metrics` (the metrics key or an admin key): the Prometheus text format
/// (docs/operations.md).
async fn metrics(State(state): State<AppState>) -> Result<Response, crate::error::ServerError> {
    let text = crate::telemetry::metrics::render(&crate::store::gauges::read(&state.db).await?);
    let content_type = "text/plain; version=0.0.4; charset=utf-8";
    Ok(([(axum::http::header::CONTENT_TYPE, content_type)], text).into_response())
}

/// The `/v1` JSON API (the sandbox's routes are `crate::sandbox`'s).
pub fn router(config: &Arc<Config>) -> Router<AppState> {
    let wallets = Router::new()
        .route("/v1/wallets", post(wallets::create))
        .route("/v1/wallets/{shopper_id}", get(wallets::read))
        .route("/v1/wallets/{shopper_id}/topups", post(wallets::top_up))
        .route(
            "/v1/wallets/{shopper_id}/activation",
            post(wallets::activate),
        )
        .route("/v1/wallets/{shopper_id}/rewards", post(wallets::rewards))
        .route("/v1/wallets/{shopper_id}/ledger", get(wallets::ledger))
        .route_layer(middleware::from_fn_with_state(config.clone(), admin_only));
    let metrics = Router::new()
        .route("/metrics", get(metrics))
        .route_layer(middleware::from_fn_with_state(config.clone(), metrics_only));
    Router::new()
        .route("/v1/openapi.json", get(crate::api::openapi::document))
        .route("/v1/sessions", post(sessions::create).get(sessions::list))
        .route("/v1/sessions/{id}", get(sessions::read))
        .route("/v1/sessions/{id}/quote", post(sessions::quote))
        .route("/v1/sessions/{id}/intents", post(intents::create))
        .route("/v1/sessions/{id}/topups", post(sessions::top_up))
        .route(
            "/v1/sessions/{id}/passkey-challenge",
            post(sessions::passkey_challenge),
        )
        .route(
            "/v1/sessions/{id}/topups/{topup_id}",
            get(sessions::read_top_up),
        )
        .route("/v1/intents", get(intents::list))
        .route("/v1/refunds", get(refunds::list))
        .route("/v1/intents/{id}", get(intents::read))
        .route("/v1/intents/{id}/refunds", post(refunds::create))
        .route("/v1/intents/{id}/cancel", post(intents::cancel))
        .route("/v1/intents/{id}/capture", post(intents::capture))
        .route("/v1/links", post(links::create))
        .route("/v1/links/{id}/token", post(links::token))
        .route("/v1/links/{id}", delete(links::revoke))
        .merge(webhook_routes())
        .merge(wallets)
        .merge(metrics)
}

/// Webhook endpoints and events (merchant key).
fn webhook_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/webhook-endpoints",
            post(webhooks::create).get(webhooks::list),
        )
        .route(
            "/v1/webhook-endpoints/{id}",
            get(webhooks::read).delete(webhooks::delete),
        )
        .route(
            "/v1/webhook-endpoints/{id}/secrets",
            post(webhooks::add_secret),
        )
        .route(
            "/v1/webhook-endpoints/{id}/secrets/{secret_id}",
            delete(webhooks::retire_secret),
        )
        .route("/v1/events", get(webhooks::list_events))
        .route("/v1/events/{id}", get(webhooks::read_event))
        .route("/v1/events/{id}/resend", post(webhooks::resend))
}
