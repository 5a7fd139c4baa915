//! Black-box harness for `wallet-server`: spawns `wallet-server demo` on a fresh database
//! per test (SQLite always; PostgreSQL too when `BC_TEST_POSTGRES_URL` is set, see
//! `scripts/pg-start.sh`) and talks to it over HTTP only. Intents are built and signed with
//! `checkout-core`, exactly as the widget does, so the tests never restate the rules.

// Each test binary uses part of the harness; a panic here is a failed test.
#![allow(dead_code, unused_imports, clippy::unwrap_used, clippy::expect_used)]

pub mod api;
pub mod consent;
pub mod fixtures;
pub mod ledger;
pub mod measure;
pub mod passkey;
pub mod receiver;
pub mod replicas;
pub mod server;
pub mod shopper;
pub mod storage;
pub mod wallets;
pub mod webhooks;

pub use api::{idempotency_key, nonce, now, prepare_with_balance, Api, Prepared, Reply, Session};
pub use consent::{browser, consent, exchange, link, query_param, request_link};
pub use fixtures::*;
pub use ledger::{check_wallet_ledger, ledger_entries, ledger_flows, Flows};
pub use server::{postgres_admin_url, Backend, Server};
pub use shopper::{between, Shopper};
pub use storage::{check_ledger_storage, check_ledger_storage_at, live_books};
pub use wallets::{activate, create_live_wallet};

/// Declares, for each `async fn name(backend: Backend)` of the calling file, the test
/// `sqlite::name` and the test `postgres::name` (which passes, saying it was skipped, when
/// `BC_TEST_POSTGRES_URL` is not set).
#[macro_export]
macro_rules! on_every_backend {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if $crate::common::postgres_admin_url().is_none() {
                        eprintln!("skipped: set BC_TEST_POSTGRES_URL (scripts/pg-start.sh) to run on PostgreSQL");
                        return;
                    }
                    super::$name($crate::common::Backend::Postgres).await;
                }
            )+
        }
    };
}
