//! Rows an earlier release left get their mode (migration 0008, DESIGN.md *Test and live
//! mode*): a database at migration 0007 holding a live and a test payment, with the
//! accounts as that release named them, is opened by today's server; the live wallet is
//! live, the merchant's and the method's accounts are split by the mode of each entry's
//! transaction, every transaction stays in one mode and each mode's books sum to zero.

use std::borrow::Cow;
use std::path::Path;

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;

use crate::common::*;
use crate::live_wallets::config;

on_every_backend!(rows_of_an_earlier_release_get_their_mode);

/// What the 0007 server wrote: two wallets, a top-up into each, a live and a test
/// payment of merchant `shop-w`, under the account names of that release.
const BEFORE: [&str; 16] = [
    "INSERT INTO wallets (shopper_id, currency, password_hash, failed_attempts, created_at) \
     VALUES ('w_old_live', 'CNY', 'x', 0, 1), ('w_old_test', 'CNY', 'x', 0, 1)",
    "INSERT INTO sessions (id, client_secret, merchant_id, shopper_id, currency, cart, cart_digest, \
     policy, methods, status, expires_at, created_at, livemode) VALUES \
     ('cs_live', 's1', 'shop-w', 'w_old_live', 'CNY', '{}', 'd', '{}', '[]', 'completed', 2, 1, 1), \
     ('cs_test', 's2', 'shop-w', 'w_old_test', 'CNY', '{}', 'd', '{}', '[]', 'completed', 2, 1, 0)",
    "INSERT INTO intents (id, session_id, merchant_id, shopper_id, status, currency, total, \
     balance_amount, other_amount, quote, created_at, updated_at, livemode) VALUES \
     ('pi_live', 'cs_live', 'shop-w', 'w_old_live', 'succeeded', 'CNY', 2000, 2000, 0, '{}', 1, 1, 1), \
     ('pi_test', 'cs_test', 'shop-w', 'w_old_test', 'succeeded', 'CNY', 1000, 1000, 0, '{}', 1, 1, 0)",
    "INSERT INTO accounts (id, kind, currency, may_go_negative, balance, created_at) VALUES \
     ('external:bank_card:CNY', 'external', 'CNY', 1, -15000, 1)",
    "INSERT INTO accounts (id, kind, currency, may_go_negative, balance, created_at) VALUES \
     ('wallet:w_old_live:available', 'wallet_available', 'CNY', 0, 8000, 1)",
    "INSERT INTO accounts (id, kind, currency, may_go_negative, balance, created_at) VALUES \
     ('wallet:w_old_test:available', 'wallet_available', 'CNY', 0, 4000, 1)",
    "INSERT INTO accounts (id, kind, currency, may_go_negative, balance, created_at) VALUES \
     ('merchant:shop-w:CNY', 'merchant_settlement', 'CNY', 0, 3000, 1)",
    "INSERT INTO ledger_transactions (id, kind, reference, currency, created_at) VALUES \
     ('lt_1', 'top_up', 'tu_1', 'CNY', 1), ('lt_2', 'top_up', 'tu_2', 'CNY', 1), \
     ('lt_3', 'payment', 'pi_live', 'CNY', 1), ('lt_4', 'payment', 'pi_test', 'CNY', 1)",
    "INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after, created_at) \
     VALUES ('lt_1', 'external:bank_card:CNY', -10000, -10000, 1)",
    "INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after, created_at) \
     VALUES ('lt_1', 'wallet:w_old_live:available', 10000, 10000, 1)",
    "INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after, created_at) \
     VALUES ('lt_2', 'external:bank_card:CNY', -5000, -15000, 1)",
    "INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after, created_at) \
     VALUES ('lt_2', 'wallet:w_old_test:available', 5000, 5000, 1)",
    "INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after, created_at) \
     VALUES ('lt_3', 'wallet:w_old_live:available', -2000, 8000, 1)",
    "INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after, created_at) \
     VALUES ('lt_3', 'merchant:shop-w:CNY', 2000, 2000, 1)",
    "INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after, created_at) \
     VALUES ('lt_4', 'wallet:w_old_test:available', -1000, 4000, 1)",
    "INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after, created_at) \
     VALUES ('lt_4', 'merchant:shop-w:CNY', 1000, 3000, 1)",
];

async fn open(url: &str) -> AnyPool {
    sqlx::any::install_default_drivers();
    let url = if url.starts_with("sqlite:") {
        format!("{url}?mode=rwc")
    } else {
        url.to_owned()
    };
    AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("open the database")
}

/// The database as release 0007 left it.
async fn at_0007(url: &str) {
    let pool = open(url).await;
    let dialect = if url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dialect);
    let mut migrator = sqlx::migrate::Migrator::new(dir).await.expect("migrations");
    let earlier: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|m| m.version <= 7)
        .cloned()
        .collect();
    migrator.migrations = Cow::Owned(earlier);
    migrator.run(&pool).await.expect("migrate to 0007");
    for sql in BEFORE {
        sqlx::query(sql)
            .execute(&pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    pool.close().await;
}

async fn rows_of_an_earlier_release_get_their_mode(backend: Backend) {
    let server = Server::serve_after(backend, &config(), at_0007).await;
    let pool = open(server.database_url()).await;
    let modes: Vec<(String, i64)> =
        sqlx::query_as("SELECT shopper_id, livemode FROM wallets ORDER BY shopper_id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        modes,
        [("w_old_live".to_owned(), 1), ("w_old_test".to_owned(), 0)]
    );
    let accounts: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT id, livemode, balance FROM accounts ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    let expected = [
        ("external:live:bank_card:CNY", 1, -10000),
        ("external:test:bank_card:CNY", 0, -5000),
        ("merchant:live:shop-w:CNY", 1, 2000),
        ("merchant:test:shop-w:CNY", 0, 1000),
        ("wallet:w_old_live:available", 1, 8000),
        ("wallet:w_old_test:available", 0, 4000),
    ]
    .map(|(id, mode, balance)| (id.to_owned(), mode, balance));
    assert_eq!(accounts, expected);
    pool.close().await;
    check_ledger_storage(&server).await;
}
