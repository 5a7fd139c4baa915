//! The consent flow as a merchant's server and a shopper's browser go through it: the
//! merchant asks for a link, the shopper approves on the wallet's consent page, the
//! merchant exchanges the code for the link token.

use serde_json::{json, Value};

use super::api::{Api, Reply};
use super::Server;

/// A browser that shows redirects instead of following them.
#[must_use]
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// `POST /v1/links` with `key`; the consent page's URL and the request id.
pub async fn request_link(server: &Server, key: &str) -> (String, String) {
    let reply = reqwest::Client::new()
        .post(format!("{}/v1/links", server.url))
        .bearer_auth(key)
        .json(&json!({"return_url": "https://shop.example/linked"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(reply.status(), 201);
    let body: Value = reply.json().await.expect("json");
    (
        body["url"].as_str().expect("url").to_owned(),
        body["id"].as_str().expect("id").to_owned(),
    )
}

/// Submits the consent form; the status and the `Location` (or page) it answers.
pub async fn consent(url: &str, action: &str, shopper: &str, password: &str) -> (u16, String) {
    // As a browser posts the page's form: the page's `no-referrer` policy makes its
    // `Origin` null, and `Sec-Fetch-Site` says where it came from.
    let reply = browser()
        .post(format!("{url}?locale=en"))
        .header("origin", "null")
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("action", action),
            ("shopper_id", shopper),
            ("password", password),
        ])
        .send()
        .await
        .expect("answer");
    let status = reply.status().as_u16();
    let location = reply
        .headers()
        .get("location")
        .map(|v| v.to_str().expect("ascii").to_owned());
    let text = reply.text().await.expect("body");
    (status, location.unwrap_or(text))
}

/// The value of `name` in `url`'s query.
#[must_use]
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// `POST /v1/links/{request}/token` with `key`.
pub async fn exchange(server: &Server, key: &str, request: &str, code: &str) -> Reply {
    Api::new(server)
        .post(
            &format!("/v1/links/{request}/token"),
            Some(key),
            &json!({"code": code}),
        )
        .await
}

/// A link of `shopper` to the merchant of `key`, through the consent page (signed in with
/// the wallet's login password, [`super::fixtures::login_of`]).
pub async fn link(server: &Server, key: &str, shopper: &str) -> String {
    let password = super::fixtures::login_of(shopper);
    let (url, request) = request_link(server, key).await;
    let (status, location) = consent(&url, "approve", shopper, password).await;
    assert_eq!(status, 303, "{location}");
    let code = query_param(&location, "code").expect("code");
    let reply = exchange(server, key, &request, &code).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["link"].as_str().expect("link").to_owned()
}
