//! Wallets and carts in currencies with 0 and 3 minor digits, and a balance cap: amounts
//! keep exactly their currency's digits through storage, quotes and the ledger.

use crate::common::*;
use checkout_core::{Choice, Method};
use serde_json::{json, Value};

on_every_backend!(
    a_jpy_wallet_pays_a_jpy_cart_in_whole_yen,
    a_kwd_wallet_pays_a_kwd_cart_in_fils,
    a_balance_cap_limits_what_the_balance_pays,
);

fn cart_in(currency: &str, price: &str) -> Value {
    let mut cart = one_item_cart(price);
    cart["currency"] = json!(currency);
    cart
}

async fn wallet_in(api: &Api, shopper: &str, currency: &str, top_up: &str) {
    api.post(
        "/v1/wallets",
        Some(ADMIN_KEY),
        &json!({"shopper_id": shopper, "currency": currency, "payment_password": "777777"}),
    )
    .await
    .ok();
    let reply = api.top_up(shopper, top_up).await;
    assert_eq!(reply.ok()["balance"], json!(top_up));
}

async fn pays_in(backend: Backend, currency: &str, top_up: &str, price: &str, left: &str) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let shopper = format!("shopper_{}", currency.to_lowercase());
    wallet_in(&api, &shopper, currency, top_up).await;
    let session = api
        .create_session(&shopper, &cart_in(currency, price))
        .await;
    let read = api.get_session(&session).await;
    assert_eq!(read.ok()["wallet"]["balance"], json!(top_up));

    let choice = Choice {
        use_balance: true,
        balance_cap: None,
    };
    let balance = checkout_core::Money::parse(top_up, currency.parse().unwrap()).unwrap();
    let prepared = prepare_with_balance(&session, balance, choice, None, "777777");
    let reply = api.submit(&session, &prepared.body()).await;

    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["currency"], json!(currency));
    assert_eq!(reply.body["total"], json!(price));
    assert_eq!(reply.body["balance_amount"], json!(price));
    assert_eq!(
        reply.body["quote"],
        serde_json::to_value(&prepared.quote).unwrap()
    );
    let wallet = api
        .get(&format!("/v1/wallets/{shopper}"), Some(ADMIN_KEY))
        .await;
    assert_eq!(wallet.ok()["balance"], json!(left));
    assert_eq!(
        wallet.body["held"],
        json!(if currency == "JPY" { "0" } else { "0.000" })
    );
    let ledger = api.ledger(&shopper).await;
    check_wallet_ledger(&ledger, &api.wallet(&shopper).await);
}

async fn a_jpy_wallet_pays_a_jpy_cart_in_whole_yen(backend: Backend) {
    pays_in(backend, "JPY", "5000", "1200", "3800").await;
}

async fn a_kwd_wallet_pays_a_kwd_cart_in_fils(backend: Backend) {
    pays_in(backend, "KWD", "10.500", "1.250", "9.250").await;
}

async fn a_balance_cap_limits_what_the_balance_pays(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("90.00"))
        .await;
    let choice = Choice {
        use_balance: true,
        balance_cap: Some("50.00".parse().unwrap()),
    };
    let prepared = api
        .prepare(&session, choice, Some(Method::Alipay), DEMO_PASSWORD)
        .await;
    assert_eq!(prepared.quote.balance_amount.to_string(), "50.00");

    let reply = api.submit(&session, &prepared.body()).await;

    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["balance_amount"], json!("50.00"));
    assert_eq!(reply.body["other_amount"], json!("40.00"));
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!((wallet.balance, wallet.held), (d("70.50"), d("50.00")));
    let id = reply.body["id"].as_str().unwrap();
    api.sandbox(id, "approve").await.ok();
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!((wallet.balance, wallet.held), (d("70.50"), d("0")));
}
