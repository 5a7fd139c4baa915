//! `demo --database sqlite::memory:`, as the end-to-end tests run it, keeps its data when
//! clients hang up in the middle of a request (25 such requests once emptied it: every
//! later request answered 500 while `/healthz` said ok).

use crate::common::*;
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// Sends `POST /v1/sessions` and closes the connection at once, before any answer.
async fn hang_up_after_sending(host: String, body: String) {
    let mut stream = TcpStream::connect(&host).await.expect("connect");
    let request = format!(
        "POST /v1/sessions HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {MERCHANT_KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    // The server may already have closed its side: nothing to check.
    let _ = stream.write_all(request.as_bytes()).await;
    drop(stream);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_in_memory_database_survives_300_clients_that_hang_up_mid_request() {
    let server = Server::start_in_memory().await;
    let host = server.url.trim_start_matches("http://").to_owned();
    let body = json!({"shopper_id": DEMO_SHOPPER, "cart": one_item_cart("1.00")}).to_string();
    for _ in 0..10 {
        let batch: Vec<_> = (0..30)
            .map(|_| tokio::spawn(hang_up_after_sending(host.clone(), body.clone())))
            .collect();
        for sent in batch {
            sent.await.expect("sent");
        }
    }
    // The server notices the hung-up connections as it reads them; until then they count
    // against this client's connection cap (`max_connections_per_client`), which refuses
    // a new one at once. So ask until it is let in (a bound, not a timing assertion).
    let url = format!("{}/healthz", server.url);
    let health = crate::common::receiver::eventually("healthz after the hang-ups", || async {
        reqwest::get(&url).await.ok().map(|r| r.status())
    })
    .await;
    assert_eq!(health, 200);
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("12.00"))
        .await;
    api.pay(&session, true, None, DEMO_PASSWORD).await.ok();
    assert_eq!(
        api.wallet(DEMO_SHOPPER).await.balance,
        d(DEMO_BALANCE) - d("12.00"),
        "the seeded wallet is still there, and paid once"
    );
}
