//! Happy paths: balance only, balance plus a second method (approve, decline, hold expiry).

use std::time::Duration;

use crate::common::*;
use checkout_core::Method;
use serde_json::{json, Value};

on_every_backend!(
    a_balance_only_intent_succeeds_and_the_balance_drops,
    a_split_intent_holds_the_balance_until_the_sandbox_approves,
    a_declined_second_method_releases_the_hold_and_reopens_the_session,
    an_expired_hold_is_released_and_the_intent_canceled,
    get_intent_returns_the_status_and_amounts_of_the_intent,
    an_intent_for_more_balance_than_is_left_moves_nothing,
);

/// Polls `GET /v1/intents/{id}` until its status leaves `requires_action` (bounded wait, no
/// timing assertion).
async fn wait_for_settled(api: &Api, intent_id: &str) -> Value {
    for _ in 0..300 {
        let reply = api.get_intent(intent_id).await;
        let body = reply.ok().clone();
        if body["status"] != json!("requires_action") {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("intent {intent_id} still requires_action after 30 s");
}

async fn a_balance_only_intent_succeeds_and_the_balance_drops(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("50.00"))
        .await;

    let reply = api.pay(&session, true, None, DEMO_PASSWORD).await;

    assert_eq!(reply.status, 201, "{}", reply.body);
    let intent = reply.ok();
    assert_eq!(intent["status"], json!("succeeded"));
    assert_eq!(intent["balance_amount"], json!("50.00"));
    assert_eq!(intent["other_amount"], json!("0.00"));
    assert_eq!(intent["other_method"], Value::Null);
    assert_eq!(intent["next_action"], Value::Null);
    assert!(
        intent["id"].as_str().unwrap().starts_with("pi_"),
        "{intent}"
    );
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!((wallet.balance, wallet.held), (d("70.50"), d("0")));
    let session_now = api.get_session(&session).await;
    assert_eq!(session_now.ok()["status"], json!("completed"));
}

async fn a_split_intent_holds_the_balance_until_the_sandbox_approves(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api.create_session(DEMO_SHOPPER, &design_cart()).await;

    let reply = api
        .pay(&session, true, Some(Method::WechatPay), DEMO_PASSWORD)
        .await;

    assert_eq!(reply.status, 201, "{}", reply.body);
    let intent = reply.ok().clone();
    assert_eq!(intent["status"], json!("requires_action"));
    assert_eq!(intent["balance_amount"], json!("116.00"));
    assert_eq!(intent["other_amount"], json!("100.00"));
    assert_eq!(intent["other_method"], json!("wechat_pay"));
    assert_eq!(intent["next_action"]["type"], json!("redirect"));
    let url = intent["next_action"]["url"].as_str().unwrap_or("");
    assert!(!url.is_empty(), "next_action.url is missing: {intent}");
    let held = api.wallet(DEMO_SHOPPER).await;
    assert_eq!(held.held, d("116.00"), "the balance part is held");
    assert_eq!(
        api.live_balance(&session).await.value(),
        d("4.50"),
        "a held amount is not spendable"
    );

    let id = intent["id"].as_str().unwrap();
    api.sandbox(id, "approve").await.ok();

    let settled = wait_for_settled(&api, id).await;
    assert_eq!(settled["status"], json!("succeeded"));
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!(
        (wallet.balance, wallet.held),
        (d("4.50"), d("0")),
        "the hold is captured"
    );
    check_wallet_ledger(&api.ledger(DEMO_SHOPPER).await, &wallet);
    let session_now = api.get_session(&session).await;
    assert_eq!(session_now.ok()["status"], json!("completed"));
}

async fn a_declined_second_method_releases_the_hold_and_reopens_the_session(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api.create_session(DEMO_SHOPPER, &design_cart()).await;
    let reply = api
        .pay(&session, true, Some(Method::Alipay), DEMO_PASSWORD)
        .await;
    assert_eq!(reply.ok()["status"], json!("requires_action"));
    let id = reply.body["id"].as_str().unwrap().to_owned();

    api.sandbox(&id, "decline").await.ok();

    let settled = wait_for_settled(&api, &id).await;
    assert_eq!(settled["status"], json!("canceled"));
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!((wallet.balance, wallet.held), (d("120.50"), d("0")));
    check_wallet_ledger(&api.ledger(DEMO_SHOPPER).await, &wallet);
    let session_now = api.get_session(&session).await;
    assert_eq!(session_now.ok()["status"], json!("open"));
    // A new attempt on the same session goes through.
    let retry = api
        .pay(&session, true, Some(Method::BankCard), DEMO_PASSWORD)
        .await;
    assert_eq!(retry.status, 201, "{}", retry.body);
    assert_eq!(retry.body["status"], json!("requires_action"));
}

async fn an_expired_hold_is_released_and_the_intent_canceled(backend: Backend) {
    let server = Server::start_with(
        backend,
        &[("BC_HOLD_TTL_SECS", "1"), ("BC_SWEEP_INTERVAL_SECS", "1")],
    )
    .await;
    let api = Api::new(&server);
    let session = api.create_session(DEMO_SHOPPER, &design_cart()).await;
    let reply = api
        .pay(&session, true, Some(Method::Ecny), DEMO_PASSWORD)
        .await;
    assert_eq!(reply.ok()["status"], json!("requires_action"));
    let id = reply.body["id"].as_str().unwrap().to_owned();

    let settled = wait_for_settled(&api, &id).await;

    assert_eq!(settled["status"], json!("canceled"));
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!((wallet.balance, wallet.held), (d("120.50"), d("0")));
    let session_now = api.get_session(&session).await;
    assert_eq!(session_now.ok()["status"], json!("open"));
    // Approving a released hold must not take the money after all.
    let late = api.sandbox(&id, "approve").await;
    assert!(late.status >= 400, "approve after expiry: {}", late.body);
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!((wallet.balance, wallet.held), (d("120.50"), d("0")));
}

async fn get_intent_returns_the_status_and_amounts_of_the_intent(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api.create_session(DEMO_SHOPPER, &design_cart()).await;
    let choice = checkout_core::Choice {
        use_balance: true,
        balance_cap: None,
    };
    let prepared = api
        .prepare(&session, choice, Some(Method::WechatPay), DEMO_PASSWORD)
        .await;
    let created = api.submit(&session, &prepared.body()).await;
    let id = created.ok()["id"].as_str().unwrap().to_owned();

    let reply = api.get_intent(&id).await;

    let intent = reply.ok();
    assert_eq!(intent["id"], json!(id));
    assert_eq!(intent["session_id"], json!(session.id));
    assert_eq!(intent["status"], json!("requires_action"));
    assert_eq!(intent["currency"], json!("CNY"));
    assert_eq!(intent["total"], json!("216.00"));
    assert_eq!(intent["balance_amount"], json!("116.00"));
    assert_eq!(intent["other_amount"], json!("100.00"));
    assert_eq!(intent["other_method"], json!("wechat_pay"));
    assert_eq!(
        intent["quote"],
        serde_json::to_value(&prepared.quote).unwrap()
    );
    assert!(intent["created_at"].is_string(), "{intent}");
    // The widget may read its intent with the client secret too.
    let widget = api
        .get(&format!("/v1/intents/{id}"), Some(&session.client_secret))
        .await;
    assert_eq!(widget.ok()["status"], json!("requires_action"));
}

async fn an_intent_for_more_balance_than_is_left_moves_nothing(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let first = api
        .create_session(DEMO_SHOPPER, &one_item_cart("100.00"))
        .await;
    let second = api
        .create_session(DEMO_SHOPPER, &one_item_cart("100.00"))
        .await;
    // Both pages loaded while the wallet still held 120.50.
    let choice = checkout_core::Choice {
        use_balance: true,
        balance_cap: None,
    };
    let stale = api
        .prepare(&second, choice, None, DEMO_PASSWORD)
        .await
        .body();
    assert_eq!(api.pay(&first, true, None, DEMO_PASSWORD).await.status, 201);

    let reply = api.submit(&second, &stale).await;

    // 20.50 is left for a 100.00 balance payment. The contract has two codes for this;
    // either must tell the widget what it can pay now.
    match (reply.status, reply.code()) {
        (402, "insufficient_balance") => {
            let error = reply.error(402, "insufficient_balance");
            assert_eq!(error["balance"], json!("20.50"), "{error}");
        }
        _ => {
            let error = reply.error(409, "quote_mismatch");
            assert_eq!(error["quote"]["balance_amount"], json!("20.50"), "{error}");
            assert_eq!(error["quote"]["other_amount"], json!("79.50"), "{error}");
        }
    }
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!((wallet.balance, wallet.held), (d("20.50"), d("0")));
}
