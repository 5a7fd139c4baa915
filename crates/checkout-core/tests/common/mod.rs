//! Builders shared by the integration tests: carts as JSON values, so that every test goes
//! through the same parsing and validation a merchant's cart goes through.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]
// Test helpers outside #[test] functions may unwrap too: a failure is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use checkout_core::{quote, Cart, Choice, Currency, Error, Money, Policy, Quote};

/// `(id, amount, balance, other)` of a quote line.
pub type Row = (String, String, String, String);
use serde_json::{json, Value};

/// A self-operated physical line: eligible under the default policy.
pub fn line(id: &str, quantity: u32, unit_price: &str) -> Value {
    json!({
        "id": id,
        "name": format!("item {id}"),
        "quantity": quantity,
        "unit_price": unit_price,
        "merchant": {"id": "self", "kind": "self_operated"},
        "category": "physical"
    })
}

/// A line with a balance-exclusive price.
pub fn line_bp(id: &str, quantity: u32, unit_price: &str, balance_price: &str) -> Value {
    let mut l = line(id, quantity, unit_price);
    l["balance_price"] = json!(balance_price);
    l
}

/// `line` with one field replaced.
pub fn with(mut value: Value, field: &str, new: Value) -> Value {
    value[field] = new;
    value
}

/// A line sold by a third-party merchant.
pub fn third_party(mut value: Value, merchant_id: &str) -> Value {
    value["merchant"] = json!({"id": merchant_id, "kind": "third_party"});
    value
}

pub fn cart_json(currency: &str, lines: Vec<Value>, shipping: Option<&str>) -> Value {
    let mut cart = json!({"currency": currency, "lines": lines});
    if let Some(fee) = shipping {
        cart["shipping"] = json!({"fee": fee});
    }
    cart
}

pub fn cart(currency: &str, lines: Vec<Value>, shipping: Option<&str>) -> Cart {
    Cart::from_json(&cart_json(currency, lines, shipping).to_string()).unwrap()
}

/// The message of the error a cart is rejected with (path included).
pub fn cart_error(cart: &Value) -> Error {
    Cart::from_json(&cart.to_string()).unwrap_err()
}

pub fn money(s: &str, currency: Currency) -> Money {
    Money::parse(s, currency).unwrap()
}

pub fn choice(use_balance: bool, cap: Option<&str>) -> Choice {
    Choice {
        use_balance,
        balance_cap: cap.map(|c| c.parse().unwrap()),
    }
}

pub fn policy(value: Value) -> Policy {
    serde_json::from_value(value).unwrap()
}

/// The quote for a cart under the default policy.
pub fn quote_default(cart: &Cart, balance: &str, choice: &Choice) -> Quote {
    quote(
        cart,
        &Policy::default(),
        money(balance, cart.currency),
        choice,
    )
    .unwrap()
}

/// `(id, amount, balance, other)` of each quote line, as strings, for compact assertions.
pub fn allocations(q: &Quote) -> Vec<Row> {
    q.lines
        .iter()
        .map(|l| {
            (
                l.id.clone(),
                l.amount.to_string(),
                l.balance.to_string(),
                l.other.to_string(),
            )
        })
        .collect()
}

pub fn row(id: &str, amount: &str, balance: &str, other: &str) -> Row {
    (
        id.to_owned(),
        amount.to_owned(),
        balance.to_owned(),
        other.to_owned(),
    )
}

pub fn topup(q: &Quote) -> Option<(String, String)> {
    q.topup_to_unlock
        .map(|t| (t.amount.to_string(), t.savings.to_string()))
}

pub fn some_topup(amount: &str, savings: &str) -> Option<(String, String)> {
    Some((amount.to_owned(), savings.to_owned()))
}
