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

pub use types::{Choice, DiscountTopUp, Quote, QuoteLine, TopUp};

use crate::cart::Cart;
use crate::error::Error;
use crate::money::Money;
use crate::policy::Policy;

use crate::promotion::{best, spread};
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
    let mut lines = allocate(cart, &priced, decision.applied, decision.balance_amount)?;
    let found = best(&policy.promotions, cart.currency, decision.balance_amount)?;
    let off = found.as_ref().map_or(0, |(_, off)| *off);
    if off > 0 {
        discount_lines(&mut lines, off)?;
    }
    let less = |m: Money| minor_money(m.minor() - off, cart.currency);
    Ok(Quote {
        currency: cart.currency,
        total: less(decision.total)?,
        standard_total: priced.standard_total,
        savings: minor_money(decision.savings.minor() + off, cart.currency)?,
        balance_prices_applied: decision.applied,
        eligible_total: decision.eligible_total,
        balance_amount: less(decision.balance_amount)?,
        other_amount: decision.other_amount,
        topup_to_unlock: decision.topup_to_unlock,
        discounts: found.into_iter().map(|(d, _)| d).collect(),
        lines,
    })
}

/// Takes `off` minor units from the lines' balance shares, in proportion to them
/// ([`spread`]): `balance + other + discount` stays each line's amount.
fn discount_lines(lines: &mut [QuoteLine], off: i64) -> Result<(), Error> {
    let shares: Vec<i64> = lines.iter().map(|l| l.balance.minor()).collect();
    let parts = spread(off, &shares)
        .ok_or_else(|| Error::rule("", "the discount exceeds the balance part"))?;
    for (line, part) in lines.iter_mut().zip(parts) {
        let currency = line.balance.currency();
        line.balance = minor_money(line.balance.minor() - part, currency)?;
        line.discount = minor_money(part, currency)?;
    }
    Ok(())
}

fn minor_money(minor: i64, currency: crate::money::Currency) -> Result<Money, Error> {
    Money::from_minor(minor, currency).map_err(|e| Error::amount("", e))
}

/// The balance-pay discount a top-up would unlock (DESIGN.md *Promotions*: "how much more
/// balance would unlock it"): while the balance is used and no discount applies, the
/// promotion taking the most off among those whose threshold the order can reach (the
/// eligible total at the prices that apply, the shopper's cap and the policy's maximum
/// all at least the threshold) but the balance cannot. `amount` is the threshold less the
/// balance part; the quote after the top-up decides.
#[must_use]
pub fn discount_topup(quote: &Quote, policy: &Policy, choice: &Choice) -> Option<DiscountTopUp> {
    if !choice.use_balance || !quote.discounts.is_empty() {
        return None;
    }
    let c = quote.currency;
    let reaches = |bound: Option<crate::money::Amount>, t: Money| {
        bound.is_none_or(|b| b.in_currency(c).is_ok_and(|b| b.value() >= t.value()))
    };
    let mut best: Option<DiscountTopUp> = None;
    for p in &policy.promotions {
        let Ok((threshold, off)) = p.amounts(c) else {
            continue;
        };
        let within = quote.balance_amount.value() < threshold.value()
            && quote.eligible_total.value() >= threshold.value()
            && reaches(choice.balance_cap, threshold)
            && reaches(policy.max_balance_per_order, threshold);
        if within && best.as_ref().is_none_or(|b| off.value() > b.off.value()) {
            let amount = threshold.checked_sub(quote.balance_amount).ok()?;
            best = Some(DiscountTopUp {
                amount,
                off,
                label: p.label.clone(),
            });
        }
    }
    best
}
