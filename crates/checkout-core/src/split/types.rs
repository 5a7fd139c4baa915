//! The split's public shapes: the shopper's [`Choice`] in, the [`Quote`] out. Every amount
//! is [`Money`] in the cart's currency.

use serde::{Deserialize, Serialize};

use crate::eligibility::Reason;
use crate::money::{Amount, Currency, Money};

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
