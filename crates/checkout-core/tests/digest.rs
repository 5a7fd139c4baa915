//! Canonical cart JSON and `cart_digest`: key order, omitted optionals, escaping, stability.
//! Expected digests were computed independently (Python: `json.dumps(cart, sort_keys=True,
//! separators=(",", ":"), ensure_ascii=False)` then `hashlib.sha256`).
// Test helpers outside #[test] functions may unwrap too: a failure is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use checkout_core::{canonical_json, cart_digest, Cart};
use common::{cart, line, with};
use serde_json::json;

const DESIGN_CART: &str = r#"{
  "currency": "CNY",
  "lines": [
    {"id": "L1", "sku": "100012043978", "name": "Kettle", "quantity": 2,
     "unit_price": "59.90", "balance_price": "55.00",
     "merchant": {"id": "self", "kind": "self_operated"},
     "category": "physical"},
    {"id": "L2", "sku": "GC-100", "name": "Game card", "quantity": 1,
     "unit_price": "100.00",
     "merchant": {"id": "m-778", "kind": "third_party"},
     "category": "virtual"}
  ],
  "shipping": {"fee": "6.00"}
}"#;

#[test]
fn it_sorts_keys_and_drops_whitespace_in_canonical_json() {
    let c = Cart::from_json(DESIGN_CART).unwrap();
    assert_eq!(
        canonical_json(&c),
        concat!(
            r#"{"currency":"CNY","lines":[{"balance_price":"55.00","category":"physical","id":"L1","#,
            r#""merchant":{"id":"self","kind":"self_operated"},"name":"Kettle","quantity":2,"#,
            r#""sku":"100012043978","unit_price":"59.90"},{"category":"virtual","id":"L2","#,
            r#""merchant":{"id":"m-778","kind":"third_party"},"name":"Game card","quantity":1,"#,
            r#""sku":"GC-100","unit_price":"100.00"}],"shipping":{"fee":"6.00"}}"#
        )
    );
}

#[test]
fn it_digests_the_design_cart_to_a_known_value() {
    let c = Cart::from_json(DESIGN_CART).unwrap();
    assert_eq!(
        cart_digest(&c),
        "4177b194d3ba09fa2c362d61700d4d3628b999b7b42533e2a91a15bfe9026ff9"
    );
}

#[test]
fn it_omits_absent_optional_fields_rather_than_writing_null() {
    let c = cart("JPY", vec![line("a", 1, "100")], None);
    let json = canonical_json(&c);
    assert_eq!(
        json,
        concat!(
            r#"{"currency":"JPY","lines":[{"category":"physical","id":"a","#,
            r#""merchant":{"id":"self","kind":"self_operated"},"name":"item a","quantity":1,"#,
            r#""unit_price":"100"}]}"#
        )
    );
    assert!(!json.contains("null"));
}

#[test]
fn it_keeps_balance_eligible_false_in_the_digest() {
    let plain = cart("CNY", vec![line("a", 1, "1")], None);
    let excluded = cart(
        "CNY",
        vec![with(line("a", 1, "1"), "balance_eligible", json!(false))],
        None,
    );
    assert!(canonical_json(&excluded).contains(r#""balance_eligible":false"#));
    assert_ne!(cart_digest(&plain), cart_digest(&excluded));
}

#[test]
fn it_writes_amounts_with_exactly_the_currency_digits() {
    let short = cart("KWD", vec![line("a", 1, "1.25")], Some("0"));
    let long = cart("KWD", vec![line("a", 1, "1.250")], Some("0.000"));
    assert!(canonical_json(&short).contains(r#""unit_price":"1.250""#));
    assert!(canonical_json(&short).contains(r#""fee":"0.000""#));
    assert_eq!(cart_digest(&short), cart_digest(&long));
}

#[test]
fn it_digests_the_same_cart_the_same_whatever_its_key_order_and_spacing() {
    let reordered = r#"{"shipping":{"fee":"6"},"lines":[
        {"category":"physical","merchant":{"kind":"self_operated","id":"self"},"balance_price":"55",
         "unit_price":"59.9","quantity":2,"name":"Kettle","sku":"100012043978","id":"L1"},
        {"category":"virtual","merchant":{"kind":"third_party","id":"m-778"},"unit_price":"100",
         "quantity":1,"name":"Game card","sku":"GC-100","id":"L2"}],"currency":"CNY"}"#;
    let a = Cart::from_json(DESIGN_CART).unwrap();
    let b = Cart::from_json(reordered).unwrap();
    assert_eq!(canonical_json(&a), canonical_json(&b));
    assert_eq!(cart_digest(&a), cart_digest(&b));
}

#[test]
fn it_is_stable_under_re_serialization() {
    let c = Cart::from_json(DESIGN_CART).unwrap();
    let again = Cart::from_json(&canonical_json(&c)).unwrap();
    assert_eq!(again, c);
    assert_eq!(canonical_json(&again), canonical_json(&c));
    // Serializing the cart with serde directly and reading it back gives the same digest.
    let via_serde = Cart::from_json(&serde_json::to_string(&c).unwrap()).unwrap();
    assert_eq!(cart_digest(&via_serde), cart_digest(&c));
}

#[test]
fn it_changes_the_digest_when_anything_that_matters_changes() {
    let base = Cart::from_json(DESIGN_CART).unwrap();
    let mut changed = Vec::new();
    let mut c = base.clone();
    c.lines[0].quantity = 3;
    changed.push(c);
    let mut c = base.clone();
    c.lines.swap(0, 1);
    changed.push(c);
    let mut c = base.clone();
    c.shipping = None;
    changed.push(c);
    let mut c = base.clone();
    c.lines[1].name.push(' ');
    changed.push(c);
    for c in changed {
        assert_ne!(cart_digest(&c), cart_digest(&base));
    }
}

#[test]
fn it_escapes_strings_as_serde_json_does() {
    // Quotes, backslashes and control characters escaped; other Unicode written as is.
    let name = "Kettle \"Pro\" \\ 电水壶\n\t\u{1}";
    let c = cart(
        "CNY",
        vec![with(line("a", 1, "1"), "name", json!(name))],
        None,
    );
    assert!(
        canonical_json(&c).contains(r#""name":"Kettle \"Pro\" \\ 电水壶\n\t\u0001""#),
        "{}",
        canonical_json(&c)
    );
    // Independent digest (Python, as above) of this cart.
    assert_eq!(
        cart_digest(&c),
        "242dea678a33df765c75f0e4dae0872b0aa304a528525aa3d600d6e44b650e6c"
    );
}

#[test]
fn it_writes_lower_case_hex_of_64_digits() {
    let d = cart_digest(&Cart::from_json(DESIGN_CART).unwrap());
    assert_eq!(d.len(), 64);
    assert!(d
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
}
