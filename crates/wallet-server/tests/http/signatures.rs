//! Authentication and the `Checkout-Signature`: keys, tampering, stale and replayed intents.

use crate::common::*;
use checkout_core::signature::sign;
use checkout_core::Method;
use serde_json::json;

on_every_backend!(
    a_missing_or_wrong_key_is_unauthorized,
    a_tampered_body_is_signature_invalid,
    a_tampered_signature_is_signature_invalid,
    a_missing_or_malformed_signature_is_signature_invalid,
    a_signature_made_with_another_sessions_secret_is_signature_invalid,
    a_stale_or_future_timestamp_is_signature_expired,
    a_replayed_nonce_is_nonce_reused,
    several_v1_values_and_unknown_schemes_are_accepted,
);

async fn a_missing_or_wrong_key_is_unauthorized(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let body = json!({"shopper_id": DEMO_SHOPPER, "cart": one_item_cart("1.00")});

    api.post("/v1/sessions", None, &body)
        .await
        .error(401, "unauthorized");
    api.post("/v1/sessions", Some("sk_test_wrong"), &body)
        .await
        .error(401, "unauthorized");
    // The admin key is not a merchant key, and a merchant key is not the admin key.
    api.post("/v1/sessions", Some(ADMIN_KEY), &body)
        .await
        .error(401, "unauthorized");
    api.get(&format!("/v1/wallets/{DEMO_SHOPPER}"), Some(MERCHANT_KEY))
        .await
        .error(401, "unauthorized");
    api.get(&format!("/v1/wallets/{DEMO_SHOPPER}"), None)
        .await
        .error(401, "unauthorized");

    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("1.00"))
        .await;
    let other = api
        .create_session(DEMO_SHOPPER, &one_item_cart("2.00"))
        .await;
    api.get(&format!("/v1/sessions/{}", session.id), None)
        .await
        .error(401, "unauthorized");
    api.get(
        &format!("/v1/sessions/{}", session.id),
        Some(&other.client_secret),
    )
    .await
    .error(401, "unauthorized");
    // An intent posted with another session's client secret fails before anything else.
    let prepared = api
        .prepare(
            &session,
            checkout_core::Choice {
                use_balance: true,
                balance_cap: None,
            },
            None,
            DEMO_PASSWORD,
        )
        .await;
    let body = prepared.body();
    let mut foreign = session.clone();
    foreign.client_secret = other.client_secret.clone();
    api.submit(&foreign, &body).await.error(401, "unauthorized");
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d(DEMO_BALANCE));
}

async fn a_tampered_body_is_signature_invalid(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let prepared = api.prepare(&session, choice(), None, DEMO_PASSWORD).await;
    let body = prepared.body();
    let signature = sign(&session.client_secret, now(), &body);
    // Same length, one amount digit changed after signing: "10.00" becomes "11.00".
    let tampered = String::from_utf8(body.clone())
        .unwrap()
        .replacen("\"10.00\"", "\"11.00\"", 1);
    assert_ne!(tampered.as_bytes(), body.as_slice());

    let reply = api
        .submit_raw(
            &session,
            tampered.as_bytes(),
            &idempotency_key(),
            &signature,
        )
        .await;

    reply.error(401, "signature_invalid");
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d(DEMO_BALANCE));
}

async fn a_tampered_signature_is_signature_invalid(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let body = api
        .prepare(&session, choice(), None, DEMO_PASSWORD)
        .await
        .body();
    let signature = sign(&session.client_secret, now(), &body);
    let last = signature.chars().last().unwrap();
    let flipped = if last == '0' { '1' } else { '0' };
    let tampered = format!("{}{flipped}", &signature[..signature.len() - 1]);

    let reply = api
        .submit_raw(&session, &body, &idempotency_key(), &tampered)
        .await;

    reply.error(401, "signature_invalid");
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d(DEMO_BALANCE));
}

async fn a_missing_or_malformed_signature_is_signature_invalid(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let body = api
        .prepare(&session, choice(), None, DEMO_PASSWORD)
        .await
        .body();
    let path = format!("/v1/sessions/{}/intents", session.id);

    let missing = api
        .send(
            reqwest::Method::POST,
            &path,
            Some(&session.client_secret),
            &[("Idempotency-Key", idempotency_key())],
            Some(body.clone()),
        )
        .await;
    missing.error(401, "signature_invalid");
    for header in ["garbage", "t=abc,v1=00", "v1=abcd", &format!("t={}", now())] {
        api.submit_raw(&session, &body, &idempotency_key(), header)
            .await
            .error(401, "signature_invalid");
    }
}

async fn a_signature_made_with_another_sessions_secret_is_signature_invalid(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let other = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let body = api
        .prepare(&session, choice(), None, DEMO_PASSWORD)
        .await
        .body();
    let signature = sign(&other.client_secret, now(), &body);

    api.submit_raw(&session, &body, &idempotency_key(), &signature)
        .await
        .error(401, "signature_invalid");
}

async fn a_stale_or_future_timestamp_is_signature_expired(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let body = api
        .prepare(&session, choice(), None, DEMO_PASSWORD)
        .await
        .body();

    for t in [now() - 400, now() + 400] {
        let signature = sign(&session.client_secret, t, &body);
        api.submit_raw(&session, &body, &idempotency_key(), &signature)
            .await
            .error(401, "signature_expired");
    }
    // A forged stale signature is invalid, not expired: the HMAC is checked first.
    let forged = format!("t={},v1={}", now() - 400, "ab".repeat(32));
    api.submit_raw(&session, &body, &idempotency_key(), &forged)
        .await
        .error(401, "signature_invalid");
    // Within the tolerance the same body goes through.
    let fresh = sign(&session.client_secret, now() - 60, &body);
    let ok = api
        .submit_raw(&session, &body, &idempotency_key(), &fresh)
        .await;
    assert_eq!(ok.status, 201, "{}", ok.body);
}

async fn a_replayed_nonce_is_nonce_reused(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api.create_session(DEMO_SHOPPER, &design_cart()).await;
    let prepared = api
        .prepare(&session, choice(), Some(Method::WechatPay), DEMO_PASSWORD)
        .await;
    let body = prepared.body();
    let first = api.submit(&session, &body).await;
    assert_eq!(first.ok()["status"], json!("requires_action"));
    api.sandbox(first.body["id"].as_str().unwrap(), "decline")
        .await
        .ok();
    assert_eq!(
        api.get_session(&session).await.ok()["status"],
        json!("open")
    );

    // The session is open again, but the captured request cannot be replayed: a new
    // Idempotency-Key and a fresh signature do not make its nonce new.
    let replay = api.submit(&session, &body).await;

    replay.error(409, "nonce_reused");
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!((wallet.balance, wallet.held), (d(DEMO_BALANCE), d("0")));
}

async fn several_v1_values_and_unknown_schemes_are_accepted(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let body = api
        .prepare(&session, choice(), None, DEMO_PASSWORD)
        .await
        .body();
    let t = now();
    let good = sign(&session.client_secret, t, &body);
    let good_v1 = good.split("v1=").nth(1).unwrap();
    // A rotated-out secret's signature first, a future scheme, then the valid one.
    let header = format!("t={t},v1={},v9=whatever,v1={good_v1}", "cd".repeat(32));

    let reply = api
        .submit_raw(&session, &body, &idempotency_key(), &header)
        .await;

    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d("110.50"));
}

fn choice() -> checkout_core::Choice {
    checkout_core::Choice {
        use_balance: true,
        balance_cap: None,
    }
}
