//! A merchant id holding a test key and a live key (DESIGN.md *Test and live mode*): each
//! key reads, refunds, cancels, revokes, exchanges, lists and resends only the objects of
//! its own mode, each answering the other mode's exactly as an unknown id, and an event is
//! delivered only to the endpoints of its mode. Route by route, in both directions.

use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};

on_every_backend!(
    a_key_never_reaches_the_objects_of_the_other_mode,
    webhook_endpoints_of_both_modes_refuse_every_private_address,
);

const TEST_KEY: &str = "sk_test_modes_0123456789abcdefghijklmnopqr";
const LIVE_KEY: &str = "sk_live_modes_0123456789abcdefghijklmnopqr";
const ADMIN_KEY: &str = "ak_test_modes_0123456789abcdefghijklmnopqr";
const LIVE_ADMIN_KEY: &str = "ak_live_modes_0123456789abcdefghijklmnopqr";
const PASSWORD: &str = "135792";

/// `serve` with one merchant id and both keys; the sandbox is off, as beside a live key.
fn config() -> String {
    format!(
        "admin_keys = [\"{ADMIN_KEY}\", \"{LIVE_ADMIN_KEY}\"]\n\
         password_pepper = \"modes-test-pepper-0123456789abcdefghijkl\"\n\
         [[merchants]]\nid = \"shop-1\"\nsecret_key = \"{TEST_KEY}\"\n\
         [[merchants]]\nid = \"shop-1\"\nsecret_key = \"{LIVE_KEY}\"\n"
    )
}

/// What one key made: a paid intent, the link it was paid through, a pending link
/// request, a webhook endpoint and the payment's event.
struct Made {
    intent: String,
    link: String,
    request: String,
    endpoint: String,
    event: String,
}

fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}

async fn make(server: &Server, key: &str, shopper: &str) -> Made {
    if key == LIVE_KEY {
        let api = Api::new(server).with_keys(key, LIVE_ADMIN_KEY);
        create_live_wallet(&api, shopper, PASSWORD, "100.00").await;
    } else {
        let api = Api::new(server).with_keys(key, ADMIN_KEY);
        api.create_wallet(shopper, PASSWORD, "100.00").await;
    }
    let api = Api::new(server).with_keys(key, ADMIN_KEY);
    let endpoint = api
        .post(
            "/v1/webhook-endpoints",
            Some(key),
            &json!({"url": "https://hooks.example/in"}),
        )
        .await;
    let link = link(server, key, shopper).await;
    let (_, request) = request_link(server, key).await;
    let session = api
        .create_linked_session(&link, shopper, &one_item_cart("10.00"))
        .await;
    let paid = api.pay(&session, true, None, PASSWORD).await;
    let intent = text(&paid.ok()["id"]);
    let events = api
        .get("/v1/events?type=payment_intent.succeeded", Some(key))
        .await;
    Made {
        intent,
        link,
        request,
        endpoint: text(&endpoint.ok()["id"]),
        event: text(&events.ok()["data"][0]["id"]),
    }
}

/// Every merchant route that names an object, with the answer an unknown id gets.
fn routes(m: &Made) -> Vec<(Method, String, Option<Value>, u16, &'static str)> {
    let (pi, lk, lr, we, evt) = (&m.intent, &m.link, &m.request, &m.endpoint, &m.event);
    vec![
        (
            Method::GET,
            format!("/v1/intents/{pi}"),
            None,
            404,
            "intent_not_found",
        ),
        (
            Method::POST,
            format!("/v1/intents/{pi}/refunds"),
            Some(json!({"amount": "1.00"})),
            404,
            "intent_not_found",
        ),
        (
            Method::POST,
            format!("/v1/intents/{pi}/cancel"),
            Some(json!({})),
            404,
            "intent_not_found",
        ),
        (
            Method::DELETE,
            format!("/v1/links/{lk}"),
            None,
            404,
            "link_not_found",
        ),
        (
            Method::POST,
            format!("/v1/links/{lr}/token"),
            Some(json!({"code": "lc_not_the_code"})),
            404,
            "link_not_found",
        ),
        (
            Method::POST,
            "/v1/sessions".to_owned(),
            Some(json!({"link": lk, "cart": one_item_cart("10.00")})),
            400,
            "invalid_request",
        ),
        (
            Method::GET,
            format!("/v1/webhook-endpoints/{we}"),
            None,
            404,
            "webhook_endpoint_not_found",
        ),
        (
            Method::POST,
            format!("/v1/webhook-endpoints/{we}/secrets"),
            Some(json!({})),
            404,
            "webhook_endpoint_not_found",
        ),
        (
            Method::DELETE,
            format!("/v1/webhook-endpoints/{we}"),
            None,
            404,
            "webhook_endpoint_not_found",
        ),
        (
            Method::GET,
            format!("/v1/events/{evt}"),
            None,
            404,
            "event_not_found",
        ),
        (
            Method::POST,
            format!("/v1/events/{evt}/resend"),
            Some(json!({})),
            404,
            "event_not_found",
        ),
    ]
}

/// `key` reaches nothing of `other`: every route answers as for an unknown id, and its
/// lists do not show them.
async fn reaches_nothing_of(server: &Server, key: &str, other: &Made) {
    let api = Api::new(server);
    for (method, path, body, status, code) in routes(other) {
        let body = body.map(|b| serde_json::to_vec(&b).expect("json"));
        let reply = api.send(method.clone(), &path, Some(key), &[], body).await;
        assert_eq!(
            (reply.status, reply.code()),
            (status, code),
            "{method} {path}: {}",
            String::from_utf8_lossy(&reply.raw)
        );
    }
    let events = api.get("/v1/events", Some(key)).await;
    let ids: Vec<&Value> = events.ok()["data"]
        .as_array()
        .expect("list")
        .iter()
        .map(|e| &e["id"])
        .collect();
    assert!(!ids.contains(&&json!(other.event)), "{ids:?}");
    let endpoints = api.get("/v1/webhook-endpoints", Some(key)).await;
    let listed = endpoints.ok()["data"].as_array().expect("list").clone();
    assert!(
        listed.iter().all(|e| e["id"] != json!(other.endpoint)),
        "{listed:?}"
    );
}

/// The event was fanned out to its own mode's endpoint only.
async fn delivered_only_in_its_mode(server: &Server, key: &str, made: &Made) {
    let detail = Api::new(server)
        .get(&format!("/v1/events/{}", made.event), Some(key))
        .await;
    let endpoints: Vec<String> = detail.ok()["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .map(|d| text(&d["endpoint_id"]))
        .collect();
    assert_eq!(endpoints, std::slice::from_ref(&made.endpoint));
}

async fn a_key_never_reaches_the_objects_of_the_other_mode(backend: Backend) {
    let server = Server::serve_with(backend, &config(), &[]).await;
    let test = make(&server, TEST_KEY, "shopper_test_mode").await;
    let live = make(&server, LIVE_KEY, "shopper_live_mode").await;
    reaches_nothing_of(&server, TEST_KEY, &live).await;
    reaches_nothing_of(&server, LIVE_KEY, &test).await;
    delivered_only_in_its_mode(&server, TEST_KEY, &test).await;
    delivered_only_in_its_mode(&server, LIVE_KEY, &live).await;
    // Each key still reaches its own: nothing above was refused for another reason.
    for (key, made) in [(TEST_KEY, &test), (LIVE_KEY, &live)] {
        let own = Api::new(&server)
            .get(&format!("/v1/intents/{}", made.intent), Some(key))
            .await;
        assert_eq!(own.ok()["status"], "succeeded");
    }
}

/// Every form of a non-public address, refused for endpoints of both modes (DESIGN.md
/// *Test and live mode*): webhooks never go to the wallet's own network.
const PRIVATE_FORMS: [&str; 16] = [
    "https://127.0.0.1/hooks",
    "https://127.1.2.3:8443/hooks",
    "https://localhost/hooks",
    "https://localhost./hooks",
    "https://app.localhost/hooks",
    "https://10.0.0.7/hooks",
    "https://192.168.1.1/hooks",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/hooks",
    "https://[fd00::1]/hooks",
    "https://[fe80::1]/hooks",
    "https://[::ffff:127.0.0.1]/hooks",
    "https://[::127.0.0.1]/hooks",
    "https://[64:ff9b::a00:1]/hooks",
    "https://[2002:7f00:1::1]/hooks",
    "https://[fec0::1]/hooks",
];

async fn webhook_endpoints_of_both_modes_refuse_every_private_address(backend: Backend) {
    let server = Server::serve_with(backend, &config(), &[]).await;
    let api = Api::new(&server);
    for key in [TEST_KEY, LIVE_KEY] {
        for url in PRIVATE_FORMS.iter().chain(&["http://127.0.0.1:9/hooks"]) {
            let reply = api
                .post("/v1/webhook-endpoints", Some(key), &json!({ "url": url }))
                .await;
            let error = reply.error(400, "invalid_request");
            assert_eq!(error["path"], "url", "{key} {url}: {error}");
        }
        let listed = api.get("/v1/webhook-endpoints", Some(key)).await;
        assert_eq!(listed.ok()["data"], json!([]), "nothing was made");
    }
}
