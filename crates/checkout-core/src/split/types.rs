//! The split's public shapes: the shopper's [`Choice`] in, the [`Quote`] out. Every amount
//! is [`Money`] in the cart's currency.

use serde::{Deserialize, Serialize};

use crate::eligibility::Reason;
use crate::money::{Amount, Currency, Money};
use crate::promotion::Discount;

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
    /// The balance-pay discount applied, if any (`[]` or one): already taken off `total`,
    /// `balance_amount` and the lines' `balance`, and counted in `savings`. Left out of
    /// the JSON when empty, so a quote without promotions reads as the contract's example.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub discounts: Vec<Discount>,
    pub lines: Vec<QuoteLine>,
}

/// Recharging the wallet by `amount` would unlock balance prices worth `savings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TopUp {
    pub amount: Money,
    pub savings: Money,
}

/// Recharging the wallet by `amount` would let the balance part reach a balance-pay
/// discount's threshold, taking `off` off (`crate::split::discount_topup`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountTopUp {
    pub amount: Money,
    pub off: Money,
    pub label: crate::promotion::Labels,
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
    /// This line's part of the discounts: `balance + other + discount = amount`. Left
    /// out of the JSON when zero.
    #[serde(skip_serializing_if = "is_zero")]
    pub discount: Money,
}

impl Quote {
    /// True when a second payment method must pay `other_amount`.
    #[must_use]
    pub fn needs_other_method(&self) -> bool {
        !self.other_amount.is_zero()
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(m: &Money) -> bool {
    m.is_zero()
}
