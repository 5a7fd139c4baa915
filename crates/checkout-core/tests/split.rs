//! Every branch of the split (DESIGN.md *The split*) on its worked-example cart. Expected figures
//! are worked out by hand in the comments.
// Test helpers outside #[test] functions may unwrap too: a failure is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use checkout_core::{quote, Cart, Choice, Currency, Money};
use common::{
    allocations, cart, choice, line, line_bp, money, policy, quote_default, row, some_topup,
    third_party, topup, with,
};
use serde_json::json;

/// DESIGN.md's cart: L1 2 × 59.90 (balance price 55.00), L2 a virtual game card at 100.00
/// from a third party, shipping 6.00. Standard total 225.80; E = 125.80; E_bal = 116.00.
fn design_cart() -> Cart {
    let l1 = line_bp("L1", 2, "59.90", "55.00");
    let l2 = third_party(
        with(line("L2", 1, "100.00"), "category", json!("virtual")),
        "m-778",
    );
    cart("CNY", vec![l1, l2], Some("6.00"))
}

#[test]
fn it_applies_balance_prices_when_the_balance_covers_the_eligible_total_at_them() {
    let q = quote_default(&design_cart(), "120.50", &choice(true, None));
    assert!(q.balance_prices_applied);
    assert_eq!(q.total.to_string(), "216.00");
    assert_eq!(q.standard_total.to_string(), "225.80");
    assert_eq!(q.savings.to_string(), "9.80");
    assert_eq!(q.eligible_total.to_string(), "116.00");
    assert_eq!(q.balance_amount.to_string(), "116.00");
    assert_eq!(q.other_amount.to_string(), "100.00");
    assert!(q.needs_other_method());
    assert_eq!(topup(&q), None);
    assert_eq!(
        allocations(&q),
        vec![
            row("L1", "110.00", "110.00", "0.00"),
            row("L2", "100.00", "0.00", "100.00"),
            row("shipping", "6.00", "6.00", "0.00"),
        ]
    );
}

#[test]
fn it_serializes_the_quote_exactly_as_the_contract_shows() {
    let q = quote_default(&design_cart(), "120.50", &choice(true, None));
    let expected = concat!(
        r#"{"currency":"CNY","total":"216.00","standard_total":"225.80","savings":"9.80","#,
        r#""balance_prices_applied":true,"eligible_total":"116.00","balance_amount":"116.00","#,
        r#""other_amount":"100.00","topup_to_unlock":null,"#,
        r#""lines":[{"id":"L1","eligible":true,"reason":null,"amount":"110.00","balance":"110.00","other":"0.00"},"#,
        r#"{"id":"L2","eligible":false,"reason":"category_excluded","amount":"100.00","balance":"0.00","other":"100.00"},"#,
        r#"{"id":"shipping","eligible":true,"reason":null,"amount":"6.00","balance":"6.00","other":"0.00"}]}"#
    );
    assert_eq!(serde_json::to_string(&q).unwrap(), expected);
}

#[test]
fn it_applies_balance_prices_when_the_balance_equals_the_eligible_total_at_them() {
    let q = quote_default(&design_cart(), "116.00", &choice(true, None));
    assert!(q.balance_prices_applied);
    assert_eq!(q.balance_amount.to_string(), "116.00");
    assert_eq!(topup(&q), None);
}

#[test]
fn it_keeps_standard_prices_and_offers_a_top_up_when_the_balance_is_short() {
    // A = 100.00 < E_bal = 116.00: standard prices; balance = min(A, E) = 100.00.
    let q = quote_default(&design_cart(), "100.00", &choice(true, None));
    assert!(!q.balance_prices_applied);
    assert_eq!(q.total.to_string(), "225.80");
    assert_eq!(q.savings.to_string(), "0.00");
    assert_eq!(q.eligible_total.to_string(), "125.80");
    assert_eq!(q.balance_amount.to_string(), "100.00");
    assert_eq!(q.other_amount.to_string(), "125.80");
    // Recharging 116.00 - 100.00 unlocks 225.80 - 216.00.
    assert_eq!(topup(&q), some_topup("16.00", "9.80"));
    // 10000 fen over [11980, 0, 600] (sum 12580): 9523.05… and 476.94…; the leftover fen
    // goes to shipping, whose remainder (11920) beats L1's (660).
    assert_eq!(
        allocations(&q),
        vec![
            row("L1", "119.80", "95.23", "24.57"),
            row("L2", "100.00", "0.00", "100.00"),
            row("shipping", "6.00", "4.77", "1.23"),
        ]
    );
}

#[test]
fn it_offers_the_smallest_top_up_one_minor_unit_short() {
    let q = quote_default(&design_cart(), "115.99", &choice(true, None));
    assert!(!q.balance_prices_applied);
    assert_eq!(q.balance_amount.to_string(), "115.99");
    assert_eq!(topup(&q), some_topup("0.01", "9.80"));
}

#[test]
fn it_respects_the_shoppers_cap() {
    // B = 500.00 but C = 50.00: A = 50.00 < E_bal, so standard prices and 50.00 of balance.
    // 5000 fen over [11980, 0, 600]: 4761.52… and 238.47…; the leftover fen goes to L1.
    let q = quote_default(&design_cart(), "500.00", &choice(true, Some("50.00")));
    assert!(!q.balance_prices_applied);
    assert_eq!(q.balance_amount.to_string(), "50.00");
    assert_eq!(q.other_amount.to_string(), "175.80");
    // The balance itself covers E_bal, so no top-up would help.
    assert_eq!(topup(&q), None);
    assert_eq!(
        allocations(&q),
        vec![
            row("L1", "119.80", "47.62", "72.18"),
            row("L2", "100.00", "0.00", "100.00"),
            row("shipping", "6.00", "2.38", "3.62"),
        ]
    );
}

#[test]
fn it_applies_balance_prices_when_the_cap_equals_the_eligible_total_at_them() {
    let q = quote_default(&design_cart(), "500.00", &choice(true, Some("116.00")));
    assert!(q.balance_prices_applied);
    assert_eq!(q.balance_amount.to_string(), "116.00");
    let q = quote_default(&design_cart(), "500.00", &choice(true, Some("115.99")));
    assert!(!q.balance_prices_applied);
    assert_eq!(q.balance_amount.to_string(), "115.99");
}

#[test]
fn it_offers_a_top_up_only_when_neither_cap_nor_order_limit_is_below_the_eligible_total() {
    let c = design_cart();
    let with_limit = |limit: Option<&str>| policy(json!({"max_balance_per_order": limit}));
    let q = |balance: &str, cap: Option<&str>, limit: Option<&str>| {
        quote(
            &c,
            &with_limit(limit),
            money(balance, Currency::CNY),
            &choice(true, cap),
        )
        .unwrap()
    };
    // The design cart's L2 is virtual, excluded by the default categories; `with_limit`
    // keeps those defaults.
    assert_eq!(topup(&q("100.00", None, None)), some_topup("16.00", "9.80"));
    // A cap above E_bal does not hide the hint; one below it does (recharging would not help).
    assert_eq!(
        topup(&q("100.00", Some("200.00"), None)),
        some_topup("16.00", "9.80")
    );
    assert_eq!(
        topup(&q("100.00", Some("116.00"), None)),
        some_topup("16.00", "9.80")
    );
    assert_eq!(topup(&q("100.00", Some("115.99"), None)), None);
    assert_eq!(topup(&q("100.00", Some("100.00"), None)), None);
    // The same for the merchant's limit.
    assert_eq!(
        topup(&q("100.00", None, Some("116.00"))),
        some_topup("16.00", "9.80")
    );
    assert_eq!(topup(&q("100.00", None, Some("115.99"))), None);
    // A balance at or above E_bal needs no top-up.
    assert_eq!(topup(&q("116.00", None, None)), None);
    assert_eq!(topup(&q("116.00", Some("50.00"), None)), None);
    // The hint never appears without use_balance.
    let off = quote(
        &c,
        &with_limit(None),
        money("100.00", Currency::CNY),
        &choice(false, None),
    );
    assert_eq!(topup(&off.unwrap()), None);
}

#[test]
fn it_limits_the_balance_to_the_merchants_maximum_per_order() {
    let p = policy(json!({"max_balance_per_order": "80.00"}));
    let q = quote(
        &design_cart(),
        &p,
        money("500.00", Currency::CNY),
        &choice(true, None),
    )
    .unwrap();
    assert!(!q.balance_prices_applied);
    assert_eq!(q.balance_amount.to_string(), "80.00");
    assert_eq!(q.other_amount.to_string(), "145.80");
    // min(B, C, max): the smallest of the three wins.
    let q = quote(
        &design_cart(),
        &p,
        money("500.00", Currency::CNY),
        &choice(true, Some("60.00")),
    )
    .unwrap();
    assert_eq!(q.balance_amount.to_string(), "60.00");
    let q = quote(
        &design_cart(),
        &p,
        money("70.00", Currency::CNY),
        &choice(true, Some("90.00")),
    )
    .unwrap();
    assert_eq!(q.balance_amount.to_string(), "70.00");
}

#[test]
fn it_uses_no_balance_when_the_shopper_declines() {
    let q = quote_default(&design_cart(), "500.00", &choice(false, None));
    assert!(!q.balance_prices_applied);
    assert_eq!(q.total.to_string(), "225.80");
    assert_eq!(q.eligible_total.to_string(), "125.80");
    assert_eq!(q.balance_amount.to_string(), "0.00");
    assert_eq!(q.other_amount.to_string(), "225.80");
    assert_eq!(q.savings.to_string(), "0.00");
    assert_eq!(topup(&q), None);
    assert!(q
        .lines
        .iter()
        .all(|l| l.balance.is_zero() && l.other == l.amount));
    // The cap is irrelevant then.
    assert_eq!(
        quote_default(&design_cart(), "500.00", &choice(false, Some("1.00"))),
        q
    );
}

#[test]
fn it_pays_everything_with_balance_when_every_line_is_eligible() {
    let c = cart("CNY", vec![line("a", 1, "10.00")], Some("2.00"));
    let q = quote_default(&c, "12.00", &choice(true, None));
    assert_eq!(q.balance_amount.to_string(), "12.00");
    assert_eq!(q.other_amount.to_string(), "0.00");
    assert!(!q.needs_other_method());
    assert!(!q.balance_prices_applied, "no line has a balance price");
}

#[test]
fn it_never_applies_balance_prices_without_one_on_an_eligible_line() {
    // The only balance price sits on a third-party line the policy does not accept.
    let c = cart(
        "CNY",
        vec![
            line("a", 1, "10.00"),
            third_party(line_bp("b", 1, "20.00", "15.00"), "m-1"),
        ],
        None,
    );
    let q = quote_default(&c, "1000.00", &choice(true, None));
    assert!(!q.balance_prices_applied);
    assert_eq!(q.total.to_string(), "30.00");
    assert_eq!(q.balance_amount.to_string(), "10.00");
    let q = quote_default(&c, "1.00", &choice(true, None));
    assert_eq!(topup(&q), None, "no balance price to unlock");
    // Once the merchant is accepted, its balance price counts.
    let p = policy(json!({"accepting_third_party": ["m-1"]}));
    let q = quote(&c, &p, money("1000.00", Currency::CNY), &choice(true, None)).unwrap();
    assert!(q.balance_prices_applied);
    assert_eq!(q.total.to_string(), "25.00");
    assert_eq!(q.savings.to_string(), "5.00");
}

#[test]
fn it_excludes_shipping_when_the_policy_says_so() {
    let p = policy(json!({"shipping_eligible": false}));
    let q = quote(
        &design_cart(),
        &p,
        money("500.00", Currency::CNY),
        &choice(true, None),
    )
    .unwrap();
    // E_bal = 110.00 without shipping.
    assert!(q.balance_prices_applied);
    assert_eq!(q.eligible_total.to_string(), "110.00");
    assert_eq!(q.total.to_string(), "216.00");
    assert_eq!(q.other_amount.to_string(), "106.00");
    let shipping = &q.lines[2];
    assert_eq!(shipping.id, "shipping");
    assert!(!shipping.eligible);
    assert_eq!(shipping.reason.map(|r| r.code()), Some("shipping_excluded"));
    assert_eq!(shipping.balance.to_string(), "0.00");
}

#[test]
fn it_lists_no_shipping_line_when_the_cart_has_no_shipping() {
    let c = cart("CNY", vec![line("a", 1, "1.00")], None);
    let q = quote_default(&c, "1.00", &choice(true, None));
    assert_eq!(q.lines.len(), 1);
    // A zero fee is still shipping, and still listed.
    let c = cart("CNY", vec![line("a", 1, "1.00")], Some("0.00"));
    let q = quote_default(&c, "1.00", &choice(true, None));
    assert_eq!(q.lines[1].id, "shipping");
    assert_eq!(q.lines[1].balance.to_string(), "0.00");
}

#[test]
fn it_rejects_a_balance_in_another_currency() {
    let balance = Money::parse("100", Currency::JPY).unwrap();
    let e = quote(
        &design_cart(),
        &Default::default(),
        balance,
        &choice(true, None),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "balance: the wallet is in JPY, the cart in CNY"
    );
}

#[test]
fn it_rejects_a_cap_or_limit_with_more_decimals_than_the_currency() {
    let c = cart("JPY", vec![line("a", 1, "1000")], None);
    let e = quote(
        &c,
        &Default::default(),
        money("10", Currency::JPY),
        &choice(true, Some("1.5")),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"balance_cap: JPY allows 0 decimals, got "1.5""#
    );
    let p = policy(json!({"max_balance_per_order": "0.5"}));
    let e = quote(&c, &p, money("10", Currency::JPY), &choice(true, None)).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"policy.max_balance_per_order: JPY allows 0 decimals, got "0.5""#
    );
}

#[test]
fn it_reads_the_choice_strictly() {
    let c: Choice = serde_json::from_str(r#"{"use_balance": true}"#).unwrap();
    assert_eq!(c, choice(true, None));
    let c: Choice = serde_json::from_str(r#"{"use_balance": true, "balance_cap": "5"}"#).unwrap();
    assert_eq!(c, choice(true, Some("5")));
    assert!(serde_json::from_str::<Choice>(r#"{"use_balance": true, "all": 1}"#).is_err());
    assert!(serde_json::from_str::<Choice>(r#"{"use_balance": true, "balance_cap": 5}"#).is_err());
    assert!(serde_json::from_str::<Choice>(r#"{"use_balance": "yes"}"#).is_err());
}

#[test]
fn it_returns_errors_not_panics_for_carts_that_skipped_validation() {
    // `Cart`'s fields are public, so a caller can build one that `validate` would refuse;
    // the quote must still answer with an error.
    let mut huge_line = cart("CNY", vec![line("a", 1, "6000000000000.00")], None);
    huge_line.lines[0].quantity = 2;
    let e = quote_default_err(&huge_line);
    assert_eq!(
        e.to_string(),
        "line \"a\": amount 12000000000000.00 is above the maximum of 10000000000000 major units"
    );
    let mut huge_total = cart("CNY", vec![line("a", 1, "6000000000000.00")], None);
    huge_total.lines.push(huge_total.lines[0].clone());
    huge_total.lines[1].id = "b".to_owned();
    assert_eq!(
        quote_default_err(&huge_total).to_string(),
        "amount 12000000000000.00 is above the maximum of 10000000000000 major units"
    );
    let mut mixed = cart("CNY", vec![line("a", 1, "1.00")], None);
    mixed.lines[0].unit_price = Money::parse("100", Currency::JPY).unwrap();
    assert_eq!(
        quote_default_err(&mixed).to_string(),
        "currency mismatch: expected CNY, got JPY"
    );
}

fn quote_default_err(c: &Cart) -> checkout_core::Error {
    quote(
        c,
        &Default::default(),
        money("1.00", Currency::CNY),
        &choice(true, None),
    )
    .unwrap_err()
}
