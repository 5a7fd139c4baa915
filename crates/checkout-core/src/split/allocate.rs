//! Step three of the split: each line's share of the balance amount, in proportion to the
//! amounts of the lines the balance may pay, by the largest remainder
//! ([`largest_remainder`]).

use crate::allocation::largest_remainder;
use crate::cart::{Cart, SHIPPING_LINE_ID};
use crate::error::Error;
use crate::money::Money;

use super::price::{Priced, Pricing};
use super::types::QuoteLine;

/// The quote's lines (the cart's, then shipping) with their parts: `balance` from
/// `balance_amount`, `other` the rest of the line's amount. Each line costs its balance
/// price when balance prices are `applied` and it is eligible, else its standard price.
pub(super) fn allocate(
    cart: &Cart,
    priced: &Pricing,
    applied: bool,
    balance_amount: Money,
) -> Result<Vec<QuoteLine>, Error> {
    let amounts: Vec<i64> = priced.lines.iter().map(|p| payable(p, applied)).collect();
    let weights: Vec<i64> = priced
        .lines
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
    let minor = &priced.minor;
    let mut lines = Vec::with_capacity(priced.lines.len());
    for (((id, p), amount), share) in ids.zip(&priced.lines).zip(amounts).zip(shares) {
        // largest_remainder keeps 0 <= share <= amount, so both parts are in bounds.
        lines.push(QuoteLine {
            id: id.to_owned(),
            eligible: p.reason.is_none(),
            reason: p.reason,
            amount: minor.money(amount),
            balance: minor.money(share),
            other: minor.money(amount - share),
            discount: minor.money(0),
        });
    }
    Ok(lines)
}

/// What a line costs in this quote, in minor units.
fn payable(p: &Priced, applied: bool) -> i64 {
    if applied && p.reason.is_none() {
        p.at_balance_price
    } else {
        p.standard
    }
}
