//! The TOML file (crates/wallet-server/README.md *Configuration*), and the demo's preset
//! standing in for it or filling what it leaves out.

use std::path::{Path, PathBuf};

use checkout_core::{Method, Policy, SecondLeg};
use serde::Deserialize;

use super::error::ConfigError;

/// The TOML file. Every key is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub widget_dir: Option<PathBuf>,
    pub public_url: Option<String>,
    /// One admin key, `ak_test_…` or `ak_live_…` (the mode of the wallets it manages).
    pub admin_key: Option<String>,
    /// More admin keys, e.g. a test key and a live key, or an old and a new one while
    /// rotating.
    #[serde(default)]
    pub admin_keys: Vec<String>,
    /// A read-only credential for `GET /metrics` (a Prometheus scraper), so that the
    /// scraper holds no admin key, which can create money.
    pub metrics_key: Option<String>,
    /// Keys every payment-password hash; never stored in the database (DESIGN.md
    /// *Security model*). At least 32 characters.
    pub password_pepper: Option<String>,
    /// Peppers of earlier releases: they still verify, and a success re-hashes with the
    /// current one (rotation).
    #[serde(default)]
    pub password_previous_peppers: Vec<String>,
    /// Argon2id checks at once (19 MiB each); default: the number of CPUs.
    pub password_workers: Option<usize>,
    pub sandbox: Option<bool>,
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    pub session_ttl_secs: Option<u64>,
    pub hold_ttl_secs: Option<u64>,
    pub recharge_ttl_secs: Option<u64>,
    pub lockout_secs: Option<u64>,
    pub takeover_secs: Option<u64>,
    pub sweep_interval_secs: Option<u64>,
    pub rate_limit_ip_per_min: Option<u32>,
    pub rate_limit_session_per_min: Option<u32>,
    /// How many replicas share the rate limits (each enforces its share).
    pub replicas: Option<u32>,
    pub max_connections: Option<usize>,
    /// `read_committed` (default) or `serializable`: PostgreSQL's writing transactions.
    pub isolation: Option<String>,
    pub header_timeout_secs: Option<u64>,
    pub body_timeout_secs: Option<u64>,
    pub body_min_bytes_per_sec: Option<u64>,
    pub request_timeout_secs: Option<u64>,
    pub max_connections_per_client: Option<usize>,
    /// The operator's gateway for live wallets' one-time codes, and its `whsec_` secret.
    pub message_gateway_url: Option<String>,
    pub message_gateway_secret: Option<String>,
    /// `/wallet/sign-up`: `off`, `test` or `live` (`crate::config::AccountSettings`).
    pub signup: Option<String>,
    pub signup_currency: Option<String>,
    /// The UTC offset of the times on the wallet pages (`+08:00`).
    #[serde(default)]
    pub display_utc_offset: Option<String>,
    /// A transfer above this amount (major units) asks for a step-up.
    pub transfer_step_up_above: Option<String>,
    /// Addresses of the operator's TLS proxies: only from them is `X-Forwarded-For` read.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// Waits between webhook attempts ([`DEFAULT_RETRY_SCHEDULE`]).
    pub webhook_retry_schedule: Option<String>,
    pub webhook_timeout_ms: Option<u64>,
    pub webhook_poll_ms: Option<u64>,
    pub webhook_concurrency: Option<usize>,
    /// Origins on the operator's network that test webhook endpoints may name (refused
    /// beside live keys).
    #[serde(default)]
    pub webhook_private_origins: Vec<String>,
    #[serde(default)]
    pub merchants: Vec<MerchantFile>,
    /// Recharge bonus campaigns (`[[recharge_promotions]]`, DESIGN.md *Promotions*).
    #[serde(default)]
    pub recharge_promotions: Vec<checkout_core::RechargePromotion>,
}

/// `[[merchants]]` in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MerchantFile {
    pub id: String,
    /// The name shoppers read (the wallet's history, its linked shops, the consent page);
    /// the id when absent.
    #[serde(default)]
    pub name: Option<String>,
    pub secret_key: String,
    #[serde(default)]
    pub policy: Option<Policy>,
    /// The sandbox's second methods (`bank_card`, `wechat_pay`, `alipay`, `ecny`).
    #[serde(default)]
    pub methods: Option<Vec<Method>>,
    /// Who settles what the balance does not pay when a session does not say
    /// (DESIGN.md *The second leg*): `sandbox` (test keys on a server with the sandbox
    /// on; the default there) or `merchant`. Unset elsewhere: the balance pays alone.
    #[serde(default)]
    pub second_leg: Option<SecondLeg>,
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Origins a `return_url` of this merchant may name (`https://shop.example`); empty:
    /// any `https` URL.
    #[serde(default)]
    pub return_origins: Vec<String>,
    /// `[[merchants.webhooks]]`: endpoints that receive this merchant's events.
    #[serde(default)]
    pub webhooks: Vec<WebhookFile>,
}

/// `[[merchants.webhooks]]`: an endpoint and its `whsec_…` secrets (every one signs each
/// delivery, so a new secret can be added before the old one is removed).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookFile {
    pub url: String,
    pub secrets: Vec<String>,
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|source| ConfigError::Parse {
        path: path.to_owned(),
        source,
    })
}

/// The file at `path`, or the preset without one. With both, the preset fills what the
/// file leaves out: its admin key, pepper, sandbox switch and merchants whose id the
/// file does not use.
///
/// # Errors
/// [`ConfigError::Read`] or [`ConfigError::Parse`] naming the file.
pub fn resolve(path: Option<&Path>, preset: Option<FileConfig>) -> Result<FileConfig, ConfigError> {
    let Some(path) = path else {
        return Ok(preset.unwrap_or_default());
    };
    let mut file = read_file(path)?;
    if let Some(preset) = preset {
        if file.admin_keys.is_empty() {
            file.admin_key = file.admin_key.or(preset.admin_key);
        }
        file.metrics_key = file.metrics_key.or(preset.metrics_key);
        file.password_pepper = file.password_pepper.or(preset.password_pepper);
        file.sandbox = file.sandbox.or(preset.sandbox);
        for m in preset.merchants {
            if !file.merchants.iter().any(|f| f.id == m.id) {
                file.merchants.push(m);
            }
        }
        if file.recharge_promotions.is_empty() {
            file.recharge_promotions = preset.recharge_promotions;
        }
    }
    Ok(file)
}
