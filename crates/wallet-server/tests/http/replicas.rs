//! Three `wallet-server serve` replicas on one PostgreSQL (DESIGN.md *Several replicas*):
//! 500 intents over 5 wallets spread over the replicas, a third of them split payments
//! whose holds are approved in the sandbox or left to expire (every replica sweeps), and
//! refunds. Afterwards: no wallet below zero, every wallet equal to its ledger and to
//! what the answers say was paid, the books summing to zero, every hold settled exactly
//! once, no session paid twice, every paid intent recorded once, every event delivered.
//! The same at `SERIALIZABLE` (where the replicas retry the transactions that lose a race
//! with SQLSTATE 40001, as many as the interleaving produces: `concurrency.rs` forces
//! one), and with one replica SIGKILLed mid-run (its clients move to the others with the
//! same Idempotency-Key, as behind a load balancer). PostgreSQL only: SQLite is one
//! process's database.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::receiver::{eventually, Receiver};
use crate::common::replicas::{Cluster, REPLICA_ADMIN_KEY};
use crate::common::*;
use checkout_core::signature::sign;
use checkout_core::{Amount, Choice, Currency, IntentStatus, Method, Money};
use rust_decimal::Decimal;
use serde_json::{json, Value};

const REPLICAS: usize = 3;
const WALLETS: usize = 5;
const INTENTS: usize = 500;
const IN_FLIGHT: usize = 24;
const PASSWORD: &str = "246810";
const START_BALANCE: &str = "300.00";

fn shopper(i: usize) -> String {
    format!("replica_{i}")
}

/// Prices from 1.01 to 50.99: far more than the wallets hold, so many are refused.
fn price(n: usize) -> String {
    format!("{}.{:02}", n * 37 % 50 + 2, (n * 53 % 99) + 1)
}

/// Every third intent pays 1.00 from balance and the rest with WeChat Pay (a hold).
fn is_split(n: usize) -> bool {
    n % 3 == 0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_on_one_database_keep_the_books() {
    run("read_committed", None).await;
}

/// At `SERIALIZABLE` the books hold the same. How many transactions lose a race depends
/// on how the replicas' transactions interleave: the retries are counted (every one
/// logged is in `/metrics`), not required.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_at_serializable_retry_their_lost_races() {
    let (logs, counted) = run("serializable", None).await;
    if postgres_admin_url().is_none() {
        return;
    }
    assert_eq!(
        logs.matches("isolation=Serializable").count(),
        REPLICAS,
        "every replica logs that it runs at SERIALIZABLE (none logging anything at info: \
         was `tracing` built with a max_level feature? see the root Cargo.toml)"
    );
    let retried = logs
        .lines()
        .filter(|l| l.contains("transaction lost a race"))
        .count();
    let after_40001 = logs
        .lines()
        .filter(|l| l.contains("transaction lost a race") && l.contains("code=\"40001\""))
        .count();
    eprintln!(
        "transactions run again: {retried} logged ({after_40001} after SQLSTATE 40001), {counted} counted"
    );
    assert!(
        counted >= retried as u64,
        "every logged retry is counted in /metrics"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replica_killed_mid_run_loses_and_doubles_nothing() {
    run("read_committed", Some(INTENTS / 3)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rate_limits_hold_across_replicas() {
    if postgres_admin_url().is_none() {
        eprintln!("skipped: set BC_TEST_POSTGRES_URL (scripts/pg-start.sh) to run on PostgreSQL");
        return;
    }
    const LIMIT: usize = 30;
    let receiver = Receiver::start(&[]).await;
    let env = [("BC_REPLICAS", "3"), ("BC_RATE_LIMIT_IP_PER_MIN", "30")];
    let cluster = Cluster::start(REPLICAS, &receiver.url, &env).await;
    let mut served = 0;
    // Round robin, as a balancer spreads one client. Without the shares the first 429
    // would come after 3 × 30; with them after about 30, and a minute turning over
    // between two requests can at most double that.
    for n in 0..(3 * LIMIT) {
        let reply = cluster.api(n).get("/v1/openapi.json", None).await;
        if reply.status == 429 {
            reply.error(429, "rate_limited");
            break;
        }
        served += 1;
    }
    eprintln!("{served} requests served over {REPLICAS} replicas before the first 429");
    assert!(
        served > 0 && served <= 2 * LIMIT,
        "served {served} with a limit of {LIMIT}"
    );
}

/// Runs the load; `kill_after`: SIGKILL the last replica once that many intents were
/// answered. Returns the replicas' logs and the sum of their
/// `db_transaction_retries_total` counters.
async fn run(isolation: &str, kill_after: Option<usize>) -> (String, u64) {
    if postgres_admin_url().is_none() {
        eprintln!("skipped: set BC_TEST_POSTGRES_URL (scripts/pg-start.sh) to run on PostgreSQL");
        return (String::new(), 0);
    }
    let receiver = Receiver::start(&[]).await;
    let env = [
        ("BC_DB_ISOLATION", isolation),
        ("BC_HOLD_TTL_SECS", "3"),
        ("BC_SWEEP_INTERVAL_SECS", "1"),
        ("BC_TAKEOVER_SECS", "3"),
        ("BC_WEBHOOK_POLL_MS", "200"),
        // The default filter, set explicitly: the test reads the replicas' retry lines.
        ("RUST_LOG", "info,sqlx=warn,tower_http=warn"),
    ];
    let mut cluster = Cluster::start(REPLICAS, &receiver.url, &env).await;
    for i in 0..WALLETS {
        cluster
            .api(i)
            .create_wallet(&shopper(i), PASSWORD, START_BALANCE)
            .await;
    }
    let answered = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    let limit = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    for n in 0..INTENTS {
        let (session, body) = prepare(&cluster, n).await;
        let apis: Vec<Api> = (0..REPLICAS).map(|r| cluster.api(n + r)).collect();
        let (limit, answered) = (limit.clone(), answered.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.unwrap();
            let reply = submit_with_failover(&apis, &session, &body).await;
            answered.fetch_add(1, Ordering::SeqCst);
            reply
        });
    }
    if let Some(at) = kill_after {
        let counter = answered.clone();
        eventually("intents answered before the kill", || {
            let n = counter.load(Ordering::SeqCst);
            async move { (n >= at).then_some(()) }
        })
        .await;
        cluster.kill(REPLICAS - 1).await;
        eprintln!("replica {} SIGKILLed after {at} answers", REPLICAS - 1);
    }
    let replies = tasks.join_all().await;
    let alive = if kill_after.is_some() {
        REPLICAS - 1
    } else {
        REPLICAS
    };
    let intents = settle(&cluster, alive, &replies).await;
    check_books(&cluster, alive, &intents).await;
    check_every_event_delivered(&cluster, &receiver).await;
    let mut retries = 0;
    for i in 0..alive {
        retries += scraped_retries(&cluster.api(i)).await;
    }
    (cluster.logs(), retries)
}

/// The sum of one replica's `db_transaction_retries_total` samples.
async fn scraped_retries(api: &Api) -> u64 {
    let reply = api.get("/metrics", Some(REPLICA_ADMIN_KEY)).await;
    let text = String::from_utf8(reply.raw.clone()).unwrap();
    text.lines()
        .filter(|l| l.starts_with("db_transaction_retries_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

/// Session `n` on replica `n % REPLICAS`, and the body its widget would post (quoted on
/// the starting balance).
async fn prepare(cluster: &Cluster, n: usize) -> (Session, Vec<u8>) {
    let owner = shopper(n % WALLETS);
    let session = cluster
        .api(n)
        .create_session(&owner, &one_item_cart(&price(n)))
        .await;
    let seen = Money::parse(START_BALANCE, Currency::CNY).unwrap();
    let (cap, method) = if is_split(n) {
        (
            Some(Amount::parse("1.00").unwrap()),
            Some(Method::WechatPay),
        )
    } else {
        (None, None)
    };
    let choice = Choice {
        use_balance: true,
        balance_cap: cap,
    };
    let prepared = prepare_with_balance(&session, seen, choice, method, PASSWORD);
    (session, prepared.body())
}

/// Posts the intent to its replica; when the connection fails, the key is still running
/// on a dead replica, or the server answers 5xx, posts the same bytes under the same key
/// to the next replica, as a widget's retry behind a load balancer would.
async fn submit_with_failover(apis: &[Api], session: &Session, body: &[u8]) -> Reply {
    let key = idempotency_key();
    for attempt in 0..600 {
        let api = &apis[attempt % apis.len()];
        let signature = sign(&session.client_secret, now(), body);
        match api.try_submit_raw(session, body, &key, &signature).await {
            Ok(r) if r.status < 500 && r.code() != "request_in_progress" => return r,
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    panic!("intent for {} never got a final answer", session.id);
}

/// What each paid intent ended as, once no hold waits: approves every other hold in the
/// sandbox (the rest expire and every replica's sweeper may release them), refunds every
/// fourth success in full. Returns each final intent with the balance refunded to it.
async fn settle(cluster: &Cluster, alive: usize, replies: &[Reply]) -> Vec<(Value, Decimal)> {
    let mut paid = Vec::new();
    let mut refused = 0;
    for reply in replies {
        match (reply.status, reply.code()) {
            (201, _) => paid.push(reply.body.clone()),
            (402, "insufficient_balance") | (409, "quote_mismatch") => refused += 1,
            _ => panic!("unexpected answer {} {}", reply.status, reply.body),
        }
    }
    eprintln!("{} intents paid or held, {refused} refused", paid.len());
    assert!(refused > 0, "the load was meant to exceed the balances");
    for (i, intent) in paid.iter().enumerate() {
        if intent["status"] == json!("requires_action") && i % 2 == 0 {
            let r = cluster
                .api(i % alive)
                .sandbox(intent["id"].as_str().unwrap(), "approve")
                .await;
            assert!(
                r.status == 200 || r.code() == "intent_not_pending",
                "{}",
                r.body
            );
        }
    }
    let mut ended = Vec::new();
    for intent in &paid {
        let id = intent["id"].as_str().unwrap().to_owned();
        let api = cluster.api(ended.len() % alive);
        let now = eventually("the hold to be captured or released", || {
            let (api, id) = (api.clone(), id.clone());
            async move {
                let body = api.get_intent(&id).await.ok().clone();
                (body["status"] != json!(IntentStatus::RequiresAction.code())).then_some(body)
            }
        })
        .await;
        ended.push(now);
    }
    let mut out = Vec::new();
    for (i, intent) in ended.into_iter().enumerate() {
        let refunded = if intent["status"] == json!(IntentStatus::Succeeded.code()) && i % 4 == 0 {
            let api = cluster.api(i % alive);
            api.refund(
                intent["id"].as_str().unwrap(),
                &json!({"amount": intent["total"]}),
            )
            .await
            .ok();
            dec(&intent["balance_amount"])
        } else {
            Decimal::ZERO
        };
        out.push((intent, refunded));
    }
    out
}

/// The wallets against the answers and their ledgers, and the stored books.
async fn check_books(cluster: &Cluster, alive: usize, intents: &[(Value, Decimal)]) {
    let pool = cluster.pool().await;
    let mut spent: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut refunded: BTreeMap<String, Decimal> = BTreeMap::new();
    for (intent, back) in intents {
        let id = intent["id"].as_str().unwrap();
        let owner: String = sqlx::query_scalar("SELECT shopper_id FROM intents WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
        if intent["status"] == json!(IntentStatus::Succeeded.code()) {
            *spent.entry(owner.clone()).or_default() += dec(&intent["balance_amount"]);
        }
        *refunded.entry(owner).or_default() += *back;
    }
    // Every intent has one outcome: one answer per paid intent, and no intent stored that
    // no answer reported (a refused payment stores none).
    let answered: BTreeSet<&str> = intents
        .iter()
        .map(|(intent, _)| intent["id"].as_str().unwrap())
        .collect();
    assert_eq!(answered.len(), intents.len(), "an intent answered twice");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM intents")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        stored,
        i64::try_from(intents.len()).unwrap(),
        "intents stored against intents answered 201"
    );
    for i in 0..WALLETS {
        let owner = shopper(i);
        let api = cluster.api(i % alive);
        let wallet = api.wallet(&owner).await;
        assert!(
            wallet.balance >= Decimal::ZERO && wallet.held == Decimal::ZERO,
            "{owner}: {wallet:?}"
        );
        let expected = d(START_BALANCE) - spent.get(&owner).copied().unwrap_or_default()
            + refunded.get(&owner).copied().unwrap_or_default();
        assert_eq!(
            wallet.balance, expected,
            "{owner}: top-up - paid + refunded"
        );
        check_wallet_ledger(&api.ledger(&owner).await, &wallet);
    }
    check_ledger_storage_at(cluster.database_url()).await;
    let checks = [
        (
            "holds not settled exactly once (one capture or one release each)",
            "SELECT COUNT(*) FROM ledger_transactions h WHERE h.kind = 'hold' AND \
             (SELECT COUNT(*) FROM ledger_transactions s WHERE s.reference = h.reference \
              AND s.kind IN ('capture', 'release')) <> 1",
        ),
        (
            "sessions with more than one succeeded intent",
            "SELECT COUNT(*) FROM (SELECT session_id FROM intents WHERE status = $1 \
             GROUP BY session_id HAVING COUNT(*) > 1) AS t",
        ),
    ];
    for (what, sql) in checks {
        let n: i64 = sqlx::query_scalar(sql)
            .bind(IntentStatus::Succeeded.code())
            .fetch_one(&pool)
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(n, 0, "{what}");
    }
}

/// Every event in the outbox reached the merchant's endpoint (at least once).
async fn check_every_event_delivered(cluster: &Cluster, receiver: &Receiver) {
    let pool = cluster.pool().await;
    let events: Vec<String> = sqlx::query_scalar("SELECT id FROM events")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(!events.is_empty(), "the run recorded events");
    let missing = eventually("every event delivered", || {
        let received: BTreeSet<String> = receiver
            .received()
            .iter()
            .filter(|r| r.answer == crate::common::receiver::Answer::Ok)
            .map(crate::common::receiver::Received::id)
            .collect();
        let missing = events.iter().filter(|e| !received.contains(*e)).count();
        async move { (missing == 0).then_some(missing) }
    })
    .await;
    let twice = receiver.received().len() - events.len();
    eprintln!(
        "{} events delivered ({twice} deliveries more than once)",
        events.len()
    );
    assert_eq!(missing, 0);
}
