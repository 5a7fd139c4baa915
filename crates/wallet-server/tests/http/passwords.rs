//! The payment password: `wrong_password` counts down, then `password_locked`.

use std::time::Duration;

use crate::common::*;
use checkout_core::{Choice, Method};
use serde_json::json;

on_every_backend!(
    wrong_passwords_count_down_then_lock_the_wallet,
    the_lock_lifts_after_the_lockout_period,
);

const CHOICE: Choice = Choice {
    use_balance: true,
    balance_cap: None,
};

/// One attempt as the widget makes it: a fresh intent (nonce) and Idempotency-Key.
async fn attempt(api: &Api, session: &Session, password: &str) -> Reply {
    let prepared = api.prepare(session, CHOICE, None, password).await;
    api.submit(session, &prepared.body()).await
}

async fn wrong_passwords_count_down_then_lock_the_wallet(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;

    for left in (1..=4).rev() {
        let reply = attempt(&api, &session, "000000").await;
        let error = reply.error(403, "wrong_password");
        assert_eq!(error["attempts_left"], json!(left), "{error}");
    }
    // The fifth wrong try locks: it says so at once (423) or reports 0 attempts left.
    let fifth = attempt(&api, &session, "000000").await;
    match fifth.status {
        423 => {
            fifth.error(423, "password_locked");
        }
        _ => {
            let error = fifth.error(403, "wrong_password");
            assert_eq!(error["attempts_left"], json!(0), "{error}");
        }
    }

    // Even the right password is refused while locked.
    let locked = attempt(&api, &session, DEMO_PASSWORD).await;
    let error = locked.error(423, "password_locked");
    assert!(error["locked_until"].is_string(), "{error}");
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d(DEMO_BALANCE));
    // The lock is the wallet's, not the session's.
    let other = api
        .create_session(DEMO_SHOPPER, &one_item_cart("5.00"))
        .await;
    attempt(&api, &other, DEMO_PASSWORD)
        .await
        .error(423, "password_locked");

    // Paying everything with the second method takes nothing from the balance: no
    // password is asked for or checked, so the lock does not block the sale.
    let off = Choice {
        use_balance: false,
        balance_cap: None,
    };
    let mut without = api.prepare(&other, off, Some(Method::WechatPay), "").await;
    without.request.payment_password = None;
    let paid = api.submit(&other, &without.body()).await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    assert_eq!(
        (&paid.body["balance_amount"], &paid.body["status"]),
        (&json!("0.00"), &json!("requires_action"))
    );
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d(DEMO_BALANCE));
}

async fn the_lock_lifts_after_the_lockout_period(backend: Backend) {
    let server = Server::start_with(backend, &[("BC_LOCKOUT_SECS", "4")]).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    for _ in 0..5 {
        let reply = attempt(&api, &session, "999999").await;
        assert!(matches!(reply.status, 403 | 423), "{}", reply.body);
    }
    attempt(&api, &session, DEMO_PASSWORD)
        .await
        .error(423, "password_locked");

    tokio::time::sleep(Duration::from_secs(5)).await;

    let reply = attempt(&api, &session, DEMO_PASSWORD).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["status"], json!("succeeded"));
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d("110.50"));
}
