//! The money bound (10^13 major units) limits deposits, never money owed back: a refund or a
//! released hold reaches the wallet even when it sits at the bound, and a top-up counts what
//! is held (issue 16, fault 1).

use crate::common::*;
use checkout_core::{Amount, Choice, Method};
use serde_json::json;

on_every_backend!(
    a_refund_reaches_a_wallet_at_the_ceiling,
    a_released_hold_reaches_a_wallet_at_the_ceiling,
    a_top_up_counts_what_is_held,
);

const SHOPPER: &str = "shopper_ceiling";
const CEILING: &str = "10000000000000.00";

async fn a_refund_reaches_a_wallet_at_the_ceiling(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet(SHOPPER, "135790", CEILING).await;
    let session = api.create_session(SHOPPER, &one_item_cart("100.00")).await;
    let paid = api.pay(&session, true, None, "135790").await;
    let intent = paid.ok()["id"].as_str().unwrap().to_owned();
    assert_eq!(paid.ok()["status"], json!("succeeded"), "{}", paid.body);
    api.top_up(SHOPPER, "100.00").await.ok();

    let refund = api.refund(&intent, &json!({"amount": "100.00"})).await;

    assert!(
        (200..300).contains(&refund.status),
        "{} {}",
        refund.status,
        refund.body
    );
    let wallet = api.wallet(SHOPPER).await;
    assert_eq!(
        (wallet.balance, wallet.held),
        (d("10000000000100.00"), d("0"))
    );
    check_wallet_ledger(&api.ledger(SHOPPER).await, &wallet);
    check_ledger_storage(&server).await;
    // The checkout still works: it sees the balance capped at the bound.
    let next = api.create_session(SHOPPER, &one_item_cart("1.00")).await;
    assert_eq!(api.live_balance(&next).await.to_string(), CEILING);
    let again = api.pay(&next, true, None, "135790").await;
    assert_eq!(again.ok()["status"], json!("succeeded"), "{}", again.body);
}

/// Holds 60.00 of a 100.00 order (the rest to WeChat Pay); returns the intent id.
async fn hold_60(api: &Api) -> (Session, String) {
    let session = api.create_session(SHOPPER, &one_item_cart("100.00")).await;
    let choice = Choice {
        use_balance: true,
        balance_cap: Some(Amount::parse("60.00").unwrap()),
    };
    let prepared = api
        .prepare(&session, choice, Some(Method::WechatPay), "135790")
        .await;
    let held = api.submit(&session, &prepared.body()).await;
    assert_eq!(
        held.ok()["status"],
        json!("requires_action"),
        "{}",
        held.body
    );
    let intent = held.ok()["id"].as_str().unwrap().to_owned();
    (session, intent)
}

async fn a_released_hold_reaches_a_wallet_at_the_ceiling(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet(SHOPPER, "135790", CEILING).await;
    let (session, held) = hold_60(&api).await;
    // The input of the issue: 60.00 more would take available + held past the bound.
    let refused = api.top_up(SHOPPER, "60.00").await;
    assert_eq!(
        refused.error(400, "invalid_request")["path"],
        json!("amount")
    );
    // A refund (owed back, never refused) takes the wallet past the bound while the hold
    // is pending: C - 160 + 100 (top-up) + 100 (refund) available, 60 held.
    let other = api.create_session(SHOPPER, &one_item_cart("100.00")).await;
    let paid = api.pay(&other, true, None, "135790").await;
    let paid_id = paid.ok()["id"].as_str().unwrap().to_owned();
    api.top_up(SHOPPER, "100.00").await.ok();
    api.refund(&paid_id, &json!({"amount": "100.00"}))
        .await
        .ok();

    let declined = api.sandbox(&held, "decline").await;

    assert!(
        (200..300).contains(&declined.status),
        "{} {}",
        declined.status,
        declined.body
    );
    assert_eq!(
        api.get_intent(&held).await.ok()["status"],
        json!("canceled")
    );
    let status = api.get_session(&session).await.ok()["status"].clone();
    assert_eq!(status, json!("open"));
    let wallet = api.wallet(SHOPPER).await;
    assert_eq!(
        (wallet.balance, wallet.held),
        (d("10000000000100.00"), d("0"))
    );
    check_wallet_ledger(&api.ledger(SHOPPER).await, &wallet);
    check_ledger_storage(&server).await;
}

async fn a_top_up_counts_what_is_held(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet(SHOPPER, "135790", "9999999999990.00")
        .await;
    hold_60(&api).await;

    // 9,999,999,999,930.00 available + 60.00 held: 10.00 more reaches the bound exactly.
    let over = api.top_up(SHOPPER, "10.01").await;
    let error = over.error(400, "invalid_request");
    assert_eq!(error["path"], json!("amount"), "{}", over.body);
    assert!(over.message().contains("held"), "{}", over.body);
    api.top_up(SHOPPER, "10.00").await.ok();
    let wallet = api.wallet(SHOPPER).await;
    assert_eq!(
        (wallet.balance, wallet.held),
        (d("9999999999940.00"), d("60.00"))
    );
    check_wallet_ledger(&api.ledger(SHOPPER).await, &wallet);
}
