//! 500 intents in parallel over 5 wallets, many of them more than the balance left: no
//! wallet goes negative, nothing is paid twice, and the ledger adds up — on SQLite, on
//! PostgreSQL, and on PostgreSQL at `SERIALIZABLE` (`BC_DB_ISOLATION`), where transactions
//! that lose a race fail with SQLSTATE 40001 and run again.
//!
//! Whether a load raises a 40001 depends on how its transactions interleave, so the
//! retries are shown with races that cannot go the other way: a write skew between two
//! transactions made to overlap (`retry::retrying` against PostgreSQL, which must refuse
//! one of them), and a top-up whose transaction finds its account row, or SQLite's write
//! lock, taken by a rival transaction that the test holds until the top-up has started.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::receiver::eventually;
use crate::common::server::PgDatabase;
use crate::common::*;
use checkout_core::signature::sign;
use checkout_core::{Choice, Currency, Money};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::any::AnyPoolOptions;
use wallet_server::error::ServerError;
use wallet_server::store::db::{Db, Isolation};
use wallet_server::store::retry::{retryable_code, retrying};

on_every_backend!(
    five_hundred_parallel_intents_over_five_wallets_keep_the_ledger_consistent,
    a_top_up_that_loses_a_race_runs_again
);

const WALLETS: usize = 5;
const INTENTS: usize = 500;
const IN_FLIGHT: usize = 32;
const PASSWORD: &str = "246810";
/// The server's default log filter, set explicitly: these tests read its retry lines.
const LOG_FILTER: (&str, &str) = ("RUST_LOG", "info,sqlx=warn,tower_http=warn");

fn shopper(i: usize) -> String {
    format!("load_{i}")
}

/// Prices from 1.01 to 50.99: 100 intents per wallet want far more than its 300.00.
fn price(n: usize) -> String {
    format!("{}.{:02}", n * 37 % 50 + 1, (n * 53 % 99) + 1)
}

async fn five_hundred_parallel_intents_over_five_wallets_keep_the_ledger_consistent(
    backend: Backend,
) {
    pay_five_hundred(&Server::start(backend).await).await;
}

/// The same load at `SERIALIZABLE`. How many transactions lose a race here depends on
/// the interleaving (often some, possibly none): they are counted, not required; the
/// tests below force one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_parallel_intents_at_serializable_keep_the_ledger_consistent() {
    if postgres_admin_url().is_none() {
        eprintln!("skipped: set BC_TEST_POSTGRES_URL (scripts/pg-start.sh) to run on PostgreSQL");
        return;
    }
    let env = [("BC_DB_ISOLATION", "serializable"), LOG_FILTER];
    let server = Server::start_with(Backend::Postgres, &env).await;
    pay_five_hundred(&server).await;
    let log = server.log();
    assert!(
        log.contains("isolation=Serializable"),
        "the server did not log that it runs at SERIALIZABLE{}",
        silent_hint(&log)
    );
    let retried = log.matches("transaction lost a race").count();
    let sqlstate_40001 = log.matches("code=\"40001\"").count();
    eprintln!("{retried} transactions ran again, {sqlstate_40001} after SQLSTATE 40001");
    let counted: u64 = retries_counted(&Api::new(&server), None)
        .await
        .values()
        .sum();
    assert!(
        counted >= retried as u64,
        "every retry logged is counted in /metrics: {retried} logged, {counted} counted"
    );
}

/// Write skew, the anomaly only `SERIALIZABLE` prevents: two doctors are on call and each
/// may leave if the other stays. Both transactions read that two are on call before
/// either writes (a barrier holds the first attempts until both have read), then each
/// takes its own doctor off. Together they would leave nobody, so PostgreSQL must refuse
/// one with SQLSTATE 40001 whatever the timing; `retrying` runs it again, and the new
/// attempt sees one doctor left and stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn at_serializable_a_write_skew_fails_with_40001_and_runs_again() {
    let Some(admin) = postgres_admin_url() else {
        eprintln!("skipped: set BC_TEST_POSTGRES_URL (scripts/pg-start.sh) to run on PostgreSQL");
        return;
    };
    let pg = PgDatabase::create(&admin);
    let db = Db::connect(&pg.url(), Isolation::Serializable)
        .await
        .unwrap();
    sqlx::query("CREATE TABLE on_call (doctor TEXT PRIMARY KEY, on_call BIGINT NOT NULL)")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO on_call (doctor, on_call) VALUES ('alice', 1), ('bob', 1)")
        .execute(&db.pool)
        .await
        .unwrap();

    let both_read = tokio::sync::Barrier::new(2);
    let failures = Mutex::new(Vec::new());
    let attempts = AtomicU32::new(0);
    let retries_before = wallet_server::store::retry::retries();
    let (alice, bob) = tokio::join!(
        leave_if_covered(&db, "alice", &both_read, &attempts, &failures),
        leave_if_covered(&db, "bob", &both_read, &attempts, &failures),
    );
    let (alice, bob) = (alice.unwrap(), bob.unwrap());
    let failures = failures.into_inner().unwrap();
    let attempts = attempts.into_inner();
    let retried = wallet_server::store::retry::retries() - retries_before;
    eprintln!("alice left: {alice}, bob left: {bob}; {attempts} attempts, failures {failures:?}");

    assert!(
        alice ^ bob,
        "exactly one doctor left (alice {alice}, bob {bob})"
    );
    let on_call: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM on_call WHERE on_call = 1")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(on_call, 1, "one doctor is still on call");
    assert!(
        failures.iter().any(|code| code == "40001"),
        "PostgreSQL refused neither transaction: {failures:?}"
    );
    assert!(
        failures
            .iter()
            .all(|code| code == "40001" || code == "40P01"),
        "only lost races failed: {failures:?}"
    );
    assert_eq!(
        attempts as usize,
        2 + failures.len(),
        "each failed attempt ran again, and nothing else did"
    );
    assert!(
        retried >= failures.len() as u64,
        "every run again is counted: {retried}"
    );
    db.pool.close().await;
}

/// One doctor's transaction, run by `retrying`: leaves when two are on call. Its first
/// attempt waits at `both_read` between its read and its write; the failed attempts'
/// codes go to `failures`. Answers whether the doctor left.
async fn leave_if_covered(
    db: &Db,
    doctor: &str,
    both_read: &tokio::sync::Barrier,
    attempts: &AtomicU32,
    failures: &Mutex<Vec<String>>,
) -> Result<bool, ServerError> {
    let mut first = true;
    retrying("write_skew", || {
        let wait = std::mem::replace(&mut first, false);
        attempts.fetch_add(1, Ordering::SeqCst);
        async move {
            let attempt = async {
                let mut tx = db.begin().await?;
                let on_call: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM on_call WHERE on_call = 1")
                        .fetch_one(&mut *tx)
                        .await?;
                if wait {
                    both_read.wait().await;
                }
                let leaves = on_call >= 2;
                if leaves {
                    sqlx::query("UPDATE on_call SET on_call = 0 WHERE doctor = $1")
                        .bind(doctor)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok::<_, ServerError>(leaves)
            }
            .await;
            if let Err(e) = &attempt {
                let code = retryable_code(e).unwrap_or_else(|| format!("not retryable: {e:?}"));
                failures.lock().unwrap().push(code);
            }
            attempt
        }
    })
    .await
}

/// A top-up whose transaction loses a race through the whole server: a rival transaction
/// opened by the test holds what the top-up's transaction needs until that transaction
/// has started. On PostgreSQL at `SERIALIZABLE` the rival updates the wallet's account
/// row; the top-up's transaction, whose snapshot predates the rival's commit, waits for
/// the row and then fails with SQLSTATE 40001. On SQLite the rival holds the write lock
/// past the busy timeout and the top-up's `BEGIN IMMEDIATE` fails busy (5). Either way
/// the top-up runs again, answers 201 once, and the wallet holds it once.
async fn a_top_up_that_loses_a_race_runs_again(backend: Backend) {
    let env = [("BC_DB_ISOLATION", "serializable"), LOG_FILTER];
    let server = Server::start_with(backend, &env).await;
    let api = Api::new(&server);
    let owner = "racer";
    api.create_wallet(owner, PASSWORD, "100.00").await;

    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(2)
        .connect(server.database_url())
        .await
        .unwrap();
    let mut rival = match backend {
        Backend::Postgres => {
            let mut tx = pool.begin().await.unwrap();
            sqlx::query("UPDATE accounts SET balance = balance WHERE id = $1")
                .bind(format!("wallet:{owner}:available"))
                .execute(&mut *tx)
                .await
                .unwrap();
            tx
        }
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await.unwrap(),
    };
    let rival_pid: i32 = match backend {
        Backend::Postgres => sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut *rival)
            .await
            .unwrap(),
        Backend::Sqlite => 0,
    };

    let top_up = tokio::spawn({
        let api = api.clone();
        async move { api.top_up(owner, "25.00").await }
    });
    match backend {
        Backend::Postgres => {
            eventually("the top-up's transaction to wait for the rival's row", || {
                let pool = pool.clone();
                async move {
                    let waiting: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))",
                    )
                    .bind(rival_pid)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                    (waiting > 0).then_some(())
                }
            })
            .await;
        }
        Backend::Sqlite => {
            eventually("the top-up's transaction to find the database busy", || {
                let api = api.clone();
                async move {
                    let counted = retries_counted(&api, Some("deposit")).await;
                    (!counted.is_empty()).then_some(())
                }
            })
            .await;
        }
    }
    rival.commit().await.unwrap();

    let reply = top_up.await.unwrap();
    assert_eq!(reply.status, 201, "{}", reply.body);
    let counted = retries_counted(&api, Some("deposit")).await;
    eprintln!("the top-up's transaction ran again after: {counted:?}");
    let expected: &[&str] = match backend {
        Backend::Postgres => &["40001"],
        Backend::Sqlite => &["5", "261", "517"],
    };
    assert!(
        !counted.is_empty() && counted.keys().all(|code| expected.contains(&code.as_str())),
        "the top-up's transaction lost its race with one of {expected:?} and ran again: {counted:?}"
    );
    let log = server.log();
    let logged = lost_races(&log, "deposit");
    assert_eq!(
        logged.len() as u64,
        counted.values().sum::<u64>(),
        "every retry is logged ({logged:?}) as it is counted{}",
        silent_hint(&log)
    );

    let wallet = api.wallet(owner).await;
    assert_eq!(wallet.balance, d("125.00"), "the top-up counted once");
    let ledger = api.ledger(owner).await;
    check_wallet_ledger(&ledger, &wallet);
    assert_eq!(ledger_flows(&ledger).top_ups, d("125.00"));
    pool.close().await;
    check_ledger_storage(&server).await;
}

/// The codes of the "transaction lost a race" lines of the transaction `what` in a log.
fn lost_races(log: &str, what: &str) -> Vec<String> {
    let named = format!("what=\"{what}\"");
    log.lines()
        .filter(|l| l.contains("transaction lost a race") && l.contains(&named))
        .filter_map(|l| {
            let code = l.split("code=\"").nth(1)?;
            Some(code.split('"').next()?.to_owned())
        })
        .collect()
}

/// The server's `db_transaction_retries_total` by code (of transaction `what` only, when
/// given): counted whatever the log level.
async fn retries_counted(api: &Api, what: Option<&str>) -> BTreeMap<String, u64> {
    let reply = api.get("/metrics", Some(ADMIN_KEY)).await;
    assert_eq!(reply.status, 200, "GET /metrics");
    let text = String::from_utf8(reply.raw.clone()).unwrap();
    let mut counted = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| l.starts_with("db_transaction_retries_total{"))
    {
        if what.is_some_and(|w| label(line, "transaction") != Some(w)) {
            continue;
        }
        let code = label(line, "code").unwrap_or_default().to_owned();
        let n: u64 = line.rsplit(' ').next().unwrap().parse().unwrap();
        *counted.entry(code).or_default() += n;
    }
    counted
}

/// The value of label `name` in a Prometheus sample line.
fn label<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let labels = line.split_once('{')?.1.split_once('}')?.0;
    labels
        .split(',')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix("=\""))?
        .strip_suffix('"')
}

/// Why a log may lack a line it should have: the server logged nothing at all.
fn silent_hint(log: &str) -> &'static str {
    if log.contains("database connected") {
        ""
    } else {
        " (the server logged nothing at info: was `tracing` built with a max_level feature? \
         see the root Cargo.toml)"
    }
}

async fn pay_five_hundred(server: &Server) {
    let api = Api::new(server);
    let mut topped_up: BTreeMap<String, Decimal> = BTreeMap::new();
    for i in 0..WALLETS {
        api.create_wallet(&shopper(i), PASSWORD, "100.00").await;
        api.top_up(&shopper(i), "150.00").await.ok();
        api.top_up(&shopper(i), &format!("{}.00", 50 + i))
            .await
            .ok();
        topped_up.insert(shopper(i), d("250.00") + Decimal::from(50 + i));
    }

    let mut sessions = Vec::with_capacity(INTENTS);
    for n in 0..INTENTS {
        let owner = shopper(n % WALLETS);
        let session = api.create_session(&owner, &one_item_cart(&price(n))).await;
        // Each widget quoted on the balance it saw when the page loaded.
        let seen = Money::parse(&topped_up[&owner].to_string(), Currency::CNY).unwrap();
        let prepared = prepare_with_balance(
            &session,
            seen,
            Choice {
                use_balance: true,
                balance_cap: None,
            },
            None,
            PASSWORD,
        );
        sessions.push((session, prepared.body()));
    }

    let limit = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut tasks = tokio::task::JoinSet::new();
    for (session, body) in sessions {
        let (api, limit) = (api.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.unwrap();
            let reply = submit_until_answered(&api, &session, &body).await;
            (session, reply)
        });
    }
    let results = tasks.join_all().await;

    let mut spent: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut succeeded = Vec::new();
    let mut refused = 0;
    for (session, reply) in &results {
        match (reply.status, reply.code()) {
            (201, _) => {
                assert_eq!(reply.body["status"], json!("succeeded"), "{}", reply.body);
                *spent.entry(session.shopper_id.clone()).or_default() +=
                    dec(&reply.body["balance_amount"]);
                succeeded.push((session.shopper_id.clone(), reply.body.clone()));
            }
            (402, "insufficient_balance") | (409, "quote_mismatch") => {
                reply.error(reply.status, reply.code());
                refused += 1;
            }
            _ => panic!("unexpected answer {} {}", reply.status, reply.body),
        }
    }
    eprintln!(
        "{} intents succeeded, {refused} refused for want of balance",
        succeeded.len()
    );
    assert!(refused > 0, "the load was meant to exceed the balances");
    assert!(succeeded.len() >= WALLETS, "every wallet paid something");

    // Refund every fourth success in full: its balance part comes back.
    let mut refunded: BTreeMap<String, Decimal> = BTreeMap::new();
    for (owner, intent) in succeeded.iter().step_by(4) {
        let id = intent["id"].as_str().unwrap();
        api.refund(id, &json!({"amount": intent["total"]}))
            .await
            .ok();
        *refunded.entry(owner.clone()).or_default() += dec(&intent["balance_amount"]);
    }

    for i in 0..WALLETS {
        let owner = shopper(i);
        let wallet = api.wallet(&owner).await;
        assert!(wallet.balance >= Decimal::ZERO && wallet.held == Decimal::ZERO);
        let expected = topped_up[&owner] - spent.get(&owner).copied().unwrap_or_default()
            + refunded.get(&owner).copied().unwrap_or_default();
        assert_eq!(
            wallet.balance, expected,
            "{owner}: top-ups - captures + refunds"
        );
        let ledger = api.ledger(&owner).await;
        check_wallet_ledger(&ledger, &wallet);
        let flows = ledger_flows(&ledger);
        assert_eq!(
            flows.top_ups, topped_up[&owner],
            "{owner}: top-ups in the ledger"
        );
        assert_eq!(
            flows.captures,
            spent.get(&owner).copied().unwrap_or_default(),
            "{owner}: captures in the ledger are the succeeded intents"
        );
        assert_eq!(
            flows.refunds,
            refunded.get(&owner).copied().unwrap_or_default(),
            "{owner}: refunds in the ledger"
        );
    }
    check_ledger_storage(server).await;
}

/// Posts the intent; on 503 `server_busy` (at `SERIALIZABLE` every attempt of its
/// transaction may lose a race) posts the same bytes under the same key again, as the
/// widget does.
async fn submit_until_answered(api: &Api, session: &Session, body: &[u8]) -> Reply {
    let key = idempotency_key();
    for _ in 0..100 {
        let signature = sign(&session.client_secret, now(), body);
        let reply = api.submit_raw(session, body, &key, &signature).await;
        if (reply.status, reply.code()) != (503, "server_busy") {
            return reply;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "intent for {} answered 503 server_busy 100 times",
        session.id
    );
}
