//! The split: how much of an order the balance pays, at which prices, line by line.
//! DESIGN.md *The split* and *Quote*, to the letter.
//!
//! [`quote`] reads the bounds on the balance, then runs three named steps in order:
//! - `price.rs`: every line's amount at the standard and at the balance price, the
//!   order's standard total and the eligible totals at both prices;
//! - `decide.rs`: whether balance prices apply, how much the balance pays, what remains
//!   for a second method, and the top-up that would unlock balance prices;
//! - `allocate.rs`: each line's share of the balance amount.
//!
//! The public shapes ([`Choice`], [`Quote`], [`QuoteLine`], [`TopUp`]) are in `types.rs`.

mod allocate;
mod decide;
mod price;
mod types;

pub use types::{Choice, Quote, QuoteLine, TopUp};

use crate::cart::Cart;
use crate::error::Error;
use crate::money::Money;
use crate::policy::Policy;

use allocate::allocate;
use decide::{decide, Limits};
use price::price;

/// Computes the quote for a cart, a policy, the wallet's balance and the shopper's choice.
///
/// `balance` must be in the cart's currency; every amount of the quote is in it too.
///
/// # Errors
///
/// [`Error::Rule`] at `balance` when the wallet's currency is not the cart's;
/// [`Error::Amount`] at `balance_cap` or `policy.max_balance_per_order` when a bound has
/// more decimals than the currency, and when a line's amount or a total passes the
/// bound on amounts ([`crate::money::MAX_MAJOR_UNITS`]).
pub fn quote(
    cart: &Cart,
    policy: &Policy,
    balance: Money,
    choice: &Choice,
) -> Result<Quote, Error> {
    let limits = Limits::read(cart.currency, policy, balance, choice)?;
    let priced = price(cart, policy)?;
    let decision = decide(&priced, &limits, choice)?;
    let lines = allocate(cart, &priced, decision.applied, decision.balance_amount)?;
    Ok(Quote {
        currency: cart.currency,
        total: decision.total,
        standard_total: priced.standard_total,
        savings: decision.savings,
        balance_prices_applied: decision.applied,
        eligible_total: decision.eligible_total,
        balance_amount: decision.balance_amount,
        other_amount: decision.other_amount,
        topup_to_unlock: decision.topup_to_unlock,
        lines,
    })
}
