//! Demo mode (DESIGN.md *Demo mode*): fixed values, seeded once on a new database, so that
//! anyone can script against the demo.

use std::io::Write as _;
use std::path::Path;

use checkout_core::{Amount, Currency, Method};

use crate::routes::AppState;

pub mod carts;
pub mod shop;
pub mod shop_page;

pub const MERCHANT_ID: &str = "demo-shop";
pub const MERCHANT_KEY: &str = "sk_test_demo";
pub const ADMIN_KEY: &str = "ak_test_demo";
pub const SHOPPER: &str = "shopper_demo";
pub const PASSWORD: &str = "123456";
pub const BALANCE: &str = "120.50";

/// Creates the demo wallet with its balance, through a real top-up, unless it exists.
pub async fn seed(state: &AppState) -> Result<(), String> {
    let exists: Option<String> =
        sqlx::query_scalar("SELECT shopper_id FROM wallets WHERE shopper_id = $1")
            .bind(SHOPPER)
            .fetch_optional(&state.db.pool)
            .await
            .map_err(|e| format!("cannot read the demo wallet: {e}"))?;
    if exists.is_some() {
        return Ok(());
    }
    crate::routes::wallets::create_wallet(state, SHOPPER, Currency::CNY, PASSWORD)
        .await
        .map_err(|e| format!("cannot create the demo wallet: {}", e.message))?;
    let amount = Amount::parse(BALANCE).map_err(|e| format!("demo balance: {e}"))?;
    crate::routes::wallets::credit(state, SHOPPER, amount, Method::BankCard)
        .await
        .map_err(|e| format!("cannot top up the demo wallet: {}", e.message))?;
    tracing::info!("demo data seeded");
    Ok(())
}

/// Prints the URL and the demo values on stdout, flushed, for people and for scripts.
pub fn announce(origin: &str, shop: &str, widget_dir: &Path) {
    let mut out = std::io::stdout();
    let _ = writeln!(out, "Balance Checkout demo: {origin}/");
    let _ = writeln!(out, "Demo shop: {shop}/");
    let _ = writeln!(
        out,
        "  merchant:   {MERCHANT_ID}  (secret key {MERCHANT_KEY})"
    );
    let _ = writeln!(out, "  admin key:  {ADMIN_KEY}");
    let _ = writeln!(
        out,
        "  shopper:    {SHOPPER}  (payment password {PASSWORD}, seeded balance CNY {BALANCE})"
    );
    let _ = writeln!(out, "  sandbox:    on (second-method payments are approved or declined at /v1/sandbox/intents/<id>)");
    if !widget_dir.join("loader.js").is_file() {
        let _ = writeln!(
            out,
            "  widget:     {} has no loader.js; build it with `trunk build --release` (the shop still renders)",
            widget_dir.display()
        );
    }
    let _ = out.flush();
}
