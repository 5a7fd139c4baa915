//! Wiring: database, router and layers, the sweeper, and serving until SIGINT/SIGTERM.

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use tokio::task::JoinHandle;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::config::{Config, ConfigError, Mode};
use crate::error::{Reply, ServerError};
use crate::http::extract::MAX_BODY_BYTES;
use crate::http::ratelimit::RateLimiter;
use crate::http::state::AppState;
use crate::security::password::Passwords;
use crate::store::db::{Db, DbError};
use crate::views::Health;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("cannot listen on {address}; choose another address with --listen")]
    Listen {
        address: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot serve the widget: {0}")]
    Widget(String),
    #[error("cannot seed the demo data")]
    Seed(#[source] ServerError),
    #[error("cannot set up the configured webhook endpoints ([[merchants.webhooks]])")]
    Webhooks(#[source] ServerError),
    #[error("the server stopped with an error")]
    Serve(#[source] std::io::Error),
}

async fn healthz(State(state): State<AppState>) -> Result<Reply, ServerError> {
    sqlx::query("SELECT 1").execute(&state.db.pool).await?;
    Ok(Reply::json(StatusCode::OK, &Health { status: "ok" }))
}

/// One log line per request: method, path (never the query: it may carry a session's
/// values in the demo), status and duration. No headers, so no keys or signatures.
async fn access_log(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    tracing::info!(
        %method,
        %path,
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
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

/// The whole application for a state; `origins` are the CORS origins.
///
/// # Errors
/// [`StartError::Widget`] when the widget's files cannot be read.
pub fn router(state: AppState, origins: &[String]) -> Result<Router, StartError> {
    // API answers carry money and balances: never cached by a browser or a proxy; and
    // compressed when the client accepts it (a 10,000-line cart's session is about 1 MB
    // as JSON, 30 KB gzipped). The widget's files have their own headers.
    let api = crate::api::api(&state.config)
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
        .layer(RequestBodyTimeoutLayer::new(Duration::from_secs(
            state.config.limits.body_timeout_secs,
        )))
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
        .with_state(state))
}

/// `Strict-Transport-Security` when served over https (DESIGN.md *Security model*); no
/// header otherwise (an empty value is not sent).
/// The wallet as a WebAuthn relying party, or `None` (logged) when passkeys cannot work
/// at its public URL.
fn relying_party(public_url: Option<&str>) -> Option<crate::security::passkeys::RelyingParty> {
    let Some(url) = public_url else {
        tracing::info!(
            "passkeys are off: no public_url (the relying party is the wallet's domain name)"
        );
        return None;
    };
    match crate::security::passkeys::RelyingParty::for_origin(url) {
        Ok(rp) => Some(rp),
        Err(why) => {
            tracing::warn!("passkeys are off: {why}");
            None
        }
    }
}

fn hsts(public_url: Option<&str>) -> Option<HeaderValue> {
    public_url
        .is_some_and(|u| u.starts_with("https://"))
        .then(|| HeaderValue::from_static("max-age=31536000"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Runs the server until a shutdown signal.
///
/// # Errors
/// [`StartError`] when the database, the address or the demo seed fails.
pub async fn run(mut config: Config) -> Result<(), StartError> {
    if let Err(e) = crate::telemetry::metrics::install() {
        tracing::warn!(error = %e, "metrics unavailable: GET /metrics answers without counters");
    }
    let db = Db::connect(&config.database_url, config.limits.isolation).await?;
    tracing::info!(isolation = ?db.isolation, "database connected");
    db.migrate().await?;
    // Every posting balances by construction; this says loudly if the data was edited.
    match crate::store::ledger::audit(&db.pool).await {
        Ok(problems) if problems.is_empty() => tracing::info!("ledger audit: consistent"),
        Ok(problems) => {
            for p in problems {
                tracing::error!("ledger audit: {p}; investigate before taking payments");
            }
        }
        Err(e) => tracing::warn!(error = %e, "ledger audit could not run"),
    }
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|source| StartError::Listen {
            address: config.listen.clone(),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Listen {
        address: config.listen.clone(),
        source,
    })?;
    // The demo's wallet is `localhost`, its shop `127.0.0.1`: two sites, as a wallet and a
    // merchant are, and a domain name, which passkeys need (an IP address cannot be a
    // WebAuthn relying party).
    let origin = match config.mode {
        Mode::Demo if addr.ip().is_loopback() => format!("http://localhost:{}", addr.port()),
        _ => format!("http://{addr}"),
    };
    let shop = match config.mode {
        Mode::Demo => Some(
            crate::demo::shop::bind(&mut config)
                .await
                .map_err(|source| StartError::Listen {
                    address: format!("{} (the demo shop; --shop-listen)", config.shop_listen),
                    source,
                })?,
        ),
        Mode::Serve => None,
    };
    if config.mode == Mode::Demo {
        config.allowed_origins.push(origin.clone());
        // A wildcard address is no URL a browser can open: fall back to the Host header.
        if config.public_url.is_none() && !addr.ip().is_unspecified() {
            config.public_url = Some(origin.clone());
        }
    }
    let origins = config.allowed_origins.clone();
    let share = |limit| crate::http::ratelimit::per_replica(limit, config.limits.replicas);
    let limiter = Arc::new(RateLimiter::new(
        share(config.limits.rate_limit_ip_per_min),
        share(config.limits.rate_limit_session_per_min),
    ));
    let sweep_every = config.limits.sweep_interval_secs;
    let (max_connections, header_timeout_secs) = (
        config.limits.max_connections,
        config.limits.header_timeout_secs,
    );
    let passwords = Passwords::new(
        &config.password_pepper,
        &config.password_previous_peppers,
        config.limits.password_workers,
    );
    let relying_party = relying_party(config.public_url.as_deref());
    let state = AppState {
        db: db.clone(),
        config: Arc::new(config),
        limiter,
        passwords,
        relying_party,
    };
    if let Some(shop) = &shop {
        crate::demo::seed(
            &state.db,
            &state.passwords,
            state
                .config
                .merchant_by_id(crate::demo::MERCHANT_ID)
                .as_deref(),
        )
        .await
        .map_err(StartError::Seed)?;
        crate::demo::announce(&origin, &shop.origin, &state.config.widget_dir);
    } else {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "Balance Checkout wallet-server: {origin}/");
        let _ = out.flush();
    }
    tracing::info!(%addr, sandbox = state.config.sandbox, "listening");
    if state.config.merchants.is_empty() {
        tracing::warn!("no merchants configured: POST /v1/sessions answers 401; add [[merchants]] to the configuration file");
    }
    if state.config.admin_key_digest.is_none() {
        tracing::warn!(
            "no admin key configured: wallet endpoints answer 401; set admin_key or BC_ADMIN_KEY"
        );
    }
    crate::webhooks::endpoints::sync_config(&state.db, &state.config)
        .await
        .map_err(StartError::Webhooks)?;
    let deliveries = tokio::spawn(crate::webhooks::delivery::run(
        db.clone(),
        state.config.webhooks.clone(),
    ));
    let sweeper = tokio::spawn(crate::startup::sweeper::run(db, sweep_every));
    let wallet_url = state.config.public_url.clone().unwrap_or(origin);
    let app = router(state, &origins)?;
    let shop = shop.map(|s| s.serve(&wallet_url));
    let limits = crate::startup::serve::Limits {
        max_connections,
        header_timeout_secs,
        drain_secs: 30,
    };
    let served = crate::startup::serve::serve(listener, app, limits, shutdown_signal()).await;
    sweeper.abort();
    deliveries.abort();
    shop.inspect(JoinHandle::abort);
    tracing::info!("stopped");
    served.map_err(StartError::Serve)
}
