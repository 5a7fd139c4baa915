//! The webhook API, black-box: events listed newest first, filtered, paged and resent;
//! endpoint secrets rotated and retired; a deleted endpoint gets nothing; the demo shop
//! marks an order paid from the verified webhook only.

use crate::common::receiver::{eventually, Receiver};
use crate::common::webhooks::{
    endpoint, event_for, paid_intent, secret_of, settled_delivery, with_receiver, FAST,
};
use crate::common::*;
use serde_json::{json, Value};

on_every_backend!(
    events_are_listed_newest_first_by_type_page_by_page_and_resent,
    endpoint_secrets_rotate_and_a_deleted_endpoint_gets_nothing,
    the_demo_shop_marks_an_order_paid_from_the_webhook_only,
    webhook_secrets_are_sealed_at_rest_and_a_clear_one_is_sealed_at_start,
);

/// The stored value of the secret `id` (read past the server, as a database copy is).
async fn stored_secret(server: &Server, id: &str) -> String {
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(server.database_url())
        .await
        .unwrap();
    sqlx::query_scalar("SELECT secret FROM webhook_secrets WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap()
}

/// Issue 26: webhook secrets were stored in clear, and every read answered them in full.
async fn webhook_secrets_are_sealed_at_rest_and_a_clear_one_is_sealed_at_start(backend: Backend) {
    sqlx::any::install_default_drivers();
    let receiver = Receiver::start(&[]).await;
    let mut server = Server::start_with(backend, &with_receiver(&FAST, &receiver.origin())).await;
    let api = Api::new(&server);
    let created = endpoint(&api, &receiver.url).await;
    let (secret, secret_id) = (secret_of(&created), created["secrets"][0]["id"].clone());
    let secret_id = secret_id.as_str().unwrap().to_owned();
    let key = secret.trim_start_matches("whsec_");
    let stored = stored_secret(&server, &secret_id).await;
    assert!(
        stored.starts_with("sealed.v1.") && !stored.contains(key),
        "{stored}"
    );
    // As an earlier release left it: in clear. The server seals it when it starts.
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(server.database_url())
        .await
        .unwrap();
    sqlx::query("UPDATE webhook_secrets SET secret = $2 WHERE id = $1")
        .bind(&secret_id)
        .bind(&secret)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    server.restart().await;
    let stored = stored_secret(&server, &secret_id).await;
    assert!(
        stored.starts_with("sealed.v1.") && !stored.contains(key),
        "{stored}"
    );
    // And it still signs.
    let api = Api::new(&server);
    let intent = paid_intent(&api, "1.00").await;
    let event = event_for(&api, "payment_intent.succeeded", &intent).await;
    settled_delivery(&api, &event, &receiver.url).await;
    assert!(receiver.delivered(&event)[0].verifies_with(&secret));
}

async fn events_are_listed_newest_first_by_type_page_by_page_and_resent(backend: Backend) {
    let receiver = Receiver::start(&[]).await;
    let origin = receiver.origin();
    let server = Server::start_with(backend, &with_receiver(&FAST, &origin)).await;
    let api = Api::new(&server);
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
    let receiver = Receiver::start(&[]).await;
    let origin = receiver.origin();
    let server = Server::start_with(backend, &with_receiver(&FAST, &origin)).await;
    let api = Api::new(&server);
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
    // Issue 26: a read shows each secret's prefix, never the secret.
    for s in &secrets {
        assert!(s.get("secret").is_none(), "{s}");
        let prefix = s["prefix"].as_str().unwrap();
        assert_eq!(prefix.len(), 10, "{s}");
        assert!(old.starts_with(prefix) || new.starts_with(prefix), "{s}");
    }
    let intent = paid_intent(&api, "3.00").await;
    let event = event_for(&api, "payment_intent.succeeded", &intent).await;
    settled_delivery(&api, &event, &receiver.url).await;
    let got = receiver.delivered(&event);
    assert!(
        got[0].verifies_with(&old) && got[0].verifies_with(&new),
        "both secrets sign during rotation"
    );

    let old_id = created["secrets"][0]["id"].as_str().unwrap();
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
