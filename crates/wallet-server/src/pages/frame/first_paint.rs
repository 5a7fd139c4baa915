//! The checkout's first paint (DESIGN.md *Embedding* → *First paint*): the frame document
//! arrives with what the session id alone may show — the order's lines with their amounts
//! and whether the balance may pay for them (and why not), the total at standard prices —
//! and a placeholder where the balance and the split will be. The client secret stays in
//! the fragment, so nothing here depends on the wallet: no balance, no split. Pay is
//! disabled; `frame.js` swaps this block for the widget once the wasm has drawn the
//! checkout (no blank frame on a slow phone, and no jump of what is already shown).
//!
//! The markup is the widget's (`src/components/lines.rs`, `summary.rs`, `pay.rs`), with
//! its classes and texts (`src/i18n.rs`; `tests/first_paint_texts.rs` holds the two to the
//! same words), and amounts formatted by the same code (`checkout_core::display`).

use checkout_core::display::{group, money};
use checkout_core::{Cart, Category, Line, Quote, QuoteLine, Reason};

use crate::util::html_escape;

/// The widget shows this many lines of a longer cart (`COLLAPSED_LINES` in
/// `src/components/lines.rs`), then a button for the rest.
const COLLAPSED_LINES: usize = 20;

/// The widget's words the first paint uses, in one language.
struct Words {
    title: &'static str,
    loading: &'static str,
    items: &'static str,
    shipping: &'static str,
    show_all: &'static str,
    quantity: &'static str,
    balance_price: &'static str,
    eligible: &'static str,
    ineligible: &'static str,
    reason_item: &'static str,
    reason_virtual: &'static str,
    reason_gift_card: &'static str,
    reason_top_up: &'static str,
    reason_category: &'static str,
    reason_merchant: &'static str,
    reason_shipping: &'static str,
    total: &'static str,
    pay: &'static str,
}

const EN: Words = Words {
    title: "Pay with balance",
    loading: "Loading your order…",
    items: "Your order",
    shipping: "Shipping",
    show_all: "Show all {n} items",
    quantity: "{qty} × {price}",
    balance_price: "{price} with balance",
    eligible: "Balance OK",
    ineligible: "No balance",
    reason_item: "This item can't be paid with balance",
    reason_virtual: "Virtual goods can't be paid with balance",
    reason_gift_card: "Gift cards can't be paid with balance",
    reason_top_up: "Top-ups can't be paid with balance",
    reason_category: "This kind of item can't be paid with balance",
    reason_merchant: "This seller doesn't accept balance",
    reason_shipping: "Shipping can't be paid with balance",
    total: "Order total",
    pay: "Pay {total}",
};

const ZH: Words = Words {
    title: "余额支付",
    loading: "正在加载订单…",
    items: "订单商品",
    shipping: "运费",
    show_all: "显示全部 {n} 件商品",
    quantity: "{qty} × {price}",
    balance_price: "余额价 {price}",
    eligible: "支持余额支付",
    ineligible: "不支持余额支付",
    reason_item: "该商品不支持余额支付",
    reason_virtual: "虚拟商品不支持余额支付",
    reason_gift_card: "礼品卡不支持余额支付",
    reason_top_up: "充值类商品不支持余额支付",
    reason_category: "该类商品不支持余额支付",
    reason_merchant: "该商家不接受余额支付",
    reason_shipping: "运费不支持余额支付",
    total: "订单总额",
    pay: "支付 {total}",
};

impl Words {
    /// Why the balance may not pay for a line, as the widget says it (`Text::reason`).
    fn reason(&self, reason: Reason, category: Option<Category>) -> &'static str {
        match (reason, category) {
            (Reason::ItemExcluded, _) => self.reason_item,
            (Reason::CategoryExcluded, Some(Category::Virtual)) => self.reason_virtual,
            (Reason::CategoryExcluded, Some(Category::GiftCard)) => self.reason_gift_card,
            (Reason::CategoryExcluded, Some(Category::TopUp)) => self.reason_top_up,
            (Reason::CategoryExcluded, _) => self.reason_category,
            (Reason::MerchantNotAccepting, _) => self.reason_merchant,
            (Reason::ShippingExcluded, _) => self.reason_shipping,
        }
    }
}

/// `{name}` placeholders filled, as the widget's `format::fill`.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |text, (k, v)| {
        text.replace(&format!("{{{k}}}"), v)
    })
}

/// The first paint of `cart`, quoted at standard prices with no balance (`quote`), in
/// Chinese (`zh`) or English: HTML for the frame document's body, texts escaped.
#[must_use]
pub fn render(zh: bool, cart: &Cart, quote: &Quote) -> String {
    let w = if zh { &ZH } else { &EN };
    let n = cart.lines.len();
    let long = n > COLLAPSED_LINES;
    let rows: String = quote
        .lines
        .iter()
        .enumerate()
        .filter(|(i, _)| !long || *i < COLLAPSED_LINES || *i >= n)
        .map(|(i, q)| row(zh, w, cart.lines.get(i), q))
        .collect();
    let more = if long {
        let label = fill(w.show_all, &[("n", &group(&n.to_string()))]);
        format!(
            r#"<button type="button" class="bc-more" disabled>{}</button>"#,
            html_escape(&label)
        )
    } else {
        String::new()
    };
    let total = money(zh, quote.standard_total);
    format!(
        r#"<div id="bc-first" aria-busy="true"><section class="bc" lang="{lang}"><h2 class="bc-title">{title}</h2><section class="bc-section" aria-label="{items}"><h3 class="bc-heading">{items}</h3><ul class="bc-lines">{rows}</ul>{more}</section><div class="bc-skeleton" role="status"><span class="bc-sr-only">{loading}</span><div class="bc-skel bc-skel--wide" aria-hidden="true"></div><div class="bc-skel" aria-hidden="true"></div></div><section class="bc-section"><dl class="bc-summary"><div class="bc-row bc-summary__total"><dt>{total_label}</dt><dd class="bc-amount">{total}</dd></div></dl></section><button type="button" class="bc-button bc-pay" disabled>{pay}</button></section></div>"#,
        lang = if zh { "zh-CN" } else { "en" },
        title = w.title,
        items = w.items,
        loading = w.loading,
        total_label = w.total,
        pay = html_escape(&fill(w.pay, &[("total", &total)])),
    )
}

/// One line, as `src/components/lines.rs` draws it: the cart's `line`, or shipping.
fn row(zh: bool, w: &Words, line: Option<&Line>, q: &QuoteLine) -> String {
    let name = line.map_or(w.shipping, |l| l.name.as_str());
    let detail = line.map(|l| {
        let each = money(zh, l.unit_price);
        fill(
            w.quantity,
            &[("qty", &l.quantity.to_string()), ("price", &each)],
        )
    });
    let balance_price = line
        .and_then(|l| l.balance_price)
        .filter(|_| q.eligible)
        .map(|p| fill(w.balance_price, &[("price", &money(zh, p))]));
    let badge = if q.eligible {
        format!(
            r#"<span class="bc-badge bc-badge--ok">{}</span>"#,
            w.eligible
        )
    } else {
        format!(
            r#"<span class="bc-badge bc-badge--no">{}</span>"#,
            w.ineligible
        )
    };
    let reason = q
        .reason
        .map(|r| {
            format!(
                r#"<p class="bc-reason">{}</p>"#,
                w.reason(r, line.map(|l| l.category))
            )
        })
        .unwrap_or_default();
    format!(
        r#"<li class="bc-line" data-line="{id}"><div class="bc-line__main"><span class="bc-line__name">{name}</span><span class="bc-amount">{amount}</span></div><div class="bc-line__meta">{detail}{bp}{badge}</div>{reason}</li>"#,
        id = html_escape(&q.id),
        name = html_escape(name),
        amount = money(zh, q.amount),
        detail = detail
            .map(|d| format!("<span>{}</span>", html_escape(&d)))
            .unwrap_or_default(),
        bp = balance_price
            .map(|b| format!(r#"<span class="bc-line__bp">{}</span>"#, html_escape(&b)))
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use checkout_core::{Cart, Choice, Money, Policy};

    use super::{render, Words, EN, ZH};

    /// Each word with its field name in the widget's `Text`.
    fn fields(w: &Words) -> Vec<(&'static str, &'static str)> {
        vec![
            ("title", w.title),
            ("loading", w.loading),
            ("items", w.items),
            ("shipping", w.shipping),
            ("show_all", w.show_all),
            ("quantity", w.quantity),
            ("balance_price", w.balance_price),
            ("eligible", w.eligible),
            ("ineligible", w.ineligible),
            ("reason_item", w.reason_item),
            ("reason_virtual", w.reason_virtual),
            ("reason_gift_card", w.reason_gift_card),
            ("reason_top_up", w.reason_top_up),
            ("reason_category", w.reason_category),
            ("reason_merchant", w.reason_merchant),
            ("reason_shipping", w.reason_shipping),
            ("total", w.total),
            ("pay", w.pay),
        ]
    }

    #[test]
    fn the_words_are_the_widgets() {
        let widget = include_str!("../../../../../src/i18n.rs");
        let (en, zh) = widget
            .split_once("pub static ZH")
            .expect("the widget's ZH texts");
        for (texts, words) in [(en, &EN), (zh, &ZH)] {
            for (field, value) in fields(words) {
                let line = format!("    {field}: {value:?},");
                assert!(texts.contains(&line), "the widget's text is not {line}");
            }
        }
    }

    fn cart_of(lines: usize) -> Cart {
        let lines: Vec<serde_json::Value> = (0..lines)
            .map(|i| serde_json::json!({"id": format!("L{i}"), "name": format!("<b>Item {i}</b>"),
                "quantity": 2, "unit_price": "1234.50", "merchant": {"id": "self", "kind": "self_operated"},
                "category": if i == 0 { "virtual" } else { "physical" }}))
            .collect();
        let text = serde_json::json!({"currency": "CNY", "lines": lines}).to_string();
        Cart::from_json(&text).unwrap()
    }

    #[test]
    fn the_order_is_drawn_escaped_with_its_total_and_a_disabled_pay() {
        let cart = cart_of(2);
        let policy = Policy {
            excluded_categories: vec![checkout_core::Category::Virtual],
            ..Policy::default()
        };
        let choice = Choice {
            use_balance: false,
            balance_cap: None,
        };
        let quote =
            checkout_core::quote(&cart, &policy, Money::zero(cart.currency), &choice).unwrap();
        let html = render(true, &cart, &quote);
        assert!(
            html.contains("&lt;b&gt;Item 0&lt;/b&gt;") && !html.contains("<b>"),
            "{html}"
        );
        assert!(
            html.contains("2 × ¥1,234.50") && html.contains("¥2,469.00"),
            "{html}"
        );
        assert!(
            html.contains("虚拟商品不支持余额支付") && html.contains("支持余额支付"),
            "{html}"
        );
        assert!(
            html.contains("<dd class=\"bc-amount\">¥4,938.00</dd>"),
            "{html}"
        );
        assert!(html.contains("disabled>支付 ¥4,938.00</button>"), "{html}");
        let long = cart_of(25);
        let quote =
            checkout_core::quote(&long, &policy, Money::zero(long.currency), &choice).unwrap();
        let html = render(false, &long, &quote);
        assert_eq!(
            html.matches("class=\"bc-line\"").count(),
            20,
            "the first 20 lines, as the widget"
        );
        assert!(html.contains("Show all 25 items"));
    }
}
