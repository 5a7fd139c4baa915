//! Configuration: command-line flags, then environment variables, then the TOML file,
//! then defaults (the first one that gives a value wins; [`layer`]). `serve` refuses
//! what would be unsafe in production ([`checks`]).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

pub mod accounts;
pub mod checks;
pub mod cli;
pub mod error;
pub mod file;
pub mod layer;
pub mod merchants;
pub mod promotions;
pub mod public_url;
pub mod webhooks;

pub use accounts::AccountSettings;
pub use cli::{Cli, Mode};
pub use error::ConfigError;
pub use file::{FileConfig, MerchantFile, WebhookFile};
use layer::{layered, secs};
pub use merchants::{key_digest, Merchant, MIN_KEY_LEN};
pub use public_url::PublicUrl;
pub use webhooks::{retry_schedule, WebhookSettings, DEFAULT_RETRY_SCHEDULE};

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    pub listen: String,
    pub database_url: String,
    pub widget_dir: PathBuf,
    /// The wallet's address (`PublicUrl`): required in `serve`, the demo's own address
    /// when absent there; the base of every absolute URL the server hands out.
    pub public_url: Option<String>,
    /// The admin keys' modes by the SHA-256 of the key (`true`: live); wallet endpoints
    /// answer 401 when there is none.
    pub admin_keys: HashMap<[u8; 32], bool>,
    /// The SHA-256 of the metrics key: it reads `GET /metrics` and nothing else.
    pub metrics_key: Option<[u8; 32]>,
    /// The current pepper of payment-password hashes, and earlier ones that still verify.
    pub password_pepper: String,
    pub password_previous_peppers: Vec<String>,
    pub sandbox: bool,
    pub allowed_origins: Vec<String>,
    /// Merchants by the SHA-256 of their secret key.
    pub merchants: HashMap<[u8; 32], Arc<Merchant>>,
    /// Demo only: where the demo shop listens, and its origin once it does.
    pub shop_listen: String,
    pub shop_origin: Option<String>,
    /// Demo only (`--allow-origin`): more origins the demo merchant's pages may be on.
    pub demo_origins: Vec<String>,
    /// The operator's recharge bonus campaigns (`crate::wallet::bonuses`).
    pub recharge_promotions: Vec<checkout_core::RechargePromotion>,
    /// Webhook delivery.
    pub webhooks: WebhookSettings,
    /// Where live wallets' one-time codes go.
    pub message_gateway: MessageGateway,
    /// Sign-up and step-up settings.
    pub accounts: AccountSettings,
    /// Lifetimes, timeouts, rate limits and pool sizes.
    pub limits: Limits,
}

/// Where a live wallet's one-time codes go (`message_gateway_url`,
/// `message_gateway_secret`): the operator's SMS and e-mail gateway, which takes a
/// Standard Webhooks-signed POST of `{id, to, text}`. Operator configuration, not
/// filtered like merchants' webhook URLs. Test wallets' codes go to the sandbox inbox.
#[derive(Debug, Clone, Default)]
pub struct MessageGateway {
    pub url: Option<String>,
    /// `whsec_…`.
    pub secret: Option<String>,
}

impl MessageGateway {
    fn of(file: &mut FileConfig) -> Result<MessageGateway, ConfigError> {
        Ok(MessageGateway {
            url: layered(
                None,
                "BC_MESSAGE_GATEWAY_URL",
                file.message_gateway_url.take(),
            )?,
            secret: layered(
                None,
                "BC_MESSAGE_GATEWAY_SECRET",
                file.message_gateway_secret.take(),
            )?,
        })
    }
}

/// Lifetimes, timeouts, rate limits and pool sizes (seconds unless named otherwise).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Argon2id checks at once.
    pub password_workers: usize,
    pub session_ttl_secs: i64,
    pub hold_ttl_secs: i64,
    /// A test recharge still `pending` this long after it began is abandoned by the
    /// sweeper, and its campaign bonus reservation goes back to the budget.
    pub recharge_ttl_secs: i64,
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
    /// Seconds to receive a request's whole body (never reset by a byte arriving).
    pub body_timeout_secs: u64,
    /// After two seconds, a body's least average rate in bytes per second (0: none).
    pub body_min_bytes_per_sec: u64,
    /// Seconds a request may take from its headers to its answer (then 408).
    pub request_timeout_secs: u64,
    /// Connections one client address may hold at once (`trusted_proxies` exempt).
    pub max_connections_per_client: usize,
    /// The operator's proxies: a request from one of them is counted (rate limits, sign-in
    /// throttling) by the client address its `X-Forwarded-For` names.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// Who may call: the admin key's digest, the merchants by key digest, and the origins
/// allowed for CORS (the configuration's own `allowed_origins` only: a development page
/// such as a test runner's; never a merchant's).
struct Credentials {
    admin_keys: HashMap<[u8; 32], bool>,
    metrics_key: Option<[u8; 32]>,
    merchants: HashMap<[u8; 32], Arc<Merchant>>,
    allowed_origins: Vec<String>,
}

impl Credentials {
    /// Keys of real deployments are long random strings; the demo's are fixed and short.
    fn of(mode: Mode, file: &mut FileConfig) -> Result<Credentials, ConfigError> {
        let min_key_len = match mode {
            Mode::Serve => MIN_KEY_LEN,
            Mode::Demo => 0,
        };
        let admin_key = layered(None, "BC_ADMIN_KEY", file.admin_key.take())?;
        let mut admin_keys = layer::list("BC_ADMIN_KEYS", std::mem::take(&mut file.admin_keys));
        admin_keys.extend(admin_key);
        let allowed_origins = std::mem::take(&mut file.allowed_origins);
        let merchants = merchants::merchants(std::mem::take(&mut file.merchants), min_key_len)?;
        let admin_keys = checks::admin_keys(&admin_keys, min_key_len)?;
        if mode == Mode::Demo {
            checks::demo_keys(&admin_keys, &merchants)?;
        }
        let mut allowed_origins = layer::list("BC_ALLOWED_ORIGINS", allowed_origins);
        allowed_origins.sort();
        allowed_origins.dedup();
        checks::origins(&allowed_origins)?;
        let metrics_key = layered(None, "BC_METRICS_KEY", file.metrics_key.take())?
            .map(|key| checks::metrics_key(&key, min_key_len))
            .transpose()?;
        Ok(Credentials {
            admin_keys,
            metrics_key,
            merchants,
            allowed_origins,
        })
    }
}

impl Limits {
    fn of(file: &FileConfig) -> Result<Limits, ConfigError> {
        let at_least_one = |v: Option<u64>, default: u64| v.unwrap_or(default).max(1);
        Ok(Limits {
            password_workers: layered(None, "BC_PASSWORD_WORKERS", file.password_workers)?
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from))
                .max(1),
            session_ttl_secs: secs("BC_SESSION_TTL_SECS", file.session_ttl_secs, 1800)?,
            hold_ttl_secs: secs("BC_HOLD_TTL_SECS", file.hold_ttl_secs, 900)?,
            recharge_ttl_secs: secs("BC_RECHARGE_TTL_SECS", file.recharge_ttl_secs, 1800)?,
            lockout_secs: secs("BC_LOCKOUT_SECS", file.lockout_secs, 900)?,
            takeover_secs: secs("BC_TAKEOVER_SECS", file.takeover_secs, 120)?,
            sweep_interval_secs: at_least_one(
                layered(None, "BC_SWEEP_INTERVAL_SECS", file.sweep_interval_secs)?,
                30,
            ),
            rate_limit_ip_per_min: layered(
                None,
                "BC_RATE_LIMIT_IP_PER_MIN",
                file.rate_limit_ip_per_min,
            )?
            .unwrap_or(600),
            rate_limit_session_per_min: layered(
                None,
                "BC_RATE_LIMIT_SESSION_PER_MIN",
                file.rate_limit_session_per_min,
            )?
            .unwrap_or(60),
            replicas: layered(None, "BC_REPLICAS", file.replicas)?
                .unwrap_or(1)
                .max(1),
            max_connections: layered(None, "BC_MAX_CONNECTIONS", file.max_connections)?
                .unwrap_or(1024)
                .max(1),
            isolation: layered(None, "BC_DB_ISOLATION", file.isolation.clone())?
                .map_or(Ok(crate::store::db::Isolation::default()), |w| {
                    crate::store::db::Isolation::parse(&w)
                })
                .map_err(ConfigError::Invalid)?,
            header_timeout_secs: at_least_one(
                layered(None, "BC_HEADER_TIMEOUT_SECS", file.header_timeout_secs)?,
                10,
            ),
            body_timeout_secs: at_least_one(
                layered(None, "BC_BODY_TIMEOUT_SECS", file.body_timeout_secs)?,
                30,
            ),
            body_min_bytes_per_sec: layered(
                None,
                "BC_BODY_MIN_BYTES_PER_SEC",
                file.body_min_bytes_per_sec,
            )?
            .unwrap_or(1024),
            request_timeout_secs: at_least_one(
                layered(None, "BC_REQUEST_TIMEOUT_SECS", file.request_timeout_secs)?,
                60,
            ),
            max_connections_per_client: layered(
                None,
                "BC_MAX_CONNECTIONS_PER_CLIENT",
                file.max_connections_per_client,
            )?
            .unwrap_or(64)
            .max(1),
            trusted_proxies: checks::trusted_proxies(&layer::list(
                "BC_TRUSTED_PROXIES",
                file.trusted_proxies.clone(),
            ))?,
        })
    }
}

impl Config {
    /// Resolves flags, environment, file and defaults. `preset` (the demo's fixed values)
    /// stands in for a missing file, and fills what a given file leaves out: its admin
    /// and metrics keys, sandbox switch and merchants whose id the file does not use.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file, variable or key to fix.
    pub fn load(mode: Mode, cli: &Cli, preset: Option<FileConfig>) -> Result<Config, ConfigError> {
        let mut file = file::resolve(cli.config.as_deref(), preset)?;
        let webhooks = webhooks::settings(&file)?;
        let credentials = Credentials::of(mode, &mut file)?;
        checks::private_origins(
            &webhooks.private_origins,
            &credentials.admin_keys,
            &credentials.merchants,
        )?;
        let listen = cli
            .listen
            .clone()
            .or(file.listen.take())
            .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let database_url = layered(
            cli.database.clone(),
            "DATABASE_URL",
            file.database_url.take(),
        )?
        .unwrap_or_else(|| match mode {
            Mode::Demo => "sqlite://balance-checkout-demo.db".to_owned(),
            Mode::Serve => "sqlite://balance-checkout.db".to_owned(),
        });
        let sandbox = layer::switch("BC_SANDBOX", file.sandbox, mode == Mode::Demo);
        checks::sandbox(sandbox, &credentials.merchants)?;
        let public_url = layered(None, "BC_PUBLIC_URL", file.public_url.take())?;
        checks::public_url(mode, &listen, public_url.as_deref())?;
        let password_pepper = checks::pepper(
            mode,
            layered(None, "BC_PASSWORD_PEPPER", file.password_pepper.take())?,
        )?;
        let limits = Limits::of(&file)?;
        let message_gateway = MessageGateway::of(&mut file)?;
        let gateway = message_gateway.url.is_some() && message_gateway.secret.is_some();
        let accounts = AccountSettings::of(mode, &mut file, gateway)?;
        let shop_listen = cli
            .shop_listen
            .clone()
            .unwrap_or_else(|| cli::default_shop_listen(&listen));
        checks::demo_flags(mode, (&listen, &shop_listen), &cli.allow_origin)?;
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
            admin_keys: credentials.admin_keys,
            metrics_key: credentials.metrics_key,
            password_pepper,
            password_previous_peppers: layer::list(
                "BC_PASSWORD_PREVIOUS_PEPPERS",
                file.password_previous_peppers,
            ),
            sandbox,
            allowed_origins: credentials.allowed_origins,
            merchants: credentials.merchants,
            shop_listen,
            shop_origin: None,
            demo_origins: cli.allow_origin.clone(),
            recharge_promotions: promotions::check_recharge(file.recharge_promotions)?,
            webhooks,
            message_gateway,
            accounts,
            limits,
        })
    }

    /// The merchant whose secret key this is.
    #[must_use]
    pub fn merchant_by_key(&self, key: &str) -> Option<Arc<Merchant>> {
        self.merchants.get(&key_digest(key)).cloned()
    }

    /// The name shoppers read for the merchant with this id: its configured `name`, else
    /// the id itself.
    #[must_use]
    pub fn merchant_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.merchants
            .values()
            .find_map(|m| (m.id == id).then_some(m.name.as_deref()).flatten())
            .unwrap_or(id)
    }

    /// The merchant with this id in this mode (a merchant id may hold a test key and a
    /// live key).
    #[must_use]
    pub fn merchant_by_id(&self, id: &str, livemode: bool) -> Option<Arc<Merchant>> {
        self.merchants
            .values()
            .find(|m| m.id == id && m.livemode == livemode)
            .cloned()
    }
}
