//! Issue 26: a merchant's `return_url` (links and sessions) is parsed as a browser would
//! and refused, with the rule it breaks, unless a code can safely ride back on it; the
//! consent page's answers come from the wallet's own page only.

use crate::common::*;
use serde_json::{json, Value};

on_every_backend!(
    a_return_url_a_code_cannot_ride_back_on_is_refused_before_anything_is_stored,
    the_answer_is_added_to_the_query_the_merchant_gave,
    return_origins_hold_a_merchant_to_its_own_sites,
    a_decline_from_another_site_is_refused_and_the_request_stays_open,
);

const NEW_SHOPPER: &str = "shopper_new";

/// Each was accepted with 201 before: a fragment hid the code from the merchant's server,
/// CR/LF made the redirect fail after the approval was stored.
const REFUSED: &[(&str, &str)] = &[
    ("https://shop.example/linked#top", "fragment"),
    (
        "https://shop.example/linked\r\nSet-Cookie: a=b",
        "percent-encoded",
    ),
    ("https://shop.example/a b", "percent-encoded"),
    ("https://shöp.example/linked", "punycode"),
    ("https://", "absolute URL"),
    ("http://shop.example/linked", "https"),
    ("javascript:alert(1)", "https"),
    ("https://shop.example@evil.example/", "user name"),
];

async fn create_link(server: &Server, key: &str, return_url: &str) -> Reply {
    Api::new(server)
        .post("/v1/links", Some(key), &json!({"return_url": return_url}))
        .await
}

async fn create_session(server: &Server, return_url: &str) -> Reply {
    Api::new(server)
        .post(
            "/v1/sessions",
            Some(MERCHANT_KEY),
            &json!({"shopper_id": DEMO_SHOPPER, "cart": one_item_cart("1.00"), "return_url": return_url}),
        )
        .await
}

fn assert_refused(reply: &Reply, url: &str, says: &str) {
    assert_eq!(reply.status, 400, "{url:?}: {}", reply.body);
    assert_eq!(reply.body["error"]["path"], "return_url", "{url:?}");
    let message = reply.body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(says), "{url:?}: {message}");
}

async fn a_return_url_a_code_cannot_ride_back_on_is_refused_before_anything_is_stored(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    for (url, says) in REFUSED {
        assert_refused(&create_link(&server, MERCHANT_KEY, url).await, url, says);
        assert_refused(&create_session(&server, url).await, url, says);
    }
    let long = format!("https://shop.example/{}", "a".repeat(2048));
    assert_refused(
        &create_link(&server, MERCHANT_KEY, &long).await,
        "long",
        "2048",
    );
    // A developer's own machine, with a test key.
    for url in ["http://localhost:3000/linked", "http://127.0.0.1:3000/"] {
        assert_eq!(
            create_link(&server, MERCHANT_KEY, url).await.status,
            201,
            "{url}"
        );
        assert_eq!(create_session(&server, url).await.status, 201, "{url}");
    }
}

async fn the_answer_is_added_to_the_query_the_merchant_gave(backend: Backend) {
    let server = Server::start(backend).await;
    let created = create_link(&server, MERCHANT_KEY, "https://Shop.Example/linked?order=7").await;
    assert_eq!(created.status, 201, "{}", created.body);
    let (url, request) = (
        created.body["url"].as_str().expect("url").to_owned(),
        created.body["id"].as_str().expect("id").to_owned(),
    );
    let (status, location) = consent(&url, "approve", NEW_SHOPPER, login_of(NEW_SHOPPER)).await;
    assert_eq!(status, 303, "{location}");
    let prefix = format!("https://shop.example/linked?order=7&link_request={request}&code=lc_");
    assert!(location.starts_with(&prefix), "{location}");
    let code = query_param(&location, "code").expect("code");
    assert_eq!(
        exchange(&server, MERCHANT_KEY, &request, &code)
            .await
            .status,
        201
    );
}

async fn return_origins_hold_a_merchant_to_its_own_sites(backend: Backend) {
    let key = "sk_test_origins_0123456789abcdefghijklmn";
    let config = format!(
        "admin_keys = [\"ak_test_origins_0123456789abcdefghijklmn\"]\n\
         password_pepper = \"origins-test-pepper-0123456789abcdefghij\"\n\
         [[merchants]]\nid = \"shop-o\"\nsecret_key = \"{key}\"\n\
         return_origins = [\"https://shop.example\"]\n"
    );
    let server = Server::serve_with(backend, &config, &[]).await;
    assert_eq!(
        create_link(&server, key, "https://shop.example/done")
            .await
            .status,
        201
    );
    let elsewhere = create_link(&server, key, "https://evil.example/done").await;
    assert_refused(&elsewhere, "evil", "return_origins");
    let other_port = create_link(&server, key, "https://shop.example:8443/done").await;
    assert_refused(&other_port, "port", "return_origins");
}

/// The consent page's "Not now" could be posted from any site, which sent the shopper on
/// to the merchant's URL and used the request up.
async fn a_decline_from_another_site_is_refused_and_the_request_stays_open(backend: Backend) {
    let server = Server::start(backend).await;
    let (url, request) = request_link(&server, MERCHANT_KEY).await;
    for (origin, fetch_site) in [
        (Some("https://evil.example"), None),
        (None, Some("cross-site")),
        (Some("null"), Some("cross-site")),
    ] {
        let mut post = browser().post(&url).form(&[("action", "decline")]);
        if let Some(o) = origin {
            post = post.header("origin", o);
        }
        if let Some(s) = fetch_site {
            post = post.header("sec-fetch-site", s);
        }
        let reply = post.send().await.expect("answer");
        assert_eq!(reply.status(), 403, "{origin:?} {fetch_site:?}");
        let body: Value = reply.json().await.expect("json");
        assert_eq!(body["error"]["code"], "cross_site_request");
    }
    // Still open: the shopper approves on the page itself.
    let (status, location) = consent(&url, "approve", NEW_SHOPPER, login_of(NEW_SHOPPER)).await;
    assert_eq!(status, 303, "{location}");
    assert!(
        location.contains(&format!("link_request={request}&code=")),
        "{location}"
    );
}
