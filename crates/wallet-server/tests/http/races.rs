//! Money-moving calls that race each other: approve against decline, repeated approvals,
//! parallel refunds. Whatever the interleaving, money moves once.

use crate::common::*;
use checkout_core::Method;
use rust_decimal::Decimal;
use serde_json::json;

on_every_backend!(
    approving_twice_captures_once,
    approve_and_decline_in_parallel_settle_one_way,
    parallel_full_refunds_refund_once,
    a_pending_or_canceled_intent_cannot_be_refunded,
);

/// A `design_cart()` split intent by the demo shopper, waiting for the second method.
async fn pending_intent(api: &Api) -> String {
    let session = api.create_session(DEMO_SHOPPER, &design_cart()).await;
    let reply = api
        .pay(&session, true, Some(Method::WechatPay), DEMO_PASSWORD)
        .await;
    assert_eq!(reply.ok()["status"], json!("requires_action"));
    reply.body["id"].as_str().unwrap().to_owned()
}

async fn approving_twice_captures_once(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let id = pending_intent(&api).await;

    api.sandbox(&id, "approve").await.ok();
    let again = api.sandbox(&id, "approve").await;

    assert!(again.status < 500, "{}", again.body);
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!((wallet.balance, wallet.held), (d("4.50"), d("0")));
    // Declining a captured payment does not give the balance back either.
    let late = api.sandbox(&id, "decline").await;
    assert!(late.status < 500, "{}", late.body);
    assert_eq!(api.get_intent(&id).await.ok()["status"], json!("succeeded"));
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!((wallet.balance, wallet.held), (d("4.50"), d("0")));
    check_wallet_ledger(&api.ledger(DEMO_SHOPPER).await, &wallet);
}

async fn approve_and_decline_in_parallel_settle_one_way(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let id = pending_intent(&api).await;

    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..10 {
        let (api, id) = (api.clone(), id.clone());
        let action = if n % 2 == 0 { "approve" } else { "decline" };
        tasks.spawn(async move { api.sandbox(&id, action).await });
    }
    for reply in tasks.join_all().await {
        assert!(reply.status < 500, "{}", reply.body);
    }

    let status = api.get_intent(&id).await.ok()["status"].clone();
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!(wallet.held, Decimal::ZERO);
    if status == json!("succeeded") {
        assert_eq!(wallet.balance, d("4.50"));
    } else {
        assert_eq!(status, json!("canceled"));
        assert_eq!(wallet.balance, d(DEMO_BALANCE));
    }
    check_wallet_ledger(&api.ledger(DEMO_SHOPPER).await, &wallet);
    check_ledger_storage(&server).await;
}

async fn parallel_full_refunds_refund_once(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("80.00"))
        .await;
    let paid = api.pay(&session, true, None, DEMO_PASSWORD).await;
    let id = paid.ok()["id"].as_str().unwrap().to_owned();

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (api, id) = (api.clone(), id.clone());
        tasks.spawn(async move { api.refund(&id, &json!({"amount": "80.00"})).await });
    }
    let replies = tasks.join_all().await;

    let accepted = replies.iter().filter(|r| r.status < 300).count();
    assert_eq!(
        accepted,
        1,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for r in replies.iter().filter(|r| r.status >= 300) {
        assert!(r.status < 500, "{}", r.body);
        assert!(!r.message().is_empty());
    }
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!(wallet.balance, d(DEMO_BALANCE), "refunded exactly once");
    check_wallet_ledger(&api.ledger(DEMO_SHOPPER).await, &wallet);
    check_ledger_storage(&server).await;
}

async fn a_pending_or_canceled_intent_cannot_be_refunded(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let id = pending_intent(&api).await;

    let pending = api.refund(&id, &json!({"amount": "10.00"})).await;
    assert!(
        (400..500).contains(&pending.status),
        "refund of a pending intent: {} {}",
        pending.status,
        pending.body
    );
    api.sandbox(&id, "decline").await.ok();
    let canceled = api.refund(&id, &json!({"amount": "10.00"})).await;
    assert!(
        (400..500).contains(&canceled.status),
        "refund of a canceled intent: {} {}",
        canceled.status,
        canceled.body
    );
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!((wallet.balance, wallet.held), (d(DEMO_BALANCE), d("0")));
}
