//! Webhook delivery, black-box (DESIGN.md *Webhooks*): a real server and a real receiver
//! on loopback. Deliveries survive a receiver's failures and arrive once after them, signed
//! so that the `standardwebhooks` library verifies them on its own; a rolled-back change
//! emits nothing; hold expiry and merchant cancels emit `payment_intent.canceled`.

use crate::common::receiver::{eventually, free_port, Answer, Receiver};
use crate::common::webhooks::{
    endpoint, event_for, paid_intent, secret_of, settled_delivery, with_receiver, FAST,
};
use crate::common::*;
use checkout_core::Method;
use serde_json::{json, Value};

on_every_backend!(
    a_failing_receiver_gets_the_event_once_after_its_failures_signed,
    a_rolled_back_payment_emits_nothing,
    an_expired_hold_and_a_merchant_cancel_emit_payment_intent_canceled,
);

async fn a_failing_receiver_gets_the_event_once_after_its_failures_signed(backend: Backend) {
    // Nothing listens yet: the first attempt is refused.
    let port = free_port().await;
    let origin = format!("http://127.0.0.1:{port}");
    let server = Server::start_with(backend, &with_receiver(&FAST, &origin)).await;
    let api = Api::new(&server);
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
        attempts[2]["error"]
            .as_str()
            .unwrap()
            .contains("no answer within"),
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
    let receiver = Receiver::start(&[]).await;
    let origin = receiver.origin();
    let server = Server::start_with(backend, &with_receiver(&FAST, &origin)).await;
    let api = Api::new(&server);
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
    let receiver = Receiver::start(&[]).await;
    let origin = receiver.origin();
    let server = Server::start_with(backend, &with_receiver(&env, &origin)).await;
    let api = Api::new(&server);
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
    let restarted = Server::start_with(backend, &with_receiver(&FAST, &origin)).await;
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
    cancel(paid).await.error(409, "intent_succeeded");
    cancel("pi_unknown".into())
        .await
        .error(404, "intent_not_found");
    let unauthenticated = api
        .post(&format!("/v1/intents/{intent}/cancel"), None, &json!({}))
        .await;
    unauthenticated.error(401, "unauthorized");
}
