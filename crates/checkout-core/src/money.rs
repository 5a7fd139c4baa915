//! Amounts and money: strict parsing, exact formatting, checked arithmetic. The currencies
//! and the bounds live in `currency.rs` and are re-exported here.
//!
//! Two types carry amounts:
//! - [`Amount`] is what arrives on the wire: a non-negative decimal written as a JSON
//!   string, checked for shape (no exponent, no sign, no whitespace, within the bound)
//!   but not yet for the currency's digits, because the currency usually sits elsewhere
//!   in the document.
//! - [`Money`] is an amount checked against its currency. All arithmetic is on `Money`.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::AmountError;

pub use crate::currency::{Currency, MAX_EXPONENT, MAX_MAJOR_UNITS};

// Here rather than in `currency.rs`: the error names the currency, so the currency's own
// module stays free of the errors.
impl FromStr for Currency {
    type Err = AmountError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| AmountError::UnknownCurrency(s.to_owned()))
    }
}

/// A non-negative decimal amount as written on the wire, not yet tied to a currency.
///
/// Deserializes only from a JSON string; a JSON number is rejected so that no amount
/// ever passes through a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(Decimal);

impl Amount {
    /// Parses an amount string strictly: digits, optionally `.` and digits; no sign,
    /// exponent, whitespace or leading zeros; at most [`MAX_MAJOR_UNITS`].
    pub fn parse(s: &str) -> Result<Amount, AmountError> {
        if s.is_empty() {
            return Err(AmountError::Empty);
        }
        if s.chars().any(char::is_whitespace) {
            return Err(AmountError::Whitespace(s.to_owned()));
        }
        if s.starts_with('-') {
            return Err(AmountError::Negative(s.to_owned()));
        }
        if s.contains(['e', 'E']) {
            return Err(AmountError::Exponent(s.to_owned()));
        }
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(int) || frac.is_some_and(|f| !digits(f)) {
            return Err(AmountError::Malformed(s.to_owned()));
        }
        if int.len() > 1 && int.starts_with('0') {
            return Err(AmountError::Malformed(s.to_owned()));
        }
        // The bound is checked on the integer part first, so that a huge amount is reported
        // as too large and not as too precise. 10^13 has 14 digits; 14 digits fit an i64.
        let too_large = int.len() > 14 || {
            let whole: i64 = int
                .parse()
                .map_err(|_| AmountError::Malformed(s.to_owned()))?;
            whole > MAX_MAJOR_UNITS
                || (whole == MAX_MAJOR_UNITS && frac.is_some_and(|f| f.bytes().any(|b| b != b'0')))
        };
        if too_large {
            return Err(AmountError::TooLarge(s.to_owned()));
        }
        // Within the bound, the only way a decimal cannot hold the string exactly is more
        // fraction digits than its 96-bit mantissa carries; no currency has more than 3.
        let value =
            Decimal::from_str_exact(s).map_err(|_| AmountError::TooPrecise(s.to_owned()))?;
        Ok(Amount(value))
    }

    /// The decimal value, in major units.
    #[must_use]
    pub fn value(self) -> Decimal {
        self.0
    }

    /// Ties the amount to a currency, rejecting more decimals than the currency has.
    pub fn in_currency(self, currency: Currency) -> Result<Money, AmountError> {
        // Digits as written count: "120.500" is not a CNY amount even though it equals 120.50.
        if self.0.scale() > currency.exponent() {
            return Err(AmountError::TooManyDecimals {
                currency,
                allowed: currency.exponent(),
                got: self.0.to_string(),
            });
        }
        Ok(Money::new_unchecked(self.0, currency))
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for Amount {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Amount::parse(s)
    }
}

impl From<Money> for Amount {
    fn from(m: Money) -> Amount {
        Amount(m.value)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // serde's default for numbers says "invalid type: integer `12`, expected …".
                f.write_str("an amount as a JSON string, like \"12.50\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Amount, E> {
                Amount::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// An amount in a currency, never negative, never above [`MAX_MAJOR_UNITS`], with no
/// more decimals than the currency has. Serializes as a string with exactly the
/// currency's digits (`"120.50"`, `"1000"`, `"1.250"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    value: Decimal,
    currency: Currency,
}

impl Money {
    /// Only for values already known to be valid for the currency.
    fn new_unchecked(value: Decimal, currency: Currency) -> Money {
        let mut value = value;
        value.rescale(currency.exponent());
        Money { value, currency }
    }

    /// Zero in the currency.
    #[must_use]
    pub fn zero(currency: Currency) -> Money {
        Money::new_unchecked(Decimal::ZERO, currency)
    }

    /// Parses an amount string and checks it against the currency.
    pub fn parse(s: &str, currency: Currency) -> Result<Money, AmountError> {
        Amount::parse(s)?.in_currency(currency)
    }

    /// Builds money from a count of minor units (cents, fen, fils…).
    pub fn from_minor(minor: i64, currency: Currency) -> Result<Money, AmountError> {
        if minor < 0 {
            return Err(AmountError::Negative(minor.to_string()));
        }
        Money::checked(Decimal::new(minor, currency.exponent()), currency)
    }

    fn checked(value: Decimal, currency: Currency) -> Result<Money, AmountError> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(AmountError::Negative(value.to_string()));
        }
        if value > Decimal::from(MAX_MAJOR_UNITS) {
            return Err(AmountError::TooLarge(value.to_string()));
        }
        Ok(Money::new_unchecked(value, currency))
    }

    /// The value in major units.
    #[must_use]
    pub fn value(self) -> Decimal {
        self.value
    }

    /// The currency.
    #[must_use]
    pub fn currency(self) -> Currency {
        self.currency
    }

    /// The largest amount in minor units: 10^13 major units × 10^exponent.
    #[must_use]
    pub const fn max_minor(currency: Currency) -> i64 {
        MAX_MAJOR_UNITS * 10_i64.pow(currency.exponent())
    }

    /// Money from minor units already known to be within `0..=max_minor(currency)`; the hot
    /// loops of the split use it to skip the checks and the rescaling of [`Money::from_minor`].
    pub(crate) fn from_minor_in_bounds(minor: i64, currency: Currency) -> Money {
        debug_assert!((0..=Money::max_minor(currency)).contains(&minor));
        Money {
            value: Decimal::new(minor, currency.exponent()),
            currency,
        }
    }

    /// The value in minor units. Exact: a `Money` never has more digits than its currency,
    /// and the bound keeps it far inside `i64`.
    #[must_use]
    pub fn minor(self) -> i64 {
        let mut v = self.value;
        // Every constructor stores the currency's scale already; rescaling is the slow path.
        if v.scale() != self.currency.exponent() {
            v.rescale(self.currency.exponent());
        }
        // The mantissa of a rescaled, bounded value is at most 10^16.
        i64::try_from(v.mantissa()).unwrap_or(i64::MAX)
    }

    #[must_use]
    pub fn is_zero(self) -> bool {
        self.value.is_zero()
    }

    fn same_currency(self, other: Money) -> Result<(), AmountError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(AmountError::CurrencyMismatch {
                expected: self.currency,
                got: other.currency,
            })
        }
    }

    /// `self + other`, or an error when the result passes the bound.
    pub fn checked_add(self, other: Money) -> Result<Money, AmountError> {
        self.same_currency(other)?;
        let sum = self
            .value
            .checked_add(other.value)
            .ok_or_else(|| AmountError::TooLarge(format!("{self} + {other}")))?;
        Money::checked(sum, self.currency)
    }

    /// `self - other`, or an error when the result would be negative.
    pub fn checked_sub(self, other: Money) -> Result<Money, AmountError> {
        self.same_currency(other)?;
        let diff = self
            .value
            .checked_sub(other.value)
            .ok_or_else(|| AmountError::Negative(format!("{self} - {other}")))?;
        if diff.is_sign_negative() && !diff.is_zero() {
            return Err(AmountError::Negative(format!("{self} - {other}")));
        }
        Money::checked(diff, self.currency)
    }

    /// `self × quantity`, or an error when the result passes the bound.
    pub fn checked_mul(self, quantity: u32) -> Result<Money, AmountError> {
        let product = self
            .value
            .checked_mul(Decimal::from(quantity))
            .ok_or_else(|| AmountError::TooLarge(format!("{self} × {quantity}")))?;
        Money::checked(product, self.currency)
    }

    /// The smaller of two amounts in the same currency.
    #[must_use]
    pub fn min(self, other: Money) -> Money {
        if other.value < self.value {
            other
        } else {
            self
        }
    }
}

impl PartialOrd for Money {
    /// Amounts in different currencies are not comparable.
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        (self.currency == other.currency).then(|| self.value.cmp(&other.value))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut v = self.value;
        v.rescale(self.currency.exponent());
        v.fmt(f)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
