//! Webhooks, black-box (DESIGN.md *Webhooks*): a real server and a real receiver on
//! loopback. Deliveries survive a receiver's failures and arrive once after them, signed so
//! that the `standardwebhooks` library verifies them on its own; a rolled-back change emits
//! nothing; hold expiry and merchant cancels emit `payment_intent.canceled`; the events
//! API pages, filters and resends; the demo shop marks an order paid from the webhook only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use checkout_core::Method;
use common::receiver::{eventually, free_port, Answer, Receiver};
use common::*;
use serde_json::{json, Value};

on_every_backend!(
    a_failing_receiver_gets_the_event_once_after_its_failures_signed,
    a_rolled_back_payment_emits_nothing,
    an_expired_hold_and_a_merchant_cancel_emit_payment_intent_canceled,
    events_are_listed_newest_first_by_type_page_by_page_and_resent,
    endpoint_secrets_rotate_and_a_deleted_endpoint_gets_nothing,
    the_demo_shop_marks_an_order_paid_from_the_webhook_only,
);

/// Short retry waits so that a test never sleeps a real backoff.
pub const FAST: [(&str, &str); 3] = [
    (
        "BC_WEBHOOK_RETRY_SCHEDULE",
        "100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms",
    ),
    ("BC_WEBHOOK_TIMEOUT_MS", "1000"),
    ("BC_WEBHOOK_POLL_MS", "50"),
];

/// Registers `url` as a webhook endpoint of demo-shop; returns the endpoint.
async fn endpoint(api: &Api, url: &str) -> Value {
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

fn secret_of(endpoint: &Value) -> String {
    endpoint["secrets"][0]["secret"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The id of the event of `kind` whose object has this id.
async fn event_for(api: &Api, kind: &str, object_id: &str) -> String {
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
async fn settled_delivery(api: &Api, event: &str, url: &str) -> Value {
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

async fn paid_intent(api: &Api, price: &str) -> String {
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart(price))
        .await;
    let reply = api.pay(&session, true, None, DEMO_PASSWORD).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_str().unwrap().to_owned()
}

async fn a_failing_receiver_gets_the_event_once_after_its_failures_signed(backend: Backend) {
    let server = Server::start_with(backend, &FAST).await;
    let api = Api::new(&server);
    // Nothing listens yet: the first attempt is refused.
    let port = free_port().await;
    let url = format!("http://127.0.0.1:{port}/hook");
    let secret = secret_of(&endpoint(&api, &url).await);
    let intent = paid_intent(&api, "10.00").await;
    let event = event_for(&api, "payment_intent.succeeded", &intent).await;
    eventually("a refused first attempt", || async {
        let detail = api
            .get(&format!("/v1/events/{event}"), Some(MERCHANT_KEY))
            .await;
        let attempts = detail.body["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["url"] == json!(url))
            .map_or(0, |d| d["attempts"].as_array().unwrap().len());
        (attempts >= 1).then_some(())
    })
    .await;
    let receiver =
        Receiver::start_on(port, &[Answer::Status(500), Answer::Hang, Answer::Redirect]).await;

    let delivery = settled_delivery(&api, &event, &url).await;

    assert_eq!(delivery["status"], json!("delivered"), "{delivery}");
    let attempts = delivery["attempts"].as_array().unwrap();
    let statuses: Vec<Value> = attempts
        .iter()
        .map(|a| a["response_status"].clone())
        .collect();
    assert_eq!(
        statuses,
        [json!(null), json!(500), json!(null), json!(307), json!(200)],
        "refused, 500, timeout, redirect, then delivered: {delivery}"
    );
    assert!(
        attempts[0]["error"].as_str().unwrap().contains("connect"),
        "{delivery}"
    );
    assert!(
        attempts[2]["error"].as_str().unwrap().contains("timed out"),
        "{delivery}"
    );
    assert_eq!(attempts[4]["succeeded"], json!(true));
    assert_eq!(
        receiver.redirects_followed(),
        0,
        "redirects are not followed"
    );
    // Another event delivered after it: the worker has moved on, and the first one
    // still arrived once.
    let later = paid_intent(&api, "1.00").await;
    let later_event = event_for(&api, "payment_intent.succeeded", &later).await;
    settled_delivery(&api, &later_event, &url).await;
    let got = receiver.delivered(&event);
    assert_eq!(got.len(), 1, "delivered exactly once after the failures");
    for r in receiver.received() {
        assert!(
            r.verifies_with(&secret),
            "the library verifies every delivery"
        );
        assert!(!r.verifies_with("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    }
    let body = got[0].json();
    assert_eq!(body["id"], json!(event));
    assert_eq!(body["type"], json!("payment_intent.succeeded"));
    assert_eq!(body["data"]["object"]["id"], json!(intent));
    assert_eq!(body["data"]["object"]["status"], json!("succeeded"));
    assert!(body["created_at"].as_str().unwrap().ends_with('Z'));
}

async fn a_rolled_back_payment_emits_nothing(backend: Backend) {
    let server = Server::start_with(backend, &FAST).await;
    let api = Api::new(&server);
    let receiver = Receiver::start(&[]).await;
    endpoint(&api, &receiver.url).await;
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("30.00"))
        .await;
    let choice = checkout_core::Choice {
        use_balance: true,
        balance_cap: None,
    };
    // A quote computed on a balance the wallet does not have: 409 quote_mismatch.
    let stale = checkout_core::Money::parse("20.00", checkout_core::Currency::CNY).unwrap();
    let wrong_quote =
        prepare_with_balance(&session, stale, choice, Some(Method::Alipay), DEMO_PASSWORD);
    api.submit(&session, &wrong_quote.body())
        .await
        .error(409, "quote_mismatch");
    let wrong_password = api.prepare(&session, choice, None, "000000").await;
    api.submit(&session, &wrong_password.body())
        .await
        .error(403, "wrong_password");
    // Then a payment that commits: its event is the only one.
    let paid = api.pay(&session, true, None, DEMO_PASSWORD).await;
    let intent = paid.ok()["id"].as_str().unwrap().to_owned();
    let event = event_for(&api, "payment_intent.succeeded", &intent).await;
    settled_delivery(&api, &event, &receiver.url).await;

    let all = api.get("/v1/events?limit=100", Some(MERCHANT_KEY)).await;
    let ids: Vec<&str> = all.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [event.as_str()],
        "only the committed payment has an event"
    );
    let received: Vec<String> = receiver.received().iter().map(|r| r.id()).collect();
    assert_eq!(received, [event]);
}

/// A split payment of the design cart (balance held, 100.00 left for a second method).
async fn held_intent(api: &Api) -> (Session, String) {
    let session = api.create_session(DEMO_SHOPPER, &design_cart()).await;
    let reply = api
        .pay(&session, true, Some(Method::WechatPay), DEMO_PASSWORD)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["status"], json!("requires_action"));
    (session, reply.body["id"].as_str().unwrap().to_owned())
}

async fn an_expired_hold_and_a_merchant_cancel_emit_payment_intent_canceled(backend: Backend) {
    let mut env = FAST.to_vec();
    env.extend([("BC_HOLD_TTL_SECS", "1"), ("BC_SWEEP_INTERVAL_SECS", "1")]);
    let server = Server::start_with(backend, &env).await;
    let api = Api::new(&server);
    let receiver = Receiver::start(&[]).await;
    endpoint(&api, &receiver.url).await;

    let (_, expiring) = held_intent(&api).await;
    let pending = event_for(&api, "payment_intent.requires_action", &expiring).await;
    let canceled = event_for(&api, "payment_intent.canceled", &expiring).await;
    settled_delivery(&api, &canceled, &receiver.url).await;
    settled_delivery(&api, &pending, &receiver.url).await;
    let got = receiver.delivered(&canceled);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["data"]["object"]["status"], json!("canceled"));

    // The merchant cancels the next one before its hold expires.
    let restarted = Server::start_with(backend, &FAST).await;
    let api = Api::new(&restarted);
    endpoint(&api, &receiver.url).await;
    let (session, intent) = held_intent(&api).await;
    assert_eq!(api.wallet(DEMO_SHOPPER).await.held, d("116.00"));
    let cancel = |id: String| {
        let api = &api;
        async move {
            api.post(
                &format!("/v1/intents/{id}/cancel"),
                Some(MERCHANT_KEY),
                &json!({}),
            )
            .await
        }
    };
    let reply = cancel(intent.clone()).await;
    assert_eq!(reply.ok()["status"], json!("canceled"));
    assert_eq!(
        api.wallet(DEMO_SHOPPER).await.held,
        d("0"),
        "the hold is released at once"
    );
    assert_eq!(
        api.get_session(&session).await.ok()["status"],
        json!("open")
    );
    let again = cancel(intent.clone()).await;
    assert_eq!(
        again.ok()["status"],
        json!("canceled"),
        "a repeated cancel answers the intent"
    );
    let event = event_for(&api, "payment_intent.canceled", &intent).await;
    settled_delivery(&api, &event, &receiver.url).await;
    assert_eq!(receiver.delivered(&event).len(), 1);
    let paid = paid_intent(&api, "5.00").await;
    cancel(paid).await.error(409, "intent_not_pending");
    cancel("pi_unknown".into())
        .await
        .error(404, "intent_not_found");
    let unauthenticated = api
        .post(&format!("/v1/intents/{intent}/cancel"), None, &json!({}))
        .await;
    unauthenticated.error(401, "unauthorized");
}

async fn events_are_listed_newest_first_by_type_page_by_page_and_resent(backend: Backend) {
    let server = Server::start_with(backend, &FAST).await;
    let api = Api::new(&server);
    let receiver = Receiver::start(&[]).await;
    endpoint(&api, &receiver.url).await;
    let first = paid_intent(&api, "1.00").await;
    let second = paid_intent(&api, "2.00").await;
    let refund = api.refund(&second, &json!({"amount": "0.50"})).await;
    let refund_id = refund.ok()["id"].as_str().unwrap().to_owned();
    let refund_event = event_for(&api, "refund.succeeded", &refund_id).await;
    let e1 = event_for(&api, "payment_intent.succeeded", &first).await;
    let e2 = event_for(&api, "payment_intent.succeeded", &second).await;

    let page = api.get("/v1/events?limit=2", Some(MERCHANT_KEY)).await;
    let ids = |v: &Value| -> Vec<String> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids(page.ok()),
        [refund_event.clone(), e2.clone()],
        "newest first"
    );
    assert_eq!(page.body["has_more"], json!(true));
    let next = api
        .get(
            &format!("/v1/events?limit=2&starting_after={e2}"),
            Some(MERCHANT_KEY),
        )
        .await;
    assert_eq!(ids(next.ok()), std::slice::from_ref(&e1));
    assert_eq!(next.body["has_more"], json!(false));
    let refunds = api
        .get("/v1/events?type=refund.succeeded", Some(MERCHANT_KEY))
        .await;
    assert_eq!(ids(refunds.ok()), std::slice::from_ref(&refund_event));
    assert_eq!(
        refunds.body["data"][0]["data"]["object"]["amount"],
        json!("0.50")
    );
    api.get("/v1/events?type=nope", Some(MERCHANT_KEY))
        .await
        .error(400, "invalid_request");
    api.get("/v1/events?limit=0", Some(MERCHANT_KEY))
        .await
        .error(400, "invalid_request");
    api.get("/v1/events?starting_after=evt_nope", Some(MERCHANT_KEY))
        .await
        .error(404, "event_not_found");
    api.get("/v1/events", None).await.error(401, "unauthorized");
    api.get("/v1/events/evt_nope", Some(MERCHANT_KEY))
        .await
        .error(404, "event_not_found");

    settled_delivery(&api, &e1, &receiver.url).await;
    let resent = api
        .post(
            &format!("/v1/events/{e1}/resend"),
            Some(MERCHANT_KEY),
            &json!({}),
        )
        .await;
    assert_eq!(resent.status, 202, "{}", resent.body);
    eventually("the resent delivery", || async {
        (receiver.delivered(&e1).len() == 2).then_some(())
    })
    .await;
    let copies = receiver.delivered(&e1);
    assert_eq!(
        copies[0].body, copies[1].body,
        "a resend is the same event, byte for byte"
    );
}

async fn endpoint_secrets_rotate_and_a_deleted_endpoint_gets_nothing(backend: Backend) {
    let server = Server::start_with(backend, &FAST).await;
    let api = Api::new(&server);
    let receiver = Receiver::start(&[]).await;
    let created = endpoint(&api, &receiver.url).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let old = secret_of(&created);
    assert!(old.starts_with("whsec_"));
    let rotated = api
        .post(
            &format!("/v1/webhook-endpoints/{id}/secrets"),
            Some(MERCHANT_KEY),
            &json!({}),
        )
        .await;
    assert_eq!(rotated.status, 201, "{}", rotated.body);
    let new = rotated.body["secret"].as_str().unwrap().to_owned();
    let listed = api
        .get(&format!("/v1/webhook-endpoints/{id}"), Some(MERCHANT_KEY))
        .await;
    let secrets = listed.ok()["secrets"].as_array().unwrap().clone();
    assert_eq!(secrets.len(), 2);
    let intent = paid_intent(&api, "3.00").await;
    let event = event_for(&api, "payment_intent.succeeded", &intent).await;
    settled_delivery(&api, &event, &receiver.url).await;
    let got = receiver.delivered(&event);
    assert!(
        got[0].verifies_with(&old) && got[0].verifies_with(&new),
        "both secrets sign during rotation"
    );

    let old_id = secrets.iter().find(|s| s["secret"] == json!(old)).unwrap()["id"]
        .as_str()
        .unwrap();
    let path = format!("/v1/webhook-endpoints/{id}/secrets/{old_id}");
    let retired = api
        .send(
            reqwest::Method::DELETE,
            &path,
            Some(MERCHANT_KEY),
            &[],
            None,
        )
        .await;
    assert_eq!(retired.ok()["secrets"].as_array().unwrap().len(), 1);
    let intent = paid_intent(&api, "4.00").await;
    let event = event_for(&api, "payment_intent.succeeded", &intent).await;
    settled_delivery(&api, &event, &receiver.url).await;
    let got = receiver.delivered(&event);
    assert!(
        got[0].verifies_with(&new) && !got[0].verifies_with(&old),
        "a retired secret signs no more"
    );

    let list = api.get("/v1/webhook-endpoints", Some(MERCHANT_KEY)).await;
    let urls: Vec<&str> = list.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["url"].as_str().unwrap())
        .collect();
    assert!(
        urls.contains(&receiver.url.as_str()) && urls.iter().any(|u| u.ends_with("/webhooks")),
        "{urls:?}: the demo shop's endpoint is configured"
    );
    let deleted = api
        .send(
            reqwest::Method::DELETE,
            &format!("/v1/webhook-endpoints/{id}"),
            Some(MERCHANT_KEY),
            &[],
            None,
        )
        .await;
    assert_eq!(deleted.ok()["deleted"], json!(true));
    api.get(&format!("/v1/webhook-endpoints/{id}"), Some(MERCHANT_KEY))
        .await
        .error(404, "webhook_endpoint_not_found");
    let before = receiver.received().len();
    let intent = paid_intent(&api, "5.00").await;
    let event = event_for(&api, "payment_intent.succeeded", &intent).await;
    let detail = api
        .get(&format!("/v1/events/{event}"), Some(MERCHANT_KEY))
        .await;
    assert!(detail.ok()["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["endpoint_id"] != json!(id)));
    assert_eq!(receiver.received().len(), before);
    let bad = api
        .post(
            "/v1/webhook-endpoints",
            Some(MERCHANT_KEY),
            &json!({"url": "ftp://x.example/"}),
        )
        .await;
    assert_eq!(bad.error(400, "invalid_request")["path"], json!("url"));
}

/// The demo shop's origin: where the wallet's `/` sends people.
async fn shop_origin(server: &Server) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let reply = http.get(format!("{}/", server.url)).send().await.unwrap();
    let location = reply.headers()["location"].to_str().unwrap();
    location.trim_end_matches('/').to_owned()
}

async fn the_demo_shop_marks_an_order_paid_from_the_webhook_only(backend: Backend) {
    let server = Server::start_with(backend, &FAST).await;
    let api = Api::new(&server);
    let shop = shop_origin(&server).await;
    let http = reqwest::Client::new();
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("8.00"))
        .await;
    let order = |locale: &'static str| {
        let (http, url) = (
            http.clone(),
            format!("{shop}/orders/{}?locale={locale}", session.id),
        );
        async move { http.get(url).send().await.unwrap().text().await.unwrap() }
    };
    assert!(order("en").await.contains("not paid yet"));
    // A forged event (no valid signature) changes nothing.
    let forged = json!({"id": "evt_forged", "type": "payment_intent.succeeded", "created_at": "2026-01-01T00:00:00Z",
        "data": {"object": {"id": "pi_x", "session_id": session.id, "status": "succeeded"}}});
    let reply = http
        .post(format!("{shop}/webhooks"))
        .header("webhook-id", "evt_forged")
        .header("webhook-timestamp", now().to_string())
        .header("webhook-signature", "v1,Zm9yZ2VkIHNpZ25hdHVyZQ==")
        .json(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);
    assert!(order("en").await.contains("not paid yet"));

    let paid = api.pay(&session, true, None, DEMO_PASSWORD).await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    let page = eventually("the shop's order page to say paid", || async {
        let page = order("en").await;
        page.contains("paid — confirmed by the wallet")
            .then_some(page)
    })
    .await;
    assert!(page.contains(&session.id));
    assert!(order("zh-CN").await.contains("已支付 — 钱包已确认"));
}
