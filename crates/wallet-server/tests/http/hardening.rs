//! What a slow or careless client cannot do: hold a connection with trickled headers or
//! a trickled body, make the server read a body before the admin key is checked; and
//! the headers every API answer carries.

use std::time::{Duration, Instant};

use crate::common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

on_every_backend!(
    slow_headers_and_slow_bodies_are_cut_off_while_others_are_served,
    the_admin_key_is_checked_before_the_body_is_read,
    api_answers_are_not_cached_or_sniffed,
    a_merchants_page_gets_no_cors_on_the_api,
    a_trickled_body_is_cut_off_however_steadily_it_trickles,
    one_client_cannot_take_every_connection,
);

const LIMITS: &[(&str, &str)] = &[
    ("BC_HEADER_TIMEOUT_SECS", "2"),
    ("BC_BODY_TIMEOUT_SECS", "2"),
];

async fn connect(server: &Server) -> TcpStream {
    let addr = server.url.trim_start_matches("http://").to_owned();
    TcpStream::connect(addr).await.expect("connect")
}

/// Reads until the server answers or closes; the text read and how long it took.
async fn answer(stream: &mut TcpStream) -> (String, Duration) {
    let start = Instant::now();
    let mut buf = vec![0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(15), stream.read(&mut buf))
        .await
        .expect("the server answers or closes within 15 s");
    let n = read.unwrap_or(0);
    (
        String::from_utf8_lossy(&buf[..n]).into_owned(),
        start.elapsed(),
    )
}

async fn slow_headers_and_slow_bodies_are_cut_off_while_others_are_served(backend: Backend) {
    let server = Server::start_with(backend, LIMITS).await;
    let api = Api::new(&server);

    let mut trickle = connect(&server).await;
    trickle
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("partial headers");
    // Meanwhile an ordinary request is served at once.
    assert_eq!(api.get("/healthz", None).await.status, 200);
    let (text, waited) = answer(&mut trickle).await;
    assert!(!text.contains("200 OK"), "{text}");
    assert!(waited < Duration::from_secs(10), "{waited:?}");

    let mut slow_body = connect(&server).await;
    let head = format!(
        "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {MERCHANT_KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"shopper_id\""
    );
    slow_body.write_all(head.as_bytes()).await.expect("head");
    let (text, waited) = answer(&mut slow_body).await;
    assert!(text.is_empty() || text.contains(" 400 "), "{text}");
    assert!(waited < Duration::from_secs(10), "{waited:?}");
    assert_eq!(api.get("/healthz", None).await.status, 200);
}

async fn the_admin_key_is_checked_before_the_body_is_read(backend: Backend) {
    let server = Server::start(backend).await;
    let mut stream = connect(&server).await;
    stream
        .write_all(
            b"POST /v1/wallets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100000\r\n\r\n",
        )
        .await
        .expect("headers only");
    // No body sent at all: the answer comes from the headers alone.
    let (text, waited) = answer(&mut stream).await;
    assert!(text.contains(" 401 "), "{text}");
    assert!(text.contains("unauthorized"), "{text}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
}

async fn api_answers_are_not_cached_or_sniffed(backend: Backend) {
    let server = Server::start(backend).await;
    let reply = reqwest::Client::new()
        .post(format!("{}/v1/sessions", server.url))
        .bearer_auth(MERCHANT_KEY)
        .json(&serde_json::json!({"shopper_id": DEMO_SHOPPER, "cart": one_item_cart("1.00")}))
        .send()
        .await
        .expect("answer");
    assert_eq!(reply.status(), 201);
    let headers = reply.headers();
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-content-type-options"], "nosniff");
}

/// Issue 26: CORS answered the merchants' origins on the API, so a script on the
/// merchant's page that copied the client secret could read the session and its balance,
/// which the frame never relays. Their origins may frame the checkout, nothing more; an
/// origin the operator lists itself (a test runner's page) still gets CORS.
async fn a_merchants_page_gets_no_cors_on_the_api(backend: Backend) {
    let (shop, runner) = ("https://shop.example", "http://127.0.0.1:9");
    let config = format!(
        "admin_keys = [\"ak_test_cors_0123456789abcdefghijklmnop\"]\n\
         password_pepper = \"cors-test-pepper-0123456789abcdefghijkl\"\n\
         allowed_origins = [\"{runner}\"]\n\
         [[merchants]]\nid = \"shop-c\"\nsecret_key = \"sk_test_cors_0123456789abcdefghijklmnop\"\n\
         allowed_origins = [\"{shop}\"]\n"
    );
    let server = Server::serve_with(backend, &config, &[]).await;
    let http = reqwest::Client::new();
    for (origin, allowed) in [(shop, false), (runner, true)] {
        let preflight = http
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/v1/sessions/cs_x", server.url),
            )
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
            .await
            .expect("answer");
        let read = http
            .get(format!("{}/v1/sessions/cs_x", server.url))
            .header("origin", origin)
            .bearer_auth("cs_secret_x")
            .send()
            .await
            .expect("answer");
        for reply in [&preflight, &read] {
            let acao = reply.headers().get("access-control-allow-origin");
            assert_eq!(acao.is_some(), allowed, "{origin}: {:?}", reply.headers());
        }
    }
}

/// A connection to `server` from the loopback address `from` (all of 127/8 is this host).
async fn connect_from(server: &Server, from: [u8; 4]) -> TcpStream {
    let port: u16 = server.url.rsplit(':').next().unwrap().parse().unwrap();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind(std::net::SocketAddr::from((from, 0)))
        .expect("bind a loopback source");
    socket.connect(addr).await.expect("connect")
}

/// Starts a POST whose body then comes a byte every 200 ms, until the server answers or
/// closes; how long that took and what it said.
async fn trickle(mut stream: TcpStream) -> (String, Duration) {
    let head = format!(
        "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {MERCHANT_KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let start = Instant::now();
    let mut buf = vec![0u8; 4096];
    while start.elapsed() < Duration::from_secs(30) {
        if stream.write_all(b" ").await.is_err() {
            break;
        }
        match tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buf)).await {
            Ok(Ok(n)) => {
                return (
                    String::from_utf8_lossy(&buf[..n]).into_owned(),
                    start.elapsed(),
                )
            }
            Ok(Err(_)) => break,
            Err(_) => {}
        }
    }
    (String::new(), start.elapsed())
}

/// Issue 26: tower-http's body timeout started again with every byte, so a body trickled
/// a byte at a time was never cut. Now the body has a whole deadline and, after two
/// seconds, a least average rate.
async fn a_trickled_body_is_cut_off_however_steadily_it_trickles(backend: Backend) {
    // The deadline alone (no rate floor): 3 s for the whole body.
    let server = Server::start_with(
        backend,
        &[
            ("BC_BODY_TIMEOUT_SECS", "3"),
            ("BC_BODY_MIN_BYTES_PER_SEC", "0"),
        ],
    )
    .await;
    let (text, took) = trickle(connect(&server).await).await;
    assert!(text.is_empty() || text.contains(" 400 "), "{text}");
    assert!(took < Duration::from_secs(8), "cut after {took:?}");
    // The rate floor (1 KB/s by default) with a long deadline: cut soon after the grace.
    let server = Server::start_with(backend, &[("BC_BODY_TIMEOUT_SECS", "60")]).await;
    let (text, took) = trickle(connect(&server).await).await;
    assert!(text.is_empty() || text.contains(" 400 "), "{text}");
    assert!(took < Duration::from_secs(8), "cut after {took:?}");
    assert_eq!(Api::new(&server).get("/healthz", None).await.status, 200);
}

/// Issue 26: 16 slow bodies (= max_connections) starved every other client. One address
/// may now hold `max_connections_per_client`; another client is still served at once.
async fn one_client_cannot_take_every_connection(backend: Backend) {
    let server = Server::start_with(
        backend,
        &[
            ("BC_MAX_CONNECTIONS", "16"),
            ("BC_MAX_CONNECTIONS_PER_CLIENT", "4"),
            ("BC_BODY_MIN_BYTES_PER_SEC", "0"),
        ],
    )
    .await;
    let mut held = Vec::new();
    for _ in 0..16 {
        let mut stream = connect_from(&server, [127, 0, 0, 1]).await;
        let head = format!(
            "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {MERCHANT_KEY}\r\n\
             Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{"
        );
        let _ = stream.write_all(head.as_bytes()).await;
        held.push(stream);
    }
    // The fifth and later were closed at once: reading them ends without an answer.
    let mut closed = 0;
    for stream in &mut held[4..] {
        let mut buf = [0u8; 64];
        // Closed with the request unread: an end of stream or a reset.
        let read = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buf)).await;
        if matches!(read, Ok(Ok(0) | Err(_))) {
            closed += 1;
        }
    }
    assert_eq!(closed, 12, "connections over the per-client cap are closed");
    // Another client is answered while the first still holds its four.
    let mut other = connect_from(&server, [127, 0, 0, 2]).await;
    other
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("request");
    let (text, waited) = answer(&mut other).await;
    assert!(text.contains(" 200 "), "{text}");
    assert!(waited < Duration::from_secs(2), "{waited:?}");
}
