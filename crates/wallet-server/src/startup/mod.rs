//! Start-up: the database, the listener, the state every handler shares, the background
//! work (webhook delivery, the sweeper) and serving until SIGINT/SIGTERM. `main` calls
//! [`run`] for `serve` and `demo`.

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::config::{Config, Mode};
use crate::demo::shop::Shop;
use crate::http::ratelimit::RateLimiter;
use crate::http::state::AppState;
use crate::security::password::Passwords;
use crate::store::db::Db;
pub use error::StartError;

pub mod error;
pub mod router;
pub mod serve;
pub mod sweeper;

/// Runs the server until a shutdown signal.
///
/// # Errors
/// [`StartError`] when the database, the address or the demo seed fails.
pub async fn run(mut config: Config) -> Result<(), StartError> {
    if let Err(e) = crate::telemetry::metrics::install() {
        tracing::warn!(error = %e, "metrics unavailable: GET /metrics answers without counters");
    }
    let db = open_database(&config).await?;
    let (listener, addr) = bind(&config.listen).await?;
    let origin = announced_origin(config.mode, addr);
    let shop = bind_shop(&mut config, &origin).await?;
    let origins = config.allowed_origins.clone();
    let limits = serve::ConnectionLimits {
        max_connections: config.limits.max_connections,
        per_client: config.limits.max_connections_per_client,
        proxies: config.limits.trusted_proxies.clone(),
        header_timeout_secs: config.limits.header_timeout_secs,
        drain_secs: 30,
    };
    let sweep = sweeper::Terms {
        interval_secs: config.limits.sweep_interval_secs,
        recharge_ttl_secs: config.limits.recharge_ttl_secs,
    };
    let state = app_state(db.clone(), config)?;
    greet(&state, shop.as_ref(), &origin, addr).await?;
    crate::webhooks::configured::sync_config(&state.db, &state.config, &state.sealer)
        .await
        .map_err(StartError::Webhooks)?;
    crate::wallet::bonuses::sync(&state.db, &state.config.recharge_promotions)
        .await
        .map_err(StartError::Campaigns)?;
    let background = [
        tokio::spawn(crate::webhooks::delivery::run(
            db.clone(),
            state.config.webhooks.clone(),
            state.sealer.clone(),
        )),
        tokio::spawn(sweeper::run(db, sweep)),
    ];
    let wallet_url = state.public.base().to_owned();
    let app = router::router(state, &origins)?;
    let shop = shop.map(|s| s.serve(&wallet_url));
    let served = serve::serve(listener, app, limits, shutdown_signal()).await;
    background.iter().for_each(JoinHandle::abort);
    shop.inspect(JoinHandle::abort);
    tracing::info!("stopped");
    served.map_err(StartError::Serve)
}

/// Connects, migrates, and audits the books: every posting balances by construction, so
/// a difference says loudly that the data was edited.
async fn open_database(config: &Config) -> Result<Db, StartError> {
    let db = Db::connect(&config.database_url, config.limits.isolation).await?;
    tracing::info!(isolation = ?db.isolation, "database connected");
    db.migrate().await?;
    match crate::store::ledger::audit(&db.pool).await {
        Ok(problems) if problems.is_empty() => tracing::info!("ledger audit: consistent"),
        Ok(problems) => {
            for p in problems {
                tracing::error!("ledger audit: {p}; investigate before taking payments");
            }
        }
        Err(e) => tracing::warn!(error = %e, "ledger audit could not run"),
    }
    Ok(db)
}

/// Binds `address`.
async fn bind(address: &str) -> Result<(TcpListener, SocketAddr), StartError> {
    let failed = |source| StartError::Listen {
        address: address.to_owned(),
        source,
    };
    let listener = TcpListener::bind(address).await.map_err(failed)?;
    let addr = listener.local_addr().map_err(failed)?;
    Ok((listener, addr))
}

/// The wallet's origin as announced. The demo's wallet is `localhost`, its shop
/// `127.0.0.1`: two sites, as a wallet and a merchant are, and a domain name, which
/// passkeys need (an IP address cannot be a WebAuthn relying party).
fn announced_origin(mode: Mode, addr: SocketAddr) -> String {
    match mode {
        Mode::Demo if addr.ip().is_loopback() => format!("http://localhost:{}", addr.port()),
        _ => format!("http://{addr}"),
    }
}

/// In the demo: binds the shop, and makes the wallet's own origin allowed and, unless
/// the configuration gives one, its public URL (the demo listens on loopback only).
async fn bind_shop(config: &mut Config, origin: &str) -> Result<Option<Shop>, StartError> {
    if config.mode != Mode::Demo {
        return Ok(None);
    }
    let shop = crate::demo::shop::bind(config)
        .await
        .map_err(|source| StartError::Listen {
            address: format!("{} (the demo shop; --shop-listen)", config.shop_listen),
            source,
        })?;
    config.allowed_origins.push(origin.to_owned());
    config.public_url.get_or_insert_with(|| origin.to_owned());
    Ok(Some(shop))
}

/// What every handler gets, from the configuration.
///
/// # Errors
/// [`StartError::Config`] without a usable `public_url` (the configuration's checks
/// refuse it first; the demo sets its own).
fn app_state(db: Db, config: Config) -> Result<AppState, StartError> {
    let public = config
        .public_url
        .as_deref()
        .ok_or_else(|| "no public_url".to_owned())
        .and_then(crate::config::PublicUrl::parse)
        .map_err(|e| StartError::Config(crate::config::ConfigError::Invalid(e)))?;
    let share = |limit| crate::http::ratelimit::per_replica(limit, config.limits.replicas);
    let limiter = Arc::new(
        RateLimiter::new(
            share(config.limits.rate_limit_ip_per_min),
            share(config.limits.rate_limit_session_per_min),
        )
        .behind(config.limits.trusted_proxies.clone()),
    );
    let passwords = Passwords::new(
        &config.password_pepper,
        &config.password_previous_peppers,
        config.limits.password_workers,
    );
    let sealer = crate::store::sealing::Sealer::new(
        &config.password_pepper,
        &config.password_previous_peppers,
    )
    .map_err(StartError::Webhooks)?;
    Ok(AppState {
        db,
        relying_party: relying_party(public.base()),
        config: Arc::new(config),
        limiter,
        passwords,
        sign_ins: Arc::default(),
        public: Arc::new(public),
        sealer,
    })
}

/// Seeds and announces the demo, or prints the wallet's URL; warns about what is missing.
async fn greet(
    state: &AppState,
    shop: Option<&Shop>,
    origin: &str,
    addr: SocketAddr,
) -> Result<(), StartError> {
    if let Some(shop) = shop {
        let merchant = state.config.merchant_by_id(crate::demo::MERCHANT_ID, false);
        crate::demo::seed(&state.db, &state.passwords, merchant.as_deref())
            .await
            .map_err(StartError::Seed)?;
        let allowed = merchant.map_or_else(Vec::new, |m| m.allowed_origins.clone());
        crate::demo::announce((origin, &shop.origin), &state.config, &allowed);
    } else {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "Balance Checkout wallet-server: {origin}/");
        let _ = out.flush();
    }
    tracing::info!(%addr, sandbox = state.config.sandbox, "listening");
    if state.config.merchants.is_empty() {
        tracing::warn!("no merchants configured: POST /v1/sessions answers 401; add [[merchants]] to the configuration file");
    }
    if state.config.admin_keys.is_empty() {
        tracing::warn!(
            "no admin key configured: wallet endpoints answer 401; set admin_key or BC_ADMIN_KEY"
        );
    }
    Ok(())
}

/// The wallet as a WebAuthn relying party, or `None` (logged) when passkeys cannot work
/// at its public URL.
fn relying_party(url: &str) -> Option<crate::security::passkeys::RelyingParty> {
    match crate::security::passkeys::RelyingParty::for_origin(url) {
        Ok(rp) => Some(rp),
        Err(why) => {
            tracing::warn!("passkeys are off: {why}");
            None
        }
    }
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
