//! Sessions: what the widget reads, the quote endpoint, and the session's life cycle
//! (`session_not_found`, `session_completed`, `session_expired`).

use std::time::Duration;

use crate::common::*;
use checkout_core::{Choice, Currency, Money};
use serde_json::json;

on_every_backend!(
    a_created_session_shows_the_widget_its_cart_policy_and_wallet,
    the_quote_endpoint_equals_the_cores_quote,
    an_unknown_session_is_session_not_found,
    paying_a_completed_session_again_is_session_completed,
    paying_an_expired_session_is_session_expired,
    a_closed_session_shows_its_outcome_never_the_balance,
);

async fn a_closed_session_shows_its_outcome_never_the_balance(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let paid = api.pay(&session, true, None, DEMO_PASSWORD).await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    let read = api.get_session(&session).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(
        read.body,
        serde_json::json!({"id": session.id, "status": "completed", "intent_id": paid.body["id"]})
    );
    // A top-up after the payment is not visible through the client secret.
    api.top_up(DEMO_SHOPPER, "5.00").await;
    let quote = api
        .quote(&session, &serde_json::json!({"use_balance": true}))
        .await;
    quote.error(409, "session_completed");
    assert!(
        !quote.body.to_string().contains("balance_amount"),
        "{}",
        quote.body
    );
}

async fn a_created_session_shows_the_widget_its_cart_policy_and_wallet(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api.create_session(DEMO_SHOPPER, &design_cart()).await;
    assert!(session.id.starts_with("cs_"), "{}", session.id);
    assert!(session.client_secret.starts_with("cs_secret_"));
    assert_eq!(
        session.cart_digest,
        checkout_core::cart_digest(&core_cart(&design_cart()))
    );

    let reply = api.get_session(&session).await;

    let body = reply.ok();
    assert_eq!(body["id"], json!(session.id));
    assert_eq!(body["status"], json!("open"));
    assert_eq!(body["cart_digest"], json!(session.cart_digest));
    assert_eq!(
        body["policy"],
        serde_json::to_value(demo_policy()).unwrap(),
        "demo-shop's policy"
    );
    assert_eq!(body["wallet"]["balance"], json!(DEMO_BALANCE));
    assert_eq!(body["wallet"]["password_set"], json!(true));
    let methods = body["methods"].as_array().unwrap();
    assert!(methods.contains(&json!("wechat_pay")), "{body}");
    assert!(body["expires_at"].is_string());
    // The cart the widget receives is the cart the digest is of.
    let served = core_cart(&body["cart"]);
    assert_eq!(checkout_core::cart_digest(&served), session.cart_digest);
}

async fn the_quote_endpoint_equals_the_cores_quote(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let balance = Money::parse(DEMO_BALANCE, Currency::CNY).unwrap();
    for cart in [design_cart(), refund_cart(), one_item_cart("500.00")] {
        let session = api.create_session(DEMO_SHOPPER, &cart).await;
        for (use_balance, cap) in [(true, None), (false, None), (true, Some("50.00"))] {
            let choice = Choice {
                use_balance,
                balance_cap: cap.map(|c| c.parse().unwrap()),
            };
            let expected =
                checkout_core::quote(&session.cart, &demo_policy(), balance, &choice).unwrap();

            let reply = api
                .quote(
                    &session,
                    &json!({"use_balance": use_balance, "balance_cap": cap}),
                )
                .await;

            assert_eq!(
                reply.ok(),
                &serde_json::to_value(&expected).unwrap(),
                "cart {cart}, use_balance {use_balance}, cap {cap:?}"
            );
        }
    }
}

async fn an_unknown_session_is_session_not_found(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("1.00"))
        .await;
    let mut ghost = session.clone();
    ghost.id = "cs_000000000000000000000000".to_owned();

    api.get_session(&ghost)
        .await
        .error(404, "session_not_found");
    api.quote(&ghost, &json!({"use_balance": true}))
        .await
        .error(404, "session_not_found");
    let body = api
        .prepare(
            &session,
            Choice {
                use_balance: true,
                balance_cap: None,
            },
            None,
            DEMO_PASSWORD,
        )
        .await
        .body();
    api.submit(&ghost, &body)
        .await
        .error(404, "session_not_found");
}

const CHOICE: Choice = Choice {
    use_balance: true,
    balance_cap: None,
};

async fn paying_a_completed_session_again_is_session_completed(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("20.00"))
        .await;
    // The second attempt is prepared while the session is open: once paid, the session
    // shows its outcome only.
    let second = api.prepare(&session, CHOICE, None, DEMO_PASSWORD).await;
    let first = api.pay(&session, true, None, DEMO_PASSWORD).await;
    assert_eq!(first.ok()["status"], json!("succeeded"));

    let again = api.submit(&session, &second.body()).await;

    again.error(409, "session_completed");
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d("100.50"));
}

async fn paying_an_expired_session_is_session_expired(backend: Backend) {
    let server = Server::start_with(backend, &[("BC_SESSION_TTL_SECS", "1")]).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("20.00"))
        .await;
    // Prepared without reading the session, which may already have expired under load.
    let balance = Money::parse(DEMO_BALANCE, Currency::CNY).unwrap();
    let choice = Choice {
        use_balance: true,
        balance_cap: None,
    };
    let body = prepare_with_balance(&session, balance, choice, None, DEMO_PASSWORD).body();
    tokio::time::sleep(Duration::from_millis(2500)).await;

    let reply = api.submit(&session, &body).await;

    reply.error(410, "session_expired");
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d(DEMO_BALANCE));
    let read = api.get_session(&session).await;
    assert!(
        read.body["status"] == json!("expired") || read.code() == "session_expired",
        "an expired session reads as expired: {}",
        read.body
    );
}
