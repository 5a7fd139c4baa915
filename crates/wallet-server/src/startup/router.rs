//! The router: every room's routes, and the layers every request passes (limits, CORS,
//! timeouts, security headers, the access log, metrics).

use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use super::error::StartError;
use crate::config::Mode;
use crate::error::{Reply, ServerError};
use crate::http::deadline::{limit_bodies, BodyLimits};
use crate::http::extract::MAX_BODY_BYTES;
use crate::http::state::AppState;
use crate::views::Health;

/// `GET /healthz`: ok when the database answers with its schema (a database that lost its
/// tables, as an in-memory one did when its last connection closed, is not healthy).
async fn healthz(State(state): State<AppState>) -> Result<Reply, ServerError> {
    sqlx::query("SELECT version FROM _sqlx_migrations WHERE version = 0")
        .execute(&state.db.pool)
        .await?;
    Ok(Reply::json(StatusCode::OK, &Health { status: "ok" }))
}

/// One log line per request: its id, method, path (never the query: it may carry a session's
/// values in the demo; credentials in it cut to their prefix), status and duration. No
/// headers, so no keys or signatures.
async fn access_log(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = crate::telemetry::logs::redact_path(req.uri().path()).into_owned();
    let response = next.run(req).await;
    let request_id = crate::error::RequestContext::current().map(|r| r.id);
    tracing::info!(
        %method,
        %path,
        request_id = request_id.as_deref().unwrap_or(""),
        status = response.status().as_u16(),
        ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

fn cors(origins: &[String]) -> CorsLayer {
    let list: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(list))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("checkout-signature"),
        ])
        .expose_headers([
            header::RETRY_AFTER,
            HeaderName::from_static(crate::http::request_id::HEADER),
        ])
        .max_age(Duration::from_secs(600))
}

/// The whole application for a state: the API, the wallet's pages, the sandbox (when on),
/// the frame's files and, in the demo, `/`; `origins` are the CORS origins.
///
/// # Errors
/// [`StartError::Widget`] when the widget's files cannot be read.
pub fn router(state: AppState, origins: &[String]) -> Result<Router, StartError> {
    // API answers carry money and balances: never cached by a browser or a proxy; and
    // compressed when the client accepts it (a 10,000-line cart's session is about 1 MB
    // as JSON, 30 KB gzipped). The widget's files have their own headers.
    // The pages' forms are posted from the wallet's own origin only (CSRF).
    let pages = crate::pages::consent::routes()
        .merge(crate::pages::wallet::routes())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            crate::http::origin::same_origin_only,
        ));
    let mut dynamic = crate::api::router(&state.config)
        .merge(pages)
        .merge(crate::pages::docs::routes(&state.config.widget_dir));
    if state.config.sandbox {
        dynamic = dynamic.merge(crate::sandbox::routes());
    }
    let api = dynamic
        .route("/healthz", get(healthz))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(CompressionLayer::new());
    let mut app = api.merge(crate::pages::frame::routes(&state).map_err(StartError::Widget)?);
    if state.config.mode == Mode::Demo {
        app = app.merge(crate::demo::shop::wallet_home(&state.config));
    }
    Ok(app
        .fallback(crate::error::route_not_found)
        .method_not_allowed_fallback(crate::error::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            state.limiter.clone(),
            crate::http::ratelimit::limit,
        ))
        .layer(cors(origins))
        .layer(middleware::from_fn_with_state(
            BodyLimits {
                deadline: Duration::from_secs(state.config.limits.body_timeout_secs),
                min_bytes_per_sec: state.config.limits.body_min_bytes_per_sec,
            },
            limit_bodies,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(state.config.limits.request_timeout_secs),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            hsts(state.config.public_url.as_deref()),
        ))
        .layer(middleware::from_fn(access_log))
        .layer(middleware::from_fn(crate::telemetry::metrics::track))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::http::request_id::tag,
        ))
        .with_state(state))
}

/// `Strict-Transport-Security` when served over https (DESIGN.md *Security model*); no
/// header otherwise (an empty value is not sent).
fn hsts(public_url: Option<&str>) -> Option<HeaderValue> {
    public_url
        .is_some_and(|u| u.starts_with("https://"))
        .then(|| HeaderValue::from_static("max-age=31536000"))
}
