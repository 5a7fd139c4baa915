//! A forgotten payment password (DESIGN.md *The shopper's account*): a signed-in shopper
//! gets a one-time code at the wallet's verified contact (in test mode, the sandbox inbox),
//! and with it sets a new payment password, which lifts the lock; a wrong code counts, a
//! used one works no more, and a wallet without a contact gets no code.

use crate::common::*;
use serde_json::{json, Value};

on_every_backend!(
    a_code_to_the_verified_contact_resets_the_pin_and_lifts_the_lock,
    a_wallet_without_a_contact_gets_no_code,
    a_live_wallets_code_goes_to_the_operators_gateway_signed,
);

const CONTACT: &str = "+8613800000001";

/// The newest code the sandbox inbox holds for `to`.
async fn newest_code(api: &Api, to: &str) -> String {
    let inbox = api
        .get(&format!("/v1/sandbox/messages?to=%2B{}", &to[1..]), None)
        .await;
    let text = inbox.ok()["data"][0]["text"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned()
}

/// The reset form with `code` and the new payment password 864213, typed twice.
fn form(code: &str) -> [(&str, &str); 3] {
    [("code", code), ("new", "864213"), ("confirm", "864213")]
}

fn alert(page: &str) -> String {
    between(page, r#"role="alert">"#, "</p>")
        .or_else(|| between(page, r#"role="status">"#, "</p>"))
        .unwrap_or_else(|| page.to_owned())
}

async fn a_code_to_the_verified_contact_resets_the_pin_and_lifts_the_lock(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let made = api
        .post(
            "/v1/wallets",
            Some(ADMIN_KEY),
            &json!({"shopper_id": "forgetful", "currency": "CNY", "payment_password": "402719",
                    "login_password": LOGIN_PASSWORD, "contact": CONTACT}),
        )
        .await;
    made.ok();
    api.top_up("forgetful", "50.00").await.ok();
    // Five wrong guesses at checkout lock the wallet.
    let session = api
        .create_session("forgetful", &one_item_cart("1.00"))
        .await;
    for _ in 0..5 {
        api.pay(&session, true, None, "111111").await;
    }
    api.pay(&session, true, None, "402719")
        .await
        .error(423, "password_locked");

    let shopper = Shopper::sign_in(&server, "forgetful").await;
    let (_, page) = shopper
        .post("/wallet/security/reset/send?locale=en", &[])
        .await;
    assert!(alert(&page).contains("+86•••••••0001"), "{page}");
    let code = newest_code(&api, CONTACT).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let (_, page) = shopper
        .post("/wallet/security/reset?locale=en", &form(wrong))
        .await;
    assert!(alert(&page).contains("4 tries left"), "{page}");
    let (_, page) = shopper
        .post("/wallet/security/reset?locale=en", &form(&code))
        .await;
    assert!(alert(&page).contains("wallet unlocked"), "{page}");
    let (_, page) = shopper
        .post("/wallet/security/reset?locale=en", &form(&code))
        .await;
    assert!(
        alert(&page).contains("expired or was used up"),
        "a code works once: {page}"
    );

    // Unlocked, with the new password; the old one is wrong.
    let session = api
        .create_session("forgetful", &one_item_cart("1.00"))
        .await;
    api.pay(&session, true, None, "402719")
        .await
        .error(403, "wrong_password");
    api.pay(&session, true, None, "864213").await.ok();
    let inbox: Value = api.get("/v1/sandbox/messages", None).await.ok().clone();
    assert!(
        inbox["data"].as_array().is_some_and(|m| m.len() == 1),
        "{inbox}"
    );
}

async fn a_wallet_without_a_contact_gets_no_code(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet("no_contact", "402719", "1.00").await;
    let shopper = Shopper::sign_in(&server, "no_contact").await;
    let (_, page) = shopper
        .post("/wallet/security/reset/send?locale=en", &[])
        .await;
    assert!(alert(&page).contains("no verified contact"), "{page}");
    let inbox = api
        .get("/v1/sandbox/messages?to=nobody%40example.com", None)
        .await;
    assert_eq!(inbox.ok()["data"], json!([]));
}

/// A live wallet's code goes to the operator's gateway, signed, and never to an inbox.
async fn a_live_wallets_code_goes_to_the_operators_gateway_signed(backend: Backend) {
    use crate::common::receiver::{eventually, Answer, Receiver};
    use crate::live_wallets::{config, LIVE_ADMIN};
    const SECRET: &str = "whsec_Z2F0ZXdheS1zZWNyZXQtZm9yLXRoZS10ZXN0cyE=";
    // The gateway fails the first try; the code goes again, under the same id.
    let gateway = Receiver::start(&[Answer::Status(503)]).await;
    let env = [
        ("BC_MESSAGE_GATEWAY_URL", gateway.url.as_str()),
        ("BC_MESSAGE_GATEWAY_SECRET", SECRET),
    ];
    let server = Server::serve_with(backend, &config(), &env).await;
    let api = Api::new(&server).with_keys("unused", LIVE_ADMIN);
    let contact = "live.shopper@example.com";
    let made = api
        .post(
            "/v1/wallets",
            Some(LIVE_ADMIN),
            &json!({"shopper_id": "live_contact", "currency": "CNY", "contact": contact}),
        )
        .await;
    let url = made.ok()["activation"]["url"].as_str().unwrap().to_owned();
    activate(&url, "402719").await;
    let shopper = Shopper::sign_in(&server, "live_contact").await;
    let (_, page) = shopper
        .post("/wallet/security/reset/send?locale=en", &[])
        .await;
    assert!(alert(&page).contains("liv"), "{page}");
    let message = eventually("the gateway's message", || async {
        gateway.received().get(1).cloned()
    })
    .await;
    assert_eq!(
        gateway.received()[0].id(),
        message.id(),
        "one message, tried twice"
    );
    assert!(
        message.verifies_with(SECRET),
        "signed with the gateway's secret"
    );
    assert_eq!(message.json()["to"], json!(contact));
    let text = message.json()["text"].as_str().unwrap().to_owned();
    let code = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_owned();
    let (_, page) = shopper
        .post("/wallet/security/reset?locale=en", &form(&code))
        .await;
    assert!(alert(&page).contains("wallet unlocked"), "{page}");
    assert_eq!(
        api.get("/v1/sandbox/messages", None).await.status,
        404,
        "no inbox beside live keys"
    );
}
