//! `Idempotency-Key`: replays answer the stored response byte for byte, another body under
//! the same key is `idempotency_conflict`, a key still running is `request_in_progress`,
//! and 50 identical submits in parallel debit once.

use std::sync::Arc;

use crate::common::*;
use checkout_core::signature::sign;
use checkout_core::{Choice, Method};
use serde_json::json;

on_every_backend!(
    a_retry_with_the_same_key_and_body_returns_the_identical_response,
    the_same_key_with_another_body_is_idempotency_conflict,
    a_duplicate_sent_while_the_first_runs_is_request_in_progress,
    fifty_identical_parallel_submits_debit_once,
);

const CHOICE: Choice = Choice {
    use_balance: true,
    balance_cap: None,
};

async fn a_retry_with_the_same_key_and_body_returns_the_identical_response(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("30.00"))
        .await;
    let body = api
        .prepare(&session, CHOICE, None, DEMO_PASSWORD)
        .await
        .body();
    let key = idempotency_key();
    let signature = sign(&session.client_secret, now(), &body);
    let first = api.submit_raw(&session, &body, &key, &signature).await;
    assert_eq!(first.status, 201, "{}", first.body);

    let same_header = api.submit_raw(&session, &body, &key, &signature).await;
    let resigned = sign(&session.client_secret, now() + 1, &body);
    let fresh_header = api.submit_raw(&session, &body, &key, &resigned).await;

    for replay in [&same_header, &fresh_header] {
        assert_eq!(replay.status, first.status);
        assert_eq!(
            replay.raw, first.raw,
            "a replay is the stored body byte for byte"
        );
    }
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d("90.50"));

    // Errors are stored too: a wrong password replayed does not count a second try.
    let other = api
        .create_session(DEMO_SHOPPER, &one_item_cart("1.00"))
        .await;
    let wrong = api.prepare(&other, CHOICE, None, "000000").await.body();
    let key = idempotency_key();
    let sig = sign(&other.client_secret, now(), &wrong);
    let first = api.submit_raw(&other, &wrong, &key, &sig).await;
    first.error(403, "wrong_password");
    let again = api.submit_raw(&other, &wrong, &key, &sig).await;
    assert_eq!((again.status, &again.raw), (first.status, &first.raw));
}

async fn the_same_key_with_another_body_is_idempotency_conflict(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("30.00"))
        .await;
    let key = idempotency_key();
    let first = api
        .prepare(&session, CHOICE, None, DEMO_PASSWORD)
        .await
        .body();
    // Another attempt (new nonce, so another body), prepared while the session is open:
    // a paid session shows no balance to prepare from.
    let second = api
        .prepare(&session, CHOICE, None, DEMO_PASSWORD)
        .await
        .body();
    let signature = sign(&session.client_secret, now(), &first);
    let created = api.submit_raw(&session, &first, &key, &signature).await;
    assert_eq!(created.status, 201, "{}", created.body);

    let signature = sign(&session.client_secret, now(), &second);
    let reply = api.submit_raw(&session, &second, &key, &signature).await;

    reply.error(422, "idempotency_conflict");
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d("90.50"));
}

async fn a_duplicate_sent_while_the_first_runs_is_request_in_progress(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api.create_session(DEMO_SHOPPER, &design_cart()).await;
    let body = api
        .prepare(&session, CHOICE, Some(Method::WechatPay), DEMO_PASSWORD)
        .await
        .body();
    let key = idempotency_key();
    let signature = sign(&session.client_secret, now(), &body);

    // The first request spends an Argon2 verification inside; duplicates sent meanwhile
    // find the key running.
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (api, session, body, key, signature) = (
            api.clone(),
            session.clone(),
            body.clone(),
            key.clone(),
            signature.clone(),
        );
        tasks.spawn(async move { api.submit_raw(&session, &body, &key, &signature).await });
    }
    let replies: Vec<Reply> = tasks.join_all().await;

    let in_progress: Vec<&Reply> = replies.iter().filter(|r| r.status == 409).collect();
    assert!(
        !in_progress.is_empty(),
        "20 simultaneous duplicates never saw the key running: {:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for r in in_progress {
        r.error(409, "request_in_progress");
    }
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!(wallet.held, d("116.00"), "held once");
}

async fn fifty_identical_parallel_submits_debit_once(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("45.00"))
        .await;
    let body = Arc::new(
        api.prepare(&session, CHOICE, None, DEMO_PASSWORD)
            .await
            .body(),
    );
    let key = idempotency_key();
    let signature = sign(&session.client_secret, now(), &body);
    let barrier = Arc::new(tokio::sync::Barrier::new(50));

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let (api, session, body, key, signature, barrier) = (
            api.clone(),
            session.clone(),
            body.clone(),
            key.clone(),
            signature.clone(),
            barrier.clone(),
        );
        tasks.spawn(async move {
            barrier.wait().await;
            api.submit_raw(&session, &body, &key, &signature).await
        });
    }
    let replies: Vec<Reply> = tasks.join_all().await;

    let created: Vec<&Reply> = replies.iter().filter(|r| r.status == 201).collect();
    assert!(!created.is_empty(), "no submit succeeded");
    for r in &created {
        assert_eq!(r.raw, created[0].raw, "every success is the same response");
    }
    for r in replies.iter().filter(|r| r.status != 201) {
        // The contract lets a duplicate that overlaps the first say so (409).
        r.error(409, "request_in_progress");
    }
    // Once settled, every retry answers the one stored response.
    let after = api.submit_raw(&session, &body, &key, &signature).await;
    assert_eq!(after.raw, created[0].raw);
    assert_eq!(created[0].body["status"], json!("succeeded"));
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!(wallet.balance, d("75.50"), "exactly one debit of 45.00");
    let ledger = api.ledger(DEMO_SHOPPER).await;
    let flows = ledger_flows(&ledger);
    assert_eq!(
        flows.captures,
        d("45.00"),
        "one capture in the ledger: {ledger}"
    );
    check_wallet_ledger(&ledger, &wallet);
}
