//! Every cart rule and every policy shape rule, each with the path of the field at fault.
// Test helpers outside #[test] functions may unwrap too: a failure is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use checkout_core::cart::{MAX_LINES, MAX_QUANTITY};
use checkout_core::error::from_json;
use checkout_core::money::MAX_EXPONENT;
use checkout_core::{Currency, Policy};
use common::{cart, cart_error, cart_json, line, line_bp, third_party, with};
use serde_json::json;

fn message(cart: &serde_json::Value) -> String {
    cart_error(cart).to_string()
}

#[test]
fn it_rejects_unknown_fields_at_every_level_of_a_cart() {
    let top = with(
        cart_json("CNY", vec![line("a", 1, "1")], None),
        "coupon",
        json!("X"),
    );
    let e = cart_error(&top);
    assert_eq!(e.path(), "coupon");
    assert_eq!(
        e.to_string(),
        "coupon: unknown field `coupon`, expected one of `currency`, `lines`, `shipping`"
    );

    let in_line = cart_json(
        "CNY",
        vec![
            line("a", 1, "1"),
            with(line("b", 1, "1"), "discount", json!("1")),
        ],
        None,
    );
    let e = cart_error(&in_line);
    assert_eq!(e.path(), "lines[1].discount");
    assert!(e.to_string().contains("unknown field `discount`"), "{e}");

    let in_merchant = cart_json(
        "CNY",
        vec![with(
            line("a", 1, "1"),
            "merchant",
            json!({"id": "m", "kind": "self_operated", "rating": 5}),
        )],
        None,
    );
    assert_eq!(cart_error(&in_merchant).path(), "lines[0].merchant.rating");

    let in_shipping = with(
        cart_json("CNY", vec![line("a", 1, "1")], None),
        "shipping",
        json!({"fee": "1.00", "carrier": "SF"}),
    );
    assert_eq!(cart_error(&in_shipping).path(), "shipping.carrier");
}

#[test]
fn it_rejects_unknown_fields_in_a_policy() {
    let e = from_json::<Policy>(r#"{"shipping_eligible": true, "min_order": "10"}"#).unwrap_err();
    assert!(e.to_string().contains("unknown field `min_order`"), "{e}");
    let e = from_json::<Policy>(r#"{"excluded_categories": ["food"]}"#).unwrap_err();
    assert_eq!(e.path(), "excluded_categories[0]");
    let e = from_json::<Policy>(r#"{"max_balance_per_order": 100}"#).unwrap_err();
    assert_eq!(e.path(), "max_balance_per_order");
    // Absent fields take the defaults of DESIGN.md.
    assert_eq!(from_json::<Policy>("{}").unwrap(), Policy::default());
}

#[test]
fn it_rejects_unknown_enum_values_with_their_path() {
    let bad_category = cart_json(
        "CNY",
        vec![with(line("a", 1, "1"), "category", json!("food"))],
        None,
    );
    assert_eq!(cart_error(&bad_category).path(), "lines[0].category");
    let bad_kind = cart_json(
        "CNY",
        vec![with(
            line("a", 1, "1"),
            "merchant",
            json!({"id": "m", "kind": "franchise"}),
        )],
        None,
    );
    assert_eq!(cart_error(&bad_kind).path(), "lines[0].merchant.kind");
}

#[test]
fn it_rejects_missing_required_fields() {
    let mut no_price = line("a", 1, "1");
    no_price.as_object_mut().unwrap().remove("unit_price");
    let e = cart_error(&cart_json("CNY", vec![no_price], None));
    assert!(e.to_string().contains("missing field `unit_price`"), "{e}");
    assert_eq!(e.path(), "lines[0]");
}

#[test]
fn it_requires_unique_non_empty_line_ids() {
    let duplicate = cart_json(
        "CNY",
        vec![line("a", 1, "1"), line("b", 1, "1"), line("a", 1, "1")],
        None,
    );
    assert_eq!(
        message(&duplicate),
        r#"lines[2].id: duplicate line id "a" (also lines[0].id)"#
    );
    let empty = cart_json("CNY", vec![line("a", 1, "1"), line("", 1, "1")], None);
    assert_eq!(message(&empty), "lines[1].id: must not be empty");
    let blank = cart_json("CNY", vec![line("  ", 1, "1")], None);
    assert_eq!(message(&blank), "lines[0].id: must not be empty");
    let long = cart_json("CNY", vec![line(&"x".repeat(65), 1, "1")], None);
    assert_eq!(message(&long), "lines[0].id: must be at most 64 characters");
    // 64 characters (not bytes) are fine, even multi-byte ones.
    cart("CNY", vec![line(&"货".repeat(64), 1, "1")], None);
}

#[test]
fn it_reserves_the_line_id_shipping() {
    let c = cart_json(
        "JPY",
        vec![line("a", 1, "1"), line("shipping", 1, "500")],
        None,
    );
    assert_eq!(
        message(&c),
        r#"lines[1].id: "shipping" is reserved for the shipping fee; use another line id"#
    );
    // Only the exact id is reserved.
    cart(
        "JPY",
        vec![line("Shipping", 1, "1"), line("shipping-2", 1, "1")],
        None,
    );
}

#[test]
fn it_checks_names_skus_and_merchant_ids() {
    let no_name = cart_json(
        "CNY",
        vec![with(line("a", 1, "1"), "name", json!(""))],
        None,
    );
    assert_eq!(message(&no_name), "lines[0].name: must not be empty");
    let long_name = with(line("a", 1, "1"), "name", json!("n".repeat(257)));
    assert_eq!(
        message(&cart_json("CNY", vec![long_name], None)),
        "lines[0].name: must be at most 256 characters"
    );
    let empty_sku = cart_json("CNY", vec![with(line("a", 1, "1"), "sku", json!(""))], None);
    assert_eq!(message(&empty_sku), "lines[0].sku: must not be empty");
    let no_merchant = third_party(line("a", 1, "1"), "");
    assert_eq!(
        message(&cart_json("CNY", vec![no_merchant], None)),
        "lines[0].merchant.id: must not be empty"
    );
}

#[test]
fn it_requires_a_quantity_from_1_to_9999() {
    let at = |q: serde_json::Value| {
        cart_json(
            "KWD",
            vec![line("a", 1, "1"), with(line("b", 1, "1"), "quantity", q)],
            None,
        )
    };
    assert_eq!(
        message(&at(json!(0))),
        "lines[1].quantity: must be between 1 and 9999, got 0"
    );
    assert_eq!(
        message(&at(json!(10_000))),
        "lines[1].quantity: must be between 1 and 9999, got 10000"
    );
    for not_a_count in [json!(-1), json!(1.5), json!("2"), json!(4_294_967_296_u64)] {
        assert_eq!(
            cart_error(&at(not_a_count.clone())).path(),
            "lines[1].quantity",
            "{not_a_count}"
        );
    }
    let ok = cart("KWD", vec![line("a", MAX_QUANTITY, "1.250")], None);
    assert_eq!(ok.lines[0].amount().unwrap().to_string(), "12498.750");
}

#[test]
fn it_allows_at_most_10000_lines_and_at_least_one() {
    let lines = |n: usize| {
        (0..n)
            .map(|i| line(&format!("L{i}"), 1, "1"))
            .collect::<Vec<_>>()
    };
    assert_eq!(cart("JPY", lines(MAX_LINES), None).lines.len(), 10_000);
    assert_eq!(
        message(&cart_json("JPY", lines(MAX_LINES + 1), None)),
        "lines: a cart has at most 10000 lines, got 10001"
    );
    assert_eq!(
        message(&cart_json("JPY", vec![], None)),
        "lines: a cart needs at least one line"
    );
}

#[test]
fn it_requires_the_balance_price_strictly_below_the_unit_price() {
    let equal = cart_json("CNY", vec![line_bp("a", 1, "10.00", "10")], None);
    assert_eq!(
        message(&equal),
        "lines[0].balance_price: must be below unit_price (10.00), got 10.00"
    );
    let above = cart_json(
        "KWD",
        vec![line("x", 1, "1"), line_bp("a", 1, "1.000", "1.001")],
        None,
    );
    assert_eq!(
        message(&above),
        "lines[1].balance_price: must be below unit_price (1.000), got 1.001"
    );
    let free_gift = cart_json("JPY", vec![line_bp("a", 1, "0", "0")], None);
    assert_eq!(
        message(&free_gift),
        "lines[0].balance_price: must be below unit_price (0), got 0"
    );
    let ok = cart("JPY", vec![line_bp("a", 2, "1000", "1")], None);
    assert_eq!(ok.lines[0].balance_amount().unwrap().to_string(), "2");
}

#[test]
fn it_rejects_a_balance_price_of_zero_with_the_field_path() {
    // Issue 16: a 15.00 item with a balance price of 0.00 was free for any shopper.
    let free = cart_json(
        "CNY",
        vec![line("x", 1, "1.00"), line_bp("a", 1, "15.00", "0.00")],
        None,
    );
    assert_eq!(
        message(&free),
        "lines[1].balance_price: must be above zero, got 0.00; leave it out when the line \
         has no balance-only price"
    );
    for (currency, unit, zero) in [("JPY", "1000", "0"), ("KWD", "1.000", "0.000")] {
        let free = cart_json(currency, vec![line_bp("a", 1, unit, zero)], None);
        assert!(
            message(&free).starts_with("lines[0].balance_price: must be above zero"),
            "{currency}"
        );
    }
}

#[test]
fn it_accepts_balance_eligible_false_only() {
    let yes = cart_json(
        "CNY",
        vec![with(line("a", 1, "1"), "balance_eligible", json!(true))],
        None,
    );
    assert_eq!(
        message(&yes),
        "lines[0].balance_eligible: may only be false (to exclude a line); leave it out otherwise"
    );
    let no = cart(
        "CNY",
        vec![with(line("a", 1, "1"), "balance_eligible", json!(false))],
        None,
    );
    assert_eq!(no.lines[0].balance_eligible, Some(false));
    let not_bool = cart_json(
        "CNY",
        vec![with(line("a", 1, "1"), "balance_eligible", json!("no"))],
        None,
    );
    assert_eq!(cart_error(&not_bool).path(), "lines[0].balance_eligible");
}

#[test]
fn it_bounds_line_amounts_and_the_order_total() {
    // 9999 × 10^13 / 9999 is fine; one more unit is not.
    let line_too_large = cart_json("JPY", vec![line("a", 2, "5000000000001")], None);
    assert_eq!(
        message(&line_too_large),
        "lines[0].quantity: line amount too large: line \"a\": amount 10000000000002 is above \
         the maximum of 10000000000000 major units"
    );
    let at_bound = cart("JPY", vec![line("a", 2, "5000000000000")], None);
    assert_eq!(
        at_bound.standard_total().unwrap().to_string(),
        "10000000000000"
    );

    let total_too_large = cart_json(
        "CNY",
        vec![
            line("a", 1, "6000000000000.00"),
            line("b", 1, "4000000000000.00"),
        ],
        Some("0.01"),
    );
    let e = cart_error(&total_too_large);
    assert_eq!(e.path(), "");
    assert!(
        e.to_string().starts_with("the order total is too large"),
        "{e}"
    );
    cart(
        "CNY",
        vec![
            line("a", 1, "6000000000000.00"),
            line("b", 1, "4000000000000.00"),
        ],
        Some("0.00"),
    );
}

#[test]
fn it_reports_the_first_broken_rule_in_document_order_within_a_line() {
    // Both quantity and unit_price are wrong; quantity comes first in the checks.
    let both = cart_json(
        "CNY",
        vec![with(line("a", 0, "1.001"), "name", json!("x"))],
        None,
    );
    assert_eq!(
        message(&both),
        "lines[0].quantity: must be between 1 and 9999, got 0"
    );
}

#[test]
fn it_knows_each_currency_exponent() {
    let exponents: Vec<_> = Currency::ALL
        .iter()
        .map(|c| (c.code(), c.exponent()))
        .collect();
    assert_eq!(
        exponents,
        vec![
            ("CNY", 2),
            ("USD", 2),
            ("EUR", 2),
            ("HKD", 2),
            ("JPY", 0),
            ("KRW", 0),
            ("KWD", 3),
            ("BHD", 3)
        ]
    );
    assert_eq!(
        Currency::ALL.iter().map(|c| c.exponent()).max(),
        Some(MAX_EXPONENT)
    );
}
