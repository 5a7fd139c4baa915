//! Intents: built from a quote, validated on their own, compared with a recomputed quote;
//! payment passwords.
// Test helpers outside #[test] functions may unwrap too: a failure is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use checkout_core::error::from_json;
use checkout_core::intent::validate_payment_password;
use checkout_core::{Amount, Cart, Intent, IntentRequest, Method, Quote};
use common::{cart, choice, line, line_bp, quote_default, third_party, with};
use serde_json::json;

const NONCE: &str = "0123456789abcdef0123456789ABCDEF";
const DIGEST: &str = "4177b194d3ba09fa2c362d61700d4d3628b999b7b42533e2a91a15bfe9026ff9";

fn design_cart() -> Cart {
    let l1 = line_bp("L1", 2, "59.90", "55.00");
    let l2 = third_party(
        with(line("L2", 1, "100.00"), "category", json!("virtual")),
        "m-778",
    );
    cart("CNY", vec![l1, l2], Some("6.00"))
}

fn design_quote() -> Quote {
    quote_default(&design_cart(), "120.50", &choice(true, None))
}

fn design_intent() -> Intent {
    let q = design_quote();
    Intent::for_quote(
        "cs_1",
        DIGEST,
        &choice(true, None),
        &q,
        Some(Method::WechatPay),
        NONCE,
    )
    .unwrap()
}

fn amount(s: &str) -> Amount {
    s.parse().unwrap()
}

#[test]
fn it_builds_the_intent_of_the_contract_from_the_quote() {
    let body = serde_json::to_value(design_intent()).unwrap();
    assert_eq!(
        body,
        json!({"session_id": "cs_1", "cart_digest": DIGEST, "currency": "CNY", "use_balance": true,
               "balance_cap": null, "total": "216.00", "balance_amount": "116.00",
               "other_method": "wechat_pay", "other_amount": "100.00", "nonce": NONCE})
    );
}

#[test]
fn it_drops_the_second_method_when_nothing_remains_to_pay() {
    let c = cart("JPY", vec![line("a", 1, "1000")], None);
    let ch = choice(true, Some("5000"));
    let q = quote_default(&c, "5000", &ch);
    let intent = Intent::for_quote("cs_1", DIGEST, &ch, &q, Some(Method::Alipay), NONCE).unwrap();
    assert_eq!(intent.other_method, None);
    assert_eq!(intent.other_amount.to_string(), "0");
    assert_eq!(intent.balance_cap, Some(amount("5000")));
    assert_eq!(intent.choice(), ch);
}

#[test]
fn it_refuses_an_intent_that_leaves_money_unpaid_without_a_method() {
    let q = design_quote();
    let e = Intent::for_quote("cs_1", DIGEST, &choice(true, None), &q, None, NONCE).unwrap_err();
    assert_eq!(
        e.to_string(),
        "intent.other_method: CNY 100.00 remains to pay: choose bank_card, wechat_pay, alipay or ecny"
    );
}

#[test]
fn it_validates_each_field_of_an_intent() {
    let ok = design_intent();
    assert_eq!(ok.validate(), Ok(()));
    let cases: Vec<(Intent, &str)> = vec![
        (
            Intent { nonce: "abc".into(), ..ok.clone() },
            "intent.nonce: must be 32 hex digits, freshly random for every intent",
        ),
        (
            Intent { nonce: "g".repeat(32), ..ok.clone() },
            "intent.nonce: must be 32 hex digits, freshly random for every intent",
        ),
        (
            Intent { total: amount("216.001"), ..ok.clone() },
            r#"intent.total: CNY allows 2 decimals, got "216.001""#,
        ),
        (
            Intent { balance_amount: amount("116.000"), ..ok.clone() },
            r#"intent.balance_amount: CNY allows 2 decimals, got "116.000""#,
        ),
        (
            Intent { other_amount: amount("0.001"), ..ok.clone() },
            r#"intent.other_amount: CNY allows 2 decimals, got "0.001""#,
        ),
        (
            Intent { balance_cap: Some(amount("1.5")), currency: checkout_core::Currency::JPY, total: amount("216"), balance_amount: amount("116"), other_amount: amount("100"), ..ok.clone() },
            r#"intent.balance_cap: JPY allows 0 decimals, got "1.5""#,
        ),
        (
            Intent { other_method: None, ..ok.clone() },
            "intent.other_method: CNY 100.00 remains to pay: choose bank_card, wechat_pay, alipay or ecny",
        ),
        (
            Intent { other_amount: amount("0.00"), ..ok.clone() },
            "intent.other_method: must be null when other_amount is zero",
        ),
    ];
    for (intent, message) in cases {
        assert_eq!(intent.validate().unwrap_err().to_string(), message);
    }
}

#[test]
fn it_finds_no_mismatch_with_the_quote_it_was_made_from() {
    assert!(design_intent().mismatches(&design_quote()).is_empty());
}

#[test]
fn it_reports_every_amount_that_differs_from_the_recomputed_quote() {
    let tampered = Intent {
        total: amount("200.00"),
        balance_amount: amount("116"),
        other_amount: amount("84.00"),
        ..design_intent()
    };
    let fields: Vec<_> = tampered
        .mismatches(&design_quote())
        .into_iter()
        .map(|m| (m.field, m.intent, m.quote))
        .collect();
    // 116 and 116.00 are the same amount: not a mismatch.
    assert_eq!(
        fields,
        vec![
            ("total", "200.00".to_owned(), "216.00".to_owned()),
            ("other_amount", "84.00".to_owned(), "100.00".to_owned()),
        ]
    );
    // The balance changed since the quote: 100.00 cannot unlock balance prices any more.
    let now = quote_default(&design_cart(), "100.00", &choice(true, None));
    let fields: Vec<_> = design_intent()
        .mismatches(&now)
        .into_iter()
        .map(|m| m.field)
        .collect();
    assert_eq!(fields, vec!["total", "balance_amount", "other_amount"]);
}

#[test]
fn it_reports_a_currency_mismatch() {
    let jpy = Intent {
        currency: checkout_core::Currency::JPY,
        ..design_intent()
    };
    let fields: Vec<_> = jpy
        .mismatches(&design_quote())
        .into_iter()
        .map(|m| m.field)
        .collect();
    assert_eq!(fields, vec!["currency"]);
}

#[test]
fn it_reads_the_intent_request_body_strictly() {
    let body = json!({"intent": serde_json::to_value(design_intent()).unwrap(), "payment_password": "123456"});
    let parsed: IntentRequest = from_json(&body.to_string()).unwrap();
    assert_eq!(parsed.intent, design_intent());

    let mut extra = body.clone();
    extra["intent"]["tip"] = json!("1.00");
    assert_eq!(
        from_json::<IntentRequest>(&extra.to_string())
            .unwrap_err()
            .path(),
        "intent.tip"
    );
    let mut extra = body.clone();
    extra["device"] = json!("x");
    assert_eq!(
        from_json::<IntentRequest>(&extra.to_string())
            .unwrap_err()
            .path(),
        "device"
    );
    let mut number = body.clone();
    number["intent"]["total"] = json!(216.0);
    assert_eq!(
        from_json::<IntentRequest>(&number.to_string())
            .unwrap_err()
            .path(),
        "intent.total"
    );
    let mut method = body.clone();
    method["intent"]["other_method"] = json!("paypal");
    assert_eq!(
        from_json::<IntentRequest>(&method.to_string())
            .unwrap_err()
            .path(),
        "intent.other_method"
    );
    let e = from_json::<IntentRequest>("{\"intent\":").unwrap_err();
    assert!(e.to_string().starts_with("not valid JSON"), "{e}");
    let e = from_json::<IntentRequest>(&format!("{body} {{}}")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("unexpected characters after the JSON document"),
        "{e}"
    );
}

#[test]
fn it_writes_method_codes_as_on_the_wire() {
    for m in Method::ALL {
        assert_eq!(serde_json::to_value(m).unwrap(), json!(m.code()));
    }
    let codes: Vec<_> = Method::ALL.iter().map(|m| m.code()).collect();
    assert_eq!(
        codes,
        vec!["bank_card", "wechat_pay", "alipay", "ecny", "merchant"]
    );
    // The shop's own collection settles a remainder; it is no instrument to pick.
    assert!(Method::INSTRUMENTS.iter().all(|m| m.is_instrument()));
    assert!(!Method::Merchant.is_instrument());
    assert_eq!(Method::INSTRUMENTS.len() + 1, Method::ALL.len());
}

#[test]
fn it_accepts_only_six_ascii_digits_as_a_payment_password() {
    assert_eq!(validate_payment_password("123456"), Ok(()));
    assert_eq!(validate_payment_password("000000"), Ok(()));
    for bad in [
        "",
        "12345",
        "1234567",
        "12345a",
        " 12345",
        "12 456",
        "１２３４５６",
        "12345\u{0}",
    ] {
        let e = validate_payment_password(bad).unwrap_err();
        assert_eq!(
            e.to_string(),
            "payment_password: must be exactly 6 digits",
            "{bad:?}"
        );
    }
}

#[test]
fn an_intent_request_carries_exactly_one_authorisation() {
    use checkout_core::Authorization;
    let intent = serde_json::to_value(design_intent()).unwrap();
    let read = |body: serde_json::Value| from_json::<IntentRequest>(&body.to_string()).unwrap();

    let password = read(json!({"intent": intent, "payment_password": "123456"}));
    assert_eq!(
        password.authorization(),
        Ok(Authorization::Password("123456"))
    );
    let assertion = json!({"id": "x", "rawId": "eA", "type": "public-key", "response": {}});
    let passkey = read(json!({"intent": intent, "passkey": assertion}));
    assert_eq!(
        passkey.authorization(),
        Ok(Authorization::Passkey(&assertion))
    );

    let rule = |body: serde_json::Value| read(body).authorization().unwrap_err().path().to_owned();
    assert_eq!(rule(json!({"intent": intent})), "payment_password");
    assert_eq!(
        rule(json!({"intent": intent, "payment_password": "123456", "passkey": assertion})),
        "payment_password"
    );
    assert_eq!(
        rule(json!({"intent": intent, "passkey": "a string"})),
        "passkey"
    );
    assert_eq!(
        rule(json!({"intent": intent, "payment_password": "12345"})),
        "payment_password"
    );
    // What the widget writes for the password is what serde writes.
    assert_eq!(
        serde_json::to_value(IntentRequest::with_password(design_intent(), "123456")).unwrap(),
        json!({"intent": intent, "payment_password": "123456"})
    );
}
