//! The payment password cannot be raced or read back (DESIGN.md *Security model*):
//! a burst of guesses checks at most the five attempts allowed, and a copy of the
//! database holds nothing that tells a guess right without the server's pepper.

use crate::common::*;
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use checkout_core::Choice;
use serde_json::json;
use sha2::{Digest, Sha256};

on_every_backend!(
    a_burst_of_wrong_guesses_checks_at_most_five,
    the_right_password_in_a_burst_pays_only_within_the_five,
    a_copy_of_the_database_gives_no_password_back,
);

const CHOICE: Choice = Choice {
    use_balance: true,
    balance_cap: None,
};

/// Sends one attempt per password at the same moment; answers in the same order.
async fn burst(api: &Api, session: &Session, passwords: &[&str]) -> Vec<Reply> {
    let mut bodies = Vec::new();
    for p in passwords {
        bodies.push(api.prepare(session, CHOICE, None, p).await.body());
    }
    join_all(bodies.iter().map(|b| api.submit(session, b)).collect()).await
}

/// Polls every request together: all are on the wire before any answer is awaited.
async fn join_all<F: std::future::Future<Output = Reply>>(futures: Vec<F>) -> Vec<Reply> {
    let mut set = Vec::new();
    for f in futures {
        set.push(Box::pin(f));
    }
    let mut results: Vec<Option<Reply>> = (0..set.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if results[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(r) => results[i] = Some(r),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results.into_iter().map(Option::unwrap).collect()
}

/// Answers that show their password was checked: a payment, a wrong password, or the
/// wrong password that locked the wallet (`attempts_left: 0`).
fn checked(replies: &[Reply]) -> usize {
    replies
        .iter()
        .filter(|r| match r.status {
            201 | 403 => true,
            423 => r.body["error"]["attempts_left"] == json!(0),
            _ => false,
        })
        .count()
}

async fn a_burst_of_wrong_guesses_checks_at_most_five(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let replies = burst(&api, &session, &["000000"; 30]).await;
    for r in &replies {
        assert!(matches!(r.status, 403 | 423), "{} {}", r.status, r.body);
    }
    assert_eq!(checked(&replies), 5, "exactly the five allowed are checked");
    let after = burst(&api, &session, &[DEMO_PASSWORD]).await;
    after[0].error(423, "password_locked");
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d(DEMO_BALANCE));
}

async fn the_right_password_in_a_burst_pays_only_within_the_five(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let mut passwords = vec!["111111"; 19];
    passwords.insert(10, DEMO_PASSWORD);
    let replies = burst(&api, &session, &passwords).await;
    let right = &replies[10];
    let balance = api.wallet(DEMO_SHOPPER).await.balance;
    match right.status {
        // Counted among the first five: it pays, once (and, being right, clears the
        // count, as any right password does).
        201 => {
            assert_eq!(balance, d("110.50"));
            assert_eq!(replies.iter().filter(|r| r.status == 201).count(), 1);
        }
        // Counted after the lock: refused like any other, and at most five were checked.
        _ => {
            right.error(423, "password_locked");
            assert!(checked(&replies) <= 5, "at most five checked");
            assert_eq!(balance, d(DEMO_BALANCE));
        }
    }
}

/// Every text value of the tables that keep request data or passwords.
async fn stored_texts(database_url: &str) -> (Vec<String>, Vec<String>) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(database_url)
        .await
        .expect("database");
    let hashes: Vec<String> = sqlx::query_scalar("SELECT password_hash FROM wallets")
        .fetch_all(&pool)
        .await
        .expect("wallets");
    let mut texts: Vec<String> = sqlx::query_scalar("SELECT request_hash FROM idempotency_keys")
        .fetch_all(&pool)
        .await
        .expect("idempotency keys");
    let bodies: Vec<Option<String>> =
        sqlx::query_scalar("SELECT response_body FROM idempotency_keys")
            .fetch_all(&pool)
            .await
            .expect("idempotency bodies");
    texts.extend(bodies.into_iter().flatten());
    pool.close().await;
    (hashes, texts)
}

async fn a_copy_of_the_database_gives_no_password_back(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let body = api
        .prepare(&session, CHOICE, None, DEMO_PASSWORD)
        .await
        .body();
    assert_eq!(api.submit(&session, &body).await.status, 201);
    let (hashes, texts) = stored_texts(server.database_url()).await;

    // The Argon2id hash is keyed with the pepper: without it, the right password fails.
    assert!(!hashes.is_empty());
    for phc in &hashes {
        let parsed = PasswordHash::new(phc).expect("PHC string");
        assert!(argon2::Argon2::default()
            .verify_password(DEMO_PASSWORD.as_bytes(), &parsed)
            .is_err());
    }
    // No stored value is an unkeyed digest of the body with any candidate password.
    let text = String::from_utf8(body).expect("utf-8 body");
    let marker = format!("\"payment_password\":\"{DEMO_PASSWORD}\"");
    assert!(text.contains(&marker), "{text}");
    let (head, tail) = text.split_once(&marker).expect("marker");
    let stored: std::collections::HashSet<&str> = texts.iter().map(String::as_str).collect();
    for candidate in 0..1_000_000u32 {
        let guess = format!("{head}\"payment_password\":\"{candidate:06}\"{tail}");
        let digest = hex::encode(Sha256::digest(guess.as_bytes()));
        assert!(
            !stored.contains(digest.as_str()),
            "the database holds SHA-256 of the body with password {candidate:06}"
        );
    }
}
