//! Webhook delivery, measured (run with `cargo bench -p wallet-server --bench webhooks`;
//! BENCHMARKS.md *Webhooks*). Against the bench build of `wallet-server demo` on SQLite,
//! and on PostgreSQL when `BC_TEST_POSTGRES_URL` is set, with a receiver on loopback:
//!
//! 1. Commit to delivery: refunds of 0.01 made one after another, each event's arrival at a
//!    receiver that answers at once. The commit lies between the refund's request and its
//!    answer, so two figures bracket it: from the request (an upper bound) and from the
//!    answer (a lower bound; negative when the webhook arrived before the answer did).
//!    p50 and p99.
//! 2. Throughput with a slow receiver (each answer after `BENCH_SLOW_MS`, default 200 ms):
//!    `BENCH_EVENTS` refunds (default 400) made 8 at a time, and events delivered per
//!    second from the first request to the last delivery, at the server's default
//!    `webhook_concurrency` (16) and at 64.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::float_arithmetic,
    clippy::cast_precision_loss,
    dead_code
)]

#[path = "../tests/http/common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use common::receiver::{eventually, Answer, Receiver};
use common::*;
use serde_json::json;

fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Signed milliseconds.
fn ms(later: Instant, earlier: Instant) -> f64 {
    if later >= earlier {
        later.duration_since(earlier).as_secs_f64() * 1000.0
    } else {
        -(earlier.duration_since(later).as_secs_f64() * 1000.0)
    }
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    let rank = (p * sorted.len()).div_ceil(100).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// A server with a receiver registered and one paid intent of 100.00 to refund from.
async fn setup(
    backend: Backend,
    env: &[(&str, &str)],
    answer: Answer,
) -> (Server, Api, Receiver, String) {
    let receiver = Receiver::start(&[]).await;
    let origin = receiver.origin();
    let server = Server::start_with(backend, &common::webhooks::with_receiver(env, &origin)).await;
    let api = Api::new(&server);
    receiver.set_default(answer);
    let reply = api
        .post(
            "/v1/webhook-endpoints",
            Some(MERCHANT_KEY),
            &json!({"url": receiver.url}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("100.00"))
        .await;
    let paid = api.pay(&session, true, None, DEMO_PASSWORD).await;
    let intent = paid.ok()["id"].as_str().unwrap().to_owned();
    (server, api, receiver, intent)
}

/// The refund ids of the receiver's deliveries, with their arrival.
fn arrivals(receiver: &Receiver) -> HashMap<String, Instant> {
    receiver
        .received()
        .into_iter()
        .filter(|r| r.json()["type"] == json!("refund.succeeded"))
        .map(|r| {
            (
                r.json()["data"]["object"]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                r.at,
            )
        })
        .collect()
}

async fn latency(backend: Backend, count: usize) {
    let (_server, api, receiver, intent) = setup(backend, &[], Answer::Ok).await;
    let mut sent = Vec::with_capacity(count);
    for _ in 0..count {
        let start = Instant::now();
        let refund = api.refund(&intent, &json!({"amount": "0.01"})).await;
        let answered = Instant::now();
        sent.push((
            refund.ok()["id"].as_str().unwrap().to_owned(),
            start,
            answered,
        ));
    }
    let got = eventually("every refund's event", || async {
        let got = arrivals(&receiver);
        (got.len() >= count).then_some(got)
    })
    .await;
    let (mut upper, mut lower): (Vec<f64>, Vec<f64>) = sent
        .iter()
        .map(|(id, start, answered)| (ms(got[id], *start), ms(got[id], *answered)))
        .unzip();
    upper.sort_by(f64::total_cmp);
    lower.sort_by(f64::total_cmp);
    println!(
        "{backend:?}: commit to delivery, {count} events one at a time: from the request p50 {:.1} ms, p99 {:.1} ms; from the answer p50 {:.1} ms, p99 {:.1} ms",
        percentile(&upper, 50),
        percentile(&upper, 99),
        percentile(&lower, 50),
        percentile(&lower, 99),
    );
}

async fn throughput(backend: Backend, events: usize, slow_ms: u64, concurrency: &str) {
    let env = [("BC_WEBHOOK_CONCURRENCY", concurrency)];
    let (_server, api, receiver, intent) = setup(backend, &env, Answer::Slow(slow_ms)).await;
    let start = Instant::now();
    let api = Arc::new(api);
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let (api, intent) = (api.clone(), intent.clone());
        tasks.spawn(async move {
            for _ in (worker..events).step_by(8) {
                api.refund(&intent, &json!({"amount": "0.01"})).await.ok();
            }
        });
    }
    tasks.join_all().await;
    let made = start.elapsed();
    let last = eventually("every event at the slow receiver", || async {
        let got = arrivals(&receiver);
        (got.len() >= events).then(|| got.values().max().copied().unwrap())
    })
    .await;
    let elapsed = ms(last, start) / 1000.0 + slow_ms as f64 / 1000.0;
    println!(
        "{backend:?}: slow receiver ({slow_ms} ms an answer), webhook_concurrency {concurrency}: {events} events delivered in {elapsed:.2} s = {:.1} events/s (the refunds took {:.2} s)",
        events as f64 / elapsed,
        made.as_secs_f64(),
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let count = usize::try_from(knob("BENCH_LATENCY_EVENTS", 200)).unwrap();
    let events = usize::try_from(knob("BENCH_EVENTS", 400)).unwrap();
    let slow = knob("BENCH_SLOW_MS", 200);
    let mut backends = vec![Backend::Sqlite];
    if postgres_admin_url().is_some() {
        backends.push(Backend::Postgres);
    }
    for backend in backends {
        latency(backend, count).await;
        for concurrency in ["16", "64"] {
            throughput(backend, events, slow, concurrency).await;
        }
    }
}
