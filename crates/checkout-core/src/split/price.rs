//! Step one of the split: every line's amount at the standard price and at the balance
//! price, the order's standard total, and the totals of the lines the balance may pay.
//!
//! The split works in `i64` minor units rather than decimals: exact (amounts never have
//! more digits than their currency) and several times faster on large carts.

use crate::cart::{Cart, Line};
use crate::eligibility::{line_ineligibility, shipping_ineligibility, Reason};
use crate::error::{AmountError, Error};
use crate::money::{Currency, Money};
use crate::policy::Policy;

/// Sums in minor units, checked against the bound like [`Money::checked_add`].
pub(super) struct Minor {
    currency: Currency,
    bound: i64,
}

impl Minor {
    fn new(currency: Currency) -> Minor {
        Minor {
            currency,
            bound: Money::max_minor(currency),
        }
    }

    fn add(&self, a: i64, b: i64) -> Result<i64, Error> {
        a.checked_add(b)
            .filter(|sum| *sum <= self.bound)
            .ok_or_else(|| {
                let sum = i128::from(a) + i128::from(b);
                let written =
                    rust_decimal::Decimal::from_i128_with_scale(sum, self.currency.exponent());
                Error::amount("", AmountError::TooLarge(written.to_string()))
            })
    }

    /// The minor units of `m`, which must be in the cart's currency.
    fn of(&self, m: Money) -> Result<i64, Error> {
        if m.currency() == self.currency {
            Ok(m.minor())
        } else {
            Err(Error::amount(
                "",
                AmountError::CurrencyMismatch {
                    expected: self.currency,
                    got: m.currency(),
                },
            ))
        }
    }

    /// Money from minor units already within `0..=bound` (every sum here is checked).
    pub(super) fn money(&self, minor: i64) -> Money {
        Money::from_minor_in_bounds(minor, self.currency)
    }
}

/// One line's amounts at both prices, in minor units, with its eligibility.
pub(super) struct Priced {
    /// Why the balance may not pay this line; `None` when it may.
    pub(super) reason: Option<Reason>,
    /// quantity × unit price.
    pub(super) standard: i64,
    /// quantity × balance price, or `standard` when the line has no balance price.
    pub(super) at_balance_price: i64,
}

/// The whole order priced: the cart's lines in cart order, then shipping, if any.
pub(super) struct Pricing {
    pub(super) minor: Minor,
    pub(super) lines: Vec<Priced>,
    /// Every line and shipping at standard prices.
    pub(super) standard_total: Money,
    /// The eligible lines (and shipping) at standard prices.
    pub(super) eligible_standard: Money,
    /// The eligible lines (and shipping) at balance prices.
    pub(super) eligible_at_balance: Money,
    /// Some eligible line has a balance price.
    pub(super) any_balance_price: bool,
}

/// Running totals in minor units while the lines are priced.
#[derive(Default)]
struct Totals {
    standard: i64,
    eligible_standard: i64,
    eligible_at_balance: i64,
}

impl Totals {
    /// Adds one priced line (or shipping) to the totals.
    fn add(&mut self, minor: &Minor, p: &Priced) -> Result<(), Error> {
        self.standard = minor.add(self.standard, p.standard)?;
        if p.reason.is_none() {
            self.eligible_standard = minor.add(self.eligible_standard, p.standard)?;
            self.eligible_at_balance = minor.add(self.eligible_at_balance, p.at_balance_price)?;
        }
        Ok(())
    }
}

/// Prices every line and shipping under `policy`. Errors when an amount or a total passes
/// the bound on amounts, or a price is not in the cart's currency.
pub(super) fn price(cart: &Cart, policy: &Policy) -> Result<Pricing, Error> {
    let minor = Minor::new(cart.currency);
    let mut lines = Vec::with_capacity(cart.lines.len() + 1);
    let mut totals = Totals::default();
    let mut any_balance_price = false;
    for line in &cart.lines {
        let priced = price_line(&minor, line, policy)?;
        totals.add(&minor, &priced)?;
        any_balance_price |= priced.reason.is_none() && line.balance_price.is_some();
        lines.push(priced);
    }
    if let Some(shipping) = &cart.shipping {
        let fee = minor.of(shipping.fee)?;
        let priced = Priced {
            reason: shipping_ineligibility(policy),
            standard: fee,
            at_balance_price: fee,
        };
        totals.add(&minor, &priced)?;
        lines.push(priced);
    }
    Ok(Pricing {
        standard_total: minor.money(totals.standard),
        eligible_standard: minor.money(totals.eligible_standard),
        eligible_at_balance: minor.money(totals.eligible_at_balance),
        any_balance_price,
        lines,
        minor,
    })
}

/// One cart line at both prices, with why the balance may not pay it.
fn price_line(minor: &Minor, line: &Line, policy: &Policy) -> Result<Priced, Error> {
    let reason = line_ineligibility(line, policy);
    let standard = line_amount(minor, line.unit_price, line, || line.amount())?;
    let at_balance_price = match line.balance_price {
        Some(bp) => line_amount(minor, bp, line, || line.balance_amount())?,
        None => standard,
    };
    Ok(Priced {
        reason,
        standard,
        at_balance_price,
    })
}

/// quantity × price in minor units, or the error [`Line::amount`] gives.
fn line_amount(
    minor: &Minor,
    price: Money,
    line: &Line,
    slow: impl Fn() -> Result<Money, Error>,
) -> Result<i64, Error> {
    let fast = minor
        .of(price)?
        .checked_mul(i64::from(line.quantity))
        .filter(|a| *a <= minor.bound);
    match fast {
        Some(a) => Ok(a),
        None => Err(slow().err().unwrap_or_else(|| {
            Error::amount(
                format!("line {:?}", line.id),
                AmountError::TooLarge(format!("{price} × {}", line.quantity)),
            )
        })),
    }
}
