//! Merchants as the server uses them: each found by the digest of its secret key, in
//! test or live mode by the key's prefix.

use std::collections::HashMap;
use std::sync::Arc;

use checkout_core::{Method, Policy, SecondLeg};
use sha2::{Digest, Sha256};

use super::error::ConfigError;
use super::file::{MerchantFile, WebhookFile};

/// The shortest merchant key, admin key and pepper `serve` accepts, in characters.
pub const MIN_KEY_LEN: usize = 32;

/// SHA-256 of a key: keys are looked up and compared by digest, never kept in clear.
#[must_use]
pub fn key_digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// A merchant as the server uses it.
#[derive(Debug, Clone)]
pub struct Merchant {
    pub id: String,
    /// The name shoppers read; the id when `None`.
    pub name: Option<String>,
    /// A live key (`sk_live_…`): its objects are live; the sandbox never acts on them.
    pub livemode: bool,
    pub policy: Policy,
    /// The sandbox's second methods: payment instruments only ([`Method::INSTRUMENTS`]).
    pub methods: Vec<Method>,
    /// Who settles what the balance does not pay, when a session does not say
    /// (DESIGN.md *The second leg*; resolved by `crate::checkout::sessions`).
    pub second_leg: Option<SecondLeg>,
    pub allowed_origins: Vec<String>,
    /// The origins its `return_url`s may name; empty: any
    /// (`crate::http::return_url::parse`).
    pub return_origins: Vec<String>,
    /// Webhook endpoints of the configuration (synced into the database at start).
    pub webhooks: Vec<WebhookFile>,
}

/// The merchants by key digest. Their `allowed_origins` may frame their checkout
/// (`frame-ancestors`); they get no CORS on the API: the frame is on the wallet's origin,
/// and a script on the merchant's page that copied a client secret must not read the
/// session (its balance) with it (DESIGN.md *Embedding*: no CORS for pages).
pub fn merchants(
    list: Vec<MerchantFile>,
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
        if merchants
            .values()
            .any(|known: &Arc<Merchant>| known.id == m.id && known.livemode == livemode)
        {
            return Err(ConfigError::Invalid(format!(
                "merchant {:?} has two {} keys; a merchant id holds at most one test key (sk_test_…) and one live key (sk_live_…), each in its own [[merchants]] entry",
                m.id,
                if livemode { "live" } else { "test" }
            )));
        }
        if let Some(bad) = m.methods.iter().flatten().find(|m| !m.is_instrument()) {
            return Err(ConfigError::Invalid(format!(
                "merchant {:?}: methods lists {bad}, which is not a payment instrument; for a remainder your server collects, set second_leg = \"merchant\"",
                m.id
            )));
        }
        let policy = m.policy.unwrap_or_default();
        super::promotions::check(&m.id, &policy.promotions)?;
        let merchant = Merchant {
            name: m.name.filter(|n| !n.trim().is_empty()),
            id: m.id,
            livemode,
            policy,
            methods: m.methods.unwrap_or_else(|| Method::INSTRUMENTS.to_vec()),
            second_leg: m.second_leg,
            allowed_origins: m.allowed_origins,
            return_origins: m.return_origins,
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
