//! The balance-pay discount end to end (DESIGN.md *Promotions*): the demo's 618 promotion
//! (¥10 off a balance part of ¥199 or more) paid through the frame's own path, refunded by
//! line and by amount, with the ledger adding up; and the frame told only what is in force.

use crate::common::*;
use checkout_core::{Choice, Method};
use rust_decimal::Decimal;
use serde_json::json;

on_every_backend!(
    a_discounted_payment_takes_off_the_balance_part_and_refunds_what_was_paid,
    the_frame_gets_the_promotion_and_a_short_balance_pays_full_price,
);

const SHOPPER: &str = "shopper_618";

async fn a_discounted_payment_takes_off_the_balance_part_and_refunds_what_was_paid(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet(SHOPPER, "654321", "500.00").await;
    // 200.00 the balance may pay, 100.00 it may not (a virtual line): 200 ≥ 199.
    let cart = cart(
        vec![
            physical_line("P1", 1, "150.00"),
            physical_line("P2", 1, "50.00"),
            json!({"id": "V1", "sku": "V", "name": "Game card", "quantity": 1, "unit_price": "100.00",
                   "merchant": {"id": "self", "kind": "self_operated"}, "category": "virtual"}),
        ],
        None,
    );
    let session = api.create_session(SHOPPER, &cart).await;
    let choice = Choice {
        use_balance: true,
        balance_cap: None,
    };
    let prepared = api
        .prepare(&session, choice, Some(Method::WechatPay), "654321")
        .await;
    let q = &prepared.quote;
    assert_eq!(q.discounts.len(), 1, "{q:?}");
    assert_eq!(
        (
            q.total.to_string(),
            q.balance_amount.to_string(),
            q.other_amount.to_string()
        ),
        (
            "290.00".to_owned(),
            "190.00".to_owned(),
            "100.00".to_owned()
        )
    );
    let paid = api.submit(&session, &prepared.body()).await;
    let intent = paid.ok()["id"].as_str().unwrap().to_owned();
    assert_eq!(paid.body["total"], "290.00");
    assert_eq!(paid.body["quote"]["discounts"][0]["amount"], "10.00");
    assert_eq!(paid.body["quote"]["lines"][0]["discount"], "7.50");
    api.sandbox(&intent, "approve").await.ok();
    assert_eq!(api.wallet(SHOPPER).await.balance, Decimal::new(31_000, 2));
    // P1 paid 142.50 from the balance (150 less its 7.50 of the discount): at most that
    // returns, and one cent more for the line is refused.
    let over = api
        .refund(
            &intent,
            &json!({"lines": [{"id": "P1", "amount": "142.51"}]}),
        )
        .await;
    over.error(400, "refund_exceeds_paid");
    let by_line = api
        .refund(
            &intent,
            &json!({"lines": [{"id": "P1", "amount": "142.50"}]}),
        )
        .await;
    assert_eq!(by_line.ok()["amount"], "142.50", "{}", by_line.body);
    assert_eq!(api.wallet(SHOPPER).await.balance, Decimal::new(45_250, 2));
    // What is left: 47.50 of P2 and 100.00 of V1; one cent more is refused.
    let too_much = api.refund(&intent, &json!({"amount": "147.51"})).await;
    too_much.error(400, "refund_exceeds_paid");
    let rest = api.refund(&intent, &json!({"amount": "147.50"})).await;
    assert_eq!(rest.ok()["balance_amount"], "47.50");
    assert_eq!(api.wallet(SHOPPER).await.balance, Decimal::new(50_000, 2));
    let wallet = api.wallet(SHOPPER).await;
    check_wallet_ledger(&api.ledger(SHOPPER).await, &wallet);
    check_ledger_storage(&server).await;
}

async fn the_frame_gets_the_promotion_and_a_short_balance_pays_full_price(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    // The demo shopper's 120.50 cannot reach 199: full price, no discount.
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("250.00"))
        .await;
    let read = api.get_session(&session).await;
    assert_eq!(read.ok()["policy"]["promotions"][0]["id"], "618");
    let quote = api.quote(&session, &json!({"use_balance": true})).await;
    let quote = quote.ok();
    assert_eq!(quote["total"], "250.00");
    assert!(quote.get("discounts").is_none(), "{quote}");
    assert!(quote["lines"][0].get("discount").is_none());
}
