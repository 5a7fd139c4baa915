//! Structured logs. Nothing logged here or elsewhere carries a password, client secret,
//! key or signature: request logs name the method, the path and the status only, and
//! paths never hold secrets (secrets travel in headers and bodies).

use tracing_subscriber::EnvFilter;

/// Logs to stderr, `info` by default; `RUST_LOG` overrides (e.g. `RUST_LOG=wallet_server=debug`).
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}
