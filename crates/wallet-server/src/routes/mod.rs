//! The `/v1` API's routes: each handler extracts, calls the domain, and answers a typed
//! view. The rules live in `checkout`, `refunds`, `wallets` and `payments`.

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub mod intents;
pub mod refunds;
pub mod sessions;
pub mod wallets;

/// The `/v1` API; with `sandbox`, the sandbox provider's routes too.
pub fn api(sandbox: bool) -> Router<AppState> {
    let router = Router::new()
        .route("/v1/openapi.json", get(crate::openapi::document))
        .route("/v1/sessions", post(sessions::create))
        .route("/v1/sessions/{id}", get(sessions::read))
        .route("/v1/sessions/{id}/quote", post(sessions::quote))
        .route("/v1/sessions/{id}/intents", post(intents::create))
        .route("/v1/intents/{id}", get(intents::read))
        .route("/v1/intents/{id}/refunds", post(refunds::create))
        .route("/v1/wallets", post(wallets::create))
        .route("/v1/wallets/{shopper_id}", get(wallets::read))
        .route("/v1/wallets/{shopper_id}/topups", post(wallets::top_up))
        .route("/v1/wallets/{shopper_id}/ledger", get(wallets::ledger));
    if sandbox {
        router.merge(crate::sandbox::routes())
    } else {
        router
    }
}
