//! The pay button: it states the exact amount and the second method.

use std::rc::Rc;

use checkout_core::{Method, Quote};
use yew::prelude::*;

use crate::format::fill;
use crate::format::money;
use crate::i18n::Locale;

pub struct PayProps {
    pub locale: Locale,
    pub quote: Rc<Quote>,
    /// The second method, when something remains to pay.
    pub method: Option<Method>,
    pub enabled: bool,
    pub submitting: bool,
}

/// "Pay ¥216.00: ¥116.00 balance + ¥100.00 WeChat Pay", or "Pay ¥216.00".
#[must_use]
pub fn pay_label(locale: Locale, quote: &Quote, method: Option<Method>) -> String {
    let t = locale.text();
    let total = money(locale, quote.total);
    match method {
        Some(m) if quote.needs_other_method() && !quote.balance_amount.is_zero() => fill(
            t.pay_split,
            &[
                ("total", &total),
                ("balance", &money(locale, quote.balance_amount)),
                ("other", &money(locale, quote.other_amount)),
                ("method", t.method(m)),
            ],
        ),
        Some(m) if quote.needs_other_method() => {
            format!("{} · {}", fill(t.pay, &[("total", &total)]), t.method(m))
        }
        None if quote.needs_other_method() => fill(
            t.choose_method,
            &[("amount", &money(locale, quote.other_amount))],
        ),
        _ => fill(t.pay, &[("total", &total)]),
    }
}

pub fn pay_button(props: &PayProps) -> Html {
    let label = if props.submitting {
        props.locale.text().paying.to_owned()
    } else {
        pay_label(props.locale, &props.quote, props.method)
    };
    html! {
        <button type="submit" class="bc-button bc-pay"
            disabled={!props.enabled || props.submitting}
            aria-busy={props.submitting.to_string()}>
            { label }
        </button>
    }
}
