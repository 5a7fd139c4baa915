//! Paying with a passkey against paying with the password, on one server in one run
//! (`cargo bench -p wallet-server --bench passkeys`; BENCHMARKS.md *Passkeys*).
//!
//! The release `wallet-server demo` on SQLite (and on PostgreSQL when
//! `BC_TEST_POSTGRES_URL` is set): one wallet per worker, each with a software passkey
//! enrolled on the security page; one fresh session per intent, created before the clock
//! starts. A password intent is one request (Argon2id on the server); a passkey intent is
//! what the frame does: the challenge, the authenticator's signature (in this process,
//! ECDSA P-256, as a phone's secure element would) and the intent. Prints intents/s and
//! p50/p99 of each path, and their ratio.
//!
//! Knobs: `BENCH_INTENTS` (per path, default 200), `BENCH_CONCURRENCY` (default 8).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::float_arithmetic,
    dead_code
)]

#[path = "../tests/http/common/mod.rs"]
mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use checkout_core::{Choice, Currency, Money};
use common::measure::{knob, machine, ms, percentile};
use common::passkey::{confirm, enrol};
use common::*;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

const PASSWORD: &str = "112233";

/// Fresh sessions for `wallet`, each with its password intent prepared.
async fn sessions(api: &Api, wallet: &str, count: usize) -> Vec<(Session, Prepared)> {
    let balance = Money::parse("1000000.00", Currency::CNY).unwrap();
    let mut out = Vec::with_capacity(count);
    for n in 0..count {
        let session = api
            .create_session(
                wallet,
                &one_item_cart(&format!("{}.{:02}", n % 90 + 1, n % 100)),
            )
            .await;
        let choice = Choice {
            use_balance: true,
            balance_cap: None,
        };
        let prepared = prepare_with_balance(&session, balance, choice, None, PASSWORD);
        out.push((session, prepared));
    }
    out
}

/// One worker's sessions, and its wallet's passkey when it pays with one.
type Work = (Vec<(Session, Prepared)>, Option<SoftPasskey>);

/// Runs one worker per wallet over its sessions; answers the latencies and the time.
async fn run(server: &Arc<Server>, work: Vec<Work>) -> (Vec<Duration>, Duration) {
    let api = Api::new(server);
    let failures = Arc::new(Mutex::new(0usize));
    let start = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for (sessions, key) in work {
        let (api, server, failures) = (api.clone(), server.clone(), failures.clone());
        workers.spawn(async move {
            let mut key = key;
            let mut latencies = Vec::with_capacity(sessions.len());
            for (session, prepared) in sessions {
                let sent = Instant::now();
                let body = match key.as_mut() {
                    None => prepared.body(),
                    Some(key) => {
                        let request = confirm(&server, key, &session, &prepared.request).await;
                        serde_json::to_vec(&request).unwrap()
                    }
                };
                let reply = api.submit(&session, &body).await;
                latencies.push(sent.elapsed());
                if reply.status != 201 {
                    *failures.lock().unwrap() += 1;
                    eprintln!("intent failed: {} {}", reply.status, reply.body);
                }
            }
            latencies
        });
    }
    let mut latencies: Vec<Duration> = workers.join_all().await.into_iter().flatten().collect();
    let elapsed = start.elapsed();
    assert_eq!(*failures.lock().unwrap(), 0, "every intent should succeed");
    latencies.sort();
    (latencies, elapsed)
}

async fn compare(backend: Backend, intents: usize, concurrency: usize) {
    let server = Arc::new(Server::start(backend).await);
    let api = Api::new(&server);
    let per_wallet = intents.div_ceil(concurrency);
    let mut keys = Vec::with_capacity(concurrency);
    let (mut by_password, mut by_passkey) = (Vec::new(), Vec::new());
    for w in 0..concurrency {
        let wallet = format!("bench_pk_{w}");
        api.create_wallet(&wallet, PASSWORD, "1000000.00").await;
        keys.push(enrol(&server, &wallet, "Bench phone").await);
        by_password.push((sessions(&api, &wallet, per_wallet).await, None));
        by_passkey.push((sessions(&api, &wallet, per_wallet).await, None));
    }
    for ((_, slot), key) in by_passkey.iter_mut().zip(keys) {
        *slot = Some(key);
    }
    let total = per_wallet * concurrency;
    let mut rates = Vec::new();
    for (name, work) in [("password", by_password), ("passkey", by_passkey)] {
        let (latencies, elapsed) = run(&server, work).await;
        let rate = f64::from(u32::try_from(total).unwrap_or(u32::MAX)) / elapsed.as_secs_f64();
        rates.push(rate);
        println!(
            "{backend:?}: {total} intents by {name} at concurrency {concurrency}: {rate:.1}/s \
             p50 {} p99 {}",
            ms(percentile(&latencies, 50)),
            ms(percentile(&latencies, 99)),
        );
    }
    println!(
        "{backend:?}: passkey / password throughput: {:.2}x",
        rates[1] / rates[0]
    );
}

fn main() {
    let smoke = !std::env::args().any(|a| a == "--bench");
    let intents = knob("BENCH_INTENTS", if smoke { 8 } else { 200 });
    let concurrency = knob("BENCH_CONCURRENCY", if smoke { 2 } else { 8 });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!("{}", machine());
        compare(Backend::Sqlite, intents, concurrency).await;
        if postgres_admin_url().is_some() {
            compare(Backend::Postgres, intents, concurrency).await;
        } else {
            println!("Postgres: skipped (set BC_TEST_POSTGRES_URL, see scripts/pg-start.sh)");
        }
    });
}
