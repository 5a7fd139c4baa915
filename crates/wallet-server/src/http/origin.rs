//! The check that a state-changing request to the wallet's pages came from the wallet's
//! own origin, its `public_url` (`crate::config::PublicUrl`).

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use checkout_core::ErrorCode;

use crate::error::ApiError;
use crate::http::state::AppState;

/// Middleware: refuses a state-changing request from another origin (CSRF), before its
/// body is read: its `Origin` must be exactly the wallet's public origin, or, without one
/// (or `null`), `Sec-Fetch-Site` must say `same-origin`.
///
/// # Errors
/// 403 `cross_site_request`.
pub async fn same_origin_only(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() == Method::GET || req.method() == Method::HEAD {
        return next.run(req).await;
    }
    let h = req.headers();
    let origin = h.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let fetch_site = h.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let allowed = match origin {
        Some(o) if o != "null" => state.public.is(o),
        _ => fetch_site == Some("same-origin"),
    };
    if allowed {
        next.run(req).await
    } else {
        ApiError::new(
            ErrorCode::CrossSiteRequest,
            "this request to the wallet came from another site; open the wallet at its own address",
        )
        .into_response()
    }
}
