//! The second leg a merchant collects itself (DESIGN.md *The second leg*): the balance part
//! is held, the merchant's server captures exactly the remainder once, a capture after a
//! cancel or after the hold's time is refused, refunds say what the merchant returns
//! through its own provider, a live merchant with the sandbox off pays a cart larger
//! than the balance end to end, and a merchant's cancel keeps the reason it gives.

use crate::common::receiver::eventually;
use crate::common::*;
use checkout_core::{Choice, Method};
use rust_decimal::Decimal;
use serde_json::{json, Value};

on_every_backend!(
    a_merchant_leg_is_held_then_captured_exactly_once,
    a_capture_after_a_cancel_or_after_the_hold_expired_is_refused,
    refunds_of_a_merchant_leg_name_what_the_merchant_returns,
    a_live_merchant_pays_a_cart_larger_than_the_balance,
    a_merchant_cancel_keeps_its_reason_where_the_merchant_reads,
);

const SHOPPER: &str = "shopper_merchant_leg";

fn all_balance() -> Choice {
    Choice {
        use_balance: true,
        balance_cap: None,
    }
}

fn collected(amount: &str, reference: &str) -> Value {
    json!({"second_leg": {"amount": amount, "provider": "stripe", "reference": reference}})
}

/// A `refund_cart()` session whose remainder the merchant collects, paid with a wallet of
/// 30.00: the intent (requires_action), the quote it was paid at and the session.
async fn held_intent(api: &Api) -> (Value, checkout_core::Quote, Session) {
    api.create_wallet(SHOPPER, "654321", "30.00").await;
    let cart = refund_cart();
    let body = json!({"shopper_id": SHOPPER, "cart": cart, "second_leg": "merchant"});
    let session = api.open_session(body, &cart, SHOPPER).await;
    let view = api.get_session(&session).await;
    assert_eq!(view.ok()["second_leg"], json!("merchant"));
    assert_eq!(view.ok()["methods"], json!(["merchant"]));
    let prepared = api
        .prepare(&session, all_balance(), Some(Method::Merchant), "654321")
        .await;
    let reply = api.submit(&session, &prepared.body()).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    // The balance after it, for the frame's receipt: in this answer only.
    assert_eq!(reply.body["balance_left"], json!("0.00"));
    (reply.body, prepared.quote, session)
}

async fn a_merchant_leg_is_held_then_captured_exactly_once(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let (intent, quote, _) = held_intent(&api).await;
    let id = intent["id"].as_str().unwrap();
    let rest = quote.other_amount.to_string();
    assert_eq!(intent["status"], json!("requires_action"));
    assert_eq!(intent["other_method"], json!("merchant"));
    let next = &intent["next_action"];
    assert_eq!(next["type"], json!("merchant_collect"));
    assert_eq!(
        (&next["amount"], &next["currency"]),
        (&json!(rest), &json!("CNY"))
    );
    assert!(next["expires_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    let held = api.wallet(SHOPPER).await;
    assert_eq!((held.balance, held.held), (Decimal::ZERO, d("30.00")));

    // The sandbox never settles what the merchant collects.
    api.sandbox(id, "approve")
        .await
        .error(404, "intent_not_found");
    // A wrong amount, a bad reference, no key: refused, and nothing moves.
    let wrong = api
        .capture(id, &idempotency_key(), &collected("1.00", "pi_3Q"))
        .await;
    assert_eq!(wrong.error(422, "amount_mismatch")["expected"], json!(rest));
    api.capture(id, &idempotency_key(), &collected(&rest, "支付"))
        .await
        .error(400, "invalid_request");
    let no_key = api
        .post(
            &format!("/v1/intents/{id}/capture"),
            Some(&api.merchant_key),
            &collected(&rest, "x"),
        )
        .await;
    no_key.error(400, "invalid_request");
    assert_eq!(api.wallet(SHOPPER).await.held, d("30.00"));

    let key = idempotency_key();
    let body = collected(&rest, "pi_3QxYz 0001");
    let captured = api.capture(id, &key, &body).await;
    assert_eq!(captured.status, 200, "{}", captured.body);
    assert_eq!(captured.body["status"], json!("succeeded"));
    assert_eq!(
        captured.body["second_leg"],
        json!({"amount": rest, "provider": "stripe", "reference": "pi_3QxYz 0001"})
    );
    // The same key and body replay the answer; another key finds it succeeded.
    assert_eq!(api.capture(id, &key, &body).await.body, captured.body);
    api.capture(id, &idempotency_key(), &body)
        .await
        .error(409, "intent_succeeded");
    let after = api.wallet(SHOPPER).await;
    assert_eq!((after.balance, after.held), (Decimal::ZERO, Decimal::ZERO));
    let events = api
        .get(
            "/v1/events?type=payment_intent.succeeded",
            Some(&api.merchant_key),
        )
        .await;
    let object = &events.ok()["data"][0]["data"]["object"];
    assert_eq!(object["id"], json!(id));
    assert_eq!(object["second_leg"]["reference"], json!("pi_3QxYz 0001"));
    assert!(
        object.get("balance_left").is_none(),
        "no balance in an event"
    );
    let read = api.get_intent(id).await;
    assert!(read.ok().get("balance_left").is_none(), "nor in the intent");
    check_ledger_storage(&server).await;

    // The wallet's history shows both parts, in either language, and the reference.
    let shopper = Shopper::sign_in(&server, SHOPPER).await;
    let page = shopper.page("/wallet/?locale=en").await;
    let both = format!(
        "Paid Demo Shop ¥{}: balance ¥30.00 + Stripe via the shop ¥{rest}",
        quote.total
    );
    assert!(page.contains(&both), "{both} in {page}");
    // The reference on the entry's own page only (DESIGN.md *The second leg*).
    assert!(!page.contains("pi_3QxYz 0001"), "{page}");
    // The entry's own page: both parts, the reference and the payment's id.
    let href = page
        .split("href=\"/wallet/entries/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the entry's page")
        .to_owned();
    let entry = shopper
        .page(&format!("/wallet/entries/{href}?locale=en"))
        .await;
    for words in [
        id,
        "pi_3QxYz 0001",
        "Paid another way",
        "Order total",
        "Item L1 × 2",
    ] {
        assert!(entry.contains(words), "{words} in {entry}");
    }
    // Nobody else's entry: another wallet's sign-in finds no such movement.
    api.create_wallet("shopper_other_leg", "654321", "1.00")
        .await;
    let other = Shopper::sign_in(&server, "shopper_other_leg").await;
    let (status, _) = other.get(&format!("/wallet/entries/{href}")).await;
    assert_eq!(status, 404);
    let page = shopper.page("/wallet/?locale=zh").await;
    let both = format!(
        "付款给 Demo Shop ¥{}：余额 ¥30.00 + Stripe（经商家） ¥{rest}",
        quote.total
    );
    assert!(page.contains(&both), "{both} in {page}");
}

async fn a_capture_after_a_cancel_or_after_the_hold_expired_is_refused(backend: Backend) {
    // The sweeper waits an hour: only the clock stands between the hold and a capture.
    let env = [
        ("BC_HOLD_TTL_SECS", "1"),
        ("BC_SWEEP_INTERVAL_SECS", "3600"),
    ];
    let server = Server::start_with(backend, &env).await;
    let api = Api::new(&server);
    let (intent, quote, _) = held_intent(&api).await;
    let rest = quote.other_amount.to_string();
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let late = api
        .capture(
            intent["id"].as_str().unwrap(),
            &idempotency_key(),
            &collected(&rest, "late"),
        )
        .await;
    assert!(late.error(409, "hold_expired")["expired_at"].is_string());
    assert_eq!(api.wallet(SHOPPER).await.held, d("30.00"), "not captured");
    // Nor canceled by the merchant: its time is up, the sweeper releases it.
    let id = intent["id"].as_str().unwrap();
    api.post(
        &format!("/v1/intents/{id}/cancel"),
        Some(&api.merchant_key),
        &json!({}),
    )
    .await
    .error(409, "hold_expired");
    drop(server);

    // With the sweeper: the hold is released once, with one event; then a capture is late.
    let env = [("BC_HOLD_TTL_SECS", "1"), ("BC_SWEEP_INTERVAL_SECS", "1")];
    let server = Server::start_with(backend, &env).await;
    let api = Api::new(&server);
    let (intent, _, _) = held_intent(&api).await;
    let id = intent["id"].as_str().unwrap();
    eventually("the sweeper releases the hold", || async {
        (api.wallet(SHOPPER).await.balance == d("30.00")).then_some(())
    })
    .await;
    let body = collected(&rest, "late");
    api.capture(id, &idempotency_key(), &body)
        .await
        .error(409, "hold_expired");
    let canceled = api
        .get(
            "/v1/events?type=payment_intent.canceled",
            Some(&api.merchant_key),
        )
        .await;
    let ours: Vec<&Value> = canceled.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["data"]["object"]["id"] == json!(id))
        .collect();
    assert_eq!(ours.len(), 1, "one release, one event");

    // A canceled intent: the merchant's cancel wins, a capture after it is refused.
    let cart = refund_cart();
    let body = json!({"shopper_id": SHOPPER, "cart": cart, "second_leg": "merchant"});
    let session = api.open_session(body, &cart, SHOPPER).await;
    let prepared = api
        .prepare(&session, all_balance(), Some(Method::Merchant), "654321")
        .await;
    let paid = api.submit(&session, &prepared.body()).await;
    let id = paid.ok()["id"].as_str().unwrap().to_owned();
    let cancel = api
        .post(
            &format!("/v1/intents/{id}/cancel"),
            Some(&api.merchant_key),
            &json!({}),
        )
        .await;
    assert_eq!(cancel.ok()["status"], json!("canceled"));
    api.capture(&id, &idempotency_key(), &collected(&rest, "after"))
        .await
        .error(409, "intent_canceled");
    assert_eq!(api.wallet(SHOPPER).await.balance, d("30.00"));
    check_ledger_storage(&server).await;
}

async fn refunds_of_a_merchant_leg_name_what_the_merchant_returns(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let (intent, quote, _) = held_intent(&api).await;
    let id = intent["id"].as_str().unwrap();
    let rest = quote.other_amount.to_string();
    api.capture(id, &idempotency_key(), &collected(&rest, "ch_1"))
        .await
        .ok();
    let lines = serde_json::to_value(&quote.lines).unwrap();
    let line = |id: &str| {
        lines
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["id"] == json!(id))
            .cloned()
            .unwrap()
    };
    let l1 = line("L1");
    let (l1_balance, l1_other) = (dec(&l1["balance"]), dec(&l1["other"]));
    assert!(l1_balance > Decimal::ZERO && l1_other > Decimal::ZERO);

    // All of L1: its balance share to the wallet, its other share the merchant's to return.
    let paid = l1_balance + l1_other;
    let refund = api
        .refund(
            id,
            &json!({"lines": [{"id": "L1", "amount": paid.to_string()}]}),
        )
        .await;
    let body = refund.ok();
    assert_eq!(dec(&body["balance_amount"]), l1_balance);
    assert_eq!(dec(&body["other_amount"]), l1_other);
    assert_eq!(dec(&body["other_refund_due"]), l1_other);
    assert_eq!(api.wallet(SHOPPER).await.balance, l1_balance);

    // L1 again: nothing is left of it; the answer names the line and what is left.
    let again = api
        .refund(id, &json!({"lines": [{"id": "L1", "amount": "0.01"}]}))
        .await;
    let e = again.error(400, "refund_exceeds_paid");
    assert_eq!((&e["line"], &e["left"]), (&json!("L1"), &json!("0.00")));
    // By amount: the rest, and one cent more is refused.
    let left = dec(&json!(quote.total.to_string())) - paid;
    let over = api
        .refund(id, &json!({"amount": (left + d("0.01")).to_string()}))
        .await;
    assert_eq!(
        over.error(400, "refund_exceeds_paid")["left"],
        json!(left.to_string())
    );
    let rest_refund = api.refund(id, &json!({"amount": left.to_string()})).await;
    let body = rest_refund.ok();
    assert_eq!(dec(&body["other_refund_due"]), dec(&body["other_amount"]));
    assert_eq!(
        api.wallet(SHOPPER).await.balance,
        d("30.00"),
        "every balance cent back"
    );
    let refunds = api
        .get("/v1/events?type=refund.succeeded", Some(&api.merchant_key))
        .await;
    let due: Decimal = refunds.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| dec(&e["data"]["object"]["other_refund_due"]))
        .sum();
    assert_eq!(
        due.to_string(),
        rest,
        "the merchant returns exactly what it collected"
    );
    check_ledger_storage(&server).await;
}

async fn a_live_merchant_pays_a_cart_larger_than_the_balance(backend: Backend) {
    let config = format!(
        "{}second_leg = \"merchant\"\n",
        crate::live_wallets::config()
    );
    let server = Server::serve_with(backend, &config, &[]).await;
    let live = Api::new(&server).with_keys(
        crate::live_wallets::LIVE_KEY,
        crate::live_wallets::LIVE_ADMIN,
    );
    let shopper = "w_live_combined";
    create_live_wallet(&live, shopper, "864213", "50.00").await;
    let link = link(&server, crate::live_wallets::LIVE_KEY, shopper).await;
    let cart = one_item_cart("154.90");

    // The sandbox is no second leg of a live session.
    let sandbox = live
        .post(
            "/v1/sessions",
            Some(&live.merchant_key),
            &json!({"link": link, "cart": cart, "second_leg": "sandbox"}),
        )
        .await;
    sandbox.error(400, "invalid_request");

    let session = live.create_linked_session(&link, shopper, &cart).await;
    assert_eq!(
        live.get_session(&session).await.ok()["second_leg"],
        json!("merchant")
    );
    let paid = live
        .pay(&session, true, Some(Method::Merchant), "864213")
        .await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    assert_eq!(paid.body["next_action"]["amount"], json!("104.90"));
    let id = paid.body["id"].as_str().unwrap();
    let captured = live
        .capture(id, &idempotency_key(), &collected("104.90", "wx_4200001"))
        .await;
    assert_eq!(captured.ok()["status"], json!("succeeded"));
    let wallet = live.wallet(shopper).await;
    assert_eq!(
        (wallet.balance, wallet.held),
        (Decimal::ZERO, Decimal::ZERO)
    );
    check_ledger_storage(&server).await;
}

/// DESIGN.md *Sessions* §5: "an optional `reason` is kept and shown". Only the merchant's
/// key gives one, 1–500 characters on one line; it is in the intent's read, its list and
/// its `payment_intent.canceled` event; a refused reason changes nothing.
async fn a_merchant_cancel_keeps_its_reason_where_the_merchant_reads(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let (intent, _, session) = held_intent(&api).await;
    let id = intent["id"].as_str().unwrap();
    assert_eq!(intent["cancel_note"], Value::Null);
    let path = format!("/v1/intents/{id}/cancel");
    let cancel = |body: Value, bearer: String| {
        let (api, path) = (&api, &path);
        async move { api.post(path, Some(&bearer), &body).await }
    };
    let key = api.merchant_key.clone();
    let long = "退".repeat(501);
    for bad in ["", "two\nlines", long.as_str()] {
        let refused = cancel(json!({"reason": bad}), key.clone()).await;
        assert_eq!(refused.error(400, "invalid_request")["path"], "reason");
    }
    let unknown = cancel(json!({"why": "x"}), key.clone()).await;
    unknown.error(400, "invalid_request");
    let frame = cancel(
        json!({"reason": "from the page"}),
        session.client_secret.clone(),
    )
    .await;
    assert_eq!(frame.error(400, "invalid_request")["path"], "reason");
    assert_eq!(api.wallet(SHOPPER).await.held, d("30.00"), "still held");

    let reason = "顾客修改了收货地址 / address changed; a new order follows";
    let canceled = cancel(json!({"reason": reason}), key.clone()).await;
    assert_eq!(canceled.ok()["cancel_reason"], "requested_by_merchant");
    assert_eq!(canceled.body["cancel_note"], reason);
    assert_eq!(api.get_intent(id).await.ok()["cancel_note"], reason);
    let listed = api.get("/v1/intents?status=canceled", Some(&key)).await;
    let row = listed.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .cloned();
    assert_eq!(row.expect("listed")["cancel_note"], reason);
    let event = eventually("the canceled event", || async {
        let events = api
            .get("/v1/events?type=payment_intent.canceled", Some(&key))
            .await;
        events.ok()["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["data"]["object"]["id"] == id)
            .cloned()
    })
    .await;
    assert_eq!(event["data"]["object"]["cancel_note"], reason);
    // A repeated cancel answers the intent as it is: the first reason stays.
    let again = cancel(json!({"reason": "another"}), key.clone()).await;
    assert_eq!(again.ok()["cancel_note"], reason);
    assert_eq!(api.wallet(SHOPPER).await.balance, d("30.00"));
}
