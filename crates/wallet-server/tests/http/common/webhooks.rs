//! Helpers of the webhook tests: fast retry settings, registering an endpoint, finding an
//! event and waiting for its delivery.

use serde_json::{json, Value};

use super::api::Api;
use super::fixtures::{one_item_cart, DEMO_PASSWORD, DEMO_SHOPPER, MERCHANT_KEY};
use super::receiver::eventually;

/// Short retry waits so that a test never sleeps a real backoff.
pub const FAST: [(&str, &str); 3] = [
    (
        "BC_WEBHOOK_RETRY_SCHEDULE",
        "100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms",
    ),
    ("BC_WEBHOOK_TIMEOUT_MS", "1000"),
    ("BC_WEBHOOK_POLL_MS", "50"),
];

/// `env` and the origin of a test's own receiver on loopback (`http://127.0.0.1:<port>`),
/// which the server then lets webhook endpoints name: operator configuration
/// (`BC_WEBHOOK_PRIVATE_ORIGINS`), as for the demo's shop. Without it, the server refuses
/// every loopback destination.
#[must_use]
pub fn with_receiver<'a>(env: &[(&'a str, &'a str)], origin: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut env = env.to_vec();
    env.push(("BC_WEBHOOK_PRIVATE_ORIGINS", origin));
    env
}

/// Registers `url` as a webhook endpoint of demo-shop; returns the endpoint.
pub async fn endpoint(api: &Api, url: &str) -> Value {
    let reply = api
        .post(
            "/v1/webhook-endpoints",
            Some(MERCHANT_KEY),
            &json!({"url": url}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body
}

/// The endpoint's first active secret.
pub fn secret_of(endpoint: &Value) -> String {
    endpoint["secrets"][0]["secret"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The id of the event of `kind` whose object has this id.
pub async fn event_for(api: &Api, kind: &str, object_id: &str) -> String {
    eventually(&format!("{kind} of {object_id}"), || async {
        let list = api
            .get(
                &format!("/v1/events?type={kind}&limit=100"),
                Some(MERCHANT_KEY),
            )
            .await;
        list.ok()["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["data"]["object"]["id"] == json!(object_id))
            .map(|e| e["id"].as_str().unwrap().to_owned())
    })
    .await
}

/// The delivery of `event` to the endpoint at `url`, once it is no longer pending.
pub async fn settled_delivery(api: &Api, event: &str, url: &str) -> Value {
    eventually(&format!("the delivery of {event} to {url}"), || async {
        let detail = api
            .get(&format!("/v1/events/{event}"), Some(MERCHANT_KEY))
            .await;
        detail.ok()["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["url"] == json!(url) && d["status"] != json!("pending"))
            .cloned()
    })
    .await
}

/// A balance-only payment of a one-item cart at `price`; returns the intent id.
pub async fn paid_intent(api: &Api, price: &str) -> String {
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart(price))
        .await;
    let reply = api.pay(&session, true, None, DEMO_PASSWORD).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_str().unwrap().to_owned()
}
