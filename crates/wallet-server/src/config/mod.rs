//! Configuration: command-line flags, then environment variables, then the TOML file,
//! then defaults (the first one that gives a value wins).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use checkout_core::{Method, Policy};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Which subcommand runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Serve,
    Demo,
}

/// Flags shared by `serve` and `demo`. Each also reads its environment variable.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Cli {
    /// TOML configuration file (merchants, keys, policy, origins).
    #[arg(long, env = "BC_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free port).
    #[arg(long, env = "BC_LISTEN")]
    pub listen: Option<String>,
    /// sqlite://path, sqlite::memory: or postgres://… (DATABASE_URL is also read).
    #[arg(long, env = "BC_DATABASE_URL")]
    pub database: Option<String>,
    /// The widget's Trunk output directory, served under /balance-checkout/.
    #[arg(long, env = "BC_WIDGET_DIR")]
    pub widget_dir: Option<PathBuf>,
    /// Demo only: address of the demo shop, a second origin (default 127.0.0.1:8081, or
    /// port 0 when `--listen` picks its port; 0 picks a free port).
    #[arg(long, env = "BC_SHOP_LISTEN")]
    pub shop_listen: Option<String>,
}

/// `[[merchants]]` in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MerchantFile {
    pub id: String,
    pub secret_key: String,
    #[serde(default)]
    pub policy: Option<Policy>,
    #[serde(default)]
    pub methods: Option<Vec<Method>>,
    #[serde(default)]
    pub allowed_origins: Vec<String>,
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

/// Webhook delivery (DESIGN.md *Webhooks*, docs/webhooks.md).
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Waits after the first attempt, the second, …; after the last, the delivery is
    /// `failed`. Each wait gets ±10 % jitter.
    pub retry_schedule: Vec<std::time::Duration>,
    /// How long an attempt may take (connect, send, answer's headers).
    pub timeout: std::time::Duration,
    /// How often to look for due deliveries when not woken by a commit of this process.
    pub poll: std::time::Duration,
    /// Deliveries in flight at once, per process.
    pub concurrency: usize,
}

/// The default schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 20 h — about
/// three days (71 h 35 min) from the first attempt to the last.
pub const DEFAULT_RETRY_SCHEDULE: &str = "5s,5m,30m,2h,5h,10h,14h,20h,20h";

/// `50ms`, `5s`, `5m`, `2h` or `1d` as a duration.
fn duration(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = text.split_at(split);
    let n: u64 = n.parse().ok()?;
    let ms = match unit {
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    Some(std::time::Duration::from_millis(n.checked_mul(ms)?))
}

/// A comma-separated retry schedule such as [`DEFAULT_RETRY_SCHEDULE`].
///
/// # Errors
/// [`ConfigError::Invalid`] naming the entry that is not a duration.
pub fn retry_schedule(text: &str) -> Result<Vec<std::time::Duration>, ConfigError> {
    text.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            duration(p).ok_or_else(|| {
                ConfigError::Invalid(format!(
                    "webhook_retry_schedule: {p:?} is not a duration; write e.g. \"5s,5m,30m,2h\" (ms, s, m, h, d)"
                ))
            })
        })
        .collect()
}

fn webhook_settings(file: &FileConfig) -> Result<WebhookSettings, ConfigError> {
    let schedule = env("BC_WEBHOOK_RETRY_SCHEDULE")
        .or_else(|| file.webhook_retry_schedule.clone())
        .unwrap_or_else(|| DEFAULT_RETRY_SCHEDULE.to_owned());
    let ms = |v: Option<u64>, default: u64| {
        std::time::Duration::from_millis(v.unwrap_or(default).max(1))
    };
    Ok(WebhookSettings {
        retry_schedule: retry_schedule(&schedule)?,
        timeout: ms(
            env_number("BC_WEBHOOK_TIMEOUT_MS")?.or(file.webhook_timeout_ms),
            10_000,
        ),
        poll: ms(
            env_number("BC_WEBHOOK_POLL_MS")?.or(file.webhook_poll_ms),
            1000,
        ),
        concurrency: env_number("BC_WEBHOOK_CONCURRENCY")?
            .or(file.webhook_concurrency)
            .unwrap_or(16)
            .max(1),
    })
}

/// The TOML file. Every key is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub widget_dir: Option<PathBuf>,
    pub public_url: Option<String>,
    pub admin_key: Option<String>,
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
    /// Waits between webhook attempts ([`DEFAULT_RETRY_SCHEDULE`]).
    pub webhook_retry_schedule: Option<String>,
    pub webhook_timeout_ms: Option<u64>,
    pub webhook_poll_ms: Option<u64>,
    pub webhook_concurrency: Option<usize>,
    #[serde(default)]
    pub merchants: Vec<MerchantFile>,
}

/// A merchant as the server uses it.
#[derive(Debug, Clone)]
pub struct Merchant {
    pub id: String,
    /// A live key (`sk_live_…`): its objects are live; the sandbox never acts on them.
    pub livemode: bool,
    pub policy: Policy,
    pub methods: Vec<Method>,
    pub allowed_origins: Vec<String>,
    /// Webhook endpoints of the configuration (synced into the database at start).
    pub webhooks: Vec<WebhookFile>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    pub listen: String,
    pub database_url: String,
    pub widget_dir: PathBuf,
    /// Base of absolute URLs the server hands out (sandbox page); the request's Host when absent.
    pub public_url: Option<String>,
    /// SHA-256 of the admin key; wallet endpoints answer 401 when there is none.
    pub admin_key_digest: Option<[u8; 32]>,
    /// The current pepper of payment-password hashes, and earlier ones that still verify.
    pub password_pepper: String,
    pub password_previous_peppers: Vec<String>,
    /// Argon2id checks at once.
    pub password_workers: usize,
    pub sandbox: bool,
    pub allowed_origins: Vec<String>,
    pub session_ttl_secs: i64,
    pub hold_ttl_secs: i64,
    pub lockout_secs: i64,
    /// A key still `running` after this long belongs to a request that died with its
    /// process; a retry may take it over.
    pub takeover_secs: i64,
    pub sweep_interval_secs: u64,
    pub rate_limit_ip_per_min: u32,
    pub rate_limit_session_per_min: u32,
    /// Replicas behind the load balancer: each enforces 1/`replicas` of the rate limits.
    pub replicas: u32,
    /// Connections served at once.
    pub max_connections: usize,
    /// The isolation of PostgreSQL's writing transactions (DESIGN.md *Several replicas*).
    pub isolation: crate::store::db::Isolation,
    /// Seconds to receive a request's headers (also the keep-alive idle limit).
    pub header_timeout_secs: u64,
    /// Seconds to receive a request's body.
    pub body_timeout_secs: u64,
    /// Merchants by the SHA-256 of their secret key.
    pub merchants: HashMap<[u8; 32], Arc<Merchant>>,
    /// Demo only: where the demo shop listens, and its origin once it does.
    pub shop_listen: String,
    pub shop_origin: Option<String>,
    /// Webhook delivery.
    pub webhooks: WebhookSettings,
}

/// Why the configuration cannot be used; each message says what to change.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}; pass an existing file with --config")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the configuration file {path} is not valid; see crates/wallet-server/README.md for the keys")]
    Parse {
        path: PathBuf,
        #[source]
        source: toml::de::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

/// The shortest merchant key, admin key and pepper `serve` accepts, in characters.
pub const MIN_KEY_LEN: usize = 32;

/// SHA-256 of a key: keys are looked up and compared by digest, never kept in clear.
#[must_use]
pub fn key_digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn env_number<T: std::str::FromStr>(name: &str) -> Result<Option<T>, ConfigError> {
    match env(name) {
        None => Ok(None),
        Some(v) => v.trim().parse().map(Some).map_err(|_| {
            ConfigError::Invalid(format!(
                "{name}={v:?} is not a whole non-negative number; set it to e.g. 60"
            ))
        }),
    }
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
fn default_shop_listen(wallet_listen: &str) -> String {
    match wallet_listen.rsplit_once(':') {
        Some((host, "0")) => format!("{host}:0"),
        _ => "127.0.0.1:8081".to_owned(),
    }
}

/// The merchants by key digest; their origins are added to `origins`.
fn merchants(
    list: Vec<MerchantFile>,
    origins: &mut Vec<String>,
    min_key_len: usize,
) -> Result<HashMap<[u8; 32], Arc<Merchant>>, ConfigError> {
    let mut merchants = HashMap::new();
    for m in list {
        let livemode = m.secret_key.starts_with("sk_live_");
        if !livemode && !m.secret_key.starts_with("sk_test_") {
            return Err(ConfigError::Invalid(format!(
                "merchant {:?}: its secret_key must start with sk_test_ (test mode) or sk_live_ (live mode)",
                m.id
            )));
        }
        if m.id.trim().is_empty() || m.secret_key.len() < min_key_len.max(12) {
            return Err(ConfigError::Invalid(format!(
                "merchant {:?}: needs a non-empty id and a secret_key of at least {} characters (e.g. sk_live_ and `openssl rand -hex 16`)",
                m.id,
                min_key_len.max(12)
            )));
        }
        origins.extend(m.allowed_origins.iter().cloned());
        let merchant = Merchant {
            id: m.id,
            livemode,
            policy: m.policy.unwrap_or_default(),
            methods: m.methods.unwrap_or_else(|| Method::ALL.to_vec()),
            allowed_origins: m.allowed_origins,
            webhooks: m.webhooks,
        };
        if merchants
            .insert(key_digest(&m.secret_key), Arc::new(merchant))
            .is_some()
        {
            return Err(ConfigError::Invalid(
                "two merchants share a secret_key; give each its own".to_owned(),
            ));
        }
    }
    Ok(merchants)
}

fn secs(value: Option<u64>, default: u64, name: &str) -> Result<i64, ConfigError> {
    let v = value.unwrap_or(default);
    if v == 0 {
        return Err(ConfigError::Invalid(format!(
            "{name} must be at least 1 second"
        )));
    }
    i64::try_from(v).map_err(|_| {
        ConfigError::Invalid(format!(
            "{name} is too large; use at most a few days in seconds"
        ))
    })
}

impl Config {
    /// Resolves flags, environment, file and defaults. `preset` (the demo's fixed values)
    /// stands in for a missing file, and fills what a given file leaves out: its admin
    /// key, sandbox switch and merchants whose id the file does not use.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file, variable or key to fix.
    pub fn load(mode: Mode, cli: &Cli, preset: Option<FileConfig>) -> Result<Config, ConfigError> {
        let mut file = match &cli.config {
            Some(path) => read_file(path)?,
            None => preset.clone().unwrap_or_default(),
        };
        if let (Some(preset), Some(_)) = (preset, &cli.config) {
            file.admin_key = file.admin_key.or(preset.admin_key);
            file.password_pepper = file.password_pepper.or(preset.password_pepper);
            file.sandbox = file.sandbox.or(preset.sandbox);
            for m in preset.merchants {
                if !file.merchants.iter().any(|f| f.id == m.id) {
                    file.merchants.push(m);
                }
            }
        }
        let webhooks = webhook_settings(&file)?;
        let listen = cli
            .listen
            .clone()
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let database_url = cli
            .database
            .clone()
            .or_else(|| env("DATABASE_URL"))
            .or(file.database_url)
            .unwrap_or_else(|| match mode {
                Mode::Demo => "sqlite://balance-checkout-demo.db".to_owned(),
                Mode::Serve => "sqlite://balance-checkout.db".to_owned(),
            });
        let admin_key = env("BC_ADMIN_KEY").or(file.admin_key);
        let mut allowed_origins = file.allowed_origins;
        // Keys of real deployments are long random strings; the demo's are fixed and short.
        let min_key_len = match mode {
            Mode::Serve => MIN_KEY_LEN,
            Mode::Demo => 0,
        };
        let merchants = merchants(file.merchants, &mut allowed_origins, min_key_len)?;
        if admin_key.as_ref().is_some_and(|k| k.len() < min_key_len) {
            return Err(ConfigError::Invalid(format!(
                "admin_key must be at least {MIN_KEY_LEN} random characters"
            )));
        }
        if let Some(extra) = env("BC_ALLOWED_ORIGINS") {
            allowed_origins.extend(extra.split(',').map(|o| o.trim().to_owned()));
        }
        allowed_origins.sort();
        allowed_origins.dedup();
        if let Some(bad) = allowed_origins.iter().find(|o| !is_origin(o)) {
            return Err(ConfigError::Invalid(format!(
                "allowed origin {bad:?} is not an origin; write scheme, host and port only, like \"https://shop.example\""
            )));
        }
        let sandbox = match env("BC_SANDBOX") {
            Some(v) => matches!(v.as_str(), "1" | "true" | "on" | "yes"),
            None => file.sandbox.unwrap_or(mode == Mode::Demo),
        };
        if sandbox && merchants.values().any(|m| m.livemode) {
            return Err(ConfigError::Invalid(
                "the sandbox is on and a merchant has a live key (sk_live_…): the sandbox would settle second legs nobody paid; turn the sandbox off (sandbox = false, BC_SANDBOX unset) or use test keys".to_owned(),
            ));
        }
        let public_url = env("BC_PUBLIC_URL")
            .or(file.public_url)
            .map(|u| u.trim_end_matches('/').to_owned());
        if mode == Mode::Serve && !is_loopback(&listen) {
            match &public_url {
                Some(url) if url.starts_with("https://") => {}
                _ => {
                    return Err(ConfigError::Invalid(format!(
                        "listening on {listen} (not loopback) needs public_url = \"https://…\": shoppers type payment passwords into this server's pages; put it behind TLS and give its https address"
                    )))
                }
            }
        }
        let password_pepper = env("BC_PASSWORD_PEPPER")
            .or(file.password_pepper)
            .filter(|p| p.len() >= MIN_KEY_LEN)
            .ok_or_else(|| {
                ConfigError::Invalid(format!(
                    "password_pepper (or BC_PASSWORD_PEPPER) must be set to at least {MIN_KEY_LEN} random characters, e.g. `openssl rand -hex 32`; keep it out of the database and its backups"
                ))
            })?;
        let mut password_previous_peppers = file.password_previous_peppers;
        if let Some(list) = env("BC_PASSWORD_PREVIOUS_PEPPERS") {
            password_previous_peppers.extend(list.split(',').map(|p| p.trim().to_owned()));
        }
        let password_workers = env_number("BC_PASSWORD_WORKERS")?
            .or(file.password_workers)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from))
            .max(1);
        let shop_listen = cli
            .shop_listen
            .clone()
            .unwrap_or_else(|| default_shop_listen(&listen));
        Ok(Config {
            mode,
            listen,
            database_url,
            widget_dir: cli
                .widget_dir
                .clone()
                .or(file.widget_dir)
                .unwrap_or_else(|| PathBuf::from("dist")),
            public_url,
            admin_key_digest: admin_key.as_deref().map(key_digest),
            password_pepper,
            password_previous_peppers,
            password_workers,
            sandbox,
            allowed_origins,
            session_ttl_secs: secs(
                env_number("BC_SESSION_TTL_SECS")?.or(file.session_ttl_secs),
                1800,
                "BC_SESSION_TTL_SECS",
            )?,
            hold_ttl_secs: secs(
                env_number("BC_HOLD_TTL_SECS")?.or(file.hold_ttl_secs),
                900,
                "BC_HOLD_TTL_SECS",
            )?,
            lockout_secs: secs(
                env_number("BC_LOCKOUT_SECS")?.or(file.lockout_secs),
                900,
                "BC_LOCKOUT_SECS",
            )?,
            takeover_secs: secs(
                env_number("BC_TAKEOVER_SECS")?.or(file.takeover_secs),
                120,
                "BC_TAKEOVER_SECS",
            )?,
            sweep_interval_secs: env_number("BC_SWEEP_INTERVAL_SECS")?
                .or(file.sweep_interval_secs)
                .unwrap_or(30)
                .max(1),
            rate_limit_ip_per_min: env_number("BC_RATE_LIMIT_IP_PER_MIN")?
                .or(file.rate_limit_ip_per_min)
                .unwrap_or(600),
            rate_limit_session_per_min: env_number("BC_RATE_LIMIT_SESSION_PER_MIN")?
                .or(file.rate_limit_session_per_min)
                .unwrap_or(60),
            replicas: env_number("BC_REPLICAS")?
                .or(file.replicas)
                .unwrap_or(1)
                .max(1),
            max_connections: env_number("BC_MAX_CONNECTIONS")?
                .or(file.max_connections)
                .unwrap_or(1024)
                .max(1),
            isolation: env("BC_DB_ISOLATION")
                .or(file.isolation)
                .map_or(Ok(crate::store::db::Isolation::default()), |w| {
                    crate::store::db::Isolation::parse(&w)
                })
                .map_err(ConfigError::Invalid)?,
            header_timeout_secs: env_number("BC_HEADER_TIMEOUT_SECS")?
                .or(file.header_timeout_secs)
                .unwrap_or(10)
                .max(1),
            body_timeout_secs: env_number("BC_BODY_TIMEOUT_SECS")?
                .or(file.body_timeout_secs)
                .unwrap_or(30)
                .max(1),
            merchants,
            shop_listen,
            shop_origin: None,
            webhooks,
        })
    }

    /// The merchant whose secret key this is.
    #[must_use]
    pub fn merchant_by_key(&self, key: &str) -> Option<Arc<Merchant>> {
        self.merchants.get(&key_digest(key)).cloned()
    }

    /// The merchant with this id.
    #[must_use]
    pub fn merchant_by_id(&self, id: &str) -> Option<Arc<Merchant>> {
        self.merchants.values().find(|m| m.id == id).cloned()
    }
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
    fn the_default_retry_schedule_lasts_about_three_days() {
        let schedule = super::retry_schedule(super::DEFAULT_RETRY_SCHEDULE).expect("parses");
        let total: std::time::Duration = schedule.iter().sum();
        assert!(total.as_secs() > 70 * 3600 && total.as_secs() <= 72 * 3600);
        assert_eq!(
            super::retry_schedule("50ms, 1s").expect("parses"),
            [
                std::time::Duration::from_millis(50),
                std::time::Duration::from_secs(1)
            ]
        );
        assert!(super::retry_schedule("5 minutes").is_err());
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
