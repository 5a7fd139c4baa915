//! Money for display, per locale: symbol, thousands separators, and exactly the
//! currency's digits as the core wrote them. Only string work on the core's output; no
//! arithmetic, no floats.

use checkout_core::display::group;
use checkout_core::{Amount, Currency, Money};

use crate::i18n::Locale;

/// The symbol written before an amount in this locale (`checkout_core::display`).
fn symbol(locale: Locale, currency: Currency) -> &'static str {
    checkout_core::display::symbol(locale == Locale::ZhCn, currency)
}

/// A count with thousands separators: `10,000`.
#[must_use]
pub fn count(n: usize) -> String {
    group(&n.to_string())
}

/// `¥1,234.50`, `¥1,000` (JPY, en), `KWD 1.250`.
#[must_use]
pub fn money(locale: Locale, m: Money) -> String {
    checkout_core::display::money(locale == Locale::ZhCn, m)
}

/// An amount the backend sent; shown with the currency's digits when it fits them.
#[must_use]
pub fn amount(locale: Locale, a: Amount, currency: Currency) -> String {
    match a.in_currency(currency) {
        Ok(m) => money(locale, m),
        Err(_) => format!("{}{}", symbol(locale, currency), group(&a.to_string())),
    }
}

/// An RFC 3339 time as the shopper reads it: their browser's time zone, in their
/// language (`Intl` through `Date.toLocaleString`), e.g. "12/2 12:56" in Chinese or
/// "Dec 2, 12:56 PM" in English. Outside a browser (host tests), and for text that is not
/// a time, the text up to the minute.
#[must_use]
pub fn local_time(locale: Locale, rfc3339: &str) -> String {
    let fallback = || rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ");
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsValue;
        let date = js_sys::Date::new(&JsValue::from_str(rfc3339));
        if date.get_time().is_nan() {
            return fallback();
        }
        let options = js_sys::Object::new();
        for (key, value) in [
            ("month", "short"),
            ("day", "numeric"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
        ] {
            let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
        }
        String::from(date.to_locale_string(locale.tag(), &options))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = locale;
        fallback()
    }
}

/// Replaces `{name}` placeholders; an unknown or unclosed placeholder stays as written.
/// One pass over the template, without `str::replace` and `format!`, whose string search
/// and formatting code the widget otherwise does not need.
#[must_use]
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str, c: Currency) -> Money {
        Money::parse(s, c).unwrap()
    }

    #[test]
    fn it_groups_thousands_and_keeps_the_currency_digits() {
        assert_eq!(money(Locale::En, m("1234.5", Currency::CNY)), "¥1,234.50");
        assert_eq!(
            money(Locale::ZhCn, m("1234567", Currency::JPY)),
            "JP¥1,234,567"
        );
        assert_eq!(money(Locale::En, m("1000", Currency::JPY)), "¥1,000");
        assert_eq!(
            money(Locale::En, m("1.25", Currency::KWD)),
            "KWD\u{a0}1.250"
        );
        assert_eq!(money(Locale::En, m("0", Currency::USD)), "$0.00");
        assert_eq!(money(Locale::En, m("999", Currency::USD)), "$999.00");
    }
}
