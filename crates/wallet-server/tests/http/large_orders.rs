//! Large orders over the wire (issue 16, fault 4): API answers are compressed when the
//! client accepts it, the frame's poll of an intent fetches a summary whose size does not
//! grow with the cart, and a refund by lines takes as large a body as the session did.

use crate::common::*;
use serde_json::{json, Value};

on_every_backend!(
    a_refund_by_lines_of_a_large_order_is_accepted,
    api_answers_are_compressed_when_the_client_accepts_it,
    the_poll_view_of_a_large_intent_leaves_out_the_quote,
);

const SHOPPER: &str = "shopper_large";
const LINES: usize = 3000;

/// A paid balance-only intent of a `LINES`-line cart at 1.00 a line.
async fn paid_large_order(api: &Api) -> (Session, String) {
    api.create_wallet(SHOPPER, "246810", "5000.00").await;
    let lines = (0..LINES)
        .map(|i| physical_line(&format!("L{i}"), 1, "1.00"))
        .collect();
    let session = api.create_session(SHOPPER, &cart(lines, None)).await;
    let paid = api.pay(&session, true, None, "246810").await;
    assert_eq!(paid.ok()["status"], json!("succeeded"), "{}", paid.status);
    let id = paid.ok()["id"].as_str().unwrap().to_owned();
    (session, id)
}

async fn a_refund_by_lines_of_a_large_order_is_accepted(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let (_, id) = paid_large_order(&api).await;
    // Each line as paid: the demo's 618 promotion took 10.00 off the 3000.00 the balance
    // paid, spread over the lines, so a line returns what it cost the shopper.
    let paid = api.get_intent(&id).await;
    let lines: Vec<Value> = paid.ok()["quote"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| json!({"id": l["id"], "amount": l["balance"]}))
        .collect();
    assert_eq!(lines.len(), LINES);
    let body = json!({ "lines": lines });
    assert!(serde_json::to_vec(&body).unwrap().len() > 64 * 1024);

    let reply = api.refund(&id, &body).await;

    assert_eq!(reply.status, 201, "{}", String::from_utf8_lossy(&reply.raw));
    assert_eq!(reply.body["balance_amount"], json!("2990.00"));
    assert_eq!(api.wallet(SHOPPER).await.balance, d("5000.00"));
    // Without the merchant's key the body is not read at all.
    let anonymous = api
        .send(
            reqwest::Method::POST,
            &format!("/v1/intents/{id}/refunds"),
            None,
            &[],
            Some(serde_json::to_vec(&body).unwrap()),
        )
        .await;
    anonymous.error(401, "unauthorized");
}

async fn api_answers_are_compressed_when_the_client_accepts_it(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let (_, id) = paid_large_order(&api).await;
    // An open session of the same cart: a paid one answers its outcome only.
    let lines = (0..LINES)
        .map(|i| physical_line(&format!("L{i}"), 1, "1.00"))
        .collect();
    let session = api.create_session(SHOPPER, &cart(lines, None)).await;
    let gzip = [("Accept-Encoding", "gzip".to_owned())];
    for (path, bearer) in [
        (format!("/v1/intents/{id}"), MERCHANT_KEY.to_owned()),
        (
            format!("/v1/sessions/{}", session.id),
            session.client_secret,
        ),
    ] {
        let plain = api.get(&path, Some(&bearer)).await;
        let packed = api
            .send(reqwest::Method::GET, &path, Some(&bearer), &gzip, None)
            .await;
        assert_eq!(plain.status, 200, "{path}");
        assert_eq!(plain.headers.get("content-encoding"), None, "{path}");
        assert_eq!(packed.status, 200, "{path}");
        assert_eq!(
            packed.headers.get("content-encoding").unwrap(),
            "gzip",
            "{path}"
        );
        assert!(
            packed.raw.len() * 5 < plain.raw.len(),
            "{path}: {} gzipped bytes for {}",
            packed.raw.len(),
            plain.raw.len()
        );
    }
}

async fn the_poll_view_of_a_large_intent_leaves_out_the_quote(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let (session, id) = paid_large_order(&api).await;
    let full = api.get_intent(&id).await;
    assert!(full.ok()["quote"]["lines"].is_array());

    // The frame polls with the session's client secret.
    let path = format!("/v1/intents/{id}?view=summary");
    let summary = api.get(&path, Some(&session.client_secret)).await;

    let body = summary.ok();
    assert!(summary.raw.len() < 1024, "{} bytes", summary.raw.len());
    assert_eq!(body.get("quote"), None, "{body}");
    for field in ["id", "status", "total", "balance_amount", "other_amount"] {
        assert_eq!(body[field], full.body[field], "{field}");
    }
    let bad = api
        .get(&format!("/v1/intents/{id}?view=tiny"), Some(MERCHANT_KEY))
        .await;
    assert_eq!(bad.error(400, "invalid_request")["path"], json!("view"));
}
