//! `GET /metrics` (docs/operations.md): the Prometheus text format behind the admin key,
//! with requests by route template and status, latency histograms, the password checks,
//! holds pending and webhook deliveries; no id, key or shopper in any label.

use crate::common::*;
use checkout_core::Method;
use serde_json::json;

on_every_backend!(metrics_show_what_an_operator_watches_and_no_secrets);

/// The value of the sample `line_start …` (the first one that starts so).
fn sample(text: &str, line_start: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

async fn metrics_show_what_an_operator_watches_and_no_secrets(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api.create_session(DEMO_SHOPPER, &design_cart()).await;
    let reply = api
        .pay(&session, true, Some(Method::WechatPay), DEMO_PASSWORD)
        .await;
    assert_eq!(reply.ok()["status"], json!("requires_action"));
    let intent_id = reply.body["id"].as_str().unwrap().to_owned();

    api.get("/metrics", None).await.error(401, "unauthorized");
    api.get("/metrics", Some(MERCHANT_KEY))
        .await
        .error(401, "unauthorized");
    // A scraper holds the read-only metrics key, which opens nothing else.
    assert_eq!(api.get("/metrics", Some(ADMIN_KEY)).await.status, 200);
    let scraped = api.get("/metrics", Some(METRICS_KEY)).await;
    assert_eq!(scraped.status, 200);
    api.get(&format!("/v1/wallets/{DEMO_SHOPPER}"), Some(METRICS_KEY))
        .await
        .error(401, "unauthorized");
    let top_up = json!({"amount": "1.00", "method": "bank_card"});
    api.post(
        &format!("/v1/wallets/{DEMO_SHOPPER}/topups"),
        Some(METRICS_KEY),
        &top_up,
    )
    .await
    .error(401, "unauthorized");
    let content_type = scraped.headers["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = String::from_utf8(scraped.raw.clone()).unwrap();

    let paid =
        "http_requests_total{method=\"POST\",route=\"/v1/sessions/{id}/intents\",status=\"201\"}";
    assert_eq!(sample(&text, paid), Some(1.0), "{text}");
    assert!(
        text.contains("http_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/sessions/{id}/intents\",le=\"0.1\"}"),
        "a latency histogram per route: {text}"
    );
    assert_eq!(sample(&text, "holds_pending "), Some(1.0));
    for gauge in [
        "password_checks_waiting ",
        "password_checks_running ",
        "webhook_deliveries_pending ",
        "webhook_deliveries_failing ",
        "webhook_deliveries_failed ",
    ] {
        assert!(sample(&text, gauge).is_some(), "{gauge}missing: {text}");
    }
    for secret in [
        DEMO_SHOPPER,
        &session.id,
        &session.client_secret,
        &intent_id,
        MERCHANT_KEY,
        ADMIN_KEY,
    ] {
        assert!(!text.contains(secret), "{secret} in the metrics");
    }
}
