//! Property tests for the primitives under the split: money formatting and parsing, the
//! largest-remainder allocation, refunds and signatures. Case count from `PROPTEST_CASES`.
#![cfg(not(target_arch = "wasm32"))]
// Test helpers outside #[test] functions may unwrap too: a failure is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use checkout_core::allocation::largest_remainder;
use checkout_core::money::MAX_MAJOR_UNITS;
use checkout_core::refund::{refund_amount, refund_lines, Refundable};
use checkout_core::signature::{sign, verify, TOLERANCE_SECS};
use checkout_core::{Amount, Currency, Money, SignatureError};
use proptest::prelude::*;

const CURRENCIES: [Currency; 6] = [
    Currency::CNY,
    Currency::JPY,
    Currency::KWD,
    Currency::USD,
    Currency::KRW,
    Currency::BHD,
];

/// A currency and an amount in its minor units, anywhere from zero to the 10^13 bound.
fn any_money() -> impl Strategy<Value = (Currency, i64)> {
    proptest::sample::select(CURRENCIES.to_vec()).prop_flat_map(|c| {
        let max = MAX_MAJOR_UNITS * 10i64.pow(c.exponent());
        (Just(c), prop_oneof![0..=max, Just(max), 0i64..1000])
    })
}

/// The textbook method, written as plainly as possible: floors, then one more unit to each
/// of the largest remainders, ties to the earlier position, by a full sort.
fn reference_largest_remainder(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
    if total == 0 {
        return vec![0; weights.len()];
    }
    let t = i128::from(total);
    let mut parts: Vec<i128> = weights.iter().map(|&w| t * i128::from(w) / sum).collect();
    let mut by_remainder: Vec<(i128, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, &w)| (t * i128::from(w) % sum, i))
        .collect();
    by_remainder.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let left = t - parts.iter().sum::<i128>();
    for &(_, i) in by_remainder.iter().take(usize::try_from(left).unwrap()) {
        parts[i] += 1;
    }
    parts
        .into_iter()
        .map(|p| i64::try_from(p).unwrap())
        .collect()
}

proptest! {
    #[test]
    fn money_written_out_parses_back_to_itself((c, minor) in any_money()) {
        let money = Money::from_minor(minor, c).unwrap();
        let written = money.to_string();
        let decimals = written.split_once('.').map_or(0, |(_, f)| f.len());
        prop_assert_eq!(u32::try_from(decimals).unwrap(), c.exponent());
        prop_assert_eq!(Money::parse(&written, c).unwrap(), money);
        prop_assert_eq!(Money::parse(&written, c).unwrap().minor(), minor);
    }

    #[test]
    fn amount_parsing_never_panics(text in "\\PC{0,40}") {
        let _ = Amount::parse(&text);
    }

    #[test]
    fn largest_remainder_parts_sum_exactly_within_one_unit_of_the_exact_share(
        weights in proptest::collection::vec(0i64..10_000_000_000, 1..40),
        fraction in 0u32..=1000,
    ) {
        let sum: i64 = weights.iter().sum();
        let total = i64::try_from(i128::from(sum) * i128::from(fraction) / 1000).unwrap();
        let parts = largest_remainder(total, &weights).unwrap();
        prop_assert_eq!(parts.iter().sum::<i64>(), total);
        for (&p, &w) in parts.iter().zip(&weights) {
            prop_assert!(p >= 0 && p <= w);
            let floor = i128::from(total) * i128::from(w) / i128::from(sum.max(1));
            prop_assert!(i128::from(p) == floor || i128::from(p) == floor + 1);
        }
    }

    #[test]
    fn largest_remainder_matches_a_plain_sort_by_remainder_then_position(
        weights in proptest::collection::vec(prop_oneof![0i64..10, 0i64..1_000, 0i64..10_000_000_000_000_000], 1..40),
        fraction in 0u32..=1000,
    ) {
        let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
        let total = i64::try_from(sum * i128::from(fraction) / 1000).unwrap();
        prop_assert_eq!(largest_remainder(total, &weights), Some(reference_largest_remainder(total, &weights)));
    }

    #[test]
    fn a_signature_verifies_within_the_window_and_only_with_its_body_and_secret(
        secret in "[ -~]{1,48}",
        body in proptest::collection::vec(any::<u8>(), 0..256),
        t in 0i64..4_000_000_000,
        skew in -400i64..=400,
        flip in any::<prop::sample::Index>(),
    ) {
        let header = sign(&secret, t, &body);
        let result = verify(&secret, &header, &body, t + skew);
        if skew.abs() <= TOLERANCE_SECS {
            prop_assert_eq!(result, Ok(()));
        } else {
            prop_assert_eq!(result, Err(SignatureError::Expired { age: skew }));
        }
        let other_secret = format!("{secret}x");
        prop_assert_eq!(verify(&other_secret, &header, &body, t), Err(SignatureError::Mismatch));
        if !body.is_empty() {
            let mut tampered = body.clone();
            let i = flip.index(body.len());
            tampered[i] ^= 0x01;
            prop_assert_eq!(verify(&secret, &header, &tampered, t), Err(SignatureError::Mismatch));
        }
    }

    #[test]
    fn refunds_return_exactly_the_amount_balance_first_and_never_more_than_is_left(
        shares in proptest::collection::vec((0i64..100_000, 0i64..100_000), 1..12),
        pick in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let paid: Vec<Refundable> = shares
            .iter()
            .enumerate()
            .map(|(i, (b, o))| Refundable { id: format!("L{i}"), balance_left: *b, other_left: *o })
            .collect();
        let left: i64 = paid.iter().map(Refundable::left).sum();
        let balance_left: i64 = paid.iter().map(|p| p.balance_left).sum();
        prop_assume!(left > 0);
        let amount = 1 + pick.index(usize::try_from(left).unwrap()) as i64;
        let got = refund_amount(&paid, amount).unwrap();
        prop_assert_eq!(got.iter().map(|s| s.balance + s.other).sum::<i64>(), amount);
        let balance: i64 = got.iter().map(|s| s.balance).sum();
        prop_assert_eq!(balance, amount.min(balance_left), "balance shares first");
        for s in &got {
            let p = paid.iter().find(|p| p.id == s.id).unwrap();
            prop_assert!(s.balance >= 0 && s.other >= 0 && s.balance + s.other > 0);
            prop_assert!(s.balance <= p.balance_left && s.other <= p.other_left);
        }
        prop_assert!(refund_amount(&paid, left + 1).is_err());

        // By line: a line's balance share goes first, and its amount is returned exactly.
        let line = &paid[pick.index(paid.len())];
        if line.left() > 0 {
            let x = 1 + cut.index(usize::try_from(line.left()).unwrap()) as i64;
            let got = refund_lines(&paid, &[(line.id.clone(), x)]).unwrap();
            prop_assert_eq!(got[0].balance, x.min(line.balance_left));
            prop_assert_eq!(got[0].balance + got[0].other, x);
        }
        prop_assert!(refund_lines(&paid, &[(line.id.clone(), line.left() + 1)]).is_err());
    }
}
