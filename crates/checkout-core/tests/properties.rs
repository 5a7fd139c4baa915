//! Property tests for DESIGN.md's invariants. The number of cases comes from the standard
//! `PROPTEST_CASES` variable (CI sets 10000); nothing here overrides it.
//!
//! Carts are generated as JSON and go through the same parsing and validation as a
//! merchant's. The expected figures (E, E_bal, A, whether balance prices apply, the top-up
//! hint) are recomputed here from the contract in integer minor units, independently of the
//! core's decimal arithmetic.
#![cfg(not(target_arch = "wasm32"))]
// Test helpers outside #[test] functions may unwrap too: a failure is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use checkout_core::refund::{refund_amount, Refundable};
use checkout_core::{
    canonical_json, cart_digest, quote, Amount, Cart, Choice, Currency, Money, Policy, Quote,
};
use proptest::prelude::*;
use serde_json::{json, Value};

const CURRENCIES: [Currency; 6] = [
    Currency::CNY,
    Currency::JPY,
    Currency::KWD,
    Currency::USD,
    Currency::KRW,
    Currency::BHD,
];
const CATEGORIES: [&str; 5] = ["physical", "virtual", "gift_card", "top_up", "service"];
const MERCHANTS: [&str; 3] = ["m-1", "m-2", "m-3"];

#[derive(Debug, Clone)]
struct GenLine {
    quantity: u32,
    unit: i64,
    /// Balance price as a fraction (per mille) of the unit price, when present.
    balance_permille: Option<i64>,
    category: usize,
    third_party: Option<usize>,
    excluded: bool,
}

#[derive(Debug, Clone)]
struct Scenario {
    currency: Currency,
    lines: Vec<GenLine>,
    shipping: Option<i64>,
    excluded_categories: Vec<usize>,
    accepting: Vec<usize>,
    shipping_eligible: bool,
    max_per_order: Option<i64>,
    balance: i64,
    use_balance: bool,
    cap: Option<i64>,
}

fn gen_line() -> impl Strategy<Value = GenLine> {
    (
        prop_oneof![4 => 1u32..=5, 1 => 1u32..=9999],
        prop_oneof![1 => Just(0i64), 8 => 1i64..=100_000, 2 => 1i64..=100_000_000],
        proptest::option::weighted(0.4, 0i64..1000),
        0usize..CATEGORIES.len(),
        proptest::option::weighted(0.3, 0usize..MERCHANTS.len()),
        proptest::bool::weighted(0.1),
    )
        .prop_map(
            |(quantity, unit, balance_permille, category, third_party, excluded)| GenLine {
                quantity,
                unit,
                balance_permille,
                category,
                third_party,
                excluded,
            },
        )
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        proptest::sample::select(CURRENCIES.to_vec()),
        proptest::collection::vec(gen_line(), 1..12),
        proptest::option::of(0i64..5_000),
        proptest::sample::subsequence((0..CATEGORIES.len()).collect::<Vec<_>>(), 0..=3),
        proptest::sample::subsequence((0..MERCHANTS.len()).collect::<Vec<_>>(), 0..=3),
        any::<bool>(),
        proptest::option::weighted(0.3, 0i64..50_000_000),
        prop_oneof![1 => Just(0i64), 6 => 0i64..50_000_000, 1 => 0i64..2_000_000_000],
        any::<bool>(),
        proptest::option::weighted(0.3, 0i64..50_000_000),
    )
        .prop_map(|t| Scenario {
            currency: t.0,
            lines: t.1,
            shipping: t.2,
            excluded_categories: t.3,
            accepting: t.4,
            shipping_eligible: t.5,
            max_per_order: t.6,
            balance: t.7,
            use_balance: t.8,
            cap: t.9,
        })
}

fn s(minor: i64, currency: Currency) -> String {
    Money::from_minor(minor, currency).unwrap().to_string()
}

fn m(minor: i64, currency: Currency) -> Money {
    Money::from_minor(minor, currency).unwrap()
}

fn balance_minor(l: &GenLine) -> Option<i64> {
    // Strictly below the unit price and above zero; none on a line too cheap for one.
    l.balance_permille
        .map(|p| l.unit * p / 1000)
        .filter(|&bp| bp > 0)
}

impl Scenario {
    fn cart_json(&self) -> Value {
        let c = self.currency;
        let lines: Vec<Value> = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut v = json!({
                    "id": format!("L{i}"),
                    "name": format!("item {i}"),
                    "quantity": l.quantity,
                    "unit_price": s(l.unit, c),
                    "merchant": match l.third_party {
                        Some(k) => json!({"id": MERCHANTS[k], "kind": "third_party"}),
                        None => json!({"id": "self", "kind": "self_operated"}),
                    },
                    "category": CATEGORIES[l.category],
                });
                if let Some(bp) = balance_minor(l) {
                    v["balance_price"] = json!(s(bp, c));
                }
                if l.excluded {
                    v["balance_eligible"] = json!(false);
                }
                v
            })
            .collect();
        let mut cart = json!({"currency": c.code(), "lines": lines});
        if let Some(fee) = self.shipping {
            cart["shipping"] = json!({"fee": s(fee, c)});
        }
        cart
    }

    fn cart(&self) -> Cart {
        Cart::from_json(&self.cart_json().to_string()).unwrap()
    }

    fn policy(&self) -> Policy {
        let c = self.currency;
        serde_json::from_value(json!({
            "excluded_categories": self.excluded_categories.iter().map(|&i| CATEGORIES[i]).collect::<Vec<_>>(),
            "accepting_third_party": self.accepting.iter().map(|&i| MERCHANTS[i]).collect::<Vec<_>>(),
            "shipping_eligible": self.shipping_eligible,
            "max_balance_per_order": self.max_per_order.map(|v| s(v, c)),
        }))
        .unwrap()
    }

    fn choice(&self) -> Choice {
        Choice {
            use_balance: self.use_balance,
            balance_cap: self
                .cap
                .map(|v| s(v, self.currency).parse::<Amount>().unwrap()),
        }
    }

    fn quote(&self, cart: &Cart) -> Quote {
        quote(
            cart,
            &self.policy(),
            m(self.balance, self.currency),
            &self.choice(),
        )
        .unwrap()
    }

    fn eligible(&self, l: &GenLine) -> bool {
        !l.excluded
            && !self.excluded_categories.contains(&l.category)
            && l.third_party.is_none_or(|k| self.accepting.contains(&k))
    }

    /// The contract's figures, in minor units: (standard total, E, E_bal, A, any balance price).
    fn model(&self) -> Model {
        let q = |l: &GenLine| i64::from(l.quantity);
        let mut m = Model::default();
        for l in &self.lines {
            m.standard_total += l.unit * q(l);
            if self.eligible(l) {
                m.e += l.unit * q(l);
                m.e_bal += balance_minor(l).unwrap_or(l.unit) * q(l);
                m.any_balance_price |= balance_minor(l).is_some();
            }
        }
        if let Some(fee) = self.shipping {
            m.standard_total += fee;
            if self.shipping_eligible {
                m.e += fee;
                m.e_bal += fee;
            }
        }
        m.available = [Some(self.balance), self.cap, self.max_per_order]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(self.balance);
        m
    }
}

#[derive(Debug, Default)]
struct Model {
    standard_total: i64,
    e: i64,
    e_bal: i64,
    available: i64,
    any_balance_price: bool,
}

proptest! {
    #[test]
    fn amounts_are_never_negative_and_add_up(sc in scenario()) {
        let q = sc.quote(&sc.cart());
        for amount in [q.total, q.standard_total, q.savings, q.eligible_total, q.balance_amount, q.other_amount] {
            prop_assert!(!amount.value().is_sign_negative() || amount.is_zero());
        }
        prop_assert_eq!(q.balance_amount.checked_add(q.other_amount).unwrap(), q.total);
        prop_assert_eq!(q.total.checked_add(q.savings).unwrap(), q.standard_total);
        prop_assert_eq!(q.needs_other_method(), !q.other_amount.is_zero());
    }

    #[test]
    fn the_balance_amount_stays_within_a_and_the_eligible_total(sc in scenario()) {
        let q = sc.quote(&sc.cart());
        let model = sc.model();
        prop_assert!(q.balance_amount.minor() <= model.available);
        prop_assert!(q.balance_amount <= q.eligible_total);
        if !sc.use_balance {
            prop_assert!(q.balance_amount.is_zero());
        }
    }

    #[test]
    fn the_quote_follows_the_contract_formulas(sc in scenario()) {
        let q = sc.quote(&sc.cart());
        let model = sc.model();
        let applied = sc.use_balance && model.any_balance_price && model.available >= model.e_bal;
        prop_assert_eq!(q.balance_prices_applied, applied);
        prop_assert_eq!(q.standard_total.minor(), model.standard_total);
        if applied {
            prop_assert_eq!(q.total.minor(), model.standard_total - (model.e - model.e_bal));
            prop_assert_eq!(q.eligible_total.minor(), model.e_bal);
            prop_assert_eq!(q.balance_amount.minor(), model.e_bal);
        } else {
            prop_assert_eq!(q.total.minor(), model.standard_total);
            prop_assert_eq!(q.eligible_total.minor(), model.e);
            let expected = if sc.use_balance { model.available.min(model.e) } else { 0 };
            prop_assert_eq!(q.balance_amount.minor(), expected);
        }
        let below = |bound: Option<i64>| bound.is_some_and(|b| b < model.e_bal);
        let hint = sc.use_balance
            && model.any_balance_price
            && sc.balance < model.e_bal
            && !below(sc.cap)
            && !below(sc.max_per_order);
        let expected_hint = hint.then(|| (model.e_bal - sc.balance, model.e - model.e_bal));
        prop_assert_eq!(
            q.topup_to_unlock.map(|t| (t.amount.minor(), t.savings.minor())),
            expected_hint
        );
    }

    #[test]
    fn allocations_sum_exactly_and_stay_within_each_line(sc in scenario()) {
        let cart = sc.cart();
        let q = sc.quote(&cart);
        let expected_len = cart.lines.len() + usize::from(cart.shipping.is_some());
        prop_assert_eq!(q.lines.len(), expected_len);
        let mut sum = Money::zero(q.currency);
        for (i, l) in q.lines.iter().enumerate() {
            let id = cart.lines.get(i).map_or("shipping", |c| c.id.as_str());
            prop_assert_eq!(l.id.as_str(), id);
            prop_assert_eq!(l.balance.checked_add(l.other).unwrap(), l.amount);
            prop_assert!(l.balance <= l.amount);
            prop_assert_eq!(l.eligible, l.reason.is_none());
            if !l.eligible {
                prop_assert!(l.balance.is_zero());
            }
            sum = sum.checked_add(l.balance).unwrap();
        }
        prop_assert_eq!(sum, q.balance_amount);
        let amounts = q.lines.iter().try_fold(Money::zero(q.currency), |a, l| a.checked_add(l.amount));
        prop_assert_eq!(amounts.unwrap(), q.total);
    }

    #[test]
    fn the_quote_is_deterministic_and_survives_a_round_trip_of_the_cart(sc in scenario()) {
        let cart = sc.cart();
        let first = sc.quote(&cart);
        prop_assert_eq!(&sc.quote(&cart), &first);
        let again = Cart::from_json(&canonical_json(&cart)).unwrap();
        let requoted = sc.quote(&again);
        prop_assert_eq!(requoted, first);
    }

    #[test]
    fn the_digest_is_stable_under_re_serialization(sc in scenario()) {
        let cart = sc.cart();
        let digest = cart_digest(&cart);
        let from_canonical = Cart::from_json(&canonical_json(&cart)).unwrap();
        prop_assert_eq!(cart_digest(&from_canonical), digest.clone());
        let pretty = serde_json::to_string_pretty(&sc.cart_json()).unwrap();
        prop_assert_eq!(cart_digest(&Cart::from_json(&pretty).unwrap()), digest);
    }

    #[test]
    fn a_balance_pay_discount_comes_off_the_balance_part_and_never_refunds_more(
        sc in scenario(),
        threshold_permille in 1i64..1500,
        off_permille in 1i64..1000,
    ) {
        let cart = sc.cart();
        let plain = sc.quote(&cart);
        // A threshold around the balance part as computed without it, an off below it.
        let threshold = (plain.balance_amount.minor() * threshold_permille / 1000).max(2);
        let off = (threshold * off_permille / 1000).clamp(1, threshold - 1);
        let mut policy = sc.policy();
        policy.promotions = serde_json::from_value(json!([{
            "id": "618", "kind": "balance_pay_discount",
            "threshold": s(threshold, sc.currency), "off": s(off, sc.currency),
            "label": {"zh-CN": "余额支付立减", "en": "Balance discount"},
        }])).unwrap();
        let q = quote(&cart, &policy, m(sc.balance, sc.currency), &sc.choice()).unwrap();
        if plain.balance_amount.minor() < threshold {
            prop_assert_eq!(q, plain);
            return Ok(());
        }
        prop_assert_eq!(q.discounts.len(), 1);
        prop_assert_eq!(q.discounts[0].amount.minor(), off);
        prop_assert_eq!(q.total.minor(), plain.total.minor() - off);
        prop_assert_eq!(q.balance_amount.minor(), plain.balance_amount.minor() - off);
        prop_assert_eq!(q.other_amount, plain.other_amount);
        prop_assert_eq!(q.savings.minor(), plain.savings.minor() + off);
        prop_assert_eq!(q.balance_amount.checked_add(q.other_amount).unwrap(), q.total);
        let mut discounted = 0;
        for (line, before) in q.lines.iter().zip(&plain.lines) {
            prop_assert_eq!(line.balance.minor() + line.other.minor() + line.discount.minor(), line.amount.minor());
            prop_assert!(line.discount <= before.balance);
            prop_assert_eq!(line.other, before.other);
            discounted += line.discount.minor();
        }
        prop_assert_eq!(discounted, off);
        // Refunding everything returns what was paid, no more: the discount stays off.
        let paid: Vec<Refundable> = q.lines.iter().map(|l| Refundable {
            id: l.id.clone(),
            balance_left: l.balance.minor(),
            other_left: l.other.minor(),
        }).collect();
        if q.total.minor() > 0 {
            let shares = refund_amount(&paid, q.total.minor()).unwrap();
            let returned: i64 = shares.iter().map(|r| r.balance + r.other).sum();
            prop_assert_eq!(returned, q.total.minor());
            prop_assert!(refund_amount(&paid, q.total.minor() + 1).is_err());
        }
    }
}
