//! The split: how much of an order the balance pays, at which prices, line by line.
//! DESIGN.md *The split* and *Quote*, to the letter.

use serde::{Deserialize, Serialize};

use crate::allocation::largest_remainder;
use crate::cart::{Cart, Line, SHIPPING_LINE_ID};
use crate::eligibility::{line_ineligibility, shipping_ineligibility, Reason};
use crate::error::{AmountError, Error};
use crate::money::{Amount, Currency, Money};
use crate::policy::Policy;

/// The shopper's choice: use the balance or not, and at most how much of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub use_balance: bool,
    #[serde(default)]
    pub balance_cap: Option<Amount>,
}

/// The result of the split, identical in the widget, the backend and the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub currency: Currency,
    pub total: Money,
    pub standard_total: Money,
    pub savings: Money,
    pub balance_prices_applied: bool,
    pub eligible_total: Money,
    pub balance_amount: Money,
    pub other_amount: Money,
    pub topup_to_unlock: Option<TopUp>,
    pub lines: Vec<QuoteLine>,
}

/// Recharging the wallet by `amount` would unlock balance prices worth `savings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TopUp {
    pub amount: Money,
    pub savings: Money,
}

/// One line of the quote (or the `shipping` pseudo-line) with its share of the balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteLine {
    pub id: String,
    pub eligible: bool,
    pub reason: Option<Reason>,
    pub amount: Money,
    pub balance: Money,
    pub other: Money,
}

impl Quote {
    /// True when a second payment method must pay `other_amount`.
    #[must_use]
    pub fn needs_other_method(&self) -> bool {
        !self.other_amount.is_zero()
    }
}

/// One line's amounts at both prices, in minor units, with its eligibility.
struct Priced {
    reason: Option<Reason>,
    standard: i64,
    at_balance_price: i64,
}

fn sub(a: Money, b: Money) -> Result<Money, Error> {
    a.checked_sub(b).map_err(|e| Error::amount("", e))
}

/// Sums in minor units, checked against the bound like [`Money::checked_add`]. The split works
/// in `i64` minor units rather than decimals: exact (amounts never have more digits than
/// their currency) and several times faster on large carts.
struct Minor {
    currency: Currency,
    bound: i64,
}

impl Minor {
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

    fn money(&self, minor: i64) -> Money {
        Money::from_minor_in_bounds(minor, self.currency)
    }
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

/// Computes the quote for a cart, a policy, the wallet's balance and the shopper's choice.
pub fn quote(
    cart: &Cart,
    policy: &Policy,
    balance: Money,
    choice: &Choice,
) -> Result<Quote, Error> {
    let currency = cart.currency;
    if balance.currency() != currency {
        return Err(Error::rule(
            "balance",
            format!(
                "the wallet is in {}, the cart in {currency}",
                balance.currency()
            ),
        ));
    }
    let cap = choice
        .balance_cap
        .map(|c| c.in_currency(currency))
        .transpose()
        .map_err(|e| Error::amount("balance_cap", e))?;
    let max_per_order = policy
        .max_balance_per_order
        .map(|c| c.in_currency(currency))
        .transpose()
        .map_err(|e| Error::amount("policy.max_balance_per_order", e))?;

    let minor = Minor {
        currency,
        bound: Money::max_minor(currency),
    };
    let mut priced = Vec::with_capacity(cart.lines.len() + 1);
    let (mut standard_total, mut e_std, mut e_bal) = (0_i64, 0_i64, 0_i64);
    let mut any_balance_price = false;
    for line in &cart.lines {
        let reason = line_ineligibility(line, policy);
        let standard = line_amount(&minor, line.unit_price, line, || line.amount())?;
        let at_balance_price = match line.balance_price {
            Some(bp) => line_amount(&minor, bp, line, || line.balance_amount())?,
            None => standard,
        };
        standard_total = minor.add(standard_total, standard)?;
        if reason.is_none() {
            e_std = minor.add(e_std, standard)?;
            e_bal = minor.add(e_bal, at_balance_price)?;
            any_balance_price |= line.balance_price.is_some();
        }
        priced.push(Priced {
            reason,
            standard,
            at_balance_price,
        });
    }
    if let Some(shipping) = &cart.shipping {
        let reason = shipping_ineligibility(policy);
        let fee = minor.of(shipping.fee)?;
        standard_total = minor.add(standard_total, fee)?;
        if reason.is_none() {
            e_std = minor.add(e_std, fee)?;
            e_bal = minor.add(e_bal, fee)?;
        }
        priced.push(Priced {
            reason,
            standard: fee,
            at_balance_price: fee,
        });
    }
    let (standard_total, e_std, e_bal) = (
        minor.money(standard_total),
        minor.money(e_std),
        minor.money(e_bal),
    );
    let zero = Money::zero(currency);

    // A = min(B, C, max_balance_per_order), absent bounds ignored.
    let available = [cap, max_per_order]
        .into_iter()
        .flatten()
        .fold(balance, Money::min);
    let applied = choice.use_balance && any_balance_price && available.value() >= e_bal.value();
    let balance_savings = sub(e_std, e_bal)?;
    let (total, eligible_total, balance_amount) = if applied {
        (sub(standard_total, balance_savings)?, e_bal, e_bal)
    } else if choice.use_balance {
        (standard_total, e_std, available.min(e_std))
    } else {
        (standard_total, e_std, zero)
    };
    let below = |bound: Option<Money>| bound.is_some_and(|b| b.value() < e_bal.value());
    let topup_to_unlock = (choice.use_balance
        && any_balance_price
        && balance.value() < e_bal.value()
        && !below(cap)
        && !below(max_per_order))
    .then(|| -> Result<TopUp, Error> {
        Ok(TopUp {
            amount: sub(e_bal, balance)?,
            savings: balance_savings,
        })
    })
    .transpose()?;

    let amounts: Vec<i64> = priced
        .iter()
        .map(|p| {
            if applied && p.reason.is_none() {
                p.at_balance_price
            } else {
                p.standard
            }
        })
        .collect();
    let weights: Vec<i64> = priced
        .iter()
        .zip(&amounts)
        .map(|(p, &a)| if p.reason.is_none() { a } else { 0 })
        .collect();
    let shares = largest_remainder(balance_amount.minor(), &weights).ok_or_else(|| {
        Error::rule(
            "",
            "the balance amount exceeds what eligible lines can carry",
        )
    })?;

    let ids = cart
        .lines
        .iter()
        .map(|l| l.id.as_str())
        .chain(cart.shipping.as_ref().map(|_| SHIPPING_LINE_ID));
    let mut lines = Vec::with_capacity(priced.len());
    for (((id, p), amount), share) in ids.zip(&priced).zip(amounts).zip(shares) {
        // largest_remainder keeps 0 <= share <= amount, so both parts are in bounds.
        lines.push(QuoteLine {
            id: id.to_owned(),
            eligible: p.reason.is_none(),
            reason: p.reason,
            amount: minor.money(amount),
            balance: minor.money(share),
            other: minor.money(amount - share),
        });
    }

    Ok(Quote {
        currency,
        total,
        standard_total,
        savings: sub(standard_total, total)?,
        balance_prices_applied: applied,
        eligible_total,
        balance_amount,
        other_amount: sub(total, balance_amount)?,
        topup_to_unlock,
        lines,
    })
}
