//! Recharge bonuses (DESIGN.md *Promotions*): the operator's campaigns and the bonus a
//! recharge earns. The server reserves it from the campaign's budget and credits it.

use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::intent::Method;
use crate::money::{Amount, Currency, Money};

/// A recharge bonus campaign (the operator's `recharge_promotions`, DESIGN.md
/// *Promotions*): recharging at least `min_amount` (by `method`, when given) earns
/// `bonus_rate` of it, rounded down to the minor unit, at most `bonus_cap` per recharge and
/// `per_wallet_cap` per wallet; paid from a `budget` per mode. Times are the server's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RechargePromotion {
    pub id: String,
    pub currency: Currency,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    pub min_amount: Amount,
    /// A fraction written as an amount: `"0.05"` is 5 %.
    pub bonus_rate: Amount,
    pub bonus_cap: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_wallet_cap: Option<Amount>,
    pub budget: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<String>,
}

impl RechargePromotion {
    /// Its amounts in its currency, checked: `min_amount > 0`, `0 < bonus_rate < 1`,
    /// `bonus_cap > 0`, `per_wallet_cap >= bonus_cap`.
    ///
    /// # Errors
    /// [`Error::Amount`] or [`Error::Rule`] at the field.
    pub fn check(&self) -> Result<(), Error> {
        let c = self.currency;
        let money = |a: Amount, path: &str| a.in_currency(c).map_err(|e| Error::amount(path, e));
        let min = money(self.min_amount, "min_amount")?;
        let cap = money(self.bonus_cap, "bonus_cap")?;
        money(self.budget, "budget")?;
        let rate = self.bonus_rate.value();
        if min.is_zero() || cap.is_zero() {
            return Err(Error::rule(
                "min_amount",
                "min_amount and bonus_cap must be above zero",
            ));
        }
        if rate.is_zero() || rate >= rust_decimal::Decimal::ONE {
            return Err(Error::rule(
                "bonus_rate",
                "must be above 0 and below 1, e.g. \"0.05\"",
            ));
        }
        if let Some(per_wallet) = self.per_wallet_cap {
            if money(per_wallet, "per_wallet_cap")?.value() < cap.value() {
                return Err(Error::rule("per_wallet_cap", "must be at least bonus_cap"));
            }
        }
        if self.id.is_empty() || self.id.chars().count() > 64 {
            return Err(Error::rule("id", "must be 1 to 64 characters"));
        }
        Ok(())
    }

    /// The bonus for recharging `amount` by `method`, for a wallet that already got (or has
    /// reserved) `granted` from this campaign: zero when the campaign is for another
    /// currency or method or `amount` is under `min_amount`; else `bonus_rate × amount`
    /// rounded down to the minor unit, at most `bonus_cap` and what `per_wallet_cap` leaves.
    ///
    /// # Errors
    /// Those of [`RechargePromotion::check`].
    pub fn bonus(&self, amount: Money, method: Method, granted: Money) -> Result<Money, Error> {
        self.check()?;
        let c = self.currency;
        let zero = Money::zero(c);
        let min = self
            .min_amount
            .in_currency(c)
            .map_err(|e| Error::amount("min_amount", e))?;
        if amount.currency() != c
            || self.method.is_some_and(|m| m != method)
            || amount.value() < min.value()
        {
            return Ok(zero);
        }
        // Rounded down: the campaign never pays a fraction of a minor unit it was not due.
        let raw = rust_decimal::Decimal::from(amount.minor()) * self.bonus_rate.value();
        let mut minor = raw.floor().to_i64().unwrap_or(0);
        let cap = self
            .bonus_cap
            .in_currency(c)
            .map_err(|e| Error::amount("bonus_cap", e))?;
        minor = minor.min(cap.minor());
        if let Some(per_wallet) = self.per_wallet_cap {
            let per_wallet = per_wallet
                .in_currency(c)
                .map_err(|e| Error::amount("per_wallet_cap", e))?;
            minor = minor.min((per_wallet.minor() - granted.minor()).max(0));
        }
        Money::from_minor(minor.max(0), c).map_err(|e| Error::amount("", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny(s: &str) -> Money {
        s.parse::<Amount>()
            .expect("amount")
            .in_currency(Currency::CNY)
            .expect("cny")
    }

    fn ecny() -> RechargePromotion {
        serde_json::from_value(serde_json::json!({
            "id": "ecny", "currency": "CNY", "method": "ecny", "min_amount": "100.00",
            "bonus_rate": "0.05", "bonus_cap": "20.00", "per_wallet_cap": "50.00",
            "budget": "1000.00",
        }))
        .expect("campaign")
    }

    #[test]
    fn a_recharge_bonus_is_the_rate_rounded_down_within_both_caps() {
        let p = ecny();
        let none = cny("0.00");
        assert_eq!(p.bonus(cny("99.99"), Method::Ecny, none).expect("ok"), none);
        assert_eq!(
            p.bonus(cny("100.00"), Method::Ecny, none).expect("ok"),
            cny("5.00")
        );
        assert_eq!(
            p.bonus(cny("123.45"), Method::Ecny, none).expect("ok"),
            cny("6.17")
        );
        assert_eq!(
            p.bonus(cny("1000.00"), Method::Ecny, none).expect("ok"),
            cny("20.00")
        );
        assert_eq!(
            p.bonus(cny("1000.00"), Method::Alipay, none).expect("ok"),
            none
        );
        assert_eq!(
            p.bonus(cny("1000.00"), Method::Ecny, cny("45.00"))
                .expect("ok"),
            cny("5.00")
        );
        assert_eq!(
            p.bonus(cny("1000.00"), Method::Ecny, cny("50.00"))
                .expect("ok"),
            none
        );
        let mut bad = ecny();
        bad.bonus_rate = "1".parse().expect("rate");
        assert!(bad.check().is_err());
    }
}
