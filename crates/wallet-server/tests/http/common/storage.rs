//! Invariants of the stored double-entry ledger that the HTTP API cannot show: it exposes
//! a wallet's own entries only, not the merchant and payment-method accounts they move
//! money to and from. Read straight from the server's database after the fact.

use sqlx::any::AnyPoolOptions;

use super::server::Server;

/// Every ledger transaction sums to zero over all its entries and stays within one mode;
/// every account's balance is the sum of its entries; no wallet or merchant account is
/// below zero; the accounts of each currency and mode sum to zero.
pub async fn check_ledger_storage(server: &Server) {
    check_ledger_storage_at(server.database_url()).await;
}

/// [`check_ledger_storage`] on the database at `database_url`.
pub async fn check_ledger_storage_at(database_url: &str) {
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(database_url)
        .await
        .expect("open the server's database");
    let checks = [
        (
            "ledger transactions whose entries do not sum to zero",
            "SELECT COUNT(*) FROM (SELECT transaction_id FROM ledger_entries \
             GROUP BY transaction_id HAVING SUM(amount) <> 0) AS t",
        ),
        (
            "accounts whose balance is not the sum of their entries",
            "SELECT COUNT(*) FROM accounts a WHERE a.balance <> \
             (SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e WHERE e.account_id = a.id)",
        ),
        (
            "wallet or merchant accounts below zero",
            "SELECT COUNT(*) FROM accounts WHERE may_go_negative = 0 AND balance < 0",
        ),
        (
            "ledger transactions with fewer than two entries",
            "SELECT COUNT(*) FROM (SELECT transaction_id FROM ledger_entries \
             GROUP BY transaction_id HAVING COUNT(*) < 2) AS t",
        ),
        (
            "ledger transactions that move money between test and live accounts",
            "SELECT COUNT(*) FROM (SELECT e.transaction_id FROM ledger_entries e \
             JOIN accounts a ON a.id = e.account_id \
             GROUP BY e.transaction_id HAVING COUNT(DISTINCT a.livemode) > 1) AS t",
        ),
        (
            "currencies whose test or live accounts do not sum to zero",
            "SELECT COUNT(*) FROM (SELECT currency, livemode FROM accounts \
             GROUP BY currency, livemode HAVING SUM(balance) <> 0) AS t",
        ),
    ];
    for (what, sql) in checks {
        let count: i64 = sqlx::query_scalar(sql)
            .fetch_one(&pool)
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(count, 0, "{what}: {count}");
    }
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(&pool)
        .await
        .expect("count accounts");
    assert!(accounts > 0, "the ledger has accounts");
    pool.close().await;
}

/// Every live account's balance and every entry on a live account, read from the server's
/// database: what a test key must never change (DESIGN.md *Test and live mode*).
pub async fn live_books(server: &Server) -> (Vec<(String, i64)>, Vec<(i64, String, i64)>) {
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(server.database_url())
        .await
        .expect("open the server's database");
    let balances: Vec<(String, i64)> =
        sqlx::query_as("SELECT id, balance FROM accounts WHERE livemode = 1 ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("live accounts");
    let entries: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT e.id, e.account_id, e.amount FROM ledger_entries e \
         JOIN accounts a ON a.id = e.account_id WHERE a.livemode = 1 ORDER BY e.id",
    )
    .fetch_all(&pool)
    .await
    .expect("live entries");
    pool.close().await;
    (balances, entries)
}
