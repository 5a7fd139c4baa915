//! The shopper's account (DESIGN.md *The shopper's account*): the six-digit payment
//! password is no sign-in credential, a spray of common PINs and passwords opens no wallet
//! and is slowed to 429, unknown ids read like known ones, and new credentials are strong:
//! a login password zxcvbn does not find guessable, and for live wallets a PIN without a
//! pattern.

use crate::common::*;
use crate::live_wallets::{config, LIVE_ADMIN, TEST_ADMIN};
use serde_json::json;

on_every_backend!(
    a_spray_of_common_pins_and_passwords_opens_no_wallet,
    a_sign_in_answers_alike_for_known_and_unknown_ids,
    new_credentials_are_strong_and_live_pins_have_no_pattern,
    a_forwarded_address_counts_only_behind_a_trusted_proxy,
    a_new_login_password_signs_out_the_other_sign_ins,
    a_payer_sees_the_name_the_payee_chose_masked,
);

const COMMON: [&str; 8] = [
    "123456",
    "000000",
    "111111",
    "654321",
    "password",
    "12345678",
    "qwerty123",
    "iloveyou",
];

/// A sign-in from a fresh browser: the status, and the alert or the redirect.
async fn sign_in(server: &Server, id: &str, password: &str) -> (u16, String) {
    sign_in_via(&server.url, id, password, "").await
}

/// [`sign_in`] at the wallet `base` with `X-Forwarded-For: forwarded` (none when empty),
/// as a TLS proxy sends it.
async fn sign_in_via(base: &str, id: &str, password: &str, forwarded: &str) -> (u16, String) {
    let mut request = browser()
        .post(format!("{base}/wallet/sign-in?locale=en"))
        .header("origin", base);
    if !forwarded.is_empty() {
        request = request.header("x-forwarded-for", forwarded);
    }
    let reply = request
        .form(&[("shopper_id", id), ("password", password)])
        .send()
        .await
        .expect("answer");
    let status = reply.status().as_u16();
    if let Some(location) = reply.headers().get("location") {
        return (status, location.to_str().expect("ascii").to_owned());
    }
    let page = reply.text().await.expect("page");
    let alert = between(&page, r#"role="alert">"#, "</p>").unwrap_or(page);
    (status, alert)
}

async fn a_spray_of_common_pins_and_passwords_opens_no_wallet(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let ids: Vec<String> = (0..20).map(|n| format!("sprayed_{n:02}")).collect();
    for id in &ids {
        api.create_wallet(id, COMMON[0], "10.00").await;
    }
    let mut answers = Vec::new();
    for password in COMMON {
        for id in &ids {
            answers.push(sign_in(&server, id, password).await);
        }
    }
    assert!(
        answers.iter().all(|(status, _)| *status == 200),
        "no sign-in: {answers:?}"
    );
    let slowed = answers
        .iter()
        .position(|(_, alert)| alert.contains("Too many tries"));
    assert!(
        slowed.is_some_and(|first| first <= 30),
        "the address is slowed down after 30 failures: {slowed:?}"
    );
    // The owners still sign in from elsewhere, and their payments were never locked.
    let session = api.create_session(&ids[0], &one_item_cart("1.00")).await;
    api.pay(&session, true, None, COMMON[0]).await.ok();
}

async fn a_sign_in_answers_alike_for_known_and_unknown_ids(backend: Backend) {
    let server = Server::start(backend).await;
    let known = sign_in(&server, DEMO_SHOPPER, "not-the-password-9").await;
    let unknown = sign_in(&server, "nobody_here_at_all", "not-the-password-9").await;
    let pin = sign_in(&server, DEMO_SHOPPER, DEMO_PASSWORD).await;
    assert_eq!(known, unknown);
    assert_eq!(known, pin, "the payment password is no sign-in credential");
    assert!(known.1.contains("wrong"), "{known:?}");
    let (status, location) = sign_in(&server, DEMO_SHOPPER, DEMO_LOGIN).await;
    assert_eq!((status, location.as_str()), (303, "/wallet/"));
    // On a Chinese page the error is Chinese (it was English whatever the page's language).
    let reply = browser()
        .post(format!("{}/wallet/sign-in?locale=zh-CN", server.url))
        .header("origin", server.url.as_str())
        .form(&[
            ("shopper_id", "nobody_here_at_all"),
            ("password", "not-the-password-9"),
        ])
        .send()
        .await
        .expect("answer");
    let page = reply.text().await.expect("page");
    assert!(page.contains("钱包账号或登录密码错误"), "{page}");
}

async fn new_credentials_are_strong_and_live_pins_have_no_pattern(backend: Backend) {
    let server = Server::serve_with(backend, &config(), &[]).await;
    let api = Api::new(&server);
    let weak = api
        .post(
            "/v1/wallets",
            Some(TEST_ADMIN),
            &json!({"shopper_id": "w_weak", "currency": "CNY",
                    "payment_password": "123456", "login_password": "password1"}),
        )
        .await;
    assert_eq!(weak.error(400, "invalid_request")["path"], "login_password");
    let created = api
        .post(
            "/v1/wallets",
            Some(LIVE_ADMIN),
            &json!({"shopper_id": "w_live_new", "currency": "CNY"}),
        )
        .await;
    let url = created.ok()["activation"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = query_param(&url, "token").unwrap();
    let base = server.url.as_str();
    let post = |login: &'static str, pin: &'static str| {
        let token = token.clone();
        async move {
            let reply = browser()
                .post(format!("{base}/wallet/activate?locale=en"))
                .header("origin", base)
                .form(&[
                    ("token", token.as_str()),
                    ("login_password", login),
                    ("login_confirm", login),
                    ("password", pin),
                    ("confirm", pin),
                ])
                .send()
                .await
                .expect("answer");
            reply.text().await.expect("page")
        }
    };
    assert!(
        post("iloveyou", "402719").await.contains("Password:"),
        "weak login"
    );
    assert!(
        post(LOGIN_PASSWORD, "123456")
            .await
            .contains("too easy to guess"),
        "run"
    );
    assert!(
        post(LOGIN_PASSWORD, "520520")
            .await
            .contains("too easy to guess"),
        "common"
    );
    assert!(post(LOGIN_PASSWORD, "402719")
        .await
        .contains("passwords are set"));
    let (status, _) = sign_in(&server, "w_live_new", LOGIN_PASSWORD).await;
    assert_eq!(status, 303, "the live wallet's owner signs in");
}

/// Behind a trusted proxy each shopper is counted by the address the proxy forwards; from
/// anywhere else `X-Forwarded-For` is ignored, so nobody escapes the limit by writing it.
async fn a_forwarded_address_counts_only_behind_a_trusted_proxy(backend: Backend) {
    let spray = |base: String, forwarded: &'static str| async move {
        let mut last = (0, String::new());
        for n in 0..31 {
            let id = format!("spray_{n}");
            last = sign_in_via(&base, &id, "not-the-password-9", forwarded).await;
        }
        last
    };
    let behind = Server::start_with(backend, &[("BC_TRUSTED_PROXIES", "127.0.0.1")]).await;
    let (_, alert) = spray(behind.url.clone(), "203.0.113.1").await;
    assert!(alert.contains("Too many tries"), "{alert}");
    let (status, _) = sign_in_via(&behind.url, DEMO_SHOPPER, DEMO_LOGIN, "203.0.113.2").await;
    assert_eq!(
        status, 303,
        "another shopper behind the same proxy signs in"
    );

    let exposed = Server::start(backend).await;
    let (_, alert) = spray(exposed.url.clone(), "203.0.113.1").await;
    assert!(alert.contains("Too many tries"), "{alert}");
    let (_, alert) = sign_in_via(&exposed.url, DEMO_SHOPPER, DEMO_LOGIN, "203.0.113.2").await;
    assert!(
        alert.contains("Too many tries"),
        "a written header changes nothing: {alert}"
    );
}

async fn a_new_login_password_signs_out_the_other_sign_ins(backend: Backend) {
    let server = Server::start(backend).await;
    Api::new(&server)
        .create_wallet("rosa", "402719", "1.00")
        .await;
    let rosa = Shopper::sign_in(&server, "rosa").await;
    let other_tab = Shopper::sign_in(&server, "rosa").await;
    rosa.step_up().await;
    let change = |current: &'static str, new: &'static str, confirm: &'static str| {
        let rosa = &rosa;
        async move {
            let form = [("current", current), ("new", new), ("confirm", confirm)];
            let page = rosa.post("/wallet/security/login?locale=en", &form).await.1;
            between(&page, r#"role="alert">"#, "</p>")
                .or_else(|| between(&page, r#"role="status">"#, "</p>"))
                .unwrap_or(page)
        }
    };
    let fresh = "Copper-Heron-Basin-58";
    assert!(change("Not-It-At-All-1", fresh, fresh)
        .await
        .contains("Current password"));
    assert!(change(LOGIN_PASSWORD, "password1", "password1")
        .await
        .contains("New password"));
    assert!(change(LOGIN_PASSWORD, fresh, "Copper-Heron-Basin-59")
        .await
        .contains("typed again"));
    assert!(change(LOGIN_PASSWORD, fresh, fresh)
        .await
        .contains("password was changed"));
    assert!(
        other_tab
            .page("/wallet/")
            .await
            .contains(r#"action="/wallet/sign-in""#),
        "the other sign-in ended"
    );
    assert!(rosa.page("/wallet/").await.contains("data-available"));
    let (status, _) = sign_in(&server, "rosa", LOGIN_PASSWORD).await;
    assert_eq!(status, 200, "the old password signs in no more");
    let (status, _) = sign_in(&server, "rosa", fresh).await;
    assert_eq!(status, 303);
}

/// Before confirming a transfer the payer sees the name the payee chose, masked, beside the
/// masked wallet id: enough to tell a mistyped id, not enough to learn the name.
async fn a_payer_sees_the_name_the_payee_chose_masked(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet("payer_one", "402719", "20.00").await;
    api.create_wallet("payee_one", "402719", "0.00").await;
    let recipient = |page: &str| between(page, "data-recipient>", "</dd>").unwrap_or_default();
    let payer = Shopper::sign_in(&server, "payer_one").await;
    payer.step_up().await;
    let form = [("to", "payee_one"), ("amount", "1.00")];
    let (_, before) = payer.post("/wallet/transfer?locale=en", &form).await;
    assert_eq!(recipient(&before), "pa•••••ne");
    let payee = Shopper::sign_in(&server, "payee_one").await;
    let (_, page) = payee
        .post(
            "/wallet/security/name?locale=en",
            &[("display_name", " 张三丰 ")],
        )
        .await;
    assert!(page.contains("was saved"), "{page}");
    let (_, page) = payee
        .post("/wallet/security/name?locale=en", &[("display_name", "")])
        .await;
    assert!(page.contains("1 to 20 characters"), "{page}");
    let (_, after) = payer.post("/wallet/transfer?locale=en", &form).await;
    assert_eq!(recipient(&after), "张** (pa•••••ne)");
}
