//! `rate_limited`: per client address and per session, with `retry_after` and the
//! `Retry-After` header. Each test has a server of its own with a low limit.

use crate::common::*;
use checkout_core::{Choice, Currency, Money};

on_every_backend!(
    too_many_requests_from_one_address_are_rate_limited,
    too_many_intents_for_one_session_are_rate_limited,
);

/// Sends `GET` until the first 429 (at most `max` tries) and returns it.
async fn first_429(api: &Api, path: &str, bearer: &str, max: usize) -> Option<(usize, Reply)> {
    for n in 1..=max {
        let reply = api.get(path, Some(bearer)).await;
        if reply.status == 429 {
            return Some((n, reply));
        }
        assert!(reply.status < 500, "{}", reply.body);
    }
    None
}

fn check_retry_after(reply: &Reply) {
    let error = reply.error(429, "rate_limited");
    let seconds = error["retry_after"]
        .as_u64()
        .expect("retry_after in seconds");
    assert!((1..=60).contains(&seconds), "{error}");
    let header = reply
        .headers
        .get("retry-after")
        .expect("Retry-After header")
        .to_str()
        .unwrap();
    assert_eq!(header.parse::<u64>().unwrap(), seconds);
}

async fn too_many_requests_from_one_address_are_rate_limited(backend: Backend) {
    let server = Server::start_with(backend, &[("BC_RATE_LIMIT_IP_PER_MIN", "10")]).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("1.00"))
        .await;
    let path = format!("/v1/sessions/{}", session.id);

    let (n, reply) = first_429(&api, &path, &session.client_secret, 40)
        .await
        .expect("no 429 after 40 requests with a limit of 10 a minute");

    assert!(n > 1, "the first request is never limited");
    check_retry_after(&reply);
    // The limit is the address's: another address is served.
    let neighbour = Api::from_address(&server.url, Some([127, 0, 0, 2].into()));
    assert_eq!(
        neighbour
            .get(&path, Some(&session.client_secret))
            .await
            .status,
        200
    );
}

async fn too_many_intents_for_one_session_are_rate_limited(backend: Backend) {
    let server = Server::start_with(backend, &[("BC_RATE_LIMIT_SESSION_PER_MIN", "3")]).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("1.00"))
        .await;
    let choice = Choice {
        use_balance: true,
        balance_cap: None,
    };

    // Wrong passwords are the attempts a guesser would make: each counts.
    let mut limited = None;
    for _ in 0..12 {
        // Prepared without reading the session, so that only intents count.
        let balance = Money::parse(DEMO_BALANCE, Currency::CNY).unwrap();
        let body = prepare_with_balance(&session, balance, choice, None, "000000").body();
        let reply = api.submit(&session, &body).await;
        if reply.status == 429 {
            limited = Some(reply);
            break;
        }
        assert!(matches!(reply.status, 403 | 423), "{}", reply.body);
    }

    let reply = limited.expect("no 429 after 12 intents with a limit of 3 a minute");
    check_retry_after(&reply);
    // Another session of the same shopper is not limited by this one.
    let other = api
        .create_session(DEMO_SHOPPER, &one_item_cart("1.00"))
        .await;
    assert_ne!(api.get_session(&other).await.status, 429);
}
