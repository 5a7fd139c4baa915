//! The shopper's wallet pages (DESIGN.md *The shopper's wallet*), driven as a browser
//! drives them: form posts with the sign-in cookie and the page's `Origin`. Recharges are
//! credited once whatever the approvals race; transfers never overdraw; the history is
//! the ledger's; cross-site posts are refused.

use crate::common::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};

on_every_backend!(
    a_recharge_is_credited_once_however_many_approvals_race,
    declined_and_abandoned_recharges_credit_nothing,
    two_transfers_racing_for_one_balance_never_overdraw,
    a_transfer_racing_a_payment_never_overdraws,
    a_transfer_is_refused_clearly_and_a_resubmitted_one_moves_once,
    the_history_is_the_ledger_in_a_shoppers_words,
    after_a_password_change_the_old_password_is_refused,
    cross_site_posts_are_refused_before_anything_moves,
    unlinking_a_shop_on_the_security_page_stops_its_sessions,
);

fn transferred(page: &str) -> bool {
    page.contains("data-transferred")
}

async fn sandbox_recharge(server: &Server, id: &str, action: &str) -> Reply {
    Api::new(server)
        .post(
            &format!("/v1/sandbox/recharges/{id}/{action}"),
            None,
            &json!({}),
        )
        .await
}

async fn balance(server: &Server, shopper: &str) -> Decimal {
    Api::new(server).wallet(shopper).await.balance
}

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

async fn a_recharge_is_credited_once_however_many_approvals_race(backend: Backend) {
    let server = Server::start(backend).await;
    Api::new(&server)
        .create_wallet("alice", "135790", "10.00")
        .await;
    let alice = Shopper::sign_in(&server, "alice").await;
    let id = alice.recharge("20.00", "wechat_pay").await;
    assert_eq!(
        balance(&server, "alice").await,
        d("10.00"),
        "nothing before the method pays"
    );

    let mut approvals = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (url, id) = (server.url.clone(), id.clone());
        approvals.spawn(async move {
            Api::at(&url)
                .post(
                    &format!("/v1/sandbox/recharges/{id}/approve"),
                    None,
                    &json!({}),
                )
                .await
        });
    }
    let replies = approvals.join_all().await;
    let ok = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(ok, 1, "exactly one approval settles it");
    for r in replies.iter().filter(|r| r.status != 200) {
        assert_eq!(r.error(409, "recharge_not_pending")["status"], "succeeded");
    }
    assert_eq!(balance(&server, "alice").await, d("30.00"));

    // The server killed and restarted: still credited once, and a late approval does nothing.
    let mut server = server;
    server.kill().await;
    server.restart().await;
    sandbox_recharge(&server, &id, "approve")
        .await
        .error(409, "recharge_not_pending");
    assert_eq!(balance(&server, "alice").await, d("30.00"));
    let page = alice_again(&server)
        .await
        .page(&format!("/wallet/recharges/{id}"))
        .await;
    assert!(page.contains(r#"data-status="succeeded""#), "{page}");
    check_ledger_storage(&server).await;
}

async fn alice_again(server: &Server) -> Shopper {
    Shopper::sign_in(server, "alice").await
}

async fn declined_and_abandoned_recharges_credit_nothing(backend: Backend) {
    let server = Server::start(backend).await;
    Api::new(&server)
        .create_wallet("bob", "246810", "5.00")
        .await;
    let bob = Shopper::sign_in(&server, "bob").await;
    let declined = bob.recharge("50", "alipay").await;
    let abandoned = bob.recharge("60", "bank_card").await;
    let _left_pending = bob.recharge("70", "ecny").await;
    assert_eq!(
        sandbox_recharge(&server, &declined, "decline").await.ok()["status"],
        "failed"
    );
    assert_eq!(
        sandbox_recharge(&server, &abandoned, "abandon").await.ok()["status"],
        "abandoned"
    );
    sandbox_recharge(&server, &declined, "approve")
        .await
        .error(409, "recharge_not_pending");
    assert_eq!(balance(&server, "bob").await, d("5.00"));

    // Amounts the currency cannot hold are refused on the page, in words.
    let (status, page) = bob
        .post(
            "/wallet/recharge",
            &[
                ("preset", ""),
                ("custom", "1.005"),
                ("method", "wechat_pay"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"role="alert""#) && page.contains("Amount"),
        "{page}"
    );
    check_ledger_storage(&server).await;
}

async fn two_transfers_racing_for_one_balance_never_overdraw(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet("carol", "112233", "30.00").await;
    api.create_wallet("dave", "445566", "0").await;
    let carol = Shopper::sign_in(&server, "carol").await;
    carol.step_up().await;
    let first = carol.review("dave", "20.00").await;
    let second = carol.review("dave", "20.00").await;
    let (a, b) = tokio::join!(
        carol.confirm(&first, "dave", "20.00", "112233"),
        carol.confirm(&second, "dave", "20.00", "112233"),
    );
    assert_eq!(
        u8::from(transferred(&a)) + u8::from(transferred(&b)),
        1,
        "one of two fits"
    );
    assert_eq!(balance(&server, "carol").await, d("10.00"));
    assert_eq!(balance(&server, "dave").await, d("20.00"));
    check_ledger_storage(&server).await;
}

async fn a_transfer_racing_a_payment_never_overdraws(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet("erin", "778899", "30.00").await;
    api.create_wallet("frank", "998877", "0").await;
    let erin = Shopper::sign_in(&server, "erin").await;
    erin.step_up().await;
    let session = api.create_session("erin", &one_item_cart("25.00")).await;
    let id = erin.review("frank", "25.00").await;
    let (page, paid) = tokio::join!(
        erin.confirm(&id, "frank", "25.00", "778899"),
        api.pay(&session, true, None, "778899"),
    );
    let moved = u8::from(transferred(&page)) + u8::from(paid.status == 201 || paid.status == 200);
    assert_eq!(moved, 1, "transfer {page} / payment {}", paid.status);
    let left = balance(&server, "erin").await;
    assert_eq!(left, d("5.00"));
    check_ledger_storage(&server).await;
}

async fn a_transfer_is_refused_clearly_and_a_resubmitted_one_moves_once(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet("gina", "121212", "40.00").await;
    api.create_wallet("hank", "343434", "0").await;
    api.post(
        "/v1/wallets",
        Some(ADMIN_KEY),
        &json!({"shopper_id": "ivan_usd", "currency": "USD", "payment_password": "565656"}),
    )
    .await
    .ok();
    let gina = Shopper::sign_in(&server, "gina").await;
    gina.step_up().await;
    for (to, amount, words) in [
        ("nobody_here", "1.00", "No wallet has this ID"),
        ("ivan_usd", "1.00", "only the same currency"),
        ("gina", "1.00", "your own wallet"),
        ("hank", "40.01", "more than your available balance"),
        ("hank", "0", "above zero"),
    ] {
        let (_, page) = gina
            .post("/wallet/transfer", &[("to", to), ("amount", amount)])
            .await;
        assert!(page.contains(words), "{to} {amount}: {page}");
    }
    let id = gina.review("hank", "15.50").await;
    let page = gina.confirm(&id, "hank", "15.50", "000000").await;
    assert!(
        page.contains("attempts left"),
        "a wrong password is counted: {page}"
    );
    let confirm = gina.review("hank", "15.50").await;
    let page = gina.confirm(&confirm, "hank", "15.50", "121212").await;
    assert!(transferred(&page) && page.contains("h•••"), "{page}");
    let again = gina.confirm(&confirm, "hank", "15.50", "121212").await;
    assert!(
        transferred(&again),
        "the same confirmation answers the same"
    );
    assert_eq!(balance(&server, "gina").await, d("24.50"));
    assert_eq!(balance(&server, "hank").await, d("15.50"));
    check_ledger_storage(&server).await;
}

/// `(credit, amount)` of every history item on a page.
fn history_amounts(page: &str) -> Vec<(bool, Decimal)> {
    page.split(r#"<span class="amount "#)
        .skip(1)
        .map(|rest| {
            let credit = rest.starts_with("credit");
            let value = between(rest, "¥", "<").expect("amount");
            (credit, d(&value))
        })
        .collect()
}

async fn the_history_is_the_ledger_in_a_shoppers_words(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet("jane", "101010", "100.00").await;
    api.create_wallet("kurt", "202020", "0").await;
    let jane = Shopper::sign_in(&server, "jane").await;
    jane.step_up().await;
    let rc = jane.recharge("20.00", "wechat_pay").await;
    sandbox_recharge(&server, &rc, "approve").await.ok();
    let session = api.create_session("jane", &one_item_cart("12.00")).await;
    let paid = api.pay(&session, true, None, "101010").await;
    let intent = paid.ok()["id"].as_str().expect("intent").to_owned();
    api.refund(&intent, &json!({"amount": "2.00"})).await.ok();
    let id = jane.review("kurt", "3.00").await;
    assert!(transferred(
        &jane.confirm(&id, "kurt", "3.00", "101010").await
    ));
    api.post(
        "/v1/wallets/jane/rewards",
        Some(ADMIN_KEY),
        &json!({"amount": "1.50"}),
    )
    .await
    .ok();

    let page = jane.page("/wallet/?locale=en").await;
    for words in [
        "Recharge via WeChat Pay",
        "Paid Demo Shop",
        "Refund from Demo Shop",
        "Transfer to kurt",
        "Reward",
        "Recharge via Bank card",
        "never expires",
        "cannot be withdrawn as cash",
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }
    let items = history_amounts(&page);
    let ledger = api.ledger("jane").await;
    let available: Vec<&Value> = ledger["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["account"] == "available")
        .collect();
    assert_eq!(
        items.len(),
        available.len(),
        "one item per movement of the balance"
    );
    let signed: Decimal = items.iter().map(|(c, a)| if *c { *a } else { -*a }).sum();
    assert_eq!(
        signed,
        balance(&server, "jane").await,
        "the items add up to the balance"
    );
    assert_eq!(signed, d("108.50"));
    let zh = jane.page("/wallet/?locale=zh-CN").await;
    assert!(
        zh.contains("充值 · 微信支付") && zh.contains("余额永久有效"),
        "{zh}"
    );
    // Times in the operator's zone (the demo's: Beijing time), and labelled so.
    assert!(zh.contains("时间均为 UTC+08:00"), "{zh}");
    let entry = &ledger["entries"][0];
    let at = time::OffsetDateTime::parse(
        entry["created_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
    .to_offset(time::macros::offset!(+8));
    let shown = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    );
    assert!(page.contains(&shown), "{shown} (Beijing time) in {page}");
}

async fn after_a_password_change_the_old_password_is_refused(backend: Backend) {
    let server = Server::start(backend).await;
    Api::new(&server)
        .create_wallet("lena", "314159", "1.00")
        .await;
    let lena = Shopper::sign_in(&server, "lena").await;
    let other_tab = Shopper::sign_in(&server, "lena").await;
    let change = [
        ("current", "314159"),
        ("new", "271828"),
        ("confirm", "271828"),
    ];
    let (_, page) = lena.post("/wallet/security/password", &change).await;
    assert!(
        page.contains("you first (a passkey or a code"),
        "a credential change asks for a step-up: {page}"
    );
    lena.step_up().await;
    let (_, page) = lena
        .post(
            "/wallet/security/password",
            &[
                ("current", "000000"),
                ("new", "271828"),
                ("confirm", "271828"),
            ],
        )
        .await;
    assert!(
        page.contains("4 attempts left"),
        "the wrong current password counts: {page}"
    );
    let (_, page) = lena
        .post(
            "/wallet/security/password",
            &[
                ("current", "314159"),
                ("new", "27182"),
                ("confirm", "27182"),
            ],
        )
        .await;
    assert!(page.contains("6 digits"), "{page}");
    let (_, page) = lena
        .post(
            "/wallet/security/password",
            &[
                ("current", "314159"),
                ("new", "271828"),
                ("confirm", "271829"),
            ],
        )
        .await;
    assert!(page.contains("Typed again"), "typed twice: {page}");
    let (_, page) = lena
        .post(
            "/wallet/security/password",
            &[
                ("current", "314159"),
                ("new", "314159"),
                ("confirm", "314159"),
            ],
        )
        .await;
    assert!(page.contains("the current one"), "must differ: {page}");
    let (_, page) = lena
        .post(
            "/wallet/security/password",
            &[
                ("current", "314159"),
                ("new", "271828"),
                ("confirm", "271828"),
            ],
        )
        .await;
    assert!(page.contains("was changed"), "{page}");

    let session = Api::new(&server)
        .create_session("lena", &one_item_cart("0.50"))
        .await;
    Api::new(&server)
        .pay(&session, true, None, "314159")
        .await
        .error(403, "wrong_password");
    Api::new(&server)
        .pay(&session, true, None, "271828")
        .await
        .ok();
    // The other sign-in ended with the change; this one goes on.
    let reply = other_tab
        .http
        .get(format!("{}/wallet/", server.url))
        .send()
        .await
        .expect("answer");
    assert!(reply
        .text()
        .await
        .expect("body")
        .contains(r#"action="/wallet/sign-in""#));
    assert!(lena.page("/wallet/").await.contains("data-available"));
}

async fn cross_site_posts_are_refused_before_anything_moves(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet("mia", "192837", "50.00").await;
    api.create_wallet("ned", "918273", "0").await;
    let mia = Shopper::sign_in(&server, "mia").await;
    mia.step_up().await;
    let id = mia.review("ned", "50.00").await;
    let form = [
        ("id", id.as_str()),
        ("to", "ned"),
        ("amount", "50.00"),
        ("password", "192837"),
    ];
    let evil = mia
        .http
        .post(format!("{}/wallet/transfer/confirm", server.url))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .expect("answer");
    assert_eq!(evil.status(), 403);
    let body: Value = evil.json().await.expect("json");
    assert_eq!(body["error"]["code"], "cross_site_request");
    let no_origin = mia
        .http
        .post(format!("{}/wallet/transfer/confirm", server.url))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .expect("answer");
    assert_eq!(no_origin.status(), 403);
    assert_eq!(balance(&server, "mia").await, d("50.00"));
    assert_eq!(balance(&server, "ned").await, d("0"));
    // The sign-in cookie is SameSite=Strict and HttpOnly.
    let reply = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!("{}/wallet/sign-in", server.url))
        .header("origin", &server.url)
        .form(&[("shopper_id", "mia"), ("password", LOGIN_PASSWORD)])
        .send()
        .await
        .expect("answer");
    let cookie = reply.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/wallet"),
        "{cookie}"
    );
}

async fn unlinking_a_shop_on_the_security_page_stops_its_sessions(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    // The demo seeds shopper_demo linked to demo-shop.
    let opened = api
        .post(
            "/v1/sessions",
            Some(MERCHANT_KEY),
            &json!({"link": "lk_test_demo_shopper_demo", "cart": one_item_cart("10.00")}),
        )
        .await;
    let session = opened.ok();
    let (id, secret) = (
        session["id"].as_str().unwrap(),
        session["client_secret"].as_str().unwrap(),
    );
    let read = || {
        reqwest::Client::new()
            .get(format!("{}/v1/sessions/{id}", server.url))
            .bearer_auth(secret)
            .send()
    };
    assert_eq!(read().await.expect("answer").status(), 200);

    let shopper = Shopper::sign_in(&server, "shopper_demo").await;
    let page = shopper.page("/wallet/security").await;
    assert!(
        page.contains("<strong>Demo Shop</strong>"),
        "by its name: {page}"
    );
    // One tap asks first; only the confirmation unlinks.
    assert!(
        page.contains("Unlink it?") && page.contains("Yes, unlink"),
        "{page}"
    );
    let (status, page) = shopper
        .post(
            "/wallet/security/links/revoke",
            &[("merchant_id", "demo-shop")],
        )
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Nothing was unlinked"), "{page}");
    assert_eq!(read().await.expect("answer").status(), 200, "still linked");
    let (status, page) = shopper
        .post(
            "/wallet/security/links/revoke",
            &[("merchant_id", "demo-shop"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("was unlinked") && page.contains("No shop is linked"),
        "{page}"
    );
    let after = read().await.expect("answer");
    assert_eq!(after.status(), 403);
    let body: Value = after.json().await.expect("json");
    assert_eq!(body["error"]["code"], "link_revoked");
    // The merchant's server is told, as when it revokes itself.
    let events = api
        .get("/v1/events?type=link.revoked", Some(MERCHANT_KEY))
        .await;
    let events = events.ok()["data"].as_array().expect("events").clone();
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(events[0]["data"]["object"]["revoked_at"].is_string());
}
