//! `wallet-server listen --forward-to`: a developer's own server gets the merchant's test
//! events, signed under the secret the command prints, without any webhook endpoint
//! pointing at loopback.

use std::process::Stdio;

use crate::common::receiver::{eventually, Receiver};
use crate::common::server::server_binary;
use crate::common::*;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

on_every_backend!(
    listen_forwards_new_test_events_signed_with_its_secret,
    listen_forwards_a_burst_of_more_than_a_page,
);

/// `wallet-server listen` forwarding `server`'s test events to `receiver`, with `extra`
/// arguments, once it has printed its signing secret: the child (stopped when dropped)
/// and that secret. Its later output is read and dropped.
async fn listen(server: &Server, receiver: &Receiver, extra: &[&str]) -> (Child, String) {
    let mut child = tokio::process::Command::new(server_binary())
        .args([
            "listen",
            "--forward-to",
            &receiver.url,
            "--api",
            &server.url,
        ])
        .args(["--key", MERCHANT_KEY])
        .args(extra)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run wallet-server listen");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut secret = None;
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(s) = line.split_whitespace().find(|w| w.starts_with("whsec_")) {
            secret = Some(s.to_owned());
            break;
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, secret.expect("listen prints its signing secret"))
}

async fn listen_forwards_new_test_events_signed_with_its_secret(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let receiver = Receiver::start(&[]).await;
    let (_child, secret) = listen(&server, &receiver, &[]).await;
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("4.00"))
        .await;
    let paid = api
        .post(
            &format!("/v1/test_helpers/sessions/{}/pay", session.id),
            Some(MERCHANT_KEY),
            &json!({}),
        )
        .await;
    let intent = paid.ok()["id"].clone();
    let got = eventually("the forwarded payment_intent.succeeded", || async {
        receiver
            .received()
            .into_iter()
            .find(|r| r.json()["data"]["object"]["id"] == intent)
    })
    .await;
    assert_eq!(got.json()["type"], "payment_intent.succeeded");
    assert!(got.verifies_with(&secret), "signed with the printed secret");
    assert!(!got.verifies_with("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    // A live key is refused before anything is read.
    let live = std::process::Command::new(server_binary())
        .args([
            "listen",
            "--forward-to",
            &receiver.url,
            "--key",
            "sk_live_x",
        ])
        .output()
        .expect("run");
    assert_eq!(live.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&live.stderr).contains("test-mode events only"));
}

/// More than one page of events (100) between two reads: every one is forwarded, once.
/// The burst is 110 `session.expired` events (sessions live 2 s here), which cost the
/// server far less than 110 payments would.
async fn listen_forwards_a_burst_of_more_than_a_page(backend: Backend) {
    let env = [
        ("BC_SESSION_TTL_SECS", "2"),
        ("BC_SWEEP_INTERVAL_SECS", "1"),
    ];
    let server = Server::start_with(backend, &env).await;
    let api = Api::new(&server);
    let receiver = Receiver::start(&[]).await;
    let (_child, _) = listen(&server, &receiver, &["--interval-secs", "15"]).await;
    let mut sessions = Vec::new();
    for _ in 0..110 {
        let session = api
            .create_session(DEMO_SHOPPER, &one_item_cart("1.00"))
            .await;
        sessions.push(json!(session.id));
    }
    let got = eventually("all 110 expiries forwarded", || async {
        let forwarded: Vec<_> = receiver
            .received()
            .iter()
            .filter(|r| r.json()["type"] == "session.expired")
            .map(|r| r.json()["data"]["object"]["id"].clone())
            .collect();
        (forwarded.len() >= 110).then_some(forwarded)
    })
    .await;
    assert_eq!(got.len(), 110, "each once");
    for id in &sessions {
        assert!(got.contains(id), "{id} forwarded");
    }
}
