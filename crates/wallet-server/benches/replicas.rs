//! Intents per second and latency with 1, 2 and 3 `wallet-server serve` replicas on one
//! PostgreSQL (`cargo bench -p wallet-server --bench replicas`; needs
//! `BC_TEST_POSTGRES_URL`, see `scripts/pg-start.sh`). The password path: every intent
//! spends one Argon2id check. Each replica count gets a fresh database, wallets with
//! plenty of balance, and one session per intent created before the clock starts; the
//! intents are then sent at a fixed concurrency, spread round robin over the replicas.
//!
//! Knobs: `BENCH_INTENTS` (default 300), `BENCH_CONCURRENCY` (16), `BENCH_WALLETS` (16),
//! `BENCH_REPLICAS` (`1,2,3`), `BENCH_ISOLATION` (`read_committed`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::float_arithmetic,
    dead_code
)]

#[path = "../tests/http/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use checkout_core::{Choice, Currency, Money};
use common::receiver::Receiver;
use common::replicas::{Cluster, REPLICA_ADMIN_KEY};
use common::*;

fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// p-th percentile (0..=100) of sorted durations, nearest rank.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len()).div_ceil(100).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The knobs of one run.
struct Load {
    intents: usize,
    concurrency: usize,
    wallets: usize,
    isolation: String,
}

/// Sessions and signed bodies for `load.intents` intents, spread over the replicas.
async fn prepare(cluster: &Cluster, load: &Load) -> Vec<(usize, Session, Vec<u8>)> {
    let password = "112233";
    for w in 0..load.wallets {
        cluster
            .api(w)
            .create_wallet(&format!("bench_{w}"), password, "1000000.00")
            .await;
    }
    let balance = Money::parse("1000000.00", Currency::CNY).unwrap();
    let mut prepared = Vec::with_capacity(load.intents);
    for n in 0..load.intents {
        let cart = one_item_cart(&format!("{}.{:02}", n % 90 + 1, n % 100));
        let owner = format!("bench_{}", n % load.wallets);
        let session = cluster.api(n).create_session(&owner, &cart).await;
        let choice = Choice {
            use_balance: true,
            balance_cap: None,
        };
        let body = prepare_with_balance(&session, balance, choice, None, password).body();
        prepared.push((n, session, body));
    }
    prepared
}

/// One replica count: prints intents/s, p50, p99 and the transactions retried.
async fn run(replicas: usize, load: &Load) {
    let receiver = Receiver::start(&[]).await;
    let env = [("BC_DB_ISOLATION", load.isolation.as_str())];
    let cluster = Cluster::start(replicas, &receiver.url, &env).await;
    let queue = Arc::new(std::sync::Mutex::new(prepare(&cluster, load).await));
    let apis: Vec<Api> = (0..replicas).map(|r| cluster.api(r)).collect();
    let start = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..load.concurrency {
        let (apis, queue) = (apis.clone(), queue.clone());
        workers.spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let Some((n, session, body)) = queue.lock().unwrap().pop() else {
                    break;
                };
                let sent = Instant::now();
                let reply = apis[n % apis.len()].submit(&session, &body).await;
                latencies.push(sent.elapsed());
                assert_eq!(reply.status, 201, "{}", reply.body);
            }
            latencies
        });
    }
    let mut latencies: Vec<Duration> = workers.join_all().await.concat();
    let elapsed = start.elapsed();
    latencies.sort();
    let mut retries = 0u64;
    for api in &apis {
        let text = String::from_utf8(api.get("/metrics", Some(REPLICA_ADMIN_KEY)).await.raw)
            .unwrap_or_default();
        retries += text
            .lines()
            .filter(|l| l.starts_with("db_transaction_retries_total{"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum::<u64>();
    }
    let count = u32::try_from(load.intents).unwrap_or(u32::MAX);
    println!(
        "| {replicas} | {} | {:.1}/s | {} | {} | {retries} |",
        load.isolation,
        f64::from(count) / elapsed.as_secs_f64(),
        ms(percentile(&latencies, 50)),
        ms(percentile(&latencies, 99)),
    );
}

fn main() {
    let smoke = !std::env::args().any(|a| a == "--bench");
    let load = Load {
        intents: knob("BENCH_INTENTS", if smoke { 20 } else { 300 }),
        concurrency: knob("BENCH_CONCURRENCY", 16),
        wallets: knob("BENCH_WALLETS", 16),
        isolation: std::env::var("BENCH_ISOLATION").unwrap_or_else(|_| "read_committed".into()),
    };
    let counts: Vec<usize> = std::env::var("BENCH_REPLICAS")
        .unwrap_or_else(|_| "1,2,3".to_owned())
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    if postgres_admin_url().is_none() {
        println!("replicas: skipped (set BC_TEST_POSTGRES_URL, see scripts/pg-start.sh)");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!(
            "machine: {} cores, load average before the run: {}; {} intents at concurrency {} over {} wallets",
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim(),
            load.intents,
            load.concurrency,
            load.wallets,
        );
        println!("| replicas | isolation | intents/s | p50 | p99 | retries |");
        println!("|---|---|---|---|---|---|");
        for &n in &counts {
            run(n, &load).await;
        }
    });
}
