//! Amount parsing, table by table: every way an amount can be wrong has its own message,
//! and that message names the field (`lines[2].unit_price`).
// Test helpers outside #[test] functions may unwrap too: a failure is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use checkout_core::error::AmountError;
use checkout_core::money::MAX_MAJOR_UNITS;
use checkout_core::{Amount, Currency, Money};
use common::{cart, cart_error, cart_json, line, line_bp, with};
use serde_json::{json, Value};

/// A three-line cart whose third line (`lines[2]`) has `unit_price` = `price`.
fn cart_with_price(currency: &str, price: Value) -> Value {
    cart_json(
        currency,
        vec![
            line("a", 1, "1"),
            line("b", 1, "1"),
            with(line("c", 1, "1"), "unit_price", price),
        ],
        None,
    )
}

fn rejection(currency: &str, price: Value) -> String {
    cart_error(&cart_with_price(currency, price)).to_string()
}

#[test]
fn it_rejects_more_decimals_than_the_currency_has() {
    let cases = [
        ("CNY", "1.005", r#"CNY allows 2 decimals, got "1.005""#),
        ("USD", "0.001", r#"USD allows 2 decimals, got "0.001""#),
        ("JPY", "1.5", r#"JPY allows 0 decimals, got "1.5""#),
        ("KRW", "100.1", r#"KRW allows 0 decimals, got "100.1""#),
        ("KWD", "1.2505", r#"KWD allows 3 decimals, got "1.2505""#),
        ("BHD", "0.0001", r#"BHD allows 3 decimals, got "0.0001""#),
    ];
    for (currency, price, message) in cases {
        assert_eq!(
            rejection(currency, json!(price)),
            format!("lines[2].unit_price: {message}"),
            "{currency} {price}"
        );
    }
}

#[test]
fn it_counts_decimals_as_written_even_when_they_are_zeros() {
    let cases = [
        ("CNY", "120.500", r#"CNY allows 2 decimals, got "120.500""#),
        ("JPY", "1000.0", r#"JPY allows 0 decimals, got "1000.0""#),
        ("KWD", "1.2500", r#"KWD allows 3 decimals, got "1.2500""#),
    ];
    for (currency, price, message) in cases {
        assert_eq!(
            rejection(currency, json!(price)),
            format!("lines[2].unit_price: {message}")
        );
    }
}

#[test]
fn it_accepts_fewer_decimals_and_writes_exactly_the_currency_digits() {
    let cases = [
        ("CNY", "120.5", "120.50"),
        ("CNY", "120", "120.00"),
        ("CNY", "0", "0.00"),
        ("USD", "0.07", "0.07"),
        ("JPY", "1000", "1000"),
        ("KRW", "0", "0"),
        ("KWD", "1.25", "1.250"),
        ("KWD", "1.250", "1.250"),
        ("BHD", "0.001", "0.001"),
    ];
    for (currency, written, canonical) in cases {
        let c = cart(currency, vec![line("a", 1, written)], None);
        assert_eq!(
            c.lines[0].unit_price.to_string(),
            canonical,
            "{currency} {written}"
        );
        let currency: Currency = currency.parse().unwrap();
        assert_eq!(
            Money::parse(written, currency).unwrap().to_string(),
            canonical
        );
    }
}

#[test]
fn it_rejects_malformed_amount_strings_with_a_reason_for_each() {
    let negative = |s: &str| format!("amount {s:?} is negative; amounts are never below zero");
    let exponent =
        |s: &str| format!("amount {s:?} uses an exponent; write it out in full, like \"1000.00\"");
    let whitespace = |s: &str| {
        format!("amount {s:?} contains whitespace; write it as digits only, like \"12.50\"")
    };
    let malformed = |s: &str| {
        format!(
            "amount {s:?} is not a decimal number; write it like \"12.50\" \
             (digits, one optional point, no sign or leading zeros)"
        )
    };
    let cases: Vec<(&str, &str, String)> = vec![
        ("CNY", "-1.00", negative("-1.00")),
        ("JPY", "-0", negative("-0")),
        ("CNY", "1e3", exponent("1e3")),
        ("KWD", "1E3", exponent("1E3")),
        ("CNY", "1.5e-2", exponent("1.5e-2")),
        ("CNY", " 1.00", whitespace(" 1.00")),
        ("CNY", "1.00 ", whitespace("1.00 ")),
        ("JPY", "1 000", whitespace("1 000")),
        ("KWD", "1.250\n", whitespace("1.250\n")),
        ("CNY", "007", malformed("007")),
        ("JPY", "00", malformed("00")),
        ("KWD", "01.250", malformed("01.250")),
        ("CNY", ".5", malformed(".5")),
        ("CNY", "5.", malformed("5.")),
        ("CNY", ".", malformed(".")),
        ("CNY", "+5", malformed("+5")),
        ("CNY", "1.2.3", malformed("1.2.3")),
        ("CNY", "1,00", malformed("1,00")),
        ("JPY", "1_000", malformed("1_000")),
        ("USD", "$5", malformed("$5")),
        ("CNY", "NaN", malformed("NaN")),
        ("CNY", "Infinity", malformed("Infinity")),
        ("CNY", "0x10", malformed("0x10")),
        ("CNY", "１２", malformed("１２")),
        (
            "CNY",
            "",
            "amount is empty; write it as a string like \"12.50\"".to_owned(),
        ),
    ];
    for (currency, price, message) in cases {
        assert_eq!(
            rejection(currency, json!(price)),
            format!("lines[2].unit_price: {message}"),
            "{currency} {price:?}"
        );
    }
}

#[test]
fn it_rejects_json_numbers_and_other_non_strings_where_an_amount_belongs() {
    let expected = "expected an amount as a JSON string, like \"12.50\"";
    let cases = [
        (json!(12), "invalid type: integer `12`"),
        (json!(12.5), "invalid type: floating point `12.5`"),
        (json!(-1), "invalid type: integer `-1`"),
        (json!(null), "invalid type: null"),
        (json!(true), "invalid type: boolean `true`"),
        (json!(["1.00"]), "invalid type: sequence"),
        (json!({"amount": "1.00"}), "invalid type: map"),
    ];
    for (value, got) in cases {
        assert_eq!(
            rejection("CNY", value.clone()),
            format!("lines[2].unit_price: {got}, {expected}"),
            "{value}"
        );
    }
}

#[test]
fn it_rejects_amounts_over_ten_to_the_thirteen() {
    let too_large =
        |s: &str| format!("amount {s} is above the maximum of {MAX_MAJOR_UNITS} major units");
    let cases = [
        ("JPY", "10000000000001"),
        ("CNY", "10000000000000.01"),
        ("KWD", "10000000000000.001"),
        ("CNY", "99999999999999"),
        ("CNY", "100000000000000000000"),
        ("CNY", "99999999999999999999999999999999999999999"),
    ];
    for (currency, price) in cases {
        assert_eq!(
            rejection(currency, json!(price)),
            format!("lines[2].unit_price: {}", too_large(price)),
        );
    }
}

#[test]
fn it_accepts_exactly_ten_to_the_thirteen() {
    for (currency, price) in [
        ("JPY", "10000000000000"),
        ("CNY", "10000000000000.00"),
        ("KWD", "10000000000000.000"),
    ] {
        let c = cart(currency, vec![line("a", 1, price)], None);
        assert_eq!(c.lines[0].unit_price.to_string(), price);
    }
}

#[test]
fn it_rejects_more_decimals_than_any_decimal_can_hold_as_too_precise() {
    // 29 fraction digits, and 13 integer + 16 fraction digits: neither fits a 96-bit
    // mantissa, and neither is "above the maximum" or "not a number".
    for price in [
        "1.00000000000000000000000000001",
        "9999999999999.9999999999999999",
    ] {
        assert_eq!(
            rejection("CNY", json!(price)),
            format!(
                "lines[2].unit_price: amount {price:?} has more decimals than any currency \
                 allows (at most 3)"
            )
        );
    }
}

#[test]
fn it_names_the_path_of_every_amount_field_of_a_cart() {
    let bad_balance_price = cart_json(
        "CNY",
        vec![line("a", 1, "2.00"), line_bp("b", 1, "2.00", "1.999")],
        None,
    );
    assert_eq!(
        cart_error(&bad_balance_price).to_string(),
        r#"lines[1].balance_price: CNY allows 2 decimals, got "1.999""#
    );
    let bad_fee = cart_json("JPY", vec![line("a", 1, "100")], Some("5.5"));
    assert_eq!(
        cart_error(&bad_fee).to_string(),
        r#"shipping.fee: JPY allows 0 decimals, got "5.5""#
    );
    let number_fee = cart_json("KWD", vec![line("a", 1, "1")], None);
    let number_fee = with(number_fee, "shipping", json!({"fee": 1}));
    let e = cart_error(&number_fee);
    assert_eq!(e.path(), "shipping.fee");
    assert_eq!(e.code().code(), "invalid_request");
}

#[test]
fn it_parses_the_amount_type_on_its_own() {
    assert_eq!(Amount::parse(""), Err(AmountError::Empty));
    assert_eq!(
        Amount::parse("-5"),
        Err(AmountError::Negative("-5".to_owned()))
    );
    assert_eq!("12.50".parse::<Amount>().unwrap().to_string(), "12.50");
    assert_eq!(
        "USDX".parse::<Currency>(),
        Err(AmountError::UnknownCurrency("USDX".to_owned()))
    );
    let e = cart_error(&cart_json("XYZ", vec![line("a", 1, "1")], None));
    assert_eq!(e.path(), "currency");
}

#[test]
fn it_builds_money_from_minor_units_exactly() {
    let cases = [
        (Currency::CNY, 12050, "120.50"),
        (Currency::JPY, 1000, "1000"),
        (Currency::KWD, 1250, "1.250"),
        (Currency::BHD, 1, "0.001"),
        (Currency::USD, 0, "0.00"),
    ];
    for (currency, minor, written) in cases {
        let m = Money::from_minor(minor, currency).unwrap();
        assert_eq!(m.to_string(), written);
        assert_eq!(m.minor(), minor);
    }
    assert!(Money::from_minor(-1, Currency::CNY).is_err());
    assert!(Money::from_minor(1_000_000_000_000_001, Currency::CNY).is_err());
}

#[test]
fn it_checks_arithmetic_instead_of_wrapping() {
    let cny = |s: &str| Money::parse(s, Currency::CNY).unwrap();
    let max = cny("10000000000000.00");
    assert_eq!(
        max.checked_add(cny("0.01")).unwrap_err().to_string(),
        "amount 10000000000000.01 is above the maximum of 10000000000000 major units"
    );
    assert_eq!(
        cny("1.00").checked_sub(cny("1.01")).unwrap_err(),
        AmountError::Negative("1.00 - 1.01".to_owned())
    );
    assert!(cny("5000000000000.01").checked_mul(2).is_err());
    assert_eq!(cny("59.90").checked_mul(2).unwrap().to_string(), "119.80");
    let jpy = Money::parse("1", Currency::JPY).unwrap();
    assert_eq!(
        cny("1.00").checked_add(jpy).unwrap_err().to_string(),
        "currency mismatch: expected CNY, got JPY"
    );
    assert_eq!(cny("1.00").partial_cmp(&jpy), None);
}
