//! Refunds return each refunded line's balance share (per the quote's allocation) to the
//! wallet; over-refunds are refused.

use crate::common::*;
use checkout_core::{Choice, Method};
use rust_decimal::Decimal;
use serde_json::{json, Value};

on_every_backend!(
    a_refund_by_line_returns_that_lines_balance_share,
    a_refund_by_amount_of_everything_returns_the_whole_balance_part,
    a_refund_beyond_what_was_paid_is_refused,
);

const SHOPPER: &str = "shopper_refunds";

/// A split payment of `refund_cart()` by a wallet holding 30.00, approved: the balance pays
/// 30.00 spread over L1, L2 and shipping; L3 (virtual) and the rest go to WeChat Pay.
async fn paid_split_intent(api: &Api) -> (String, checkout_core::Quote) {
    api.create_wallet(SHOPPER, "654321", "30.00").await;
    let session = api.create_session(SHOPPER, &refund_cart()).await;
    let prepared = api
        .prepare(
            &session,
            Choice {
                use_balance: true,
                balance_cap: None,
            },
            Some(Method::WechatPay),
            "654321",
        )
        .await;
    let reply = api.submit(&session, &prepared.body()).await;
    let id = reply.ok()["id"].as_str().unwrap().to_owned();
    api.sandbox(&id, "approve").await.ok();
    let status = api.get_intent(&id).await.ok()["status"].clone();
    assert_eq!(status, json!("succeeded"));
    assert_eq!(api.wallet(SHOPPER).await.balance, Decimal::ZERO);
    (id, prepared.quote)
}

fn line(quote: &checkout_core::Quote, id: &str) -> Value {
    let lines = serde_json::to_value(&quote.lines).unwrap();
    lines
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == json!(id))
        .cloned()
        .unwrap()
}

async fn a_refund_by_line_returns_that_lines_balance_share(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let (id, quote) = paid_split_intent(&api).await;
    let l1 = line(&quote, "L1");
    let l3 = line(&quote, "L3");
    assert!(dec(&l1["balance"]) > Decimal::ZERO && dec(&l1["other"]) > Decimal::ZERO);

    let reply = api
        .refund(
            &id,
            &json!({"lines": [{"id": "L1", "amount": l1["amount"]}]}),
        )
        .await;

    assert!(
        (200..300).contains(&reply.status),
        "{} {}",
        reply.status,
        reply.body
    );
    assert_eq!(
        api.wallet(SHOPPER).await.balance,
        dec(&l1["balance"]),
        "L1's balance share comes back to the wallet"
    );
    // A line the balance did not pay returns nothing to the wallet.
    api.refund(
        &id,
        &json!({"lines": [{"id": "L3", "amount": l3["amount"]}]}),
    )
    .await
    .ok();
    assert_eq!(api.wallet(SHOPPER).await.balance, dec(&l1["balance"]));
    // Shipping is refundable as its pseudo-line.
    let shipping = line(&quote, "shipping");
    api.refund(
        &id,
        &json!({"lines": [{"id": "shipping", "amount": shipping["amount"]}]}),
    )
    .await
    .ok();
    assert_eq!(
        api.wallet(SHOPPER).await.balance,
        dec(&l1["balance"]) + dec(&shipping["balance"])
    );
}

async fn a_refund_by_amount_of_everything_returns_the_whole_balance_part(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let (id, quote) = paid_split_intent(&api).await;
    let l2 = line(&quote, "L2");
    api.refund(
        &id,
        &json!({"lines": [{"id": "L2", "amount": l2["amount"]}]}),
    )
    .await
    .ok();
    let after_line = api.wallet(SHOPPER).await.balance;
    assert_eq!(after_line, dec(&l2["balance"]));

    let rest = quote.total.value() - dec(&l2["amount"]);
    let reply = api
        .refund(&id, &json!({"amount": format!("{rest:.2}")}))
        .await;

    assert!(
        (200..300).contains(&reply.status),
        "{} {}",
        reply.status,
        reply.body
    );
    let wallet = api.wallet(SHOPPER).await;
    assert_eq!(
        wallet.balance,
        quote.balance_amount.value(),
        "the whole balance part is back"
    );
    assert_eq!(wallet.held, Decimal::ZERO);
    check_wallet_ledger(&api.ledger(SHOPPER).await, &wallet);
}

async fn a_refund_beyond_what_was_paid_is_refused(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let (id, quote) = paid_split_intent(&api).await;
    let l1 = line(&quote, "L1");
    let too_much = dec(&l1["amount"]) + Decimal::ONE;

    api.refund(
        &id,
        &json!({"lines": [{"id": "L1", "amount": format!("{too_much:.2}")}]}),
    )
    .await
    .error(400, "refund_exceeds_paid");
    api.refund(&id, &json!({"lines": [{"id": "L9", "amount": "1.00"}]}))
        .await
        .error(400, "invalid_request");
    let over = quote.total.value() + Decimal::ONE;
    api.refund(&id, &json!({"amount": format!("{over:.2}")}))
        .await
        .error(400, "refund_exceeds_paid");
    api.refund(&id, &json!({"amount": 5}))
        .await
        .error(400, "invalid_request");
    assert_eq!(api.wallet(SHOPPER).await.balance, Decimal::ZERO);

    // Refunding everything, then one cent more.
    api.refund(&id, &json!({"amount": quote.total.to_string()}))
        .await
        .ok();
    api.refund(&id, &json!({"amount": "0.01"}))
        .await
        .error(400, "refund_exceeds_paid");
    assert_eq!(
        api.wallet(SHOPPER).await.balance,
        quote.balance_amount.value()
    );
}
