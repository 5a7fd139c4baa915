//! Known-answer vectors: quote requests with their quote or error, cart digests and
//! signatures. The expected values come from `vectors/reference.py`, an independent
//! implementation of DESIGN.md in Python; the figures of the DESIGN.md example, the JPY, KWD
//! and BHD splits were also worked out by hand (see `split.rs`).
//!
//! Runs natively and in headless browsers (wasm-bindgen-test), so the widget's build of the
//! core is held to the same answers as the backend's.
// Test helpers outside #[test] functions may unwrap too: a failure is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use checkout_core::request::{answer_line, QuoteRequest};
use checkout_core::signature::{sign, verify};
use checkout_core::{canonical_json, cart_digest, Cart};
use serde_json::Value;

const QUOTES: &str = include_str!("vectors/quotes.jsonl");
const DIGESTS: &str = include_str!("vectors/digests.json");
const SIGNATURES: &str = include_str!("vectors/signatures.json");

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn quote_vectors_give_the_expected_quote_or_error() {
    let mut checked = 0;
    for raw in QUOTES.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(raw).unwrap();
        let name = text(&v, "name");
        let request = match v.get("request_text") {
            Some(t) => t.as_str().unwrap().to_owned(),
            None => v["request"].to_string(),
        };
        let result = QuoteRequest::from_json(&request).and_then(|r| r.quote());
        match (v.get("expect"), v.get("error")) {
            (Some(expect), None) => {
                let q = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(&serde_json::to_value(&q).unwrap(), expect, "{name}");
                // The command-line answer is the same quote, on one line.
                let answer: Value = serde_json::from_str(&answer_line(&request)).unwrap();
                assert_eq!(&answer, expect, "{name}");
            }
            (None, Some(error)) => {
                let e = result.err().unwrap_or_else(|| panic!("{name}: accepted"));
                assert_eq!(e.to_string(), error.as_str().unwrap(), "{name}");
                let answer: Value = serde_json::from_str(&answer_line(&request)).unwrap();
                assert_eq!(answer["error"]["code"], "invalid_request", "{name}");
                assert_eq!(&answer["error"]["message"], error, "{name}");
            }
            _ => panic!("{name}: needs exactly one of expect and error"),
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} quote vectors");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn digest_vectors_give_the_expected_canonical_json_and_digest() {
    let vectors: Vec<Value> = serde_json::from_str(DIGESTS).unwrap();
    assert!(vectors.len() >= 5);
    for v in &vectors {
        let name = text(v, "name");
        let cart =
            Cart::from_json(&v["cart"].to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(canonical_json(&cart), text(v, "canonical"), "{name}");
        assert_eq!(cart_digest(&cart), text(v, "digest"), "{name}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn signature_vectors_sign_and_verify_as_expected() {
    let vectors: Vec<Value> = serde_json::from_str(SIGNATURES).unwrap();
    assert!(vectors.len() >= 5);
    for v in &vectors {
        let name = text(v, "name");
        let (secret, body, header) = (text(v, "secret"), text(v, "body"), text(v, "header"));
        let timestamp = v["timestamp"].as_i64().unwrap();
        if v["signed"] != Value::Bool(false) {
            assert_eq!(sign(secret, timestamp, body.as_bytes()), header, "{name}");
        }
        for check in v["checks"].as_array().unwrap() {
            let secret = check["secret"].as_str().unwrap_or(secret);
            let body = check["body"].as_str().unwrap_or(body);
            let now = check["now"].as_i64().unwrap();
            let got = match verify(secret, header, body.as_bytes(), now) {
                Ok(()) => "ok",
                Err(e) => e.code().code(),
            };
            assert_eq!(got, text(check, "result"), "{name} at {now}");
        }
    }
}
