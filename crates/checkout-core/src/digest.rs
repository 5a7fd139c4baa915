//! Canonical cart JSON and `cart_digest`.
//!
//! Canonical form: the validated cart serialized as JSON with object keys sorted by
//! their UTF-8 bytes, no insignificant whitespace, amounts as strings with exactly the
//! currency's digits, absent optional fields left out, strings escaped as `serde_json`
//! escapes them. The key order is produced here, not left to `serde_json`'s map type,
//! whose order depends on a cargo feature another crate in the build could switch on.

use sha2::{Digest, Sha256};

use crate::cart::Cart;

/// The canonical JSON of a validated cart.
#[must_use]
pub fn canonical_json(cart: &Cart) -> String {
    // Serializing plain structs of strings, integers and booleans cannot fail.
    let value = serde_json::to_value(cart).unwrap_or(serde_json::Value::Null);
    let mut out = String::with_capacity(128 * cart.lines.len() + 64);
    write_canonical(&value, &mut out);
    out
}

fn write_canonical(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push_str(&serde_json::Value::from(s).to_string());
}

/// Lower-case hex SHA-256 of the cart's canonical JSON.
#[must_use]
pub fn cart_digest(cart: &Cart) -> String {
    hex::encode(Sha256::digest(canonical_json(cart).as_bytes()))
}
