//! Reading the backend's JSON with the browser's own parser (`JSON.parse`) and walking the
//! result, instead of `serde_json`'s deserializer.
//!
//! Why: the deserializer, its error texts and the float formatting they pull in were about
//! a fifth of the wasm every shopper downloads (BENCHMARKS.md), for the handful of shapes
//! the widget reads. Amounts still go through the core's `Amount::parse`, and a JSON
//! number where an amount belongs is still rejected: `as_string` is `None` for numbers.
//! Writing JSON (the intent, the quote in events) is `json.rs`.

use checkout_core::{Amount, Category, Currency, MerchantKind, Method};
use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

pub type Result<T> = std::result::Result<T, String>;

/// Parses a JSON document.
pub fn parse(json: &str) -> Result<JsValue> {
    JSON::parse(json).map_err(|_| "the answer is not valid JSON".to_owned())
}

/// `v` as JSON text again (a part of an answer kept as the backend sent it).
pub fn stringify(v: &JsValue) -> Result<String> {
    JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| "a part of the answer is not JSON".to_owned())
}

/// `v[key]`, `undefined` when `v` is not an object or has no such key.
#[must_use]
pub fn field(v: &JsValue, key: &str) -> JsValue {
    if v.is_object() {
        Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

fn present(v: &JsValue) -> bool {
    !v.is_undefined() && !v.is_null()
}

fn expected(key: &str, what: &str) -> String {
    format!("{key}: expected {what}")
}

pub fn string(v: &JsValue, key: &str) -> Result<String> {
    field(v, key)
        .as_string()
        .ok_or_else(|| expected(key, "a string"))
}

pub fn opt_string(v: &JsValue, key: &str) -> Result<Option<String>> {
    let f = field(v, key);
    if present(&f) {
        f.as_string()
            .map(Some)
            .ok_or_else(|| expected(key, "a string"))
    } else {
        Ok(None)
    }
}

pub fn boolean(v: &JsValue, key: &str) -> Result<bool> {
    field(v, key)
        .as_bool()
        .ok_or_else(|| expected(key, "true or false"))
}

pub fn opt_boolean(v: &JsValue, key: &str) -> Result<Option<bool>> {
    let f = field(v, key);
    if present(&f) {
        f.as_bool()
            .map(Some)
            .ok_or_else(|| expected(key, "true or false"))
    } else {
        Ok(None)
    }
}

/// A whole number, read through its decimal text so that no float reaches Rust.
pub fn opt_integer(v: &JsValue, key: &str) -> Result<Option<u64>> {
    let f = field(v, key);
    if !present(&f) {
        return Ok(None);
    }
    let Some(n) = f.dyn_ref::<js_sys::Number>() else {
        return Err(expected(key, "a whole number"));
    };
    let text: String = n
        .to_string_with_radix(10)
        .map_err(|_| expected(key, "a whole number"))?
        .into();
    text.parse()
        .map(Some)
        .map_err(|_| expected(key, "a whole number"))
}

pub fn integer(v: &JsValue, key: &str) -> Result<u64> {
    opt_integer(v, key)?.ok_or_else(|| expected(key, "a whole number"))
}

pub fn amount(v: &JsValue, key: &str) -> Result<Amount> {
    Amount::parse(&string(v, key)?).map_err(|e| format!("{key}: {e}"))
}

pub fn opt_amount(v: &JsValue, key: &str) -> Result<Option<Amount>> {
    opt_string(v, key)?
        .map(|s| Amount::parse(&s).map_err(|e| format!("{key}: {e}")))
        .transpose()
}

/// The elements of an array field; `None` when absent.
pub fn opt_array(v: &JsValue, key: &str) -> Result<Option<Vec<JsValue>>> {
    let f = field(v, key);
    if !present(&f) {
        return Ok(None);
    }
    if !Array::is_array(&f) {
        return Err(expected(key, "a list"));
    }
    Ok(Some(Array::from(&f).iter().collect()))
}

pub fn array(v: &JsValue, key: &str) -> Result<Vec<JsValue>> {
    opt_array(v, key)?.ok_or_else(|| expected(key, "a list"))
}

/// The strings of a list, each turned into a value by `from`.
pub fn list_of<T>(items: &[JsValue], key: &str, from: fn(&str) -> Option<T>) -> Result<Vec<T>> {
    items
        .iter()
        .map(|i| {
            i.as_string()
                .as_deref()
                .and_then(from)
                .ok_or_else(|| format!("{key}: unknown value {:?}", i.as_string()))
        })
        .collect()
}

pub fn currency(s: &str) -> Option<Currency> {
    s.parse().ok()
}

pub fn method(s: &str) -> Option<Method> {
    Method::from_code(s)
}

/// The wire names of DESIGN.md *Cart* (`category`).
pub fn category(s: &str) -> Option<Category> {
    Some(match s {
        "physical" => Category::Physical,
        "virtual" => Category::Virtual,
        "gift_card" => Category::GiftCard,
        "top_up" => Category::TopUp,
        "service" => Category::Service,
        _ => return None,
    })
}

pub fn merchant_kind(s: &str) -> Option<MerchantKind> {
    Some(match s {
        "self_operated" => MerchantKind::SelfOperated,
        "third_party" => MerchantKind::ThirdParty,
        _ => return None,
    })
}
