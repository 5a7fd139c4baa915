//! Wallet administration: creation, top-ups and their validation, and a shopper without a
//! wallet paying entirely with a second method.

use crate::common::*;
use checkout_core::Method;
use serde_json::json;

on_every_backend!(
    a_new_wallet_starts_empty_and_top_ups_add_to_it,
    bad_wallet_and_top_up_requests_are_rejected,
    a_shopper_without_a_wallet_pays_with_the_second_method,
);

async fn a_new_wallet_starts_empty_and_top_ups_add_to_it(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let created = api
        .post(
            "/v1/wallets",
            Some(ADMIN_KEY),
            &json!({"shopper_id": "shopper_fresh", "currency": "CNY", "payment_password": "102938"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["balance"], json!("0.00"));

    api.top_up("shopper_fresh", "10.5").await.ok();
    api.top_up("shopper_fresh", "0.25").await.ok();

    let wallet = api.wallet("shopper_fresh").await;
    assert_eq!((wallet.balance, wallet.held), (d("10.75"), d("0")));
    let ledger = api.ledger("shopper_fresh").await;
    assert_eq!(ledger_flows(&ledger).top_ups, d("10.75"));
    check_wallet_ledger(&ledger, &wallet);
}

async fn bad_wallet_and_top_up_requests_are_rejected(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let create = |shopper: &str, currency: &str, password: &str| json!({"shopper_id": shopper, "currency": currency, "payment_password": password});
    for (body, field) in [
        (create("s1", "CNY", "12345"), "payment_password"),
        (create("s1", "CNY", "abcdef"), "payment_password"),
        (create("s1", "XYZ", "123456"), "currency"),
        (create("", "CNY", "123456"), "shopper_id"),
    ] {
        let reply = api.post("/v1/wallets", Some(ADMIN_KEY), &body).await;
        let error = reply.error(400, "invalid_request");
        assert!(error.to_string().contains(field), "{field}: {error}");
    }
    // A second wallet for the same shopper is refused, and the first is untouched.
    let again = api
        .post(
            "/v1/wallets",
            Some(ADMIN_KEY),
            &create(DEMO_SHOPPER, "CNY", "654321"),
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(!again.message().is_empty());
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d(DEMO_BALANCE));

    for amount in [json!("0.00"), json!("-1.00"), json!("1.001"), json!(5)] {
        let reply = api
            .post(
                &format!("/v1/wallets/{DEMO_SHOPPER}/topups"),
                Some(ADMIN_KEY),
                &json!({"amount": amount, "method": "bank_card"}),
            )
            .await;
        let error = reply.error(400, "invalid_request");
        assert!(error.to_string().contains("amount"), "{amount}: {error}");
    }
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d(DEMO_BALANCE));
    let missing = api.get("/v1/wallets/nobody_here", Some(ADMIN_KEY)).await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert!(!missing.message().is_empty());
}

async fn a_shopper_without_a_wallet_pays_with_the_second_method(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session("shopper_walletless", &one_item_cart("12.00"))
        .await;
    let read = api.get_session(&session).await;
    assert_eq!(read.ok()["wallet"]["balance"], json!("0.00"));
    assert_eq!(read.body["wallet"]["password_set"], json!(false));

    let reply = api
        .pay(&session, false, Some(Method::BankCard), "000000")
        .await;

    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["balance_amount"], json!("0.00"));
    assert_eq!(reply.body["status"], json!("requires_action"));
    let id = reply.body["id"].as_str().unwrap();
    api.sandbox(id, "approve").await.ok();
    assert_eq!(api.get_intent(id).await.ok()["status"], json!("succeeded"));
}
