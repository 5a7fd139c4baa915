//! Promotions the split applies (DESIGN.md *Promotions*): the balance-pay discount, "满199减10
//! when paying with balance". Pure like the rest of the core: the caller passes only the
//! promotions in force at the moment it quotes (the server filters by `starts_at` and
//! `ends_at`), so the same quote comes out of the widget and the server.

use serde::{Deserialize, Serialize};

use crate::allocation::largest_remainder;
use crate::error::Error;
use crate::money::{Amount, Currency, Money};
use crate::vocabulary::PromotionKind;

/// A promotion's words in both locales (`{"zh-CN": "余额支付满199减10", "en": "…"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    pub en: String,
}

/// One promotion of the merchant's policy: `{id, kind: "balance_pay_discount", threshold,
/// off, label, starts_at?, ends_at?}`, amounts in the cart's currency, times RFC 3339 (read
/// by the server, never by the core).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Promotion {
    pub id: String,
    pub kind: PromotionKind,
    /// The balance part (at balance prices, before the discount) that unlocks it.
    pub threshold: Amount,
    /// What comes off the balance part: `0 < off < threshold`.
    pub off: Amount,
    pub label: Labels,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<String>,
}

/// A discount the quote applied: the promotion's id and label, and the amount taken off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discount {
    pub id: String,
    pub label: Labels,
    pub amount: Money,
}

impl Promotion {
    /// `threshold` and `off` in `currency`, checked: `0 < off < threshold`, and an id of 1
    /// to 64 characters.
    ///
    /// # Errors
    /// [`Error::Amount`] at `threshold` or `off` with more digits than the currency;
    /// [`Error::Rule`] at `off` or `id` otherwise.
    pub fn amounts(&self, currency: Currency) -> Result<(Money, Money), Error> {
        let threshold = self
            .threshold
            .in_currency(currency)
            .map_err(|e| Error::amount("threshold", e))?;
        let off = self
            .off
            .in_currency(currency)
            .map_err(|e| Error::amount("off", e))?;
        if off.is_zero() || off.value() >= threshold.value() {
            return Err(Error::rule("off", "must be above zero and below threshold"));
        }
        if self.id.is_empty() || self.id.chars().count() > 64 {
            return Err(Error::rule("id", "must be 1 to 64 characters"));
        }
        Ok((threshold, off))
    }
}

/// The discount for a balance part of `balance_amount`: among the promotions whose
/// threshold it meets, the one taking the most off (the first of equals). Promotions do
/// not add up: one discount per order.
///
/// # Errors
/// Those of [`Promotion::amounts`], at `policy.promotions[i]`.
pub fn best(
    promotions: &[Promotion],
    currency: Currency,
    balance_amount: Money,
) -> Result<Option<(Discount, i64)>, Error> {
    let mut best: Option<(&Promotion, Money)> = None;
    for (i, p) in promotions.iter().enumerate() {
        let (threshold, off) = p
            .amounts(currency)
            .map_err(|e| e.under(&format!("policy.promotions[{i}]")))?;
        let met = balance_amount.value() >= threshold.value();
        if met && best.is_none_or(|(_, o)| off.value() > o.value()) {
            best = Some((p, off));
        }
    }
    Ok(best.map(|(p, off)| {
        let discount = Discount {
            id: p.id.clone(),
            label: p.label.clone(),
            amount: off,
        };
        (discount, off.minor())
    }))
}

/// Spreads `off` (minor units) over the lines' balance shares in proportion to them
/// (largest remainder), so a refund by line returns what was paid for that line: each
/// part is at most its line's share. `None` when the shares cannot carry it.
#[must_use]
pub fn spread(off: i64, balance_shares: &[i64]) -> Option<Vec<i64>> {
    largest_remainder(off, balance_shares)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn promo(id: &str, threshold: &str, off: &str) -> Promotion {
        Promotion {
            id: id.to_owned(),
            kind: PromotionKind::BalancePayDiscount,
            threshold: threshold.parse().expect("amount"),
            off: off.parse().expect("amount"),
            label: Labels {
                zh_cn: "余额支付满199减10".to_owned(),
                en: "¥10 off ¥199 paid with balance".to_owned(),
            },
            starts_at: None,
            ends_at: None,
        }
    }

    fn cny(s: &str) -> Money {
        s.parse::<Amount>()
            .expect("amount")
            .in_currency(Currency::CNY)
            .expect("cny")
    }

    #[test]
    fn the_threshold_met_exactly_applies_and_one_unit_short_does_not() {
        let p = [promo("618", "199.00", "10.00")];
        let (d, off) = best(&p, Currency::CNY, cny("199.00"))
            .expect("ok")
            .expect("met");
        assert_eq!((d.id.as_str(), off), ("618", 1000));
        assert!(best(&p, Currency::CNY, cny("198.99"))
            .expect("ok")
            .is_none());
    }

    #[test]
    fn the_largest_discount_met_wins_and_they_do_not_add_up() {
        let p = [
            promo("a", "100.00", "5.00"),
            promo("b", "199.00", "20.00"),
            promo("c", "150.00", "20.00"),
        ];
        let (d, off) = best(&p, Currency::CNY, cny("250.00"))
            .expect("ok")
            .expect("met");
        assert_eq!((d.id.as_str(), off), ("b", 2000));
        let (d, _) = best(&p, Currency::CNY, cny("120.00"))
            .expect("ok")
            .expect("met");
        assert_eq!(d.id, "a");
    }

    #[test]
    fn a_bad_promotion_is_refused_at_its_place() {
        for (t, o) in [("10.00", "10.00"), ("10.00", "0.00"), ("10.00", "0.001")] {
            let err = best(&[promo("x", t, o)], Currency::CNY, cny("50.00")).expect_err(o);
            assert!(err.path().starts_with("policy.promotions[0]"), "{err}");
        }
        // JPY has no minor digits: 0.5 off is refused, 1 off of 100 applies.
        assert!(best(
            &[promo("j", "100", "0.5")],
            Currency::JPY,
            Money::from_minor(100, Currency::JPY).expect("jpy")
        )
        .is_err());
        let kwd = Money::from_minor(10_000, Currency::KWD).expect("kwd");
        let (_, off) = best(&[promo("k", "10.000", "0.125")], Currency::KWD, kwd)
            .expect("ok")
            .expect("met");
        assert_eq!(off, 125);
    }

    #[test]
    fn the_discount_is_spread_over_balance_shares_within_each() {
        assert_eq!(spread(1000, &[10_000, 9_900, 0]), Some(vec![503, 497, 0]));
        assert_eq!(spread(1, &[0, 0]), None);
    }
}
