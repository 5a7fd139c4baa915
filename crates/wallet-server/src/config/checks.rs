//! What the server refuses to start with, each check on its own: short keys, a weak or
//! missing pepper, origins that are not origins, the sandbox beside a live key, a
//! non-loopback `serve` without an `https://` public URL, and a `demo` with a live key or
//! off loopback (DESIGN.md *Security model*, *Test and live mode*).

use std::collections::HashMap;
use std::sync::Arc;

use checkout_core::SecondLeg;

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

/// The admin keys by digest with their mode (`true`: live): each `ak_test_…` or
/// `ak_live_…` and long enough for the server's mode (`min_len`: 0 in the demo).
///
/// # Errors
/// [`ConfigError::Invalid`] for a key without a mode prefix or shorter than `min_len`.
pub fn admin_keys(keys: &[String], min_len: usize) -> Result<HashMap<[u8; 32], bool>, ConfigError> {
    let mut by_digest = HashMap::new();
    for key in keys.iter().filter(|k| !k.is_empty()) {
        let livemode = match key.get(..8) {
            Some("ak_live_") => true,
            Some("ak_test_") => false,
            _ => {
                return Err(ConfigError::Invalid(
                    "an admin key must start with ak_test_ (test wallets) or ak_live_ (live wallets), then random characters, e.g. ak_live_$(openssl rand -hex 24)".to_owned(),
                ))
            }
        };
        if key.len() < min_len {
            return Err(ConfigError::Invalid(format!(
                "admin keys must be at least {MIN_KEY_LEN} random characters"
            )));
        }
        by_digest.insert(super::key_digest(key), livemode);
    }
    Ok(by_digest)
}

/// The metrics key's digest: at least `min_len` characters (0 in the demo).
///
/// # Errors
/// [`ConfigError::Invalid`] for a shorter key.
pub fn metrics_key(key: &str, min_len: usize) -> Result<[u8; 32], ConfigError> {
    if key.len() < min_len {
        return Err(ConfigError::Invalid(format!(
            "metrics_key must be at least {MIN_KEY_LEN} random characters, e.g. mk_$(openssl rand -hex 24)"
        )));
    }
    Ok(super::key_digest(key))
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
/// A merchant whose `second_leg` is `sandbox` needs it on.
///
/// # Errors
/// [`ConfigError::Invalid`] when both are configured, or naming the merchant.
pub fn sandbox(
    sandbox: bool,
    merchants: &HashMap<[u8; 32], Arc<Merchant>>,
) -> Result<(), ConfigError> {
    if sandbox && merchants.values().any(|m| m.livemode) {
        return Err(ConfigError::Invalid(
            "the sandbox is on and a merchant has a live key (sk_live_…): the sandbox would settle second legs nobody paid; turn the sandbox off (sandbox = false, BC_SANDBOX unset) or use test keys".to_owned(),
        ));
    }
    let needs_sandbox = merchants
        .values()
        .find(|m| m.second_leg == Some(SecondLeg::Sandbox));
    if let (false, Some(m)) = (sandbox, needs_sandbox) {
        return Err(ConfigError::Invalid(format!(
            "merchant {:?} has second_leg = \"sandbox\" but the sandbox is off; set second_leg = \"merchant\" (your server collects the rest and captures) or turn the sandbox on (test keys only)",
            m.id
        )));
    }
    Ok(())
}

/// Webhook endpoints may name private origins only where no live key is configured: a
/// live instance has no exception to the public-address rule but the demo's shop, and
/// the demo holds no live key.
///
/// # Errors
/// [`ConfigError::Invalid`] naming the setting, or an entry that is not an origin.
pub fn private_origins(
    origins: &[String],
    admin_keys: &HashMap<[u8; 32], bool>,
    merchants: &HashMap<[u8; 32], Arc<Merchant>>,
) -> Result<(), ConfigError> {
    if let Some(bad) = origins.iter().find(|o| !is_origin(o)) {
        return Err(ConfigError::Invalid(format!(
            "webhook_private_origins: {bad:?} is not an origin; write scheme, host and port only, like \"http://127.0.0.1:8123\""
        )));
    }
    let live = admin_keys.values().any(|l| *l) || merchants.values().any(|m| m.livemode);
    if live && !origins.is_empty() {
        return Err(ConfigError::Invalid(
            "webhook_private_origins is set beside a live key: live webhooks go only to public addresses; remove the setting (BC_WEBHOOK_PRIVATE_ORIGINS) or run the test keys on their own instance".to_owned(),
        ));
    }
    Ok(())
}

/// The trusted proxies: IP addresses.
///
/// # Errors
/// [`ConfigError::Invalid`] naming the entry that is not one.
pub fn trusted_proxies(list: &[String]) -> Result<Vec<std::net::IpAddr>, ConfigError> {
    list.iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            p.trim().parse().map_err(|_| {
                ConfigError::Invalid(format!(
                    "trusted_proxies: {p:?} is not an IP address; list your TLS proxies' addresses, e.g. [\"127.0.0.1\"]"
                ))
            })
        })
        .collect()
}

/// `serve` needs a public URL: every absolute URL it hands out is built from it, never
/// from a request's `Host`. Off loopback it must be `https://`: shoppers type payment
/// passwords into its pages. The demo's is its own address unless given.
///
/// # Errors
/// [`ConfigError::Invalid`] naming what is missing or wrong.
pub fn public_url(mode: Mode, listen: &str, public_url: Option<&str>) -> Result<(), ConfigError> {
    let parsed = public_url
        .map(crate::config::PublicUrl::parse)
        .transpose()
        .map_err(ConfigError::Invalid)?;
    match (mode, parsed) {
        (Mode::Serve, None) => Err(ConfigError::Invalid(
            "serve needs public_url (or BC_PUBLIC_URL): the address shoppers and merchants reach this server at, like \"https://wallet.example\" behind a TLS proxy, or \"http://127.0.0.1:8080\" on a developer's machine; the server never builds its URLs from a request's Host header".to_owned(),
        )),
        (Mode::Serve, Some(p)) if !p.secure() && !is_loopback(listen) => Err(ConfigError::Invalid(format!(
            "listening on {listen} (not loopback) needs public_url = \"https://…\": shoppers type payment passwords into this server's pages; put it behind TLS and give its https address"
        ))),
        _ => Ok(()),
    }
}

/// `demo` publishes its keys, pepper and passwords: it holds no live key, merchant or
/// admin (DESIGN.md *Test and live mode*).
///
/// # Errors
/// [`ConfigError::Invalid`] naming the live key's owner.
pub fn demo_keys(
    admin_keys: &HashMap<[u8; 32], bool>,
    merchants: &HashMap<[u8; 32], Arc<Merchant>>,
) -> Result<(), ConfigError> {
    let refuse = |what: String| {
        Err(ConfigError::Invalid(format!(
            "{what}, and the demo publishes its keys, pepper and passwords; run live keys with `wallet-server serve`, or give the demo test keys (sk_test_…, ak_test_…)"
        )))
    };
    if admin_keys.values().any(|live| *live) {
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

/// The demo's own flags: it listens on loopback only ([`demo_listen`]); `--allow-origin`
/// is the demo's (with `serve` a merchant's origins are in `--config`) and takes origins.
///
/// # Errors
/// [`ConfigError::Invalid`] saying which flag and what to do instead.
pub fn demo_flags(
    mode: Mode,
    (listen, shop_listen): (&str, &str),
    allow_origin: &[String],
) -> Result<(), ConfigError> {
    if mode == Mode::Demo {
        demo_listen(listen, shop_listen)?;
    } else if !allow_origin.is_empty() {
        return Err(ConfigError::Invalid(
            "--allow-origin is for the demo; with serve, list a merchant's origins in --config ([[merchants]] allowed_origins)".to_owned(),
        ));
    }
    origins(allow_origin)
}

/// The demo's payment-password pepper: published (the demo's values are public), so
/// `serve` refuses it.
pub const DEMO_PEPPER: &str = "demo-pepper-not-a-secret-0123456789abcdef";

/// The pepper of payment-password hashes: set, at least [`MIN_KEY_LEN`] characters, and
/// for `serve` not the demo's published one.
///
/// # Errors
/// [`ConfigError::Invalid`] saying how to make one.
pub fn pepper(mode: Mode, pepper: Option<String>) -> Result<String, ConfigError> {
    let how = "e.g. `openssl rand -hex 32`; keep it out of the database and its backups";
    let pepper = pepper.filter(|p| p.len() >= MIN_KEY_LEN).ok_or_else(|| {
        ConfigError::Invalid(format!(
            "password_pepper (or BC_PASSWORD_PEPPER) must be set to at least {MIN_KEY_LEN} random characters, {how}"
        ))
    })?;
    if mode == Mode::Serve && pepper == DEMO_PEPPER {
        return Err(ConfigError::Invalid(format!(
            "password_pepper is the demo's, which is published; set your own random one, {how}"
        )));
    }
    Ok(pepper)
}

#[cfg(test)]
mod tests {
    use super::{demo_flags, is_loopback, is_origin, Mode};

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

    #[test]
    fn allow_origin_is_the_demos_and_takes_origins() {
        let loopback = ("127.0.0.1:8080", "127.0.0.1:8081");
        let mine = ["http://127.0.0.1:5000".to_owned()];
        assert!(demo_flags(Mode::Demo, loopback, &mine).is_ok());
        assert!(demo_flags(Mode::Serve, loopback, &mine).is_err());
        assert!(demo_flags(Mode::Serve, loopback, &[]).is_ok());
        let path = ["http://127.0.0.1:5000/shop".to_owned()];
        assert!(demo_flags(Mode::Demo, loopback, &path).is_err());
    }
}
