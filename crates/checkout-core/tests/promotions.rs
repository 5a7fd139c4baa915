//! The balance-pay discount (DESIGN.md *Promotions*) as tables: the threshold met exactly,
//! missed by one minor unit, a cap that drops the balance part under it, currencies with
//! 0 and 3 digits, ineligible lines, and the top-up that would unlock it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use checkout_core::{discount_topup, quote, Choice, Currency, Policy, Quote};
use common::*;
use serde_json::json;

fn policy_with(threshold: &str, off: &str) -> Policy {
    policy(json!({"promotions": [{
        "id": "618", "kind": "balance_pay_discount", "threshold": threshold, "off": off,
        "label": {"zh-CN": "余额支付满199减10", "en": "10 off 199 paid with balance"},
    }]}))
}

fn q(
    currency: &str,
    lines: Vec<serde_json::Value>,
    p: &Policy,
    balance: &str,
    c: &Choice,
) -> Quote {
    let cart = cart(currency, lines, None);
    let cur: Currency = currency.parse().unwrap();
    quote(&cart, p, money(balance, cur), c).unwrap()
}

/// `(balance_amount, other_amount, total, [line discounts])` as strings.
fn figures(q: &Quote) -> (String, String, String, Vec<String>) {
    (
        q.balance_amount.to_string(),
        q.other_amount.to_string(),
        q.total.to_string(),
        q.lines.iter().map(|l| l.discount.to_string()).collect(),
    )
}

#[test]
fn the_threshold_met_exactly_takes_off_from_the_balance_part() {
    let p = policy_with("199.00", "10.00");
    let lines = vec![
        line("A", 1, "100.00"),
        line("B", 1, "99.00"),
        line("C", 1, "50.00"),
    ];
    let got = q("CNY", lines, &p, "199.00", &choice(true, None));
    // 199.00 of 249.00 from the balance (A and B first by proportion: 199 over A, B, C).
    assert_eq!(got.discounts.len(), 1);
    assert_eq!(got.discounts[0].amount.to_string(), "10.00");
    assert_eq!(figures(&got).0, "189.00");
    assert_eq!(figures(&got).1, "50.00");
    assert_eq!(figures(&got).2, "239.00");
    assert_eq!(got.savings.to_string(), "10.00");
    let json = serde_json::to_value(&got).unwrap();
    assert_eq!(json["discounts"][0]["label"]["zh-CN"], "余额支付满199减10");
}

#[test]
fn one_minor_unit_short_gets_no_discount_and_a_top_up_hint() {
    let p = policy_with("199.00", "10.00");
    let c = choice(true, None);
    let got = q("CNY", vec![line("A", 1, "250.00")], &p, "198.99", &c);
    assert!(got.discounts.is_empty());
    assert!(!serde_json::to_string(&got).unwrap().contains("discount"));
    let hint = discount_topup(&got, &p, &c).expect("a top-up unlocks it");
    assert_eq!(
        (hint.amount.to_string(), hint.off.to_string()),
        ("0.01".into(), "10.00".into())
    );
}

#[test]
fn a_cap_under_the_threshold_drops_the_discount_and_the_hint() {
    let p = policy_with("199.00", "10.00");
    let c = choice(true, Some("150.00"));
    let got = q("CNY", vec![line("A", 1, "250.00")], &p, "500.00", &c);
    assert!(got.discounts.is_empty());
    assert_eq!(got.balance_amount.to_string(), "150.00");
    assert!(
        discount_topup(&got, &p, &c).is_none(),
        "no top-up can pass the cap"
    );
    // Without the balance used there is neither.
    let off = q(
        "CNY",
        vec![line("A", 1, "250.00")],
        &p,
        "500.00",
        &choice(false, None),
    );
    assert!(off.discounts.is_empty() && discount_topup(&off, &p, &choice(false, None)).is_none());
}

#[test]
fn ineligible_lines_carry_no_discount_and_do_not_count_to_the_threshold() {
    let p = policy_with("100.00", "10.00");
    let virt = with(line("V", 1, "300.00"), "category", json!("virtual"));
    let lines = vec![line("A", 1, "60.00"), virt, line("B", 1, "60.00")];
    let got = q("CNY", lines, &p, "1000.00", &choice(true, None));
    assert_eq!(figures(&got).3, vec!["5.00", "0.00", "5.00"]);
    assert_eq!(figures(&got).0, "110.00");
    let small = q(
        "CNY",
        vec![
            line("A", 1, "60.00"),
            with(line("V", 1, "300.00"), "category", json!("virtual")),
        ],
        &p,
        "1000.00",
        &choice(true, None),
    );
    assert!(
        small.discounts.is_empty(),
        "the virtual line does not count"
    );
    assert!(
        discount_topup(&small, &p, &choice(true, None)).is_none(),
        "the order cannot reach it"
    );
}

#[test]
fn zero_and_three_digit_currencies_spread_in_their_minor_units() {
    let jpy = policy_with("1000", "100");
    let got = q(
        "JPY",
        vec![line("A", 1, "700"), line("B", 1, "800")],
        &jpy,
        "5000",
        &choice(true, None),
    );
    assert_eq!(figures(&got).3, vec!["47", "53"]);
    let kwd = policy_with("10.000", "0.125");
    let got = q(
        "KWD",
        vec![line("A", 3, "3.334")],
        &kwd,
        "20.000",
        &choice(true, None),
    );
    assert_eq!(
        (figures(&got).0, figures(&got).3),
        ("9.877".into(), vec!["0.125".into()])
    );
    // Amounts with more digits than the cart's currency are refused at their place.
    let err = quote(
        &cart("JPY", vec![line("A", 1, "2000")], None),
        &policy_with("1000", "0.5"),
        money("5000", Currency::JPY),
        &choice(true, None),
    )
    .unwrap_err();
    assert_eq!(err.path(), "policy.promotions[0].off");
}
