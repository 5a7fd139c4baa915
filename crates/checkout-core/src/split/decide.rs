//! Step two of the split: whether balance prices apply, how much the balance pays, what
//! remains for a second method, and the top-up that would unlock balance prices.

use crate::error::Error;
use crate::money::{Currency, Money};
use crate::policy::Policy;

use super::price::Pricing;
use super::types::{Choice, TopUp};

/// The bounds on the balance amount, all in the cart's currency: the wallet's balance,
/// the shopper's cap and the policy's maximum per order (absent bounds are `None`).
pub(super) struct Limits {
    currency: Currency,
    balance: Money,
    cap: Option<Money>,
    max_per_order: Option<Money>,
}

impl Limits {
    /// Reads the bounds in `currency`. Errors when the wallet is in another currency, or a
    /// bound has more decimals than the currency (at `balance_cap` or
    /// `policy.max_balance_per_order`).
    pub(super) fn read(
        currency: Currency,
        policy: &Policy,
        balance: Money,
        choice: &Choice,
    ) -> Result<Limits, Error> {
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
        Ok(Limits {
            currency,
            balance,
            cap,
            max_per_order,
        })
    }

    /// A = min(B, C, max_balance_per_order), absent bounds ignored.
    fn available(&self) -> Money {
        [self.cap, self.max_per_order]
            .into_iter()
            .flatten()
            .fold(self.balance, Money::min)
    }

    /// True when the cap or the policy's maximum is below `amount`: no top-up can make
    /// the balance pay it.
    fn bounded_below(&self, amount: Money) -> bool {
        let below = |bound: Option<Money>| bound.is_some_and(|b| b.value() < amount.value());
        below(self.cap) || below(self.max_per_order)
    }
}

/// What the balance pays and at which prices.
pub(super) struct Decision {
    /// Balance prices apply to the eligible lines.
    pub(super) applied: bool,
    /// What the order costs: at balance prices when they apply.
    pub(super) total: Money,
    /// `standard_total - total`.
    pub(super) savings: Money,
    /// The eligible lines at the prices that apply.
    pub(super) eligible_total: Money,
    /// What the balance pays.
    pub(super) balance_amount: Money,
    /// What a second method pays: `total - balance_amount`.
    pub(super) other_amount: Money,
    /// The top-up that would unlock balance prices, when one would.
    pub(super) topup_to_unlock: Option<TopUp>,
}

/// Decides the split of a priced order under the bounds and the shopper's choice. Balance
/// prices apply only when the balance is used and can pay every eligible line at them.
pub(super) fn decide(
    priced: &Pricing,
    limits: &Limits,
    choice: &Choice,
) -> Result<Decision, Error> {
    let (e_std, e_bal) = (priced.eligible_standard, priced.eligible_at_balance);
    let available = limits.available();
    let applied =
        choice.use_balance && priced.any_balance_price && available.value() >= e_bal.value();
    let balance_savings = sub(e_std, e_bal)?;
    let (total, eligible_total, balance_amount) = if applied {
        (sub(priced.standard_total, balance_savings)?, e_bal, e_bal)
    } else if choice.use_balance {
        (priced.standard_total, e_std, available.min(e_std))
    } else {
        (priced.standard_total, e_std, Money::zero(limits.currency))
    };
    let topup_to_unlock = topup_hint(priced, limits, choice, balance_savings)?;
    Ok(Decision {
        applied,
        total,
        savings: sub(priced.standard_total, total)?,
        eligible_total,
        balance_amount,
        other_amount: sub(total, balance_amount)?,
        topup_to_unlock,
    })
}

/// The top-up that would let the balance pay every eligible line at balance prices: only
/// when the balance is used, some balance price exists, the balance alone is short, and
/// neither the cap nor the policy's maximum stands in the way.
fn topup_hint(
    priced: &Pricing,
    limits: &Limits,
    choice: &Choice,
    savings: Money,
) -> Result<Option<TopUp>, Error> {
    let e_bal = priced.eligible_at_balance;
    let unlocks = choice.use_balance
        && priced.any_balance_price
        && limits.balance.value() < e_bal.value()
        && !limits.bounded_below(e_bal);
    if !unlocks {
        return Ok(None);
    }
    Ok(Some(TopUp {
        amount: sub(e_bal, limits.balance)?,
        savings,
    }))
}

fn sub(a: Money, b: Money) -> Result<Money, Error> {
    a.checked_sub(b).map_err(|e| Error::amount("", e))
}
