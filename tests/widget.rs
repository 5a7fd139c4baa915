//! The checkout in a real browser, rendered from session fixtures (payments simulated by
//! the demo transport): what the shopper sees and what the host page hears.
#![cfg(target_arch = "wasm32")]
// Tests fail loudly; clippy's test exemption does not see `wasm_bindgen_test` functions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::rc::Rc;

use balance_checkout::fixture::{parse_fixture, DEMO_SESSION};
use balance_checkout::i18n::Locale;
use balance_checkout::state::{Action, CheckoutState, PasswordNotice, Phase};
use common::{mount, session_json, settle};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

const BALANCE_100: &str = "\"balance\": \"100.00\"";
/// Every line eligible and enough balance: nothing remains for a second method.
fn all_eligible_rich() -> String {
    session_json(&[
        (BALANCE_100, "\"balance\": \"500.00\""),
        ("[\"virtual\", \"gift_card\", \"top_up\"]", "[]"),
        (
            "\"accepting_third_party\": []",
            "\"accepting_third_party\": [\"m-778\"]",
        ),
    ])
}

#[wasm_bindgen_test]
async fn it_says_why_ineligible_lines_cannot_use_balance() {
    let w = mount(DEMO_SESSION, Locale::En).await;
    assert_eq!(
        w.text("[data-line=L2] .bc-reason"),
        "Virtual goods can't be paid with balance"
    );
    assert_eq!(
        w.text("[data-line=L3] .bc-reason"),
        "This seller doesn't accept balance"
    );
    assert_eq!(w.text("[data-line=L1] .bc-badge"), "Balance OK");
    assert!(w.find("[data-line=L1] .bc-reason").is_none());
    assert_eq!(w.text("[data-line=L1] .bc-amount"), "¥119.80");
    assert_eq!(w.text("[data-line=shipping] .bc-badge"), "Balance OK");
}

#[wasm_bindgen_test]
async fn toggling_the_balance_changes_the_split() {
    let w = mount(DEMO_SESSION, Locale::En).await;
    assert_eq!(w.text(".bc-summary__balance dd"), "¥100.00");
    assert_eq!(w.text(".bc-summary__other dd"), "¥155.70");
    w.click("input[role=switch]").await;
    assert!(!w.input("input[role=switch]").checked());
    assert_eq!(w.text(".bc-summary__balance dd"), "¥0.00");
    assert_eq!(w.text(".bc-summary__other dd"), "¥255.70");
    assert!(w.find(".bc-topup").is_none());
    w.click("input[role=switch]").await;
    assert_eq!(w.text(".bc-summary__balance dd"), "¥100.00");
}

#[wasm_bindgen_test]
async fn with_the_balance_off_no_password_is_asked() {
    let w = mount(DEMO_SESSION, Locale::En).await;
    assert_eq!(w.count("input[type=password]"), 1);
    w.click("input[role=switch]").await;
    assert_eq!(
        w.count("input[type=password]"),
        0,
        "nothing from the balance"
    );
    w.click("input[value=alipay]").await;
    assert!(!w.get(".bc-pay").has_attribute("disabled"));
    w.click(".bc-pay").await;
    settle().await;
    let intent = w.last_event("balancecheckout:requires-action").unwrap();
    assert_eq!(intent["balance_amount"], "0.00");
}

#[wasm_bindgen_test]
async fn the_cap_limits_the_balance_and_explains_bad_amounts() {
    let w = mount(DEMO_SESSION, Locale::En).await;
    let cap = ".bc-balance .bc-input";
    w.type_into(cap, "50").await;
    assert_eq!(w.text(".bc-summary__balance dd"), "¥50.00");
    assert_eq!(w.text(".bc-summary__other dd"), "¥205.70");
    assert!(w.find(".bc-field-error").is_none());

    w.type_into(cap, "50.123").await;
    assert_eq!(
        w.text(".bc-field-error"),
        "CNY amounts have at most 2 decimals"
    );
    assert_eq!(
        w.input(cap).get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    w.type_into(cap, "abc").await;
    assert_eq!(w.text(".bc-field-error"), "Enter an amount like 50.00");
    // An invalid cap never pays: the button stays disabled even with a password.
    w.type_into("input[type=password]", "123456").await;
    assert!(w.get(".bc-pay").has_attribute("disabled"));

    w.type_into(cap, "").await;
    assert!(w.find(".bc-field-error").is_none());
    assert_eq!(w.text(".bc-summary__balance dd"), "¥100.00");
}

#[wasm_bindgen_test]
async fn it_hints_the_top_up_that_unlocks_balance_prices() {
    let w = mount(DEMO_SESSION, Locale::En).await;
    assert_eq!(w.text(".bc-topup"), "Top up ¥16.00 to save ¥9.80");

    let rich = session_json(&[(BALANCE_100, "\"balance\": \"200.00\"")]);
    let w = mount(&rich, Locale::En).await;
    assert!(w.find(".bc-topup").is_none());
    assert_eq!(w.text(".bc-summary__total dd"), "¥245.90");
    assert_eq!(w.text(".bc-summary__savings dd"), "¥9.80");
    assert_eq!(w.text("[data-line=L1] .bc-amount"), "¥110.00");
}

#[wasm_bindgen_test]
async fn the_password_takes_six_digits_typed_or_pasted() {
    let w = mount(DEMO_SESSION, Locale::En).await;
    let pw = "input[type=password]";
    let input = w.input(pw);
    assert_eq!(input.get_attribute("inputmode").as_deref(), Some("numeric"));

    w.type_into(pw, "12a3").await;
    assert_eq!(input.value(), "123");
    assert_eq!(w.count(".bc-pin__dot--on"), 3);
    // Paste of a formatted code: separators dropped, at most six digits kept.
    w.type_into(pw, "987 654-3210").await;
    assert_eq!(input.value(), "987654");
    // Backspace.
    w.type_into(pw, "98765").await;
    assert_eq!(input.value(), "98765");
    assert_eq!(w.count(".bc-pin__dot--on"), 5);
    assert!(w.get(".bc-pay").has_attribute("disabled"));
    w.type_into(pw, "987654").await;
    assert!(
        w.get(".bc-pay").has_attribute("disabled"),
        "no method chosen yet"
    );
    w.click("input[value=alipay]").await;
    assert!(!w.get(".bc-pay").has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn full_width_digits_count_and_anything_else_gets_a_hint() {
    // Issue 16: a Chinese input method sends `１２３４５６`; the field kept nothing and Pay
    // stayed disabled with no word why.
    let w = mount(DEMO_SESSION, Locale::ZhCn).await;
    let pw = "input[type=password]";
    w.click("input[value=alipay]").await;
    w.type_into(pw, "１２３４５６").await;
    assert_eq!(w.input(pw).value(), "123456");
    assert_eq!(w.count(".bc-pin__dot--on"), 6);
    assert!(!w.get(".bc-pay").has_attribute("disabled"));
    assert_eq!(w.count(".bc-password .bc-field-error"), 0);
    // Other keyboards' digits too (Arabic-Indic, Devanagari), mixed with ASCII.
    w.type_into(pw, "١٢३4५6").await;
    assert_eq!(w.input(pw).value(), "123456");
    // Anything else is left out, and the shopper is told so.
    w.type_into(pw, "12ab").await;
    assert_eq!(w.input(pw).value(), "12");
    assert_eq!(
        w.text(".bc-password .bc-field-error"),
        "只能输入数字 0–9，字母、空格和符号已略去。"
    );
    let described = w.input(pw).get_attribute("aria-describedby").unwrap();
    let notice_id = w.get(".bc-password .bc-field-error").id();
    assert!(described.contains(&notice_id), "{described}");
    w.type_into(pw, "1234567").await;
    assert_eq!(w.input(pw).value(), "123456");
    assert_eq!(
        w.text(".bc-password .bc-field-error"),
        "支付密码为 6 位数字，只保留了前 6 位。"
    );
    w.type_into(pw, "12").await;
    assert_eq!(w.count(".bc-password .bc-field-error"), 0);

    let en = mount(DEMO_SESSION, Locale::En).await;
    en.type_into(pw, "１２x").await;
    assert_eq!(en.input(pw).value(), "12");
    assert_eq!(
        en.text(".bc-password .bc-field-error"),
        "Only the digits 0–9 count: letters, spaces and symbols were left out."
    );
}

#[wasm_bindgen_test]
fn the_reducer_keeps_any_keyboards_digits_as_ascii() {
    let state = ready_state(DEMO_SESSION);
    let next = state.reduce(Action::PasswordInput("０９８７６５".to_owned()));
    assert_eq!(next.password, "098765");
    assert!(next.password_notice.is_none());
    let next = next.reduce(Action::PasswordInput("09-87".to_owned()));
    assert_eq!(next.password, "0987");
    assert!(next.password_notice == Some(PasswordNotice::NotDigits));
}

#[wasm_bindgen_test]
async fn a_wrong_password_is_cleared_and_says_what_is_left() {
    let w = mount(DEMO_SESSION, Locale::En).await;
    w.click("input[value=alipay]").await;
    w.type_into("input[type=password]", "000000").await;
    w.click(".bc-pay").await;
    settle().await;
    assert_eq!(w.input("input[type=password]").value(), "");
    let error = w.text("[data-testid=pay-error]");
    assert!(error.starts_with("Wrong payment password."), "{error}");
    assert!(error.contains("attempts left"), "{error}");
    let failed = w.last_event("balancecheckout:failed").unwrap();
    assert_eq!(failed["code"], "wrong_password");
    assert_eq!(failed["message"], error.as_str());
}

#[wasm_bindgen_test]
async fn the_method_picker_shows_only_when_something_remains() {
    let w = mount(DEMO_SESSION, Locale::En).await;
    assert_eq!(w.count(".bc-methods input[type=radio]"), 4);
    assert!(w.text(".bc-methods legend").contains("¥155.70"));

    let w = mount(&all_eligible_rich(), Locale::En).await;
    assert!(w.find(".bc-methods").is_none());
    assert_eq!(w.text(".bc-summary__other dd"), "¥0.00");
    assert_eq!(w.text(".bc-pay"), "Pay ¥245.90");

    let only_alipay = session_json(&[(
        "[\"bank_card\", \"wechat_pay\", \"alipay\", \"ecny\"]",
        "[\"alipay\"]",
    )]);
    let w = mount(&only_alipay, Locale::En).await;
    assert_eq!(w.count(".bc-methods input[type=radio]"), 1);
    assert_eq!(w.text(".bc-methods label"), "Alipay");
    assert_eq!(
        w.text(".bc-pay"),
        "Pay ¥255.70: ¥100.00 balance + ¥155.70 Alipay"
    );
}

/// The demo session with `n` lines of ¥1.00 each instead of its three.
fn long_cart(n: usize) -> String {
    let lines: Vec<String> = (1..=n)
        .map(|i| {
            format!(
                r#"{{"id": "L{i}", "name": "Item {i}", "quantity": 1, "unit_price": "1.00",
                "merchant": {{"id": "self", "kind": "self_operated"}}, "category": "physical"}}"#
            )
        })
        .collect();
    let start = DEMO_SESSION.find("\"lines\": [").unwrap();
    let end = DEMO_SESSION.find("],\n   \"shipping\"").unwrap();
    format!(
        "{}\"lines\": [{}{}",
        &DEMO_SESSION[..start],
        lines.join(","),
        &DEMO_SESSION[end..]
    )
}

#[wasm_bindgen_test]
async fn a_long_cart_lists_its_first_lines_until_asked_for_all() {
    let w = mount(&long_cart(20), Locale::En).await;
    assert_eq!(w.count(".bc-line"), 21, "20 lines and shipping");
    assert!(w.find(".bc-more").is_none());

    let w = mount(&long_cart(25), Locale::En).await;
    assert_eq!(w.count(".bc-line"), 21, "the first 20 lines and shipping");
    assert!(w.find("[data-line=L20]").is_some());
    assert!(w.find("[data-line=L21]").is_none());
    assert!(w.find("[data-line=shipping]").is_some());
    let more = w.get(".bc-more");
    assert_eq!(more.text_content().unwrap(), "Show all 25 items");
    assert_eq!(
        more.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    let list = more.get_attribute("aria-controls").unwrap();
    assert_eq!(w.get(".bc-lines").id(), list);
    // The split covers every line, listed or not: 25 × ¥1.00 and ¥6.00 shipping.
    assert_eq!(w.text(".bc-summary__total dd"), "¥31.00");

    more.unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .unwrap();
    w.click(".bc-more").await;
    assert_eq!(w.count(".bc-line"), 26);
    assert_eq!(w.text(".bc-more"), "Show fewer items");
    let focused = gloo::utils::document().active_element().unwrap();
    assert!(
        focused.is_same_node(Some(&w.get(".bc-more"))),
        "the button keeps the focus"
    );
    assert_eq!(
        w.get(".bc-more").get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    // Listing every line changes no money and tells the host nothing.
    assert_eq!(w.text(".bc-summary__total dd"), "¥31.00");
    let changes = w
        .event_names()
        .iter()
        .filter(|n| n.ends_with(":change"))
        .count();
    assert_eq!(changes, 1);
    w.click(".bc-more").await;
    assert_eq!(w.count(".bc-line"), 21);

    let w = mount(&long_cart(1200), Locale::ZhCn).await;
    assert_eq!(w.text(".bc-more"), "显示全部 1,200 件商品");
    assert_eq!(w.text(".bc-summary__total dd"), "¥1,206.00");
}

#[wasm_bindgen_test]
async fn choosing_a_method_names_it_on_the_pay_button() {
    let w = mount(DEMO_SESSION, Locale::En).await;
    w.click("input[value=wechat_pay]").await;
    assert_eq!(
        w.text(".bc-pay"),
        "Pay ¥255.70: ¥100.00 balance + ¥155.70 WeChat Pay"
    );
}

#[wasm_bindgen_test]
async fn it_speaks_chinese() {
    let w = mount(DEMO_SESSION, Locale::ZhCn).await;
    assert_eq!(
        w.text("[data-line=L2] .bc-reason"),
        "虚拟商品不支持余额支付"
    );
    assert_eq!(w.text(".bc-topup"), "充值 ¥16.00 可省 ¥9.80");
    assert_eq!(w.get(".bc").get_attribute("lang").as_deref(), Some("zh-CN"));
    // No method is chosen for the shopper: the button says what is missing.
    assert_eq!(w.text(".bc-pay"), "请选择剩余 ¥155.70 的付款方式");
    w.click("input[value=wechat_pay]").await;
    assert!(w.text(".bc-pay").starts_with("支付 ¥255.70"));
    w.type_into(".bc-balance .bc-input", "1.234").await;
    assert_eq!(w.text(".bc-field-error"), "CNY 金额最多 2 位小数");
}

#[wasm_bindgen_test]
async fn it_tells_the_host_page_ready_change_and_success() {
    let w = mount(&all_eligible_rich(), Locale::En).await;
    let names = w.event_names();
    assert_eq!(
        names[..2],
        ["balancecheckout:ready", "balancecheckout:change"]
    );
    let quote = w.last_event("balancecheckout:change").unwrap();
    assert_eq!(quote["total"], "245.90");
    assert_eq!(quote["balance_prices_applied"], true);

    w.click("input[role=switch]").await;
    let quote = w.last_event("balancecheckout:change").unwrap();
    assert_eq!(quote["balance_amount"], "0.00");
    w.click("input[role=switch]").await;

    w.type_into("input[type=password]", "123456").await;
    // A double click sends one payment.
    let pay = w.get(".bc-pay");
    let pay: &web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_ref(&pay);
    pay.click();
    pay.click();
    settle().await;
    settle().await;
    let succeeded: Vec<_> = w
        .event_names()
        .into_iter()
        .filter(|n| n == "balancecheckout:succeeded")
        .collect();
    assert_eq!(succeeded.len(), 1);
    let intent = w.last_event("balancecheckout:succeeded").unwrap();
    assert_eq!(intent["status"], "succeeded");
    assert_eq!(intent["total"], "245.90");
    assert_eq!(intent["other_method"], serde_json::Value::Null);
    assert!(w.text(".bc-outcome").contains("Paid ¥245.90"));
}

#[wasm_bindgen_test]
async fn a_remainder_requires_the_second_method() {
    let w = mount(DEMO_SESSION, Locale::En).await;
    w.click("input[value=alipay]").await;
    w.type_into("input[type=password]", "123456").await;
    w.click(".bc-pay").await;
    settle().await;
    let intent = w.last_event("balancecheckout:requires-action").unwrap();
    assert_eq!(intent["status"], "requires_action");
    assert_eq!(intent["other_method"], "alipay");
    assert_eq!(intent["next_action"]["type"], "redirect");
    let link = w.get(".bc-outcome a");
    assert_eq!(link.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(link.text_content().as_deref(), Some("Continue to Alipay"));

    // The widget polls the waiting intent; the demo's second method succeeds by then.
    gloo::timers::future::TimeoutFuture::new(2_500).await;
    settle().await;
    let done = w.last_event("balancecheckout:succeeded").unwrap();
    assert_eq!(done["status"], "succeeded");
    assert_eq!(done["other_method"], "alipay");
    assert!(w.text(".bc-outcome").contains("Paid ¥255.70"));
}

const INSTRUMENTS: &str = "[\"bank_card\", \"wechat_pay\", \"alipay\", \"ecny\"]";

#[wasm_bindgen_test]
async fn a_remainder_the_shop_collects_is_paid_on_its_next_step() {
    let merchant = session_json(&[(INSTRUMENTS, "[\"merchant\"]")]);
    let w = mount(&merchant, Locale::En).await;
    assert_eq!(w.count(".bc-methods input[type=radio]"), 0);
    assert_eq!(
        w.text(".bc-merchant-leg h3"),
        "Pay the remaining ¥155.70 on the next step"
    );
    w.type_into("input[type=password]", "123456").await;
    w.click(".bc-pay").await;
    settle().await;
    let intent = w.last_event("balancecheckout:requires-action").unwrap();
    assert_eq!(intent["other_method"], "merchant");
    assert_eq!(intent["next_action"]["type"], "merchant_collect");
    assert_eq!(intent["next_action"]["amount"], "155.70");
    assert!(
        w.find(".bc-outcome a").is_none(),
        "no link: the shop's page collects it"
    );
    assert!(w.text(".bc-outcome").contains("on the next step"));

    let w = mount(&merchant, Locale::ZhCn).await;
    assert_eq!(w.text(".bc-merchant-leg h3"), "剩余 ¥155.70 请在下一步支付");
}

#[wasm_bindgen_test]
async fn without_a_second_leg_only_the_balance_can_pay_and_it_says_why() {
    let none = session_json(&[(INSTRUMENTS, "[]")]);
    let w = mount(&none, Locale::En).await;
    assert_eq!(w.count(".bc-methods input[type=radio]"), 0);
    let why = w.text(".bc-balance-only");
    assert!(
        why.contains("Only your balance can pay") && why.contains("¥155.70"),
        "{why}"
    );
    w.type_into("input[type=password]", "123456").await;
    assert!(
        w.get(".bc-pay").has_attribute("disabled"),
        "nothing can pay the rest"
    );

    let w = mount(&all_eligible_rich().replace(INSTRUMENTS, "[]"), Locale::En).await;
    assert!(
        w.find(".bc-balance-only").is_none(),
        "the balance pays it all"
    );
    assert_eq!(w.text(".bc-pay"), "Pay ¥245.90");
}

#[wasm_bindgen_test]
async fn a_reloaded_frame_resumes_the_payment_waiting_for_its_second_method() {
    let pending = r#""status": "awaiting_payment", "pending_intent": {"status": "requires_action",
        "id": "pi_wait", "session_id": "cs_demo", "currency": "CNY", "total": "255.70",
        "balance_amount": "100.00", "other_method": "alipay", "other_amount": "155.70",
        "next_action": {"type": "redirect", "url": "about:blank"},
        "created_at": "2026-01-01T00:00:00Z"},"#;
    let json = session_json(&[
        ("\"status\": \"open\",", pending),
        (
            "\"password_set\": true",
            "\"held\": \"100.00\", \"password_set\": true",
        ),
    ]);
    let w = mount(&json, Locale::En).await;
    // Not "a payment is waiting, retry": the payment itself, to continue.
    let link = w.get(".bc-outcome a");
    assert_eq!(link.text_content().as_deref(), Some("Continue to Alipay"));
    let again = w.last_event("balancecheckout:requires-action").unwrap();
    assert_eq!(again["id"], "pi_wait");

    // Held money is said to be held, not gone.
    let open = session_json(&[(
        "\"password_set\": true",
        "\"held\": \"100.00\", \"password_set\": true",
    )]);
    let w = mount(&open, Locale::ZhCn).await;
    assert!(
        w.text(".bc-held").contains("¥100.00"),
        "{}",
        w.text(".bc-held")
    );
}

fn ready_state(json: &str) -> Rc<CheckoutState> {
    let s = Rc::new(parse_fixture(json));
    let state = Rc::new(CheckoutState::default()).reduce(Action::Loaded(s));
    // Nothing is chosen for the shopper: choose as they would.
    let state = state.reduce(Action::ChooseMethod(checkout_core::Method::BankCard));
    state.reduce(Action::PasswordInput("123456".into()))
}

#[wasm_bindgen_test]
fn the_reducer_ignores_pay_while_submitting() {
    let state = ready_state(DEMO_SESSION);
    let pay = |key: &str| Action::Pay {
        idempotency_key: key.into(),
        nonce: "0123456789abcdef0123456789abcdef".into(),
        passkey: false,
    };
    let once = state.reduce(pay("k1"));
    assert_eq!(once.phase, Phase::Submitting);
    assert_eq!(once.submit_seq, 1);
    let twice = once.clone().reduce(pay("k2"));
    assert!(Rc::ptr_eq(&once, &twice));
    let sub = twice.submission.clone().unwrap();
    assert_eq!(sub.idempotency_key, "k1");
    assert_eq!(
        sub.request.intent.other_method.map(|m| m.code()),
        Some("bank_card")
    );
    assert_eq!(sub.request.intent.balance_amount.to_string(), "100.00");
}

#[wasm_bindgen_test]
fn a_changed_balance_shows_the_new_split_and_asks_again() {
    let state = ready_state(DEMO_SESSION).reduce(Action::Pay {
        idempotency_key: "k1".into(),
        nonce: "0123456789abcdef0123456789abcdef".into(),
        passkey: false,
    });
    let poorer = session_json(&[(BALANCE_100, "\"balance\": \"40.00\"")]);
    let mut error =
        balance_checkout::api::ApiError::new(checkout_core::ErrorCode::QuoteMismatch, "");
    let amount = |s| checkout_core::Amount::parse(s).unwrap();
    error.quote = Some(Box::new(balance_checkout::session::ServerQuote {
        total: amount("255.70"),
        balance_amount: amount("40.00"),
        other_amount: amount("215.70"),
    }));
    let next = state.reduce(Action::BalanceChanged {
        session: Rc::new(parse_fixture(&poorer)),
        error,
    });
    assert_eq!(next.phase, Phase::Ready);
    assert!(next.password.is_empty());
    let quote = next.quote.clone().unwrap();
    assert_eq!(quote.balance_amount.to_string(), "40.00");
    let message = balance_checkout::messages::describe(
        Locale::En,
        Some(checkout_core::Currency::CNY),
        next.error.as_ref().unwrap(),
    );
    assert!(
        message.contains("¥40.00 from balance, ¥215.70 remaining"),
        "{message}"
    );
}

#[wasm_bindgen_test]
async fn the_exported_mount_renders_and_destroy_leaves_nothing() {
    let document = gloo::utils::document();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let root = document.create_element("div").unwrap();
    host.append_child(&root).unwrap();
    let options = js_sys::JSON::parse(r#"{"demo": true, "locale": "zh-CN"}"#).unwrap();
    let mut handle = balance_checkout::mount(root.clone(), host.clone().into(), options).unwrap();
    settle().await;
    assert!(root.text_content().unwrap().contains("余额支付"));
    let en = js_sys::JSON::parse(r#"{"demo": true, "locale": "en"}"#).unwrap();
    handle.update(en).unwrap();
    settle().await;
    assert!(root.text_content().unwrap().contains("Pay with balance"));
    handle.destroy();
    settle().await;
    assert_eq!(root.child_element_count(), 0);
    host.remove();
}

#[wasm_bindgen_test]
fn the_lock_says_its_time_in_the_shoppers_words_not_iso() {
    use balance_checkout::api::ApiError;
    use checkout_core::{Currency, ErrorCode};
    let mut e = ApiError::new(ErrorCode::PasswordLocked, "locked");
    e.locked_until = Some("2026-12-02T05:11:00Z".to_owned());
    for locale in [Locale::En, Locale::ZhCn] {
        let said = balance_checkout::messages::describe(locale, Some(Currency::CNY), &e);
        assert!(!said.contains("2026-12-02T"), "{said}");
        assert!(said.contains(":11"), "the minute is there: {said}");
        assert!(
            said.contains("balance off") || said.contains("关闭余额支付"),
            "{said}"
        );
    }
}

#[wasm_bindgen_test]
async fn a_paid_order_shows_its_receipt_and_done_tells_the_page() {
    let w = mount(&all_eligible_rich(), Locale::En).await;
    w.type_into("input[type=password]", "123456").await;
    w.click(".bc-pay").await;
    settle().await;
    assert_eq!(w.text(".bc-receipt__balance dd"), "¥245.90");
    assert_eq!(w.text(".bc-receipt__id dd"), "pi_demo");
    assert!(w.find(".bc-receipt__time dd").is_some());
    assert!(
        w.find(".bc-receipt__other").is_none(),
        "nothing from another method"
    );
    w.click(".bc-done").await;
    let done = w.last_event("balancecheckout:done").unwrap();
    assert_eq!(done["id"], "pi_demo");
}

/// The fixture with a balance-pay discount in its policy: `off` off once the balance pays
/// `threshold` (DESIGN.md *Promotions*).
fn with_promotion(json: &str, threshold: &str, off: &str) -> String {
    let promotion = format!(
        "\"max_balance_per_order\": null, \"promotions\": [{{\"id\": \"618\", \"kind\": \"balance_pay_discount\", \"threshold\": \"{threshold}\", \"off\": \"{off}\", \"label\": {{\"zh-CN\": \"余额满{threshold}减{off}\", \"en\": \"{off} off {threshold} paid with balance\"}}}}]"
    );
    json.replace("\"max_balance_per_order\": null", &promotion)
}

#[wasm_bindgen_test]
async fn a_balance_pay_discount_is_shown_and_taken_off_the_balance_part() {
    // Balance prices apply (245.90 from a 500.00 balance), over the 200.00 threshold.
    let w = mount(
        &with_promotion(&all_eligible_rich(), "200.00", "15.00"),
        Locale::ZhCn,
    )
    .await;
    let row = w.text(".bc-summary__discount");
    assert!(
        row.contains("余额满200.00减15.00") && row.contains("已减 ¥15.00"),
        "{row}"
    );
    assert_eq!(w.text(".bc-summary__total dd"), "¥230.90");
    assert_eq!(w.text(".bc-summary__balance dd"), "¥230.90");
    // The savings row keeps to balance prices: 2 × (59.90 − 55.00).
    assert_eq!(w.text(".bc-summary__savings dd"), "¥9.80");
    assert_eq!(w.count(".bc-topup"), 0);
}

#[wasm_bindgen_test]
async fn a_short_balance_is_offered_the_top_up_that_unlocks_the_discount() {
    // No balance prices; 200.00 of 255.70 from the balance, 50.00 short of 250.00.
    let json = session_json(&[
        (BALANCE_100, "\"balance\": \"200.00\""),
        ("\"balance_price\": \"55.00\",", ""),
        ("[\"virtual\", \"gift_card\", \"top_up\"]", "[]"),
        (
            "\"accepting_third_party\": []",
            "\"accepting_third_party\": [\"m-778\"]",
        ),
    ]);
    let w = mount(&with_promotion(&json, "250.00", "15.00"), Locale::En).await;
    assert_eq!(w.count(".bc-summary__discount"), 0);
    let hint = w.text(".bc-topup p");
    assert_eq!(
        hint,
        "Top up ¥50.00 to get 15.00 off 250.00 paid with balance"
    );
}
