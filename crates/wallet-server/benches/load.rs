//! Load generator for `wallet-server` (run with `cargo bench -p wallet-server --bench load`).
//!
//! 1. Argon2id on its own, with the server's parameters (`wallet_server::security::password`):
//!    the time of one verification, and verifications per second at the load's concurrency
//!    on this machine. Every intent spends one verification, so this is the ceiling.
//! 2. Intents over HTTP against the release `wallet-server demo` on SQLite, and on
//!    PostgreSQL when `BC_TEST_POSTGRES_URL` is set (`scripts/pg-start.sh` starts one):
//!    wallets topped up, one fresh session per intent (created before the clock starts),
//!    then intents driven at a fixed concurrency. Prints intents/second and p50/p99.
//!
//! Sign-ins with the login password are measured the same way (as many as intents, at the
//! highest concurrency).
//!
//! Knobs: `BENCH_INTENTS` (default 400), `BENCH_CONCURRENCY` (levels, default `2,16`),
//! `BENCH_WALLETS` (16).
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

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::Argon2;
use checkout_core::{Choice, Currency, Money};
use common::measure::{knob, machine, ms, per_second, percentile};
use common::*;

fn verify(phc: &str, password: &str) -> bool {
    let parsed = PasswordHash::new(phc).expect("PHC string");
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

async fn argon2_alone(concurrency: usize) {
    // The server's parameters (Argon2id defaults); its pepper changes nothing in the cost.
    let passwords = wallet_server::security::password::Passwords::new(
        "bench-pepper-0123456789abcdef0123",
        &[],
        1,
    );
    let (_, _) = passwords.hash("123456".to_owned()).await.expect("hash");
    let salt =
        argon2::password_hash::SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let phc =
        argon2::password_hash::PasswordHasher::hash_password(&Argon2::default(), b"123456", &salt)
            .expect("hash with the server's parameters")
            .to_string();
    let params = phc.split('$').nth(3).unwrap_or("?").to_owned();
    println!("argon2id parameters (from the server's PHC string): {params}");

    let mut single = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        assert!(verify(&phc, "123456"));
        single.push(start.elapsed());
    }
    single.sort();
    println!(
        "argon2id: one verification, sequential x20: p50 {} p99 {}",
        ms(percentile(&single, 50)),
        ms(percentile(&single, 99))
    );

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let phc = Arc::new(phc);
    for parallel in [cores, concurrency] {
        let runs = parallel.max(cores) * 16;
        let start = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        let limit = Arc::new(tokio::sync::Semaphore::new(parallel));
        for _ in 0..runs {
            let (phc, limit) = (phc.clone(), limit.clone());
            tasks.spawn(async move {
                let _permit = limit.acquire_owned().await.unwrap();
                tokio::task::spawn_blocking(move || verify(&phc, "123456"))
                    .await
                    .unwrap()
            });
        }
        let ok = tasks.join_all().await.into_iter().filter(|v| *v).count();
        assert_eq!(ok, runs);
        println!(
            "argon2id alone: {runs} verifications at concurrency {parallel}: {}",
            per_second(runs, start.elapsed())
        );
    }
}

async fn intents_over_http(backend: Backend, intents: usize, concurrency: usize, wallets: usize) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let password = "112233";
    for w in 0..wallets {
        api.create_wallet(&format!("bench_{w}"), password, "1000000.00")
            .await;
    }
    let balance = Money::parse("1000000.00", Currency::CNY).unwrap();

    let setup = Instant::now();
    let mut prepared = Vec::with_capacity(intents);
    for n in 0..intents {
        let cart = one_item_cart(&format!("{}.{:02}", n % 90 + 1, n % 100));
        let session = api
            .create_session(&format!("bench_{}", n % wallets), &cart)
            .await;
        let choice = Choice {
            use_balance: true,
            balance_cap: None,
        };
        let body = prepare_with_balance(&session, balance, choice, None, password).body();
        prepared.push((session, body));
    }
    let setup = setup.elapsed();

    let queue = Arc::new(std::sync::Mutex::new(prepared));
    let start = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (api, queue) = (api.clone(), queue.clone());
        workers.spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            loop {
                let Some((session, body)) = queue.lock().unwrap().pop() else {
                    break;
                };
                let sent = Instant::now();
                let reply = api.submit(&session, &body).await;
                latencies.push(sent.elapsed());
                if reply.status != 201 {
                    failures += 1;
                    eprintln!("intent failed: {} {}", reply.status, reply.body);
                }
            }
            (latencies, failures)
        });
    }
    let mut latencies = Vec::with_capacity(intents);
    let mut failures = 0;
    for (l, f) in workers.join_all().await {
        latencies.extend(l);
        failures += f;
    }
    let elapsed = start.elapsed();
    latencies.sort();
    println!(
        "{backend:?}: {intents} intents at concurrency {concurrency} over {wallets} wallets: {} \
         p50 {} p99 {} ({failures} failed; {intents} sessions created in {:.1} s: {})",
        per_second(intents, elapsed),
        ms(percentile(&latencies, 50)),
        ms(percentile(&latencies, 99)),
        setup.as_secs_f64(),
        per_second(intents, setup),
    );
    assert_eq!(failures, 0, "every intent should succeed");
}

/// `sign_ins` sign-ins with the login password (`POST /wallet/sign-in`, right password) at
/// `concurrency` over `wallets` wallets: one Argon2id check and one session row each, the
/// same worker pool as the payment password's checks. Prints throughput and p50 / p99.
async fn sign_ins_over_http(backend: Backend, sign_ins: usize, concurrency: usize, wallets: usize) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    for w in 0..wallets {
        api.create_wallet(&format!("login_{w}"), "112233", "1.00")
            .await;
    }
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (browser, next, base) = (browser.clone(), next.clone(), server.url.clone());
        workers.spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= sign_ins {
                    break;
                }
                let id = format!("login_{}", n % wallets);
                let sent = Instant::now();
                let reply = browser
                    .post(format!("{base}/wallet/sign-in"))
                    .header("origin", base.as_str())
                    .form(&[("shopper_id", id.as_str()), ("password", LOGIN_PASSWORD)])
                    .send()
                    .await
                    .unwrap();
                latencies.push(sent.elapsed());
                assert_eq!(reply.status(), 303, "signed in");
            }
            latencies
        });
    }
    let mut latencies: Vec<Duration> = workers.join_all().await.into_iter().flatten().collect();
    let elapsed = start.elapsed();
    latencies.sort();
    println!(
        "{backend:?}: {sign_ins} sign-ins (login password) at concurrency {concurrency}: {} p50 {} p99 {}",
        per_second(sign_ins, elapsed),
        ms(percentile(&latencies, 50)),
        ms(percentile(&latencies, 99)),
    );
}

/// A kernel figure of the process in KiB (`VmRSS`, `VmHWM`), from `/proc/<pid>/status`.
fn memory_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| {
        l.strip_prefix(field)?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    })
}

/// A burst of `burst` wrong-password intents at once, one per wallet (so the lock never
/// turns them away): every one needs an Argon2id check, and the server runs at most
/// `password_workers` at once. Prints the checks per second and the server's peak memory.
async fn password_burst(burst: usize) {
    let server = Server::start(Backend::Sqlite).await;
    let api = Api::new(&server);
    let pid = server.pid().expect("running");
    let balance = Money::parse("100.00", Currency::CNY).unwrap();
    let mut prepared = Vec::with_capacity(burst);
    for n in 0..burst {
        let shopper = format!("burst_{n}");
        api.create_wallet(&shopper, "112233", "100.00").await;
        let session = api.create_session(&shopper, &one_item_cart("1.00")).await;
        let choice = Choice {
            use_balance: true,
            balance_cap: None,
        };
        let body = prepare_with_balance(&session, balance, choice, None, "000000").body();
        prepared.push((session, body));
    }
    // The peak from here on: creating the wallets above ran Argon2id too.
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let before = memory_kib(pid, "VmRSS:").unwrap_or(0);
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (session, body) in prepared {
        let api = api.clone();
        tasks.spawn(async move { api.submit(&session, &body).await.status });
    }
    let statuses = tasks.join_all().await;
    let elapsed = start.elapsed();
    let peak = memory_kib(pid, "VmHWM:").unwrap_or(0);
    let wrong = statuses.iter().filter(|s| **s == 403).count();
    let busy = statuses.iter().filter(|s| **s == 503).count();
    println!(
        "password burst: {burst} wrong passwords at once: {wrong} checked (403), {busy} turned away (503), {}; \
         server memory {:.0} MiB before, peak {:.0} MiB",
        per_second(wrong, elapsed),
        before as f64 / 1024.0,
        peak as f64 / 1024.0,
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this as a smoke test.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let intents = knob("BENCH_INTENTS", if smoke { 20 } else { 400 });
    let levels: Vec<usize> = std::env::var("BENCH_CONCURRENCY")
        .unwrap_or_else(|_| "2,16".to_owned())
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let concurrency = levels.iter().copied().max().unwrap_or(16);
    let wallets = knob("BENCH_WALLETS", 16);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!("{}", machine());
        argon2_alone(concurrency).await;
        password_burst(knob("BENCH_BURST", if smoke { 10 } else { 100 })).await;
        for &level in &levels {
            intents_over_http(Backend::Sqlite, intents, level, wallets).await;
        }
        sign_ins_over_http(Backend::Sqlite, intents, concurrency, wallets).await;
        if postgres_admin_url().is_some() {
            for &level in &levels {
                intents_over_http(Backend::Postgres, intents, level, wallets).await;
            }
        } else {
            println!("Postgres: skipped (set BC_TEST_POSTGRES_URL, see scripts/pg-start.sh)");
        }
    });
}
