//! Demo mode (DESIGN.md *Demo mode*): fixed values, seeded once on a new database, so that
//! anyone can script against the demo.

use std::io::Write as _;

use checkout_core::{Amount, Currency, Method, Policy};

use crate::config::{key_digest, Config, FileConfig, Merchant, MerchantFile};
use crate::error::ServerError;
use crate::security::password::Passwords;
use crate::store::db::Db;
use crate::store::ledger::WalletRef;

pub mod carts;
pub mod shop;

pub const MERCHANT_ID: &str = "demo-shop";
pub const MERCHANT_KEY: &str = "sk_test_demo";
pub const ADMIN_KEY: &str = "ak_test_demo";
/// The demo's metrics key: it reads `GET /metrics` only.
pub const METRICS_KEY: &str = "mk_demo";
pub const SHOPPER: &str = "shopper_demo";
pub const PASSWORD: &str = "123456";
/// `shopper_demo`'s login password (the sign-in credential; the payment password is not one).
pub const LOGIN_PASSWORD: &str = "Lantern-Maple-42";
pub const BALANCE: &str = "120.50";
/// A second shopper, not linked to the demo shop: the consent flow (DESIGN.md *Demo mode*).
pub const NEW_SHOPPER: &str = "shopper_new";
pub const NEW_PASSWORD: &str = "654321";
pub const NEW_LOGIN_PASSWORD: &str = "Violet-Tractor-17";
/// `shopper_demo`'s verified contact: its one-time codes land in the sandbox inbox.
pub const CONTACT: &str = "+8613800000000";
pub const NEW_BALANCE: &str = "50.00";
/// The link token of `shopper_demo` with `demo-shop` (test mode).
pub const LINK: &str = "lk_test_demo_shopper_demo";
/// The signing secret of the demo shop's webhook endpoint (Standard Webhooks `whsec_`
/// and base64): public, like every demo value.
pub const WEBHOOK_SECRET: &str = "whsec_ZGVtby1zaG9wLXdlYmhvb2tzLW5vdC1hLXNlY3JldCE=";
/// The demo's payment-password pepper: public, like every demo value.
pub const PEPPER: &str = crate::config::checks::DEMO_PEPPER;

/// The demo shop's 618 promotion: ¥10 off when the balance pays ¥199 or more (DESIGN.md
/// *Promotions*); always on. The seeded ¥120.50 does not reach it: the checkout says how
/// much a top-up would take, and the espresso machine after a top-up gets it.
fn festival() -> Option<checkout_core::Promotion> {
    Some(checkout_core::Promotion {
        id: "618".to_owned(),
        kind: checkout_core::PromotionKind::BalancePayDiscount,
        threshold: "199.00".parse().ok()?,
        off: "10.00".parse().ok()?,
        label: checkout_core::Labels {
            zh_cn: "618 余额支付满199减10".to_owned(),
            en: "618: ¥10 off ¥199+ paid with balance".to_owned(),
        },
        starts_at: None,
        ends_at: None,
    })
}

/// The demo's e-CNY campaign (DESIGN.md *Promotions*): recharges of ¥100 or more by
/// digital RMB get 5 %, up to ¥20 a recharge and ¥50 a wallet, from a ¥1,000 budget per
/// mode.
fn ecny_bonus() -> Option<checkout_core::RechargePromotion> {
    Some(checkout_core::RechargePromotion {
        id: "ecny-2026".to_owned(),
        currency: checkout_core::Currency::CNY,
        method: Some(checkout_core::Method::Ecny),
        min_amount: "100.00".parse().ok()?,
        bonus_rate: "0.05".parse().ok()?,
        bonus_cap: "20.00".parse().ok()?,
        per_wallet_cap: Some("50.00".parse().ok()?),
        budget: "1000.00".parse().ok()?,
        starts_at: None,
        ends_at: None,
    })
}

/// The merchant, origins and keys of DESIGN.md *Demo mode*, as a configuration file
/// would give them (`Config::load`'s preset).
#[must_use]
pub fn preset() -> FileConfig {
    let policy = Policy {
        accepting_third_party: vec!["m-partner".to_owned()],
        promotions: festival().into_iter().collect(),
        ..Policy::default()
    };
    FileConfig {
        admin_key: Some(ADMIN_KEY.to_owned()),
        metrics_key: Some(METRICS_KEY.to_owned()),
        // Test mode only: a fixed pepper, so a demo database keeps working across runs.
        password_pepper: Some(PEPPER.to_owned()),
        sandbox: Some(true),
        recharge_promotions: ecny_bonus().into_iter().collect(),
        merchants: vec![MerchantFile {
            id: MERCHANT_ID.to_owned(),
            name: Some("Demo Shop".to_owned()),
            secret_key: MERCHANT_KEY.to_owned(),
            policy: Some(policy),
            methods: None,
            // The sandbox, on in the demo; the shop's own-provider checkout asks for
            // `merchant` per session.
            second_leg: None,
            // The demo shop's origin, known once it listens (`demo::shop::bind`).
            allowed_origins: Vec::new(),
            // Any: developers try the demo's key from their own pages.
            return_origins: Vec::new(),
            // The demo shop's endpoint, known once it listens (`demo::shop::bind`).
            webhooks: Vec::new(),
        }],
        ..FileConfig::default()
    }
}

/// Creates the demo wallet with its balance, through a real top-up, unless it exists.
///
/// # Errors
/// The database's.
pub async fn seed(
    db: &Db,
    passwords: &Passwords,
    merchant: Option<&Merchant>,
) -> Result<(), ServerError> {
    if crate::wallet::accounts::wallet_currency(db, WalletRef::new(SHOPPER, false))
        .await?
        .is_some()
    {
        // A demo database from before login passwords and contacts: give its shoppers theirs.
        let wallet = WalletRef::new(SHOPPER, false);
        crate::security::codes::set_contact(db, wallet, CONTACT).await?;
        for (shopper, login) in [(SHOPPER, LOGIN_PASSWORD), (NEW_SHOPPER, NEW_LOGIN_PASSWORD)] {
            let wallet = WalletRef::new(shopper, false);
            if crate::security::login::verify(db, passwords, shopper, login)
                .await?
                .is_none()
            {
                crate::security::login::set(db, passwords, wallet, login, "login_password").await?;
            }
        }
        return Ok(());
    }
    let shoppers = [
        (SHOPPER, PASSWORD, LOGIN_PASSWORD, BALANCE),
        (NEW_SHOPPER, NEW_PASSWORD, NEW_LOGIN_PASSWORD, NEW_BALANCE),
    ];
    for (shopper, password, login, balance) in shoppers {
        let wallet = WalletRef::new(shopper, false);
        let typed = (Some(password), Some(login));
        crate::wallet::accounts::create_wallet(db, passwords, wallet, Currency::CNY, typed).await?;
        let amount =
            Amount::parse(balance).map_err(|e| ServerError::internal("demo balance", e))?;
        let source = crate::wallet::accounts::TopUpSource::Test(Method::BankCard);
        crate::wallet::accounts::credit(db, wallet, amount, &source).await?;
    }
    crate::security::codes::set_contact(db, WalletRef::new(SHOPPER, false), CONTACT).await?;
    // shopper_demo is already linked to the demo shop; shopper_new shows the consent flow.
    if let Some(merchant) = merchant {
        crate::consent::links::insert_link(db, merchant, SHOPPER, LINK).await?;
    }
    tracing::info!("demo data seeded");
    Ok(())
}

/// The admin and metrics keys as the banner names them: the demo's own when they are in
/// force, otherwise where the keys come from (a `--config` file or the environment may
/// replace either).
fn keys_line(config: &Config) -> String {
    let admin = if config.admin_keys.contains_key(&key_digest(ADMIN_KEY)) {
        ADMIN_KEY
    } else {
        "the admin_keys of your configuration"
    };
    let metrics = match config.metrics_key {
        Some(d) if d == key_digest(METRICS_KEY) => {
            format!("metrics key {METRICS_KEY}: GET /metrics only")
        }
        Some(_) => "metrics key: the metrics_key of your configuration".to_owned(),
        None => "no metrics key: only admin keys read GET /metrics".to_owned(),
    };
    format!("  admin key:  {admin}  ({metrics})")
}

/// Prints the URL and the demo values on stdout, flushed, for people and for scripts.
pub fn announce((origin, shop): (&str, &str), config: &Config, allowed: &[String]) {
    let (sandbox, widget_dir) = (config.sandbox, config.widget_dir.as_path());
    let mut out = std::io::stdout();
    let _ = writeln!(out, "Balance Checkout demo: {origin}/");
    let _ = writeln!(out, "Demo shop: {shop}/");
    let _ = writeln!(out, "Shopper's wallet: {origin}/wallet/");
    let _ = writeln!(
        out,
        "Docs: {origin}/docs/guide (merchant guide), {origin}/docs (API reference)"
    );
    let _ = writeln!(
        out,
        "  merchant:   {MERCHANT_ID}  (secret key {MERCHANT_KEY})"
    );
    let _ = writeln!(out, "{}", keys_line(config));
    let _ = writeln!(
        out,
        "  shopper:    {SHOPPER}  (password {LOGIN_PASSWORD}, payment password {PASSWORD}, seeded balance CNY {BALANCE}, link {LINK}, contact {CONTACT}: codes at /v1/sandbox/messages)"
    );
    let _ = writeln!(
        out,
        "  shopper:    {NEW_SHOPPER}  (password {NEW_LOGIN_PASSWORD}, payment password {NEW_PASSWORD}, seeded balance CNY {NEW_BALANCE}, not linked: POST /v1/links)"
    );
    let sandbox = if sandbox {
        "on (second-method payments are approved or declined at /v1/sandbox/intents/<id>)"
    } else {
        "off (sandbox = false: the balance pays alone; split payments answer method_unavailable)"
    };
    let _ = writeln!(out, "  sandbox:    {sandbox}");
    let _ = writeln!(
        out,
        "  origins:    {} may embed the checkout (add yours with --allow-origin)",
        allowed.join(", ")
    );
    if !widget_dir.join("loader.js").is_file() {
        let _ = writeln!(
            out,
            "  widget:     {} has no loader.js; build it with `trunk build --release` (the shop still renders)",
            widget_dir.display()
        );
    }
    let _ = out.flush();
}
