//! Requests the server must refuse before any money moves: `invalid_request` with the
//! field at fault, JSON numbers for amounts, unknown fields, oversized bodies, a wrong
//! currency, a cart changed since the quote, and `quote_mismatch`.

use crate::common::*;
use checkout_core::{Choice, Method};
use serde_json::{json, Value};

on_every_backend!(
    an_invalid_cart_is_rejected_with_the_field_path,
    an_amount_as_a_json_number_is_rejected,
    unknown_fields_are_rejected,
    a_ten_megabyte_body_is_refused_and_the_server_stays_healthy,
    a_cart_in_another_currency_than_the_wallet_is_rejected,
    an_intent_in_the_wrong_currency_is_rejected,
    an_intent_for_a_changed_cart_is_rejected,
    an_intent_with_amounts_the_backend_does_not_compute_is_quote_mismatch,
    an_intent_without_an_idempotency_key_is_rejected,
);

const CHOICE: Choice = Choice {
    use_balance: true,
    balance_cap: None,
};

/// Signs `body` with the session's secret and posts it as an intent.
async fn submit_value(api: &Api, session: &Session, body: &Value) -> Reply {
    api.submit(session, &serde_json::to_vec(body).unwrap())
        .await
}

async fn an_invalid_cart_is_rejected_with_the_field_path(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let mut cart = one_item_cart("1.005");
    cart["lines"]
        .as_array_mut()
        .unwrap()
        .insert(0, physical_line("L0", 1, "2.00"));

    let reply = api
        .post(
            "/v1/sessions",
            Some(MERCHANT_KEY),
            &json!({"shopper_id": DEMO_SHOPPER, "cart": cart}),
        )
        .await;

    let error = reply.error(400, "invalid_request");
    let path = error["path"].as_str().unwrap_or("");
    assert!(
        path.ends_with("lines[1].unit_price"),
        "path should name the field, got {error}"
    );
    assert!(reply.message().contains("1.005") || reply.message().contains("decimals"));

    // Missing shopper, quantity 0 and an empty cart are refused the same way.
    let mut zero = one_item_cart("1.00");
    zero["lines"][0]["quantity"] = json!(0);
    // Issue 16: a balance price of 0.00 gave a 15.00 item away.
    let mut free = one_item_cart("15.00");
    free["lines"][0]["balance_price"] = json!("0.00");
    for (body, field) in [
        (
            json!({"shopper_id": DEMO_SHOPPER, "cart": free}),
            "lines[0].balance_price",
        ),
        (json!({"cart": one_item_cart("1.00")}), "shopper_id"),
        (
            json!({"shopper_id": DEMO_SHOPPER, "cart": zero}),
            "quantity",
        ),
        (
            json!({"shopper_id": DEMO_SHOPPER, "cart": {"currency": "CNY", "lines": []}}),
            "lines",
        ),
    ] {
        let reply = api.post("/v1/sessions", Some(MERCHANT_KEY), &body).await;
        let error = reply.error(400, "invalid_request");
        let said = format!("{} {}", error["path"], error["message"]);
        assert!(said.contains(field), "{field}: {error}");
    }
}

async fn an_amount_as_a_json_number_is_rejected(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let mut cart = one_item_cart("10.00");
    cart["lines"][0]["unit_price"] = json!(10.0);
    let reply = api
        .post(
            "/v1/sessions",
            Some(MERCHANT_KEY),
            &json!({"shopper_id": DEMO_SHOPPER, "cart": cart}),
        )
        .await;
    let error = reply.error(400, "invalid_request");
    assert!(
        error["path"]
            .as_str()
            .unwrap_or("")
            .ends_with("lines[0].unit_price"),
        "{error}"
    );

    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let prepared = api.prepare(&session, CHOICE, None, DEMO_PASSWORD).await;
    let mut body = serde_json::to_value(&prepared.request).unwrap();
    body["intent"]["total"] = json!(10);
    let reply = submit_value(&api, &session, &body).await;
    let error = reply.error(400, "invalid_request");
    assert!(
        format!("{} {}", error["path"], error["message"]).contains("total"),
        "{error}"
    );
    let reply = api
        .quote(&session, &json!({"use_balance": true, "balance_cap": 5}))
        .await;
    reply.error(400, "invalid_request");
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d(DEMO_BALANCE));
}

async fn unknown_fields_are_rejected(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let reply = api
        .post(
            "/v1/sessions",
            Some(MERCHANT_KEY),
            &json!({"shopper_id": DEMO_SHOPPER, "cart": one_item_cart("1.00"), "discount": "5.00"}),
        )
        .await;
    assert!(
        reply
            .error(400, "invalid_request")
            .to_string()
            .contains("discount"),
        "the message names the unknown field: {}",
        reply.body
    );
    let mut cart = one_item_cart("1.00");
    cart["lines"][0]["colour"] = json!("red");
    api.post(
        "/v1/sessions",
        Some(MERCHANT_KEY),
        &json!({"shopper_id": DEMO_SHOPPER, "cart": cart}),
    )
    .await
    .error(400, "invalid_request");

    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let prepared = api.prepare(&session, CHOICE, None, DEMO_PASSWORD).await;
    let mut body = serde_json::to_value(&prepared.request).unwrap();
    body["intent"]["tip"] = json!("1.00");
    let reply = submit_value(&api, &session, &body).await;
    assert!(reply
        .error(400, "invalid_request")
        .to_string()
        .contains("tip"));
    let mut body = serde_json::to_value(&prepared.request).unwrap();
    body["remember_me"] = json!(true);
    submit_value(&api, &session, &body)
        .await
        .error(400, "invalid_request");
    api.quote(&session, &json!({"use_balance": true, "coupon": "X"}))
        .await
        .error(400, "invalid_request");
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d(DEMO_BALANCE));
}

async fn a_ten_megabyte_body_is_refused_and_the_server_stays_healthy(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let name = "x".repeat(10 * 1024 * 1024);
    let mut cart = one_item_cart("1.00");
    cart["lines"][0]["name"] = json!(name);
    let body = serde_json::to_vec(&json!({"shopper_id": DEMO_SHOPPER, "cart": cart})).unwrap();
    assert!(body.len() > 10 * 1024 * 1024);

    let reply = api
        .send(
            reqwest::Method::POST,
            "/v1/sessions",
            Some(MERCHANT_KEY),
            &[],
            Some(body),
        )
        .await;

    assert!(
        matches!(reply.status, 400 | 413),
        "expected 413 or 400, got {}",
        reply.status
    );
    assert!(
        !reply.code().is_empty(),
        "the refusal is a JSON error: {:?}",
        String::from_utf8_lossy(&reply.raw[..reply.raw.len().min(300)])
    );
    assert!(!reply.message().is_empty());
    assert_eq!(api.get("/healthz", None).await.status, 200);
    api.create_session(DEMO_SHOPPER, &one_item_cart("1.00"))
        .await;
}

async fn a_cart_in_another_currency_than_the_wallet_is_rejected(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let mut cart = one_item_cart("10.00");
    cart["currency"] = json!("USD");

    let reply = api
        .post(
            "/v1/sessions",
            Some(MERCHANT_KEY),
            &json!({"shopper_id": DEMO_SHOPPER, "cart": cart}),
        )
        .await;

    let error = reply.error(400, "invalid_request");
    assert!(error.to_string().contains("USD") || error.to_string().contains("CNY"));
}

async fn an_intent_in_the_wrong_currency_is_rejected(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let prepared = api.prepare(&session, CHOICE, None, DEMO_PASSWORD).await;
    let mut body = serde_json::to_value(&prepared.request).unwrap();
    body["intent"]["currency"] = json!("USD");

    let reply = submit_value(&api, &session, &body).await;

    // Either refusal is right; charging is not.
    assert!(
        matches!(
            (reply.status, reply.code()),
            (400, "invalid_request") | (409, "quote_mismatch")
        ),
        "{} {}",
        reply.status,
        reply.body
    );
    assert!(!reply.message().is_empty());
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d(DEMO_BALANCE));
}

async fn an_intent_for_a_changed_cart_is_rejected(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    // The widget quoted a cart that is no longer the session's (another digest).
    let changed = core_cart(&one_item_cart("9.00"));
    let mut stale = session.clone();
    stale.cart_digest = checkout_core::cart_digest(&changed);
    stale.cart = changed;
    let prepared = api.prepare(&stale, CHOICE, None, DEMO_PASSWORD).await;

    let reply = api.submit(&session, &prepared.body()).await;

    // The contract names no code for a stale cart_digest; whichever 409 it is, it must
    // give the widget what it needs to start again.
    assert_eq!(reply.status, 409, "{}", reply.body);
    let error = reply.error(409, reply.code());
    match reply.code() {
        "cart_changed" => assert_eq!(error["cart_digest"], json!(session.cart_digest)),
        "quote_mismatch" => assert_eq!(error["quote"]["total"], json!("10.00"), "{error}"),
        other => panic!("unexpected code {other}: {error}"),
    }
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d(DEMO_BALANCE));
}

async fn an_intent_with_amounts_the_backend_does_not_compute_is_quote_mismatch(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api.create_session(DEMO_SHOPPER, &design_cart()).await;
    let right = api
        .prepare(&session, CHOICE, Some(Method::WechatPay), DEMO_PASSWORD)
        .await;
    // Signed correctly, but asking the balance to pay 120.00 of 216.00 instead of 116.00.
    let mut body = serde_json::to_value(&right.request).unwrap();
    body["intent"]["balance_amount"] = json!("120.00");
    body["intent"]["other_amount"] = json!("96.00");

    let reply = submit_value(&api, &session, &body).await;

    let error = reply.error(409, "quote_mismatch");
    assert_eq!(error["quote"], serde_json::to_value(&right.quote).unwrap());
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!((wallet.balance, wallet.held), (d(DEMO_BALANCE), d("0")));
}

async fn an_intent_without_an_idempotency_key_is_rejected(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let body = api
        .prepare(&session, CHOICE, None, DEMO_PASSWORD)
        .await
        .body();
    let signature = checkout_core::signature::sign(&session.client_secret, now(), &body);

    let reply = api
        .send(
            reqwest::Method::POST,
            &format!("/v1/sessions/{}/intents", session.id),
            Some(&session.client_secret),
            &[("Checkout-Signature", signature)],
            Some(body),
        )
        .await;

    let error = reply.error(400, "invalid_request");
    assert!(error.to_string().contains("Idempotency-Key"), "{error}");
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d(DEMO_BALANCE));
}
