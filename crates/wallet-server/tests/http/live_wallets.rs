//! Wallets of two modes that never touch (DESIGN.md *Test and live mode*): a test key or a
//! test admin key naming a live wallet gets exactly the answer an unknown id gets and never
//! touches its lock; a live admin key sets no password and funds with a reason; a test
//! wallet cannot give to a live one. Each on `serve`, with both modes configured.

use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};

on_every_backend!(
    a_test_key_naming_a_live_wallet_answers_as_for_an_unknown_id,
    a_live_admin_key_sets_no_password_and_funds_only_with_a_reason,
    money_never_moves_between_a_test_and_a_live_wallet,
);

pub const TEST_KEY: &str = "sk_test_worlds_0123456789abcdefghijklmnop";
pub const LIVE_KEY: &str = "sk_live_worlds_0123456789abcdefghijklmnop";
pub const TEST_ADMIN: &str = "ak_test_worlds_0123456789abcdefghijklmnop";
pub const LIVE_ADMIN: &str = "ak_live_worlds_0123456789abcdefghijklmnop";
pub const PASSWORD: &str = "864213";
pub const LIVE_SHOPPER: &str = "w_live_owner";
const UNKNOWN: &str = "w_nobody_at_all";

/// One merchant id with both keys, and an admin key of each mode.
#[must_use]
pub fn config() -> String {
    format!(
        "admin_keys = [\"{TEST_ADMIN}\", \"{LIVE_ADMIN}\"]\n\
         password_pepper = \"worlds-test-pepper-0123456789abcdefghijkl\"\n\
         [[merchants]]\nid = \"shop-w\"\nsecret_key = \"{TEST_KEY}\"\n\
         [[merchants]]\nid = \"shop-w\"\nsecret_key = \"{LIVE_KEY}\"\n"
    )
}

/// Status, code and message: what a caller can tell two answers apart by.
fn answer(reply: &Reply) -> (u16, String, String) {
    (
        reply.status,
        reply.code().to_owned(),
        reply.message().to_owned(),
    )
}

/// The same request for the live wallet and for an id nobody has: the same answer.
async fn same_answer(api: &Api, method: Method, path: &str, key: &str, body: Option<Value>) {
    let mut answers = Vec::new();
    for id in [LIVE_SHOPPER, UNKNOWN] {
        let bytes = body.as_ref().map(|b| serde_json::to_vec(b).expect("json"));
        let path = path.replace("{id}", id);
        answers.push(answer(
            &api.send(method.clone(), &path, Some(key), &[], bytes).await,
        ));
    }
    assert_eq!(
        answers[0], answers[1],
        "{method} {path} with {key}: a live wallet must read as an unknown id"
    );
}

/// An intent that pays the whole cart from a balance the frame was never shown, with
/// `password`: what a test key's holder who knows the live wallet's PIN would post.
pub async fn claim_balance(api: &Api, session: &Session, password: &str) -> Reply {
    let choice = checkout_core::Choice {
        use_balance: true,
        balance_cap: None,
    };
    let balance = checkout_core::Money::parse("1000.00", checkout_core::Currency::CNY).unwrap();
    let prepared = prepare_with_balance(session, balance, choice, None, password);
    api.submit(session, &prepared.body()).await
}

async fn a_test_key_naming_a_live_wallet_answers_as_for_an_unknown_id(backend: Backend) {
    let server = Server::serve_with(backend, &config(), &[]).await;
    let live = Api::new(&server).with_keys(LIVE_KEY, LIVE_ADMIN);
    let test = Api::new(&server).with_keys(TEST_KEY, TEST_ADMIN);
    create_live_wallet(&live, LIVE_SHOPPER, PASSWORD, "500.00").await;
    let books = live_books(&server).await;

    let top_up = json!({"amount": "10.00", "method": "bank_card"});
    for (method, path, body) in [
        (Method::GET, "/v1/wallets/{id}", None),
        (Method::GET, "/v1/wallets/{id}/ledger", None),
        (
            Method::POST,
            "/v1/wallets/{id}/topups",
            Some(top_up.clone()),
        ),
        (
            Method::POST,
            "/v1/wallets/{id}/rewards",
            Some(json!({"amount": "1.00"})),
        ),
        (Method::POST, "/v1/wallets/{id}/activation", None),
    ] {
        same_answer(&test, method, path, TEST_ADMIN, body).await;
    }
    // The checkout: the frame sees no wallet, and the right password moves nothing and
    // counts nothing, however often it is tried.
    let cart = one_item_cart("20.00");
    let on_live = test.create_session(LIVE_SHOPPER, &cart).await;
    let on_unknown = test.create_session(UNKNOWN, &cart).await;
    assert_eq!(
        test.get_session(&on_live).await.ok()["wallet"],
        test.get_session(&on_unknown).await.ok()["wallet"],
    );
    for password in [PASSWORD, "000000", "111111", "222222", "333333", "444444"] {
        let a = claim_balance(&test, &on_live, password).await;
        let b = claim_balance(&test, &on_unknown, password).await;
        assert_eq!(answer(&a), answer(&b), "paying with {password}");
    }
    assert_eq!(
        live_books(&server).await,
        books,
        "no live balance or entry moved"
    );

    // The owner still pays: six tries through the test key locked nothing.
    let link = link(&server, LIVE_KEY, LIVE_SHOPPER).await;
    let session = live.create_linked_session(&link, LIVE_SHOPPER, &cart).await;
    let paid = live.pay(&session, true, None, PASSWORD).await;
    assert_eq!(paid.ok()["status"], "succeeded", "{}", paid.body);
    assert_eq!(live.wallet(LIVE_SHOPPER).await.balance, d("480.00"));
    check_ledger_storage(&server).await;
}

async fn a_live_admin_key_sets_no_password_and_funds_only_with_a_reason(backend: Backend) {
    let server = Server::serve_with(backend, &config(), &[]).await;
    let api = Api::new(&server);
    let with_password = api
        .post(
            "/v1/wallets",
            Some(LIVE_ADMIN),
            &json!({"shopper_id": "w_pw", "currency": "CNY", "payment_password": PASSWORD}),
        )
        .await;
    assert_eq!(
        with_password.error(400, "invalid_request")["path"],
        "payment_password"
    );
    let created = api
        .post(
            "/v1/wallets",
            Some(LIVE_ADMIN),
            &json!({"shopper_id": "w_new", "currency": "CNY"}),
        )
        .await;
    let first = created.ok()["activation"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(created.ok()["livemode"], json!(true));
    let again = api
        .post("/v1/wallets/w_new/activation", Some(LIVE_ADMIN), &json!({}))
        .await;
    let second = again.ok()["url"].as_str().unwrap().to_owned();
    // A new link replaces the old one: only the newest activates the wallet, once.
    let (_, old) = activate(&first, PASSWORD).await;
    assert!(old.contains("already used"), "the replaced link: {old}");
    let (status, page) = activate(&second, PASSWORD).await;
    assert!(
        status == 200 && page.contains("passwords are set"),
        "{page}"
    );
    let (_, reused) = activate(&second, "111111").await;
    assert!(
        reused.contains("already used"),
        "a link works once: {reused}"
    );
    let set = api
        .post("/v1/wallets/w_new/activation", Some(LIVE_ADMIN), &json!({}))
        .await;
    set.error(409, "wallet_activated");

    let path = "/v1/wallets/w_new/topups";
    let no_reason = api
        .post(
            path,
            Some(LIVE_ADMIN),
            &json!({"amount": "5.00", "method": "bank_card"}),
        )
        .await;
    assert_eq!(no_reason.error(400, "invalid_request")["path"], "reason");
    let funded = api
        .post(
            path,
            Some(LIVE_ADMIN),
            &json!({"amount": "5.00", "method": "bank_card", "reason": "goodwill, ticket 42"}),
        )
        .await;
    assert_eq!(funded.ok()["balance"], "5.00");
    // Ids are one namespace: the test admin key cannot make a test wallet of that id.
    let taken = api
        .post(
            "/v1/wallets",
            Some(TEST_ADMIN),
            &json!({"shopper_id": "w_new", "currency": "CNY", "payment_password": PASSWORD}),
        )
        .await;
    taken.error(409, "wallet_exists");
    check_ledger_storage(&server).await;
}

/// The alert of a transfer review page.
async fn review_alert(shopper: &Shopper, to: &str) -> String {
    let (status, page) = shopper
        .post("/wallet/transfer", &[("to", to), ("amount", "1.00")])
        .await;
    assert_eq!(status, 200);
    between(&page, r#"role="alert">"#, "</p>").unwrap_or_else(|| panic!("no alert: {page}"))
}

async fn money_never_moves_between_a_test_and_a_live_wallet(backend: Backend) {
    let server = Server::serve_with(backend, &config(), &[]).await;
    let live = Api::new(&server).with_keys(LIVE_KEY, LIVE_ADMIN);
    let test = Api::new(&server).with_keys(TEST_KEY, TEST_ADMIN);
    create_live_wallet(&live, LIVE_SHOPPER, PASSWORD, "50.00").await;
    test.create_wallet("w_test_giver", PASSWORD, "50.00").await;
    let books = live_books(&server).await;

    let giver = Shopper::sign_in(&server, "w_test_giver").await;
    assert_eq!(
        review_alert(&giver, LIVE_SHOPPER).await,
        review_alert(&giver, UNKNOWN).await,
        "a live wallet is no recipient of a test one"
    );
    let owner = Shopper::sign_in(&server, LIVE_SHOPPER).await;
    assert_eq!(
        review_alert(&owner, "w_test_giver").await,
        review_alert(&owner, UNKNOWN).await,
        "nor the other way round"
    );
    assert_eq!(live_books(&server).await, books);
    assert_eq!(test.wallet("w_test_giver").await.balance, d("50.00"));
    check_ledger_storage(&server).await;
}
