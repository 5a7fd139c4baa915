//! What the server refuses to start with, each check on its own: short keys, a weak or
//! missing pepper, origins that are not origins, the sandbox beside a live key, a
//! non-loopback `serve` without an `https://` public URL, and a `demo` with a live key or
//! off loopback (DESIGN.md *Security model*, *Test and live mode*).

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

/// `demo` publishes its keys, pepper and passwords: it holds no live key, merchant or
/// admin (DESIGN.md *Test and live mode*).
///
/// # Errors
/// [`ConfigError::Invalid`] naming the live key's owner.
pub fn demo_keys(
    admin_key: Option<&str>,
    merchants: &HashMap<[u8; 32], Arc<Merchant>>,
) -> Result<(), ConfigError> {
    let refuse = |what: String| {
        Err(ConfigError::Invalid(format!(
            "{what}, and the demo publishes its keys, pepper and passwords; run live keys with `wallet-server serve`, or give the demo test keys (sk_test_…, ak_test_…)"
        )))
    };
    if admin_key.is_some_and(|k| k.starts_with("ak_live_")) {
        return refuse("the admin key is a live key (ak_live_…)".to_owned());
    }
    match merchants.values().find(|m| m.livemode) {
        Some(m) => refuse(format!("merchant {:?} has a live key (sk_live_…)", m.id)),
        None => Ok(()),
    }
}

/// `demo` listens on loopback only (its wallet and its shop): anyone who reached it could
/// sign in with the published passwords.
///
/// # Errors
/// [`ConfigError::Invalid`] naming the address and its flag.
pub fn demo_listen(listen: &str, shop_listen: &str) -> Result<(), ConfigError> {
    for (address, flag) in [(listen, "--listen"), (shop_listen, "--shop-listen")] {
        if !is_loopback(address) {
            return Err(ConfigError::Invalid(format!(
                "the demo listens on loopback only ({flag} {address} is not): its passwords are published; use 127.0.0.1:<port>, or `wallet-server serve` behind TLS"
            )));
        }
    }
    Ok(())
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
    use super::{is_loopback, is_origin};

    #[test]
    fn only_loopback_addresses_may_go_without_https() {
        assert!(is_loopback("127.0.0.1:8080"));
        assert!(is_loopback("[::1]:0"));
        assert!(is_loopback("localhost:9000"));
        assert!(!is_loopback("0.0.0.0:8080"));
        assert!(!is_loopback("10.0.0.5:443"));
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
