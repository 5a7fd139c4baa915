//! The server killed with SIGKILL under load and restarted on the same database: the ledger
//! is consistent, and retries with the same Idempotency-Key answer the original result.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use checkout_core::signature::sign;
use checkout_core::{Choice, Currency, Money};
use rust_decimal::Decimal;
use serde_json::json;

on_every_backend!(a_kill_under_load_loses_nothing_and_retries_answer_the_original_result);

const WALLETS: usize = 3;
const INTENTS: usize = 150;
const KILL_AFTER: usize = 40;
const PASSWORD: &str = "135790";

/// One prepared attempt, replayable byte for byte.
#[derive(Clone)]
struct Attempt {
    session: Session,
    body: Vec<u8>,
    key: String,
    signature: String,
}

async fn wallets_and_attempts(api: &Api) -> Vec<Attempt> {
    for i in 0..WALLETS {
        api.create_wallet(&format!("crash_{i}"), PASSWORD, "500.00")
            .await;
    }
    let start = Money::parse("500.00", Currency::CNY).unwrap();
    let mut attempts = Vec::with_capacity(INTENTS);
    for n in 0..INTENTS {
        let cart = one_item_cart(&format!("{}.50", n % 9 + 1));
        let session = api
            .create_session(&format!("crash_{}", n % WALLETS), &cart)
            .await;
        let choice = Choice {
            use_balance: true,
            balance_cap: None,
        };
        let body = prepare_with_balance(&session, start, choice, None, PASSWORD).body();
        let signature = sign(&session.client_secret, now(), &body);
        attempts.push(Attempt {
            session,
            body,
            key: idempotency_key(),
            signature,
        });
    }
    attempts
}

/// Sends the attempts 16 at a time and SIGKILLs the server once KILL_AFTER answers have
/// come back; returns each attempt's answer, if it got one.
async fn load_then_kill(
    server: &mut Server,
    api: &Api,
    attempts: &[Attempt],
) -> Vec<Option<Reply>> {
    let answered = Arc::new(AtomicUsize::new(0));
    let limit = Arc::new(tokio::sync::Semaphore::new(16));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, a) in attempts.iter().cloned().enumerate() {
        let (api, answered, limit) = (api.clone(), answered.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.unwrap();
            let reply = api
                .try_submit_raw(&a.session, &a.body, &a.key, &a.signature)
                .await
                .ok();
            if reply.is_some() {
                answered.fetch_add(1, Ordering::SeqCst);
            }
            (i, reply)
        });
    }
    while answered.load(Ordering::SeqCst) < KILL_AFTER {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().await;
    let mut before: Vec<Option<Reply>> = vec![None; attempts.len()];
    for (i, reply) in tasks.join_all().await {
        before[i] = reply;
    }
    let lost = before.iter().filter(|r| r.is_none()).count();
    assert!(
        lost > 0,
        "the kill came after every request had been answered"
    );
    before
}

async fn a_kill_under_load_loses_nothing_and_retries_answer_the_original_result(backend: Backend) {
    let mut server = Server::start(backend).await;
    let api = Api::new(&server);
    let attempts = wallets_and_attempts(&api).await;
    let before = load_then_kill(&mut server, &api, &attempts).await;
    let lost = before.iter().filter(|r| r.is_none()).count();

    server.restart().await;
    let api = Api::new(&server);

    let mut spent: BTreeMap<String, Decimal> = BTreeMap::new();
    let (mut unresolved, mut unresolved_paid) = (0, 0);
    for (a, first) in attempts.iter().zip(&before) {
        let retry = api
            .submit_raw(&a.session, &a.body, &a.key, &a.signature)
            .await;
        if let Some(first) = first {
            assert_eq!(
                (retry.status, &retry.raw),
                (first.status, &first.raw),
                "a retry after the restart answers the original result"
            );
        }
        let paid = match (retry.status, retry.code()) {
            (201, _) => {
                assert_eq!(retry.body["status"], json!("succeeded"), "{}", retry.body);
                Some(dec(&retry.body["balance_amount"]))
            }
            // Killed between its commit and storing its answer: the key is still marked
            // running. The session says whether the payment went through.
            (409, "request_in_progress") => {
                unresolved += 1;
                let session = api.get_session(&a.session).await;
                let paid = session.ok()["status"] == json!("completed");
                unresolved_paid += usize::from(paid);
                paid.then(|| a.session.cart.lines[0].unit_price.value())
            }
            _ => panic!("unexpected retry answer {} {}", retry.status, retry.body),
        };
        if let Some(amount) = paid {
            *spent.entry(a.session.shopper_id.clone()).or_default() += amount;
        }
    }
    eprintln!(
        "{lost} requests lost in the kill; {unresolved} keys still marked running, \
         {unresolved_paid} of them for payments that went through"
    );

    for i in 0..WALLETS {
        let owner = format!("crash_{i}");
        let wallet = api.wallet(&owner).await;
        assert_eq!(wallet.held, Decimal::ZERO);
        assert_eq!(
            wallet.balance,
            d("500.00") - spent.get(&owner).copied().unwrap_or_default(),
            "{owner}: top-ups - captures, with every payment that went through counted once"
        );
        let ledger = api.ledger(&owner).await;
        check_wallet_ledger(&ledger, &wallet);
    }
    check_ledger_storage(&server).await;
}

/// A key left `running` by the kill is taken over by a retry once the server's takeover
/// time (`BC_TAKEOVER_SECS`, shortened here) has passed; the retry must then finish the
/// payment (201), not fail on the attempt's own nonce from its first, killed run.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_key_left_running_by_a_kill_is_answered_after_the_takeover() {
    let mut server = Server::start_with(Backend::Sqlite, &[("BC_TAKEOVER_SECS", "3")]).await;
    let api = Api::new(&server);
    let attempts = wallets_and_attempts(&api).await;
    let before = load_then_kill(&mut server, &api, &attempts).await;
    server.restart().await;
    let api = Api::new(&server);
    let mut stuck = Vec::new();
    for (a, first) in attempts.iter().zip(&before) {
        if first.is_none() {
            let retry = api
                .submit_raw(&a.session, &a.body, &a.key, &a.signature)
                .await;
            // A key already past its takeover time is retried at once: that retry must
            // finish the payment, not trip over the killed run's nonce.
            assert_ne!(
                retry.code(),
                "nonce_reused",
                "retry after restart: {}",
                retry.body
            );
            if retry.code() == "request_in_progress" {
                stuck.push(a);
            }
        }
    }
    if stuck.is_empty() {
        eprintln!("no key was left running by this kill; nothing to check");
        return;
    }

    tokio::time::sleep(Duration::from_secs(4)).await;

    for a in stuck {
        // Fresh signature: the first one may be close to its 300 s limit by now.
        let signature = sign(&a.session.client_secret, now(), &a.body);
        let retry = api
            .submit_raw(&a.session, &a.body, &a.key, &signature)
            .await;
        assert_eq!(
            retry.status, 201,
            "retry of a request killed mid-flight, after the takeover: {}",
            retry.body
        );
    }
}
