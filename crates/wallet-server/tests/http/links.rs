//! Shopper consent (DESIGN.md *Shopper consent*): a merchant opens sessions only for a
//! shopper who linked their wallet to it on the wallet's own page.

use std::time::Duration;

use crate::common::*;
use serde_json::json;

on_every_backend!(
    a_shopper_links_a_wallet_and_the_merchant_opens_a_session_with_the_link,
    a_declined_request_and_a_used_code_give_no_link,
    failed_consent_sign_ins_slow_down_and_never_lock_payments,
    the_pin_signs_in_nowhere_and_unknown_ids_look_known,
    a_revoked_link_stops_its_sessions_at_once,
    a_link_is_useless_to_another_merchant,
    a_link_is_revoked_by_its_id_so_its_token_never_travels_in_a_url,
);

const NEW_SHOPPER: &str = "shopper_new";
const NEW_PASSWORD: &str = "654321";
const OTHER_KEY: &str = "sk_test_other_merchant_0123456789";

async fn session_with_link(server: &Server, key: &str, link: &str) -> Reply {
    Api::new(server)
        .post(
            "/v1/sessions",
            Some(key),
            &json!({"link": link, "cart": one_item_cart("10.00")}),
        )
        .await
}

/// A link of `shopper_new` to the demo shop, through the consent page.
async fn linked(server: &Server) -> String {
    link(server, MERCHANT_KEY, NEW_SHOPPER).await
}

async fn a_shopper_links_a_wallet_and_the_merchant_opens_a_session_with_the_link(backend: Backend) {
    let server = Server::start(backend).await;
    let (url, request) = request_link(&server, MERCHANT_KEY).await;
    let page = browser()
        .get(&url)
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Demo Shop") && html.contains("关联钱包"),
        "{html}"
    );

    let (status, location) = consent(&url, "approve", NEW_SHOPPER, NEW_LOGIN).await;
    assert_eq!(status, 303, "{location}");
    assert!(
        location.starts_with("https://shop.example/linked?"),
        "{location}"
    );
    assert_eq!(
        query_param(&location, "link_request").as_deref(),
        Some(request.as_str())
    );
    let code = query_param(&location, "code").expect("code");
    let reply = exchange(&server, MERCHANT_KEY, &request, &code).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let link = reply.body["link"].as_str().unwrap().to_owned();
    assert!(link.starts_with("lk_"), "{link}");

    let created = session_with_link(&server, MERCHANT_KEY, &link).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let secret = created.body["client_secret"].as_str().unwrap();
    let id = created.body["id"].as_str().unwrap();
    let read = Api::new(&server)
        .get(&format!("/v1/sessions/{id}"), Some(secret))
        .await;
    assert_eq!(
        read.body["wallet"]["balance"],
        json!("50.00"),
        "{}",
        read.body
    );
}

async fn a_declined_request_and_a_used_code_give_no_link(backend: Backend) {
    let server = Server::start(backend).await;
    let (url, _) = request_link(&server, MERCHANT_KEY).await;
    let (status, location) = consent(&url, "decline", "", "").await;
    assert_eq!(status, 303);
    assert_eq!(query_param(&location, "error").as_deref(), Some("declined"));
    // Answered once: the page says so and takes no second answer.
    let (status, page) = consent(&url, "approve", NEW_SHOPPER, NEW_LOGIN).await;
    assert_eq!(status, 200);
    assert!(page.contains("already answered"), "{page}");

    let (url, request) = request_link(&server, MERCHANT_KEY).await;
    let (_, location) = consent(&url, "approve", NEW_SHOPPER, NEW_LOGIN).await;
    let code = query_param(&location, "code").unwrap();
    assert_eq!(
        exchange(&server, MERCHANT_KEY, &request, &code)
            .await
            .status,
        201
    );
    let again = exchange(&server, MERCHANT_KEY, &request, &code).await;
    again.error(400, "invalid_request");
    assert_eq!(again.body["error"]["path"], json!("code"));
    let wrong = exchange(&server, MERCHANT_KEY, &request, "lc_wrong").await;
    wrong.error(400, "invalid_request");
}

/// Failed sign-ins on the consent page slow down and never lock the wallet's payments:
/// an anonymous visitor cannot lock the owner out (DESIGN.md *The shopper's account*).
async fn failed_consent_sign_ins_slow_down_and_never_lock_payments(backend: Backend) {
    let server = Server::start(backend).await;
    let (url, _) = request_link(&server, MERCHANT_KEY).await;
    for _ in 0..3 {
        let (status, page) = consent(&url, "approve", NEW_SHOPPER, "wrong-password-1").await;
        assert_eq!(status, 200);
        assert!(
            page.contains("The wallet ID or the password is wrong"),
            "{page}"
        );
    }
    // Each further failure doubles the wait: within a few tries this address waits for
    // seconds, with the right password too. (Waited out and failed again until the wait
    // is 4 s or more, so that a slow machine cannot outlast it before the right try.)
    let mut slowed = false;
    for _ in 0..8 {
        let (_, page) = consent(&url, "approve", NEW_SHOPPER, "wrong-password-1").await;
        let wait = between(&page, "Too many tries: wait ", " s")
            .and_then(|w| w.trim().parse::<u64>().ok());
        match wait {
            Some(w) if w >= 4 => {
                slowed = true;
                break;
            }
            Some(w) => tokio::time::sleep(Duration::from_secs(w)).await,
            None => {}
        }
    }
    assert!(slowed, "failures slow the address down");
    let (_, page) = consent(&url, "approve", NEW_SHOPPER, NEW_LOGIN).await;
    assert!(
        page.contains("Too many tries: wait"),
        "slowed down, even with the right one: {page}"
    );
    // The payment password was never tried: the owner pays.
    let api = Api::new(&server);
    let session = api
        .create_session(NEW_SHOPPER, &one_item_cart("1.00"))
        .await;
    api.pay(&session, true, None, NEW_PASSWORD).await.ok();
}

/// The payment password is no sign-in credential, and an unknown id reads like a known
/// one with a wrong password.
async fn the_pin_signs_in_nowhere_and_unknown_ids_look_known(backend: Backend) {
    let server = Server::start(backend).await;
    let (url, _) = request_link(&server, MERCHANT_KEY).await;
    let alert = |page: &str| between(page, r#"role="alert">"#, "</p>").unwrap_or_default();
    let (_, with_pin) = consent(&url, "approve", NEW_SHOPPER, NEW_PASSWORD).await;
    let (_, unknown) = consent(&url, "approve", "nobody_here_at_all", NEW_LOGIN).await;
    assert!(!alert(&with_pin).is_empty(), "{with_pin}");
    assert_eq!(alert(&with_pin), alert(&unknown));
    let (status, location) = consent(&url, "approve", NEW_SHOPPER, NEW_LOGIN).await;
    assert_eq!(status, 303, "{location}");
}

async fn a_revoked_link_stops_its_sessions_at_once(backend: Backend) {
    let server = Server::start(backend).await;
    let link = linked(&server).await;
    let created = session_with_link(&server, MERCHANT_KEY, &link).await;
    let secret = created.body["client_secret"].as_str().unwrap().to_owned();
    let id = created.body["id"].as_str().unwrap().to_owned();

    let reply = reqwest::Client::new()
        .delete(format!("{}/v1/links/{link}", server.url))
        .bearer_auth(MERCHANT_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);

    let api = Api::new(&server);
    api.get(&format!("/v1/sessions/{id}"), Some(&secret))
        .await
        .error(403, "link_revoked");
    session_with_link(&server, MERCHANT_KEY, &link)
        .await
        .error(403, "link_revoked");
    // The test key's shortcut does not go round the revocation either.
    let body = json!({"shopper_id": NEW_SHOPPER, "cart": one_item_cart("1.00")});
    api.post("/v1/sessions", Some(MERCHANT_KEY), &body)
        .await
        .error(403, "link_revoked");
    // Issue 26: the token was in the access log's line for the DELETE.
    let log = server.log();
    assert!(
        log.contains("/v1/links/lk_…"),
        "the revocation is logged: {log}"
    );
    assert!(!log.contains(&link), "the link token is in the log");
}

async fn a_link_is_useless_to_another_merchant(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("other.toml");
    std::fs::write(
        &config,
        format!("[[merchants]]\nid = \"other-shop\"\nsecret_key = \"{OTHER_KEY}\"\n"),
    )
    .unwrap();
    let server = Server::start_with(backend, &[("BC_CONFIG", config.to_str().unwrap())]).await;
    let link = linked(&server).await;
    let stolen = session_with_link(&server, OTHER_KEY, &link).await;
    stolen.error(400, "invalid_request");
    assert_eq!(stolen.body["error"]["path"], json!("link"));
    // Nor can the other merchant exchange the demo shop's code or revoke its link.
    let revoke = reqwest::Client::new()
        .delete(format!("{}/v1/links/{link}", server.url))
        .bearer_auth(OTHER_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 404);
    assert_eq!(
        session_with_link(&server, MERCHANT_KEY, &link).await.status,
        201
    );
}

/// DESIGN.md *Shopper consent* step 5 and issue 26: revoking by the token put a secret in
/// a URL (and the access log); the exchange answers the link's id beside it.
async fn a_link_is_revoked_by_its_id_so_its_token_never_travels_in_a_url(backend: Backend) {
    let server = Server::start(backend).await;
    let (url, request) = request_link(&server, MERCHANT_KEY).await;
    let (status, location) = consent(&url, "approve", NEW_SHOPPER, login_of(NEW_SHOPPER)).await;
    assert_eq!(status, 303, "{location}");
    let code = query_param(&location, "code").unwrap();
    let made = exchange(&server, MERCHANT_KEY, &request, &code).await;
    let token = made.ok()["link"].as_str().unwrap().to_owned();
    let id = made.body["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("ln_") && !token.contains(&id[3..]), "{id}");
    let revoke = || async {
        let reply = reqwest::Client::new()
            .delete(format!("{}/v1/links/{id}", server.url))
            .bearer_auth(MERCHANT_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200);
        reply.json::<serde_json::Value>().await.unwrap()
    };
    let first = revoke().await;
    assert_eq!(
        (first["id"].as_str(), first["revoked"].as_bool()),
        (Some(id.as_str()), Some(true))
    );
    assert!(
        first.get("link").is_none(),
        "the token is not echoed: {first}"
    );
    session_with_link(&server, MERCHANT_KEY, &token)
        .await
        .error(403, "link_revoked");
    assert_eq!(
        revoke().await["revoked_at"],
        first["revoked_at"],
        "a second revoke answers the first"
    );
    assert!(!server.log().contains(&token), "the token is in the log");
}
