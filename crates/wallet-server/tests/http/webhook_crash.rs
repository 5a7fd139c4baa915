//! Webhooks across a SIGKILL (DESIGN.md *Webhooks*: never lost, never invented). Killed
//! while deliveries are pending, the server delivers every event after its restart, and
//! none twice to a receiver whose 2xx it had recorded before the kill; an attempt cut off
//! by the kill is repeated (at least once, docs/webhooks.md). Killed while payments
//! commit, every payment that went through has exactly one event, delivered, and no other
//! payment has one.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::receiver::{eventually, Answer, Receiver};
use crate::common::webhooks::{endpoint, secret_of, with_receiver, FAST};
use crate::common::*;
use checkout_core::signature::sign;
use checkout_core::{Choice, Currency, Money};
use serde_json::{json, Value};

on_every_backend!(
    a_kill_with_deliveries_pending_delivers_every_event_after_the_restart,
    a_kill_while_payments_commit_leaves_one_delivered_event_per_payment,
);

/// Every `payment_intent.succeeded` event: (event id, intent id).
async fn payment_events(api: &Api) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut after = String::new();
    loop {
        let path = format!("/v1/events?type=payment_intent.succeeded&limit=100{after}");
        let page = api.get(&path, Some(MERCHANT_KEY)).await;
        let body = page.ok().clone();
        for e in body["data"].as_array().unwrap() {
            out.push((
                e["id"].as_str().unwrap().to_owned(),
                e["data"]["object"]["id"].as_str().unwrap().to_owned(),
            ));
        }
        if body["has_more"] != json!(true) {
            return out;
        }
        after = format!("&starting_after={}", out.last().unwrap().0);
    }
}

/// The status of the delivery of `event` to `url`.
async fn delivery_status(api: &Api, event: &str, url: &str) -> Value {
    let detail = api
        .get(&format!("/v1/events/{event}"), Some(MERCHANT_KEY))
        .await;
    detail.ok()["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["url"] == json!(url))
        .map_or(Value::Null, |d| d["status"].clone())
}

async fn a_kill_with_deliveries_pending_delivers_every_event_after_the_restart(backend: Backend) {
    // The first five deliveries are answered; the rest hang until the kill.
    let receiver = Receiver::start(&[Answer::Ok; 5]).await;
    let origin = receiver.origin();
    let mut server = Server::start_with(backend, &with_receiver(&FAST, &origin)).await;
    let api = Api::new(&server);
    receiver.set_default(Answer::Hang);
    // The secret is in the answer that made the endpoint only.
    let secret = secret_of(&endpoint(&api, &receiver.url).await);
    for n in 0..12 {
        let session = api
            .create_session(DEMO_SHOPPER, &one_item_cart(&format!("{}.00", n + 1)))
            .await;
        let reply = api.pay(&session, true, None, DEMO_PASSWORD).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    let events = eventually("twelve payment events", || async {
        let e = payment_events(&api).await;
        (e.len() == 12).then_some(e)
    })
    .await;
    eventually("five deliveries recorded and more hanging", || async {
        let mut delivered = 0;
        for (id, _) in &events {
            delivered +=
                usize::from(delivery_status(&api, id, &receiver.url).await == json!("delivered"));
        }
        (delivered == 5 && receiver.received().len() > 5).then_some(())
    })
    .await;
    let mut recorded = BTreeSet::new();
    for (id, _) in &events {
        if delivery_status(&api, id, &receiver.url).await == json!("delivered") {
            recorded.insert(id.clone());
        }
    }

    server.kill().await;
    receiver.set_default(Answer::Ok);
    server.restart().await;
    let api = Api::new(&server);

    for (id, _) in &events {
        eventually(&format!("{id} delivered after the restart"), || async {
            (delivery_status(&api, id, &receiver.url).await == json!("delivered")).then_some(())
        })
        .await;
        let copies = receiver.delivered(id).len();
        assert!(copies >= 1, "{id} delivered at least once");
        if recorded.contains(id) {
            assert_eq!(
                copies, 1,
                "{id} was recorded delivered before the kill: never sent again"
            );
        }
    }
    assert!(receiver.received().iter().all(|r| r.verifies_with(&secret)));
}

/// One payment, replayable byte for byte.
struct Attempt {
    session: Session,
    body: Vec<u8>,
    key: String,
    signature: String,
}

async fn a_kill_while_payments_commit_leaves_one_delivered_event_per_payment(backend: Backend) {
    let receiver = Receiver::start(&[]).await;
    let origin = receiver.origin();
    let mut server = Server::start_with(backend, &with_receiver(&FAST, &origin)).await;
    let api = Api::new(&server);
    endpoint(&api, &receiver.url).await;
    api.create_wallet("crash_hooks", "135790", "500.00").await;
    let start = Money::parse("500.00", Currency::CNY).unwrap();
    let mut attempts = Vec::new();
    for n in 0..60 {
        let session = api
            .create_session("crash_hooks", &one_item_cart(&format!("{}.00", n % 5 + 1)))
            .await;
        let choice = Choice {
            use_balance: true,
            balance_cap: None,
        };
        let body = prepare_with_balance(&session, start, choice, None, "135790").body();
        let signature = sign(&session.client_secret, now(), &body);
        attempts.push(Attempt {
            session,
            body,
            key: idempotency_key(),
            signature,
        });
    }
    let attempts = Arc::new(attempts);
    let answered = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let (api, attempts, answered) = (api.clone(), attempts.clone(), answered.clone());
        tasks.spawn(async move {
            for a in attempts.iter().skip(worker).step_by(8) {
                if api
                    .try_submit_raw(&a.session, &a.body, &a.key, &a.signature)
                    .await
                    .is_ok()
                {
                    answered.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
    }
    while answered.load(Ordering::SeqCst) < 15 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().await;
    tasks.join_all().await;
    server.restart().await;
    let api = Api::new(&server);

    // What went through: a closed session names the intent that paid it.
    let mut paid = BTreeSet::new();
    for a in attempts.iter() {
        let session = api.get_session(&a.session).await;
        if session.ok()["status"] == json!("completed") {
            paid.insert(session.body["intent_id"].as_str().unwrap().to_owned());
        }
    }
    assert!(
        paid.len() < attempts.len(),
        "the kill came after every payment"
    );
    let events = payment_events(&api).await;
    let with_events: BTreeSet<String> = events.iter().map(|(_, intent)| intent.clone()).collect();
    assert_eq!(events.len(), with_events.len(), "one event per payment");
    assert_eq!(
        with_events, paid,
        "an event for every payment that went through, and no other"
    );
    for (id, _) in &events {
        eventually(&format!("{id} delivered"), || async {
            (!receiver.delivered(id).is_empty()).then_some(())
        })
        .await;
    }
}
