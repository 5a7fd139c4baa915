//! A payment waiting for its second method is never a dead end (DESIGN.md *Sessions*
//! §5): the session, read again by a reloaded frame, carries the pending intent with its
//! `next_action`; the frame may cancel it with the client secret (the hold comes back at
//! once, the merchant hears `payment_intent.canceled`), but never a rest the merchant
//! collects; and another session of the same shopper shows the held money as held.

use crate::common::*;
use checkout_core::{Choice, Method};
use rust_decimal::Decimal;
use serde_json::json;

on_every_backend!(
    a_reloaded_frame_finds_the_pending_payment_and_may_cancel_it,
    the_frame_cannot_cancel_a_rest_the_merchant_collects,
    a_cancel_after_the_hold_expired_is_refused,
    another_shop_does_not_learn_of_a_hold,
    the_sandbox_page_speaks_chinese,
    revoking_a_link_cancels_its_waiting_payments_but_not_a_merchants_rest,
    a_top_up_is_read_back_only_by_its_own_open_session,
);

const SHOPPER: &str = "shopper_resume";

async fn pending(api: &Api, body: serde_json::Value, method: Method) -> (Session, String) {
    let cart = refund_cart();
    let mut body = body;
    body["shopper_id"] = json!(SHOPPER);
    body["cart"] = cart.clone();
    let session = api.open_session(body, &cart, SHOPPER).await;
    let choice = Choice {
        use_balance: true,
        balance_cap: None,
    };
    let prepared = api.prepare(&session, choice, Some(method), "654321").await;
    let paid = api.submit(&session, &prepared.body()).await;
    let id = paid.ok()["id"].as_str().unwrap().to_owned();
    (session, id)
}

async fn cancel(api: &Api, id: &str, bearer: &str) -> Reply {
    api.post(
        &format!("/v1/intents/{id}/cancel"),
        Some(bearer),
        &json!({}),
    )
    .await
}

async fn a_reloaded_frame_finds_the_pending_payment_and_may_cancel_it(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet(SHOPPER, "654321", "30.00").await;
    let (session, id) = pending(&api, json!({}), Method::WechatPay).await;

    let view = api.get_session(&session).await;
    let view = view.ok();
    assert_eq!(view["status"], json!("awaiting_payment"));
    assert_eq!(view["pending_intent"]["id"], json!(id));
    assert_eq!(
        view["pending_intent"]["next_action"]["type"],
        json!("redirect")
    );
    assert!(
        view["pending_intent"]["quote"].is_null(),
        "the summary view"
    );
    assert_eq!(view["wallet"]["held"], json!("30.00"));
    // Another session of the same shopper says where the money is: held, not gone.
    let other = api.create_session(SHOPPER, &one_item_cart("5.00")).await;
    let other = api.get_session(&other).await;
    assert_eq!(
        (
            &other.ok()["wallet"]["balance"],
            &other.ok()["wallet"]["held"]
        ),
        (&json!("0.00"), &json!("30.00"))
    );
    assert!(other.ok()["pending_intent"].is_null());

    // A top-up meanwhile says why it waits, with its own code (not the idempotency one).
    let top_up = api
        .post(
            &format!("/v1/sessions/{}/topups", session.id),
            Some(&session.client_secret),
            &json!({"amount": "10.00", "method": "wechat_pay"}),
        )
        .await;
    top_up.error(409, "second_leg_pending");

    // The frame cancels with its client secret: the hold is back at once.
    let canceled = cancel(&api, &id, &session.client_secret).await;
    assert_eq!(canceled.ok()["status"], json!("canceled"));
    let wallet = api.wallet(SHOPPER).await;
    assert_eq!((wallet.balance, wallet.held), (d("30.00"), Decimal::ZERO));
    let again = cancel(&api, &id, &session.client_secret).await;
    assert_eq!(
        again.ok()["status"],
        json!("canceled"),
        "a repeated cancel answers it"
    );
    assert_eq!(
        api.get_session(&session).await.ok()["status"],
        json!("open")
    );
    let events = api
        .get(
            "/v1/events?type=payment_intent.canceled",
            Some(&api.merchant_key),
        )
        .await;
    assert_eq!(events.ok()["data"][0]["data"]["object"]["id"], json!(id));
    // Another session's secret is no key to this intent.
    let stranger = api.create_session(SHOPPER, &one_item_cart("5.00")).await;
    cancel(&api, &id, &stranger.client_secret)
        .await
        .error(401, "unauthorized");
    check_ledger_storage(&server).await;
}

async fn the_frame_cannot_cancel_a_rest_the_merchant_collects(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet(SHOPPER, "654321", "30.00").await;
    let (session, id) = pending(&api, json!({"second_leg": "merchant"}), Method::Merchant).await;
    let view = api.get_session(&session).await;
    assert_eq!(
        view.ok()["pending_intent"]["next_action"]["type"],
        json!("merchant_collect")
    );
    cancel(&api, &id, &session.client_secret)
        .await
        .error(409, "second_leg_pending");
    assert_eq!(api.wallet(SHOPPER).await.held, d("30.00"), "still held");
    let by_merchant = cancel(&api, &id, &api.merchant_key).await;
    assert_eq!(by_merchant.ok()["status"], json!("canceled"));
    assert_eq!(api.wallet(SHOPPER).await.balance, d("30.00"));
}

async fn a_cancel_after_the_hold_expired_is_refused(backend: Backend) {
    // The sweeper waits an hour: only the clock says the hold is over.
    let env = [
        ("BC_HOLD_TTL_SECS", "1"),
        ("BC_SWEEP_INTERVAL_SECS", "3600"),
    ];
    let server = Server::start_with(backend, &env).await;
    let api = Api::new(&server);
    api.create_wallet(SHOPPER, "654321", "30.00").await;
    let (session, id) = pending(&api, json!({}), Method::WechatPay).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    cancel(&api, &id, &session.client_secret)
        .await
        .error(409, "hold_expired");
    cancel(&api, &id, &api.merchant_key)
        .await
        .error(409, "hold_expired");
    assert_eq!(
        api.wallet(SHOPPER).await.held,
        d("30.00"),
        "the sweeper's to release"
    );
}

/// Two test merchants on one server: a hold at one is not told to the other.
async fn another_shop_does_not_learn_of_a_hold(backend: Backend) {
    let (a, b) = (
        "sk_test_shop_a_0123456789abcdefghijklmnop",
        "sk_test_shop_b_0123456789abcdefghijklmnop",
    );
    let admin = "ak_test_shops_0123456789abcdefghijklmnop";
    let config = format!(
        "admin_keys = [\"{admin}\"]\npassword_pepper = \"shops-test-pepper-0123456789abcdefghijkl\"\n\
         [[merchants]]\nid = \"shop-a\"\nsecret_key = \"{a}\"\nsecond_leg = \"merchant\"\n\
         [[merchants]]\nid = \"shop-b\"\nsecret_key = \"{b}\"\n"
    );
    let server = Server::serve_with(backend, &config, &[]).await;
    let shop_a = Api::new(&server).with_keys(a, admin);
    let shop_b = Api::new(&server).with_keys(b, admin);
    shop_a.create_wallet(SHOPPER, "654321", "30.00").await;
    let (session, _) = pending(&shop_a, json!({}), Method::Merchant).await;
    let here = shop_a.get_session(&session).await;
    assert_eq!(here.ok()["wallet"]["held"], json!("30.00"));
    let elsewhere = shop_b.create_session(SHOPPER, &one_item_cart("5.00")).await;
    let elsewhere = shop_b.get_session(&elsewhere).await;
    assert_eq!(
        (
            &elsewhere.ok()["wallet"]["balance"],
            &elsewhere.ok()["wallet"]["held"]
        ),
        (&json!("0.00"), &json!("0.00"))
    );
}

/// The sandbox's page speaks the shopper's language and keeps it across its buttons.
async fn the_sandbox_page_speaks_chinese(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet(SHOPPER, "654321", "30.00").await;
    let (_, id) = pending(&api, json!({}), Method::WechatPay).await;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = format!("{}/v1/sandbox/intents/{id}?locale=zh-CN", server.url);
    let page = browser
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for words in [
        "第二种支付方式",
        "微信支付",
        "确认付款",
        "等待你确认或拒绝这笔付款",
        "lang=\"zh-CN\"",
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }
    let approved = browser
        .post(format!(
            "{}/v1/sandbox/intents/{id}/approve?locale=zh-CN",
            server.url
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 303);
    let back = approved.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.ends_with("?locale=zh-CN"), "{back}");
    let page = browser
        .get(format!("{}{back}", server.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("已确认：付款成功"), "{page}");
}

/// Issue 26: a revoked link did not stop the payments taken through it. Revoking it now
/// cancels those that wait for the sandbox's page (holds back, events sent), but not a
/// rest the merchant collects: the merchant may hold that money and ends it itself.
async fn revoking_a_link_cancels_its_waiting_payments_but_not_a_merchants_rest(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let link = "lk_test_demo_shopper_demo";
    let mut ids = Vec::new();
    for (leg, method) in [
        (None, Method::WechatPay),
        (Some("merchant"), Method::Merchant),
    ] {
        let cart = refund_cart();
        let mut body = json!({"link": link, "cart": cart});
        if let Some(leg) = leg {
            body["second_leg"] = json!(leg);
        }
        let session = api.open_session(body, &cart, DEMO_SHOPPER).await;
        let choice = Choice {
            use_balance: true,
            balance_cap: None,
        };
        let prepared = api
            .prepare(&session, choice, Some(method), DEMO_PASSWORD)
            .await;
        let paid = api.submit(&session, &prepared.body()).await;
        assert_eq!(paid.ok()["status"], json!("requires_action"));
        ids.push(paid.body["id"].as_str().unwrap().to_owned());
    }
    let shopper = Shopper::sign_in(&server, DEMO_SHOPPER).await;
    let (status, _) = shopper
        .post(
            "/wallet/security/links/revoke",
            &[("merchant_id", "demo-shop"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(status, 200);
    let status_of = |id: String| {
        let api = &api;
        async move { api.get_intent(&id).await.ok()["status"].clone() }
    };
    assert_eq!(
        status_of(ids[0].clone()).await,
        json!("canceled"),
        "the sandbox's payment"
    );
    assert_eq!(
        status_of(ids[1].clone()).await,
        json!("requires_action"),
        "the merchant's rest"
    );
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!(wallet.held, d("55.00"), "only the merchant's hold is left");
    let events = api
        .get(
            "/v1/events?type=payment_intent.canceled",
            Some(&api.merchant_key),
        )
        .await;
    assert_eq!(
        events.ok()["data"][0]["data"]["object"]["id"],
        json!(ids[0])
    );
    check_ledger_storage(&server).await;
}

/// Issue 26: a completed session's client secret still read the recharge it made, and so
/// did any other session of the same shopper (its amount, method and status).
async fn a_top_up_is_read_back_only_by_its_own_open_session(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet(SHOPPER, "654321", "30.00").await;
    let (session, intent) = pending(&api, json!({}), Method::WechatPay).await;
    // The payment waits for its second method; cancel it, so the session is open again.
    cancel(&api, &intent, &session.client_secret).await.ok();
    let started = api
        .post(
            &format!("/v1/sessions/{}/topups", session.id),
            Some(&session.client_secret),
            &json!({"amount": "5.00", "method": "wechat_pay"}),
        )
        .await;
    let topup = started.ok()["id"].as_str().unwrap().to_owned();
    let read = |s: &Session| {
        let path = format!("/v1/sessions/{}/topups/{topup}", s.id);
        let secret = s.client_secret.clone();
        let api = &api;
        async move { api.get(&path, Some(&secret)).await }
    };
    assert_eq!(read(&session).await.ok()["id"], json!(topup));
    let other = api
        .open_session(
            json!({"shopper_id": SHOPPER, "cart": refund_cart()}),
            &refund_cart(),
            SHOPPER,
        )
        .await;
    read(&other).await.error(404, "recharge_not_found");
    // Once the session is paid, its client secret reads only the session's outcome.
    let paid = api
        .pay(&session, true, Some(Method::WechatPay), "654321")
        .await;
    let id = paid.ok()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        api.sandbox(&id, "approve").await.ok()["status"],
        json!("succeeded")
    );
    read(&session).await.error(409, "session_completed");
}
