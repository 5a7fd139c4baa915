//! The split's allocation in whole yen and in fils: the largest-remainder method, ties to
//! the earlier line, shipping as the last pseudo-line. Expected figures are worked out by
//! hand in the comments.
// Test helpers outside #[test] functions may unwrap too: a failure is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use checkout_core::Cart;
use common::{
    allocations, cart, choice, line, line_bp, quote_default, row, some_topup, topup, with,
};
use serde_json::json;

/// JPY: A 3 × 1000 (balance price 900), B 2500, C a gift card 700, shipping 500.
/// Standard 6700; E = 6000; E_bal = 5700.
fn jpy_cart() -> Cart {
    cart(
        "JPY",
        vec![
            line_bp("A", 3, "1000", "900"),
            line("B", 1, "2500"),
            with(line("C", 1, "700"), "category", json!("gift_card")),
        ],
        Some("500"),
    )
}

#[test]
fn it_splits_a_yen_order_at_balance_prices() {
    let q = quote_default(&jpy_cart(), "5700", &choice(true, None));
    assert!(q.balance_prices_applied);
    assert_eq!(q.total.to_string(), "6400");
    assert_eq!(q.savings.to_string(), "300");
    assert_eq!(q.balance_amount.to_string(), "5700");
    assert_eq!(q.other_amount.to_string(), "700");
    assert_eq!(
        allocations(&q),
        vec![
            row("A", "2700", "2700", "0"),
            row("B", "2500", "2500", "0"),
            row("C", "700", "0", "700"),
            row("shipping", "500", "500", "0"),
        ]
    );
}

#[test]
fn it_splits_a_yen_order_at_standard_prices_in_whole_yen() {
    // 5000 over [3000, 2500, 0, 500] / 6000: 2500, 2083.33, 0, 416.67; the leftover yen
    // goes to shipping (remainder 4000 against B's 2000).
    let q = quote_default(&jpy_cart(), "5000", &choice(true, None));
    assert!(!q.balance_prices_applied);
    assert_eq!(q.total.to_string(), "6700");
    assert_eq!(q.other_amount.to_string(), "1700");
    assert_eq!(topup(&q), some_topup("700", "300"));
    assert_eq!(
        allocations(&q),
        vec![
            row("A", "3000", "2500", "500"),
            row("B", "2500", "2083", "417"),
            row("C", "700", "0", "700"),
            row("shipping", "500", "417", "83"),
        ]
    );
}

/// KWD: A 1.250 (balance price 1.000), B 2 × 0.333, shipping 0.500.
/// Standard 2.416; E = 2.416; E_bal = 2.166.
fn kwd_cart() -> Cart {
    cart(
        "KWD",
        vec![line_bp("A", 1, "1.250", "1.000"), line("B", 2, "0.333")],
        Some("0.500"),
    )
}

#[test]
fn it_splits_a_dinar_order_in_fils() {
    // 1000 fils over [1250, 666, 500] / 2416: 517.38, 275.66, 206.95; the two leftover fils
    // go to shipping (remainder 2304) and B (1600), not A (928).
    let q = quote_default(&kwd_cart(), "1.000", &choice(true, None));
    assert!(!q.balance_prices_applied);
    assert_eq!(q.total.to_string(), "2.416");
    assert_eq!(q.balance_amount.to_string(), "1.000");
    assert_eq!(q.other_amount.to_string(), "1.416");
    assert_eq!(topup(&q), some_topup("1.166", "0.250"));
    assert_eq!(
        allocations(&q),
        vec![
            row("A", "1.250", "0.517", "0.733"),
            row("B", "0.666", "0.276", "0.390"),
            row("shipping", "0.500", "0.207", "0.293"),
        ]
    );
    let q = quote_default(&kwd_cart(), "2.166", &choice(true, None));
    assert!(q.balance_prices_applied);
    assert_eq!(q.total.to_string(), "2.166");
    assert_eq!(q.savings.to_string(), "0.250");
    assert_eq!(q.other_amount.to_string(), "0.000");
}

#[test]
fn it_breaks_allocation_ties_in_favour_of_the_earlier_line() {
    // 1 yen over two equal weights: 0.5 each, the first line gets it.
    let c = cart("JPY", vec![line("a", 1, "100"), line("b", 1, "100")], None);
    let q = quote_default(&c, "1", &choice(true, None));
    let balances: Vec<_> = q.lines.iter().map(|l| l.balance.to_string()).collect();
    assert_eq!(balances, vec!["1", "0"]);
    // 100 over three equal lines: 34, 33, 33.
    let c = cart(
        "JPY",
        vec![line("a", 1, "10"), line("b", 1, "10"), line("c", 1, "10")],
        None,
    );
    let q = quote_default(&c, "100", &choice(true, Some("10")));
    let balances: Vec<_> = q.lines.iter().map(|l| l.balance.to_string()).collect();
    assert_eq!(balances, vec!["4", "3", "3"]);
    // 5 over [300, 700]: 1.5 and 3.5, a tie between different weights: the earlier wins.
    let c = cart("JPY", vec![line("a", 3, "100"), line("b", 7, "100")], None);
    let q = quote_default(&c, "5", &choice(true, None));
    let balances: Vec<_> = q.lines.iter().map(|l| l.balance.to_string()).collect();
    assert_eq!(balances, vec!["2", "3"]);
}

#[test]
fn it_treats_shipping_as_the_last_pseudo_line_in_allocation_ties() {
    let c = cart("JPY", vec![line("a", 1, "100")], Some("100"));
    let q = quote_default(&c, "1", &choice(true, None));
    assert_eq!(
        allocations(&q),
        vec![
            row("a", "100", "1", "99"),
            row("shipping", "100", "0", "100")
        ]
    );
}
