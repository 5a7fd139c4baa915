//! Wallets of either mode as an operator makes them: a test admin key sets the payment
//! password; a live admin key may not, so the shopper sets it through the activation link,
//! and the live top-up names its reason.

use serde_json::json;

use super::api::Api;
use super::consent::{browser, query_param};

/// Sets the harness's login password and the payment password `password` on the
/// activation page at `url`, as the shopper's browser does; the page's status and text.
pub async fn activate(url: &str, password: &str) -> (u16, String) {
    let token = query_param(url, "token").expect("a token in the activation link");
    let base = url.split("/wallet/").next().expect("a wallet URL");
    let reply = browser()
        .post(format!("{base}/wallet/activate?locale=en"))
        .header("origin", base)
        .form(&[
            ("token", token.as_str()),
            ("login_password", super::fixtures::LOGIN_PASSWORD),
            ("login_confirm", super::fixtures::LOGIN_PASSWORD),
            ("password", password),
            ("confirm", password),
        ])
        .send()
        .await
        .expect("answer");
    (reply.status().as_u16(), reply.text().await.expect("page"))
}

/// A live wallet of `api`'s (live) admin key: created without a password, activated with
/// `password`, funded with `balance` from the operator's funding account.
pub async fn create_live_wallet(api: &Api, shopper: &str, password: &str, balance: &str) {
    let created = api
        .post(
            "/v1/wallets",
            Some(&api.admin_key),
            &json!({"shopper_id": shopper, "currency": "CNY"}),
        )
        .await;
    assert_eq!(created.ok()["livemode"], json!(true), "{}", created.body);
    let url = created.ok()["activation"]["url"]
        .as_str()
        .expect("an activation link")
        .to_owned();
    let (status, page) = activate(&url, password).await;
    assert!(
        status == 200 && page.contains("passwords are set"),
        "{status}: {page}"
    );
    let funded = api
        .post(
            &format!("/v1/wallets/{shopper}/topups"),
            Some(&api.admin_key),
            &json!({"amount": balance, "method": "bank_card", "reason": "opening balance of a test of live mode"}),
        )
        .await;
    funded.ok();
}
