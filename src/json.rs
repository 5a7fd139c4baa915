//! Writing the two documents the widget sends — the intent request (signed, then posted)
//! and the quote in `balancecheckout:change` — by hand rather than with `serde_json`.
//!
//! Why: `serde_json`'s serializer, its error type and the `Serialize` code of the core's
//! types were several kilobytes of the wasm every shopper downloads, for two fixed shapes.
//! The bytes are exactly what `serde_json::to_string` writes for the core's types (same
//! field order, same string escaping, amounts as the core's `Display` writes them), which
//! the tests check, so the backend (`deny_unknown_fields`) reads the same document.

use checkout_core::{Intent, IntentRequest, Quote};

/// A JSON object under construction: `{"key":value,...}`.
struct Object<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Object<'a> {
    fn open(out: &'a mut String) -> Object<'a> {
        out.push('{');
        Object { out, first: true }
    }

    /// Writes the key and leaves the buffer ready for its value.
    fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        push_str(self.out, key);
        self.out.push(':');
        self.out
    }

    fn string(&mut self, key: &str, value: &str) {
        push_str(self.key(key), value);
    }

    /// A value whose `Display` is a plain JSON string body (amounts, codes): quoted.
    fn display(&mut self, key: &str, value: impl std::fmt::Display) {
        self.string(key, &value.to_string());
    }

    fn opt_string(&mut self, key: &str, value: Option<&str>) {
        match value {
            Some(v) => self.string(key, v),
            None => self.key(key).push_str("null"),
        }
    }

    fn boolean(&mut self, key: &str, value: bool) {
        self.key(key).push_str(if value { "true" } else { "false" });
    }

    fn close(self) {
        self.out.push('}');
    }
}

/// Appends `s` as a JSON string, escaped as `serde_json` escapes it: `"` and `\`, the
/// short forms `\b \f \n \r \t`, other control characters as `\u00XX`; everything else
/// (including non-ASCII) as is.
pub fn push_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                let b = usize::from(u8::try_from(c).unwrap_or(0));
                out.push_str("\\u00");
                out.push(char::from(HEX[b >> 4]));
                out.push(char::from(HEX[b & 0xf]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `s` as a JSON string.
#[must_use]
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_str(&mut out, s);
    out
}

/// The body of `POST /v1/sessions/{id}/intents`: the intent and the password, or the
/// `passkey` assertion (a JSON object text from `passkey::authorize`) instead.
#[must_use]
pub fn intent_request(request: &IntentRequest, passkey: Option<&str>) -> String {
    let mut out = String::with_capacity(512);
    out.push_str("{\"intent\":");
    out.push_str(&intent(&request.intent));
    match (passkey, &request.payment_password) {
        (Some(assertion), _) => {
            out.push_str(",\"passkey\":");
            out.push_str(assertion);
        }
        (None, Some(password)) => {
            out.push_str(",\"payment_password\":");
            push_str(&mut out, password);
        }
        (None, None) => {}
    }
    out.push('}');
    out
}

/// The intent's JSON object, fields in the contract's order (as serde writes the core's
/// `Intent`: the backend binds a passkey challenge to its SHA-256).
#[must_use]
pub fn intent(i: &Intent) -> String {
    let mut out = String::with_capacity(400);
    let mut intent = Object::open(&mut out);
    intent.string("session_id", &i.session_id);
    intent.string("cart_digest", &i.cart_digest);
    intent.string("currency", i.currency.code());
    intent.boolean("use_balance", i.use_balance);
    match i.balance_cap {
        Some(cap) => intent.display("balance_cap", cap),
        None => intent.opt_string("balance_cap", None),
    }
    intent.display("total", i.total);
    intent.display("balance_amount", i.balance_amount);
    intent.opt_string("other_method", i.other_method.map(|m| m.code()));
    intent.display("other_amount", i.other_amount);
    intent.string("nonce", &i.nonce);
    intent.close();
    out
}

/// The totals of a quote, the `balancecheckout:change` detail for the merchant's page:
/// `{currency, total, standard_total, savings, balance_prices_applied, balance_amount,
/// other_amount}`. No `topup_to_unlock` (its amount is `E_bal` minus the balance, so it
/// would reveal the balance), no `eligible_total` and no lines.
#[must_use]
pub fn quote_totals(q: &Quote) -> String {
    let mut out = String::with_capacity(200);
    let mut o = Object::open(&mut out);
    o.string("currency", q.currency.code());
    o.display("total", q.total);
    o.display("standard_total", q.standard_total);
    o.display("savings", q.savings);
    o.boolean("balance_prices_applied", q.balance_prices_applied);
    o.display("balance_amount", q.balance_amount);
    o.display("other_amount", q.other_amount);
    o.close();
    out
}

/// The quote, as the backend's API writes it (DESIGN.md *Quote*).
#[must_use]
pub fn quote(q: &Quote) -> String {
    let mut out = String::with_capacity(256 + 128 * q.lines.len());
    let mut o = Object::open(&mut out);
    o.string("currency", q.currency.code());
    o.display("total", q.total);
    o.display("standard_total", q.standard_total);
    o.display("savings", q.savings);
    o.boolean("balance_prices_applied", q.balance_prices_applied);
    o.display("eligible_total", q.eligible_total);
    o.display("balance_amount", q.balance_amount);
    o.display("other_amount", q.other_amount);
    match q.topup_to_unlock {
        Some(t) => {
            let mut topup = Object::open(o.key("topup_to_unlock"));
            topup.display("amount", t.amount);
            topup.display("savings", t.savings);
            topup.close();
        }
        None => o.opt_string("topup_to_unlock", None),
    }
    let lines = o.key("lines");
    lines.push('[');
    for (n, line) in q.lines.iter().enumerate() {
        if n > 0 {
            lines.push(',');
        }
        let mut l = Object::open(lines);
        l.string("id", &line.id);
        l.boolean("eligible", line.eligible);
        l.opt_string("reason", line.reason.map(|r| r.code()));
        l.display("amount", line.amount);
        l.display("balance", line.balance);
        l.display("other", line.other);
        l.close();
    }
    lines.push(']');
    o.close();
    out
}

// In the browser, where the bytes are signed (and the demo session is read with
// `JSON.parse`).
#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    #![allow(clippy::unwrap_used)]

    use checkout_core::{quote, Amount, Choice, Intent, IntentRequest, Method};
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use crate::fixture::demo_session;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let tricky = "a\"b\\c\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}é¥😀/";
        assert_eq!(
            super::string(tricky),
            serde_json::to_string(tricky).unwrap()
        );
    }

    #[test]
    fn the_intent_body_is_byte_for_byte_what_serde_json_writes() {
        let s = demo_session();
        for (use_balance, cap, method) in [
            (true, None, Some(Method::WechatPay)),
            (true, Some("50.5"), Some(Method::Ecny)),
            (false, None, Some(Method::BankCard)),
        ] {
            let choice = Choice {
                use_balance,
                balance_cap: cap.map(|c| Amount::parse(c).unwrap()),
            };
            let q = quote(&s.cart, &s.policy, s.balance, &choice).unwrap();
            let intent = Intent::for_quote(
                "cs_\"test\"\n",
                &s.cart_digest,
                &choice,
                &q,
                method,
                "0123456789abcdef0123456789abcdef",
            )
            .unwrap();
            let request = IntentRequest::with_password(intent, "123456");
            assert_eq!(
                super::intent_request(&request, None),
                serde_json::to_string(&request).unwrap()
            );
            assert_eq!(super::quote(&q), serde_json::to_string(&q).unwrap());
        }
        // Nothing left for a second method: `other_method` is null.
        let paid_in_full = IntentRequest {
            intent: Intent {
                session_id: "cs_1".into(),
                cart_digest: "ab".repeat(32),
                currency: checkout_core::Currency::KWD,
                use_balance: true,
                balance_cap: Some(Amount::parse("10.250").unwrap()),
                total: Amount::parse("1.250").unwrap(),
                balance_amount: Amount::parse("1.250").unwrap(),
                other_method: None,
                other_amount: Amount::parse("0.000").unwrap(),
                nonce: "0123456789abcdef0123456789abcdef".into(),
            },
            payment_password: Some("654321".into()),
            passkey: None,
        };
        assert_eq!(
            super::intent_request(&paid_in_full, None),
            serde_json::to_string(&paid_in_full).unwrap()
        );
        // With a passkey: its assertion in place of the password, as serde writes it.
        let assertion = r#"{"id":"a","rawId":"YQ","type":"public-key"}"#;
        let by_passkey = IntentRequest {
            payment_password: None,
            passkey: Some(serde_json::from_str(assertion).unwrap()),
            ..paid_in_full.clone()
        };
        assert_eq!(
            super::intent_request(&by_passkey, Some(assertion)),
            serde_json::to_string(&by_passkey).unwrap()
        );
        assert_eq!(
            super::intent(&by_passkey.intent),
            serde_json::to_string(&by_passkey.intent).unwrap()
        );
    }

    #[test]
    fn the_totals_for_the_page_leave_out_what_reveals_the_balance() {
        let s = demo_session();
        let q = quote(&s.cart, &s.policy, s.balance, &Choice::default()).unwrap();
        let totals: serde_json::Value = serde_json::from_str(&super::quote_totals(&q)).unwrap();
        let mut full = serde_json::to_value(&q).unwrap();
        let full = full.as_object_mut().unwrap();
        for hidden in ["topup_to_unlock", "eligible_total", "lines"] {
            full.remove(hidden);
        }
        assert_eq!(totals, serde_json::Value::Object(full.clone()));
    }

    #[test]
    fn a_quote_with_a_top_up_hint_and_nothing_left_matches_serde_json() {
        let s = demo_session();
        let q = quote(&s.cart, &s.policy, s.balance, &Choice::default()).unwrap();
        assert_eq!(super::quote(&q), serde_json::to_string(&q).unwrap());
        let choice = Choice {
            use_balance: true,
            balance_cap: None,
        };
        let q = quote(&s.cart, &s.policy, s.balance, &choice).unwrap();
        assert!(q.topup_to_unlock.is_some());
        assert_eq!(super::quote(&q), serde_json::to_string(&q).unwrap());
    }
}
