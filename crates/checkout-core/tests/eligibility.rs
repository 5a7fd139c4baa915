//! Eligibility: the reason codes, their order of precedence, and the default policy.
// Test helpers outside #[test] functions may unwrap too: a failure is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use checkout_core::eligibility::{cart_ineligibility, line_ineligibility, shipping_ineligibility};
use checkout_core::{Policy, Reason};
use common::{cart, line, policy, third_party, with};
use serde_json::json;

#[test]
fn it_gives_the_first_matching_reason_in_the_contract_order() {
    let p = policy(json!({"excluded_categories": ["virtual"], "accepting_third_party": ["ok"]}));
    let all_three = with(
        third_party(
            with(line("a", 1, "1"), "category", json!("virtual")),
            "nope",
        ),
        "balance_eligible",
        json!(false),
    );
    let category_and_merchant = third_party(
        with(line("b", 1, "1"), "category", json!("virtual")),
        "nope",
    );
    let merchant_only = third_party(line("c", 1, "1"), "nope");
    let accepted_third_party = third_party(line("d", 1, "1"), "ok");
    let self_operated_unknown_id = with(
        line("e", 1, "1"),
        "merchant",
        json!({"id": "nope", "kind": "self_operated"}),
    );
    let eligible = line("f", 1, "1");
    let excluded_only = with(line("g", 1, "1"), "balance_eligible", json!(false));
    let c = cart(
        "CNY",
        vec![
            all_three,
            category_and_merchant,
            merchant_only,
            accepted_third_party,
            self_operated_unknown_id,
            eligible,
            excluded_only,
        ],
        Some("1.00"),
    );
    assert_eq!(
        cart_ineligibility(&c, &p),
        vec![
            Some(Reason::ItemExcluded),
            Some(Reason::CategoryExcluded),
            Some(Reason::MerchantNotAccepting),
            None,
            None,
            None,
            Some(Reason::ItemExcluded),
        ]
    );
    assert_eq!(line_ineligibility(&c.lines[5], &p), None);
    assert_eq!(shipping_ineligibility(&p), None);
    let no_shipping = policy(json!({"shipping_eligible": false}));
    assert_eq!(
        shipping_ineligibility(&no_shipping),
        Some(Reason::ShippingExcluded)
    );
}

#[test]
fn it_excludes_virtual_gift_card_and_top_up_by_default() {
    let categories = ["physical", "virtual", "gift_card", "top_up", "service"];
    let lines = categories
        .iter()
        .map(|c| with(line(c, 1, "1"), "category", json!(c)))
        .collect();
    let c = cart("CNY", lines, None);
    let reasons: Vec<_> = cart_ineligibility(&c, &Policy::default())
        .into_iter()
        .map(|r| r.map(Reason::code))
        .collect();
    assert_eq!(
        reasons,
        vec![
            None,
            Some("category_excluded"),
            Some("category_excluded"),
            Some("category_excluded"),
            None
        ]
    );
}

#[test]
fn it_writes_reason_codes_as_on_the_wire() {
    for (reason, code) in [
        (Reason::ItemExcluded, "item_excluded"),
        (Reason::CategoryExcluded, "category_excluded"),
        (Reason::MerchantNotAccepting, "merchant_not_accepting"),
        (Reason::ShippingExcluded, "shipping_excluded"),
    ] {
        assert_eq!(reason.code(), code);
        assert_eq!(serde_json::to_value(reason).unwrap(), json!(code));
    }
}
