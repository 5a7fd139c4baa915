//! Issue 26: the server's URLs come from `public_url` alone, never from a request's
//! `Host` (behind a TLS proxy on the same host, `Host: evil.example` put a consent page
//! on another site); its cookies are `Secure` when that URL is https; a page's form is
//! accepted from exactly the wallet's origin: scheme, host and port.

use crate::common::*;
use serde_json::json;

on_every_backend!(
    urls_handed_out_ignore_the_host_header,
    behind_tls_the_cookie_is_secure_and_only_the_https_origin_may_post,
);

const KEY: &str = "sk_test_public_0123456789abcdefghijklmno";

fn config() -> String {
    format!(
        "admin_keys = [\"ak_test_public_0123456789abcdefghijklmno\"]\n\
         password_pepper = \"public-test-pepper-0123456789abcdefghijk\"\n\
         [[merchants]]\nid = \"shop-p\"\nsecret_key = \"{KEY}\"\n"
    )
}

async fn urls_handed_out_ignore_the_host_header(backend: Backend) {
    for server in [
        Server::start(backend).await,
        Server::serve_with(backend, &config(), &[]).await,
    ] {
        let key = if server.url.contains("localhost") {
            MERCHANT_KEY
        } else {
            KEY
        };
        let reply = reqwest::Client::new()
            .post(format!("{}/v1/links", server.url))
            .header("host", "evil.example")
            .bearer_auth(key)
            .json(&json!({"return_url": "https://shop.example/linked"}))
            .send()
            .await
            .expect("answer");
        assert_eq!(reply.status(), 201);
        let body: serde_json::Value = reply.json().await.expect("json");
        let url = body["url"].as_str().expect("url");
        assert!(
            url.starts_with(&format!("{}/wallet/link/lr_", server.url)),
            "{url}"
        );
    }
}

/// `serve` on loopback behind a TLS proxy: `public_url` is https.
async fn behind_tls_the_cookie_is_secure_and_only_the_https_origin_may_post(backend: Backend) {
    let public = "https://wallet.example";
    let server = Server::serve_with(backend, &config(), &[("BC_PUBLIC_URL", public)]).await;
    let sign_out = |origin: &'static str| {
        browser()
            .post(format!("{}/wallet/sign-out", server.url))
            .header("origin", origin)
            .send()
    };
    let reply = sign_out(public).await.expect("answer");
    assert_eq!(reply.status(), 303);
    let cookie = reply.headers()["set-cookie"].to_str().expect("ascii");
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(reply.headers().contains_key("strict-transport-security"));
    // Another scheme, port or host is another origin.
    for origin in [
        "http://wallet.example",
        "https://wallet.example:8443",
        "https://evil.example",
    ] {
        let reply = sign_out(origin).await.expect("answer");
        assert_eq!(reply.status(), 403, "{origin}");
    }
}
