//! Request ids: every answer carries `Request-Id: req_…` and every error body its
//! `request_id` and `doc_url` ([`crate::error::RequestContext`]), so a merchant who
//! quotes an id to the operator points at one access-log line. The id is always the
//! server's own: a client's or a proxy's header is not trusted to be unique.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::error::RequestContext;
use crate::http::state::AppState;

/// The response header.
pub const HEADER: &str = "request-id";

/// The outermost layer: makes the request's id and answers it in [`HEADER`].
pub async fn tag(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let context = RequestContext {
        id: crate::util::random_id("req_", 24),
        guide_url: format!("{}/docs/guide", state.public.base()),
    };
    let value = HeaderValue::from_str(&context.id).ok();
    let mut response = context.scope(next.run(req)).await;
    if let Some(value) = value {
        response.headers_mut().insert(HEADER, value);
    }
    response
}
