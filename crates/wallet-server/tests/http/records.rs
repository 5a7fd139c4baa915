//! What a merchant reconciles with (issue 27): `merchant_reference` and `metadata` from
//! the session to its intents, refunds and events; the merchant's own read of a session;
//! the lists and their cursors; idempotent session creation; request ids on errors; and
//! the sandbox's test helper that pays a session without a browser.

use crate::common::webhooks::event_for;
use crate::common::*;
use serde_json::{json, Value};

on_every_backend!(
    a_session_is_created_once_per_idempotency_key,
    reference_and_metadata_travel_to_intents_refunds_and_events,
    metadata_beyond_its_limits_is_refused_naming_the_field,
    lists_page_newest_first_and_filter,
    the_test_helper_pays_approves_and_declines,
    errors_carry_the_request_id_and_where_the_code_is_explained,
    the_wallet_serves_the_guide_and_the_api_reference,
);

/// `POST /v1/sessions` with headers.
async fn create(api: &Api, body: &Value, headers: &[(&str, String)]) -> Reply {
    api.send(
        reqwest::Method::POST,
        "/v1/sessions",
        Some(MERCHANT_KEY),
        headers,
        Some(serde_json::to_vec(body).unwrap()),
    )
    .await
}

/// `POST /v1/test_helpers/sessions/{id}/pay`.
async fn helper_pay(api: &Api, session: &str, body: &Value) -> Reply {
    api.post(
        &format!("/v1/test_helpers/sessions/{session}/pay"),
        Some(MERCHANT_KEY),
        body,
    )
    .await
}

fn tagged(price: &str, reference: &str) -> Value {
    json!({
        "shopper_id": DEMO_SHOPPER,
        "cart": one_item_cart(price),
        "merchant_reference": reference,
        "metadata": {"order": reference, "channel": "web"},
    })
}

async fn a_session_is_created_once_per_idempotency_key(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let key = [("Idempotency-Key", idempotency_key())];
    let body = tagged("12.00", "order-1");
    let first = create(&api, &body, &key).await;
    let again = create(&api, &body, &key).await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(first.body, again.body, "the retry answers the same session");
    let other = create(&api, &tagged("13.00", "order-1"), &key).await;
    other.error(422, "idempotency_conflict");
    let list = api.get("/v1/sessions?limit=100", Some(MERCHANT_KEY)).await;
    let ids: Vec<&Value> = list.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["id"])
        .collect();
    assert_eq!(ids, vec![&first.body["id"]], "one session, not two");
}

async fn reference_and_metadata_travel_to_intents_refunds_and_events(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let created = create(&api, &tagged("20.00", "order-7"), &[]).await;
    let id = created.ok()["id"].as_str().unwrap().to_owned();
    let tags = json!({"order": "order-7", "channel": "web"});
    // The merchant's key reads its session: its tags and state, never the wallet.
    let read = api
        .get(&format!("/v1/sessions/{id}"), Some(MERCHANT_KEY))
        .await;
    let session = read.ok();
    assert_eq!(session["merchant_reference"], "order-7");
    assert_eq!(session["metadata"], tags);
    assert_eq!(
        (session["status"].clone(), session["total"].clone()),
        (json!("open"), json!("20.00"))
    );
    assert!(session.get("wallet").is_none() && !read.body.to_string().contains("balance"));
    let paid = helper_pay(&api, &id, &json!({})).await;
    let intent = paid.ok().clone();
    assert_eq!(intent["status"], "succeeded", "{intent}");
    assert_eq!(
        (
            intent["merchant_reference"].clone(),
            intent["metadata"].clone()
        ),
        (json!("order-7"), tags.clone())
    );
    assert!(intent["cancel_reason"].is_null());
    let intent_id = intent["id"].as_str().unwrap();
    let session = api
        .get(&format!("/v1/sessions/{id}"), Some(MERCHANT_KEY))
        .await;
    assert_eq!(session.ok()["intent_id"], intent["id"]);
    assert_eq!(session.ok()["status"], "completed");
    let refund = api.refund(intent_id, &json!({"amount": "5.00"})).await;
    let refund = refund.ok();
    assert_eq!(
        (refund["session_id"].as_str(), refund["intent_id"].as_str()),
        (Some(id.as_str()), Some(intent_id))
    );
    assert_eq!(refund["metadata"], tags);
    let event = event_for(&api, "refund.succeeded", refund["id"].as_str().unwrap()).await;
    let event = api
        .get(&format!("/v1/events/{event}"), Some(MERCHANT_KEY))
        .await;
    assert_eq!(
        event.ok()["data"]["object"]["merchant_reference"],
        "order-7"
    );
    let event = event_for(&api, "payment_intent.succeeded", intent_id).await;
    let event = api
        .get(&format!("/v1/events/{event}"), Some(MERCHANT_KEY))
        .await;
    assert_eq!(event.ok()["data"]["object"]["metadata"], tags);
    // Another merchant's key, or none, does not read it.
    let anonymous = api
        .get(&format!("/v1/sessions/{id}"), Some("sk_test_unknown"))
        .await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
}

async fn metadata_beyond_its_limits_is_refused_naming_the_field(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let many: serde_json::Map<String, Value> =
        (0..21).map(|i| (format!("k{i}"), json!("v"))).collect();
    let cases = [
        (json!({"metadata": many}), "metadata"),
        (
            json!({"metadata": {"note": "x".repeat(501)}}),
            "metadata.note",
        ),
        (json!({"metadata": {"n": 1}}), ""),
        (json!({"merchant_reference": ""}), "merchant_reference"),
        (
            json!({"merchant_reference": "a\u{0}b"}),
            "merchant_reference",
        ),
    ];
    for (extra, path) in cases {
        let mut body = json!({"shopper_id": DEMO_SHOPPER, "cart": one_item_cart("1.00")});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let reply = create(&api, &body, &[]).await;
        let error = reply.error(400, "invalid_request");
        if !path.is_empty() {
            assert_eq!(error["path"], path, "{}", reply.body);
        }
    }
}

/// The ids of a list's page, and whether more follow.
async fn page(api: &Api, path: &str) -> (Vec<String>, bool) {
    let reply = api.get(path, Some(MERCHANT_KEY)).await;
    let body = reply.ok();
    let ids = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    (ids, body["has_more"].as_bool().unwrap())
}

async fn lists_page_newest_first_and_filter(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let mut sessions = Vec::new();
    for n in 0..3 {
        let created = create(&api, &tagged("3.00", &format!("order-{n}")), &[]).await;
        sessions.push(created.ok()["id"].as_str().unwrap().to_owned());
    }
    let paid = helper_pay(&api, &sessions[1], &json!({})).await;
    let intent = paid.ok()["id"].as_str().unwrap().to_owned();
    // Walk the sessions one at a time: every one once, newest first.
    let mut seen = Vec::new();
    let mut path = "/v1/sessions?limit=1".to_owned();
    loop {
        let (ids, more) = page(&api, &path).await;
        seen.extend(ids.clone());
        if !more {
            break;
        }
        path = format!("/v1/sessions?limit=1&starting_after={}", ids[0]);
    }
    // Newest first by created_at (seconds), then by id: these three share a second or two.
    let mut sorted = seen.clone();
    sorted.sort();
    let mut expected = sessions.clone();
    expected.sort();
    assert_eq!(sorted, expected, "each session once");
    assert_eq!(
        page(&api, "/v1/sessions?status=completed").await.0,
        vec![sessions[1].clone()]
    );
    assert_eq!(
        page(&api, "/v1/sessions?merchant_reference=order-2")
            .await
            .0,
        vec![sessions[2].clone()]
    );
    assert_eq!(
        page(&api, "/v1/sessions?created_lt=2000-01-01T00:00:00Z")
            .await
            .0,
        Vec::<String>::new()
    );
    assert_eq!(
        page(&api, "/v1/intents?merchant_reference=order-1").await.0,
        vec![intent.clone()]
    );
    assert_eq!(
        page(
            &api,
            &format!("/v1/intents?session_id={}&status=succeeded", sessions[1])
        )
        .await
        .0,
        vec![intent.clone()]
    );
    let refund = api.refund(&intent, &json!({"amount": "1.00"})).await;
    let refund = refund.ok()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        page(&api, &format!("/v1/refunds?intent_id={intent}"))
            .await
            .0,
        vec![refund]
    );
    assert_eq!(
        page(&api, "/v1/refunds?merchant_reference=order-0").await.0,
        Vec::<String>::new()
    );
    let unknown = api
        .get("/v1/intents?starting_after=pi_nope", Some(MERCHANT_KEY))
        .await;
    assert_eq!(
        unknown.error(404, "intent_not_found")["path"],
        "starting_after"
    );
    let odd = api
        .get("/v1/refunds?status=succeeded", Some(MERCHANT_KEY))
        .await;
    assert_eq!(odd.error(400, "invalid_request")["path"], "status");
}

async fn the_test_helper_pays_approves_and_declines(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let before = api.wallet(DEMO_SHOPPER).await.balance;
    // 200.00 is more than the balance: the sandbox's second method pays the rest.
    let declined = create(&api, &tagged("200.00", "order-d"), &[]).await;
    let declined_id = declined.ok()["id"].as_str().unwrap().to_owned();
    let reply = helper_pay(&api, &declined_id, &json!({"second_leg": "decline"})).await;
    let intent = reply.ok();
    assert_eq!(
        (intent["status"].clone(), intent["cancel_reason"].clone()),
        (json!("canceled"), json!("declined"))
    );
    assert_eq!(
        api.wallet(DEMO_SHOPPER).await.balance,
        before,
        "the hold is released"
    );
    let approved = create(&api, &tagged("200.00", "order-a"), &[]).await;
    let approved_id = approved.ok()["id"].as_str().unwrap().to_owned();
    let key = [("Idempotency-Key", idempotency_key())];
    let path = format!("/v1/test_helpers/sessions/{approved_id}/pay");
    let post = reqwest::Method::POST;
    let body = || Some(b"{}".to_vec());
    let first = api
        .send(post.clone(), &path, Some(MERCHANT_KEY), &key, body())
        .await;
    let again = api
        .send(post, &path, Some(MERCHANT_KEY), &key, body())
        .await;
    assert_eq!(first.ok()["status"], "succeeded", "{}", first.body);
    assert_eq!(
        first.body["id"],
        again.ok()["id"],
        "a retry with its key pays once"
    );
    assert_eq!(first.body["balance_amount"], json!(before.to_string()));
    let twice = helper_pay(&api, &approved_id, &json!({})).await;
    // Answered from the payment's own task: still with the request's id.
    let error = twice.error(409, "session_completed");
    assert_eq!(
        error["request_id"],
        twice.headers["request-id"].to_str().unwrap()
    );
    // No body at all is `{}`.
    let third = create(&api, &tagged("1.00", "order-n"), &[]).await;
    let third = third.ok()["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/test_helpers/sessions/{third}/pay");
    let bare = api
        .send(reqwest::Method::POST, &path, Some(MERCHANT_KEY), &[], None)
        .await;
    assert_eq!(bare.ok()["status"], "succeeded");
    let nobody = helper_pay(&api, "cs_unknown", &json!({})).await;
    nobody.error(404, "session_not_found");
    let odd = helper_pay(&api, &approved_id, &json!({"second_leg": "maybe"})).await;
    odd.error(400, "invalid_request");
    // With the sandbox off there are no test helpers.
    let off = Server::start_with(server.backend, &[("BC_SANDBOX", "false")]).await;
    let reply = helper_pay(&Api::new(&off), &approved_id, &json!({})).await;
    reply.error(404, "not_found");
}

async fn errors_carry_the_request_id_and_where_the_code_is_explained(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let reply = api.get("/v1/intents/pi_nope", Some(MERCHANT_KEY)).await;
    let error = reply.error(404, "intent_not_found").clone();
    let header = reply.headers["request-id"].to_str().unwrap();
    assert!(header.starts_with("req_") && header.len() == 28, "{header}");
    assert_eq!(error["request_id"], header);
    let doc = error["doc_url"].as_str().unwrap();
    assert!(
        doc.starts_with("http://") && doc.ends_with("/docs/guide#error-intent_not_found"),
        "{doc}"
    );
    let ok = api.get("/v1/sessions", Some(MERCHANT_KEY)).await;
    let other = ok.headers["request-id"].to_str().unwrap();
    assert_ne!(other, header, "each request has its own id");
}

async fn the_wallet_serves_the_guide_and_the_api_reference(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    // Where an error's doc_url points: the guide's entry for the code.
    let guide = api.get("/docs/guide", None).await;
    assert_eq!(guide.status, 200);
    let html = String::from_utf8_lossy(&guide.raw);
    assert!(html.contains(r#"id="error-intent_not_found""#));
    assert!(
        html.contains(r#"href="/docs/widget"#),
        "links between the docs stay here"
    );
    let csp = guide.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    let reference = api.get("/docs", None).await;
    assert!(String::from_utf8_lossy(&reference.raw).contains(r#"spec-url="/v1/openapi.json""#));
    let missing = api.get("/docs/nothing-here", None).await;
    missing.error(404, "not_found");
}
