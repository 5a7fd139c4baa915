//! Money as a shopper reads it: the currency's symbol, thousands separators and exactly
//! the currency's digits. Shared by the widget and by the server's first paint of the
//! checkout frame, so the server-rendered amounts are the wasm's to the character.
//! String work on [`Money`]'s own text only: no arithmetic, no floats.

use crate::money::{Currency, Money};

/// The symbol written before an amount, for a Chinese (`zh`) or another reader. Chinese
/// readers see CNY as plain `¥`; other currencies whose symbol could be confused get a
/// prefix.
#[must_use]
pub fn symbol(zh: bool, currency: Currency) -> &'static str {
    match (currency, zh) {
        (Currency::CNY, _) => "¥",
        (Currency::JPY, false) => "¥",
        (Currency::JPY, true) => "JP¥",
        (Currency::USD, false) => "$",
        (Currency::USD, true) => "US$",
        (Currency::EUR, _) => "€",
        (Currency::HKD, _) => "HK$",
        (Currency::KRW, _) => "₩",
        (Currency::KWD, _) => "KWD\u{a0}",
        (Currency::BHD, _) => "BHD\u{a0}",
    }
}

/// Groups the integer digits of a plain decimal string by thousands: `1234.50` → `1,234.50`.
#[must_use]
pub fn group(plain: &str) -> String {
    let (int, frac) = match plain.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (plain, None),
    };
    let mut out = String::with_capacity(plain.len() + int.len() / 3 + 1);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// `¥1,234.50`, `¥1,000` (JPY), `KWD 1.250`.
#[must_use]
pub fn money(zh: bool, m: Money) -> String {
    format!("{}{}", symbol(zh, m.currency()), group(&m.to_string()))
}

#[cfg(test)]
mod tests {
    use super::{group, money};
    use crate::money::{Currency, Money};

    #[test]
    fn amounts_read_as_shoppers_expect() {
        assert_eq!(group("1234567.50"), "1,234,567.50");
        assert_eq!(group("999"), "999");
        let m = Money::from_minor(123_450, Currency::CNY).unwrap();
        assert_eq!(money(true, m), "¥1,234.50");
        let usd = Money::from_minor(500, Currency::USD).unwrap();
        assert_eq!(
            (money(false, usd), money(true, usd)),
            ("$5.00".to_owned(), "US$5.00".to_owned())
        );
    }
}
