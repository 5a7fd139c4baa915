//! Carts, the demo seed and small value helpers.

use checkout_core::{Cart, Policy};
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// The demo merchant's secret key.
pub const MERCHANT_KEY: &str = "sk_test_demo";
/// The demo admin key for the wallet endpoints.
pub const ADMIN_KEY: &str = "ak_test_demo";
/// The demo's read-only metrics key.
pub const METRICS_KEY: &str = "mk_demo";
/// The seeded shopper, with 120.50 CNY and payment password 123456.
pub const DEMO_SHOPPER: &str = "shopper_demo";
pub const DEMO_PASSWORD: &str = "123456";
pub const DEMO_BALANCE: &str = "120.50";
/// The demo shoppers' login passwords (the sign-in credential; `demo::LOGIN_PASSWORD`).
pub const DEMO_LOGIN: &str = "Lantern-Maple-42";
pub const NEW_LOGIN: &str = "Violet-Tractor-17";
/// The login password the harness gives every other wallet it makes.
pub const LOGIN_PASSWORD: &str = "Harbor-Quill-73";

/// The login password of a wallet the demo seeded or the harness made.
#[must_use]
pub fn login_of(shopper: &str) -> &'static str {
    match shopper {
        "shopper_demo" => DEMO_LOGIN,
        "shopper_new" => NEW_LOGIN,
        _ => LOGIN_PASSWORD,
    }
}

/// `demo-shop`'s policy: the default one, accepting the third-party merchant `m-partner`,
/// with its 618 promotion (¥10 off a balance part of ¥199 or more).
#[must_use]
pub fn demo_policy() -> Policy {
    Policy {
        accepting_third_party: vec!["m-partner".to_owned()],
        promotions: serde_json::from_value(json!([{
            "id": "618", "kind": "balance_pay_discount", "threshold": "199.00", "off": "10.00",
            "label": {"zh-CN": "618 余额支付满199减10", "en": "618: ¥10 off ¥199+ paid with balance"},
        }]))
        .expect("the demo's promotion"),
        ..Policy::default()
    }
}

/// A self-operated physical line.
#[must_use]
pub fn physical_line(id: &str, quantity: u32, unit_price: &str) -> Value {
    json!({"id": id, "sku": format!("SKU-{id}"), "name": format!("Item {id}"),
           "quantity": quantity, "unit_price": unit_price,
           "merchant": {"id": "self", "kind": "self_operated"}, "category": "physical"})
}

/// A CNY cart of `lines`, with a shipping fee when given.
#[must_use]
pub fn cart(lines: Vec<Value>, shipping: Option<&str>) -> Value {
    let mut cart = json!({"currency": "CNY", "lines": lines});
    if let Some(fee) = shipping {
        cart["shipping"] = json!({"fee": fee});
    }
    cart
}

/// One physical item at `price`, no shipping: the balance can pay all of it.
#[must_use]
pub fn one_item_cart(price: &str) -> Value {
    cart(vec![physical_line("L1", 1, price)], None)
}

/// The cart of DESIGN.md: with 120.50 of balance the balance prices apply, the balance
/// pays 116.00 and 100.00 (the excluded game card) is left for a second method.
#[must_use]
pub fn design_cart() -> Value {
    json!({
      "currency": "CNY",
      "lines": [
        {"id": "L1", "sku": "100012043978", "name": "Kettle", "quantity": 2,
         "unit_price": "59.90", "balance_price": "55.00",
         "merchant": {"id": "self", "kind": "self_operated"}, "category": "physical"},
        {"id": "L2", "sku": "GC-100", "name": "Game card", "quantity": 1,
         "unit_price": "100.00",
         "merchant": {"id": "m-778", "kind": "third_party"}, "category": "virtual"}
      ],
      "shipping": {"fee": "6.00"}
    })
}

/// Two eligible lines, one excluded line and shipping, for refunds by line.
#[must_use]
pub fn refund_cart() -> Value {
    let mut virtual_line = physical_line("L3", 1, "30.00");
    virtual_line["category"] = json!("virtual");
    cart(
        vec![
            physical_line("L1", 2, "20.00"),
            physical_line("L2", 1, "10.00"),
            virtual_line,
        ],
        Some("5.00"),
    )
}

/// The cart as the core validates it (what the server must also compute from).
#[must_use]
pub fn core_cart(cart: &Value) -> Cart {
    Cart::from_json(&cart.to_string()).expect("fixture carts are valid")
}

/// A decimal from an amount string on the wire.
#[track_caller]
#[must_use]
pub fn dec(v: &Value) -> Decimal {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("expected an amount string, got {v}"));
    s.parse::<Decimal>()
        .unwrap_or_else(|e| panic!("{s:?} is not a decimal: {e}"))
}

/// A decimal from a literal.
#[track_caller]
#[must_use]
pub fn d(s: &str) -> Decimal {
    s.parse::<Decimal>().expect("decimal literal")
}
