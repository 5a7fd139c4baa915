//! What `serve` refuses to start with, each check on its own: short keys, a weak or
//! missing pepper, origins that are not origins, the sandbox beside a live key, and a
//! non-loopback listener without an `https://` public URL (DESIGN.md *Security model*,
//! *Test and live mode*).

use std::collections::HashMap;
use std::sync::Arc;

use super::cli::Mode;
use super::error::ConfigError;
use super::merchants::{Merchant, MIN_KEY_LEN};

/// `http(s)://host[:port]` with nothing after it (a browser's `Origin` header).
fn is_origin(o: &str) -> bool {
    let rest = o
        .strip_prefix("https://")
        .or_else(|| o.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.contains(['/', '?', '#', ' ', '@']) && r.is_ascii())
}

/// Whether a listen address is on the loopback interface (`127.0.0.1:…`, `[::1]:…`,
/// `localhost:…`).
fn is_loopback(listen: &str) -> bool {
    match listen.parse::<std::net::SocketAddr>() {
        Ok(addr) => addr.ip().is_loopback(),
        Err(_) => listen.starts_with("localhost:"),
    }
}

/// The demo shop's address when none is given: `127.0.0.1:8081`, or port 0 on the
/// wallet's host when the wallet's own port is chosen by the system (tests run many
/// demos at once).
pub fn default_shop_listen(wallet_listen: &str) -> String {
    match wallet_listen.rsplit_once(':') {
        Some((host, "0")) => format!("{host}:0"),
        _ => "127.0.0.1:8081".to_owned(),
    }
}

/// The admin key is long enough for the mode (`min_len`: 0 in the demo).
///
/// # Errors
/// [`ConfigError::Invalid`] when it is shorter.
pub fn admin_key(key: Option<&str>, min_len: usize) -> Result<(), ConfigError> {
    if key.is_some_and(|k| k.len() < min_len) {
        return Err(ConfigError::Invalid(format!(
            "admin_key must be at least {MIN_KEY_LEN} random characters"
        )));
    }
    Ok(())
}

/// Every allowed origin is scheme, host and port only.
///
/// # Errors
/// [`ConfigError::Invalid`] naming the first that is not.
pub fn origins(origins: &[String]) -> Result<(), ConfigError> {
    match origins.iter().find(|o| !is_origin(o)) {
        Some(bad) => Err(ConfigError::Invalid(format!(
            "allowed origin {bad:?} is not an origin; write scheme, host and port only, like \"https://shop.example\""
        ))),
        None => Ok(()),
    }
}

/// The sandbox never runs beside a live key: it would settle second legs nobody paid.
///
/// # Errors
/// [`ConfigError::Invalid`] when both are configured.
pub fn sandbox(
    sandbox: bool,
    merchants: &HashMap<[u8; 32], Arc<Merchant>>,
) -> Result<(), ConfigError> {
    if sandbox && merchants.values().any(|m| m.livemode) {
        return Err(ConfigError::Invalid(
            "the sandbox is on and a merchant has a live key (sk_live_…): the sandbox would settle second legs nobody paid; turn the sandbox off (sandbox = false, BC_SANDBOX unset) or use test keys".to_owned(),
        ));
    }
    Ok(())
}

/// Off loopback, `serve` needs an `https://` public URL: shoppers type payment passwords
/// into its pages.
///
/// # Errors
/// [`ConfigError::Invalid`] naming the listen address.
pub fn public_url(mode: Mode, listen: &str, public_url: Option<&str>) -> Result<(), ConfigError> {
    if mode != Mode::Serve || is_loopback(listen) {
        return Ok(());
    }
    match public_url {
        Some(url) if url.starts_with("https://") => Ok(()),
        _ => Err(ConfigError::Invalid(format!(
            "listening on {listen} (not loopback) needs public_url = \"https://…\": shoppers type payment passwords into this server's pages; put it behind TLS and give its https address"
        ))),
    }
}

/// The pepper of payment-password hashes: set, and at least [`MIN_KEY_LEN`] characters.
///
/// # Errors
/// [`ConfigError::Invalid`] saying how to make one.
pub fn pepper(pepper: Option<String>) -> Result<String, ConfigError> {
    pepper.filter(|p| p.len() >= MIN_KEY_LEN).ok_or_else(|| {
        ConfigError::Invalid(format!(
            "password_pepper (or BC_PASSWORD_PEPPER) must be set to at least {MIN_KEY_LEN} random characters, e.g. `openssl rand -hex 32`; keep it out of the database and its backups"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::{default_shop_listen, is_loopback, is_origin};

    #[test]
    fn only_loopback_addresses_may_go_without_https() {
        assert!(is_loopback("127.0.0.1:8080"));
        assert!(is_loopback("[::1]:0"));
        assert!(is_loopback("localhost:9000"));
        assert!(!is_loopback("0.0.0.0:8080"));
        assert!(!is_loopback("10.0.0.5:443"));
    }

    #[test]
    fn the_demo_shop_listens_next_to_the_wallet() {
        assert_eq!(default_shop_listen("127.0.0.1:8080"), "127.0.0.1:8081");
        assert_eq!(default_shop_listen("127.0.0.1:0"), "127.0.0.1:0");
    }

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert!(is_origin("https://shop.example"));
        assert!(is_origin("http://127.0.0.1:8080"));
        assert!(!is_origin("https://shop.example/"));
        assert!(!is_origin("shop.example"));
        assert!(!is_origin("https://"));
    }
}
