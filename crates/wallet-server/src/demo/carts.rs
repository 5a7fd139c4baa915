//! The demo shop's preset carts (`/?cart=basic|topup|mixed`), chosen so that each shows
//! one behaviour of the split with the seeded balance of CNY 120.50.

use serde_json::{json, Value};

/// `basic`: a kettle with a balance price plus shipping; the balance pays it all at the
/// balance price (other_amount 0, succeeds at once).
/// `topup`: an espresso machine whose balance price needs more than the balance: the
/// quote suggests a top-up to unlock it.
/// `festival`: an air purifier without a balance price, above the 618 promotion's ¥199:
/// the seeded balance falls short, so the checkout says how much a top-up would take to
/// get ¥10 off; with ¥199 or more in the wallet the discount applies.
/// `mixed` (default): every eligibility case — a balance-priced item, a virtual item
/// (category excluded), a partner seller (accepted), another seller (not accepted),
/// shipping; needs a second method.
#[must_use]
pub fn preset(name: &str) -> (&'static str, Value) {
    let self_op = json!({"id": "self", "kind": "self_operated"});
    match name {
        "basic" => (
            "basic",
            json!({"currency": "CNY", "lines": [
                {"id": "L1", "sku": "100012043978", "name": "Electric kettle 1.7 L", "quantity": 1,
                 "unit_price": "59.90", "balance_price": "55.00", "merchant": self_op, "category": "physical"}
            ], "shipping": {"fee": "6.00"}}),
        ),
        "topup" => (
            "topup",
            json!({"currency": "CNY", "lines": [
                {"id": "L1", "sku": "100077001234", "name": "Espresso machine", "quantity": 1,
                 "unit_price": "199.00", "balance_price": "179.00", "merchant": self_op, "category": "physical"}
            ], "shipping": {"fee": "6.00"}}),
        ),
        "festival" => (
            "festival",
            json!({"currency": "CNY", "lines": [
                {"id": "L1", "sku": "100099618618", "name": "Air purifier", "quantity": 1,
                 "unit_price": "219.00", "merchant": self_op, "category": "physical"}
            ]}),
        ),
        _ => (
            "mixed",
            json!({"currency": "CNY", "lines": [
                {"id": "L1", "sku": "100012043978", "name": "Electric kettle 1.7 L", "quantity": 1,
                 "unit_price": "59.90", "balance_price": "55.00", "merchant": self_op, "category": "physical"},
                {"id": "L2", "sku": "GC-100", "name": "Game card 100", "quantity": 1,
                 "unit_price": "100.00", "merchant": self_op, "category": "virtual"},
                {"id": "L3", "sku": "TEA-220", "name": "Oolong tea gift tin", "quantity": 1,
                 "unit_price": "45.00", "merchant": {"id": "m-partner", "kind": "third_party"}, "category": "physical"},
                {"id": "L4", "sku": "CASE-7", "name": "Phone case", "quantity": 1,
                 "unit_price": "19.90", "merchant": {"id": "m-778", "kind": "third_party"}, "category": "physical"}
            ], "shipping": {"fee": "6.00"}}),
        ),
    }
}
