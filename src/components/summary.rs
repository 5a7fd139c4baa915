//! The split: what the balance pays, what remains, what balance prices save, and the
//! top-up hint. Announced politely to screen readers whenever it changes.

use std::rc::Rc;

use checkout_core::Quote;
use yew::prelude::*;

use crate::format::money;
use crate::i18n::{fill, Locale};

pub struct SummaryProps {
    pub locale: Locale,
    pub quote: Rc<Quote>,
}

pub fn summary(props: &SummaryProps) -> Html {
    let (l, t, q) = (props.locale, props.locale.text(), &props.quote);
    let row = |label: &'static str, value: String, class: &'static str| {
        html! {
            <div class={classes!("bc-row", class)}>
                <dt>{ label }</dt>
                <dd class="bc-amount">{ value }</dd>
            </div>
        }
    };
    let topup = q.topup_to_unlock.map(|tu| {
        fill(
            t.topup,
            &[
                ("amount", &money(l, tu.amount)),
                ("savings", &money(l, tu.savings)),
            ],
        )
    });
    html! {
        <section class="bc-section" aria-live="polite" aria-atomic="true">
            <dl class="bc-summary">
                { row(t.total, money(l, q.total), "bc-summary__total") }
                { row(t.from_balance, money(l, q.balance_amount), "bc-summary__balance") }
                { row(t.remaining, money(l, q.other_amount), "bc-summary__other") }
                if !q.savings.is_zero() {
                    { row(t.savings, money(l, q.savings), "bc-summary__savings") }
                }
            </dl>
            if let Some(hint) = topup {
                <p class="bc-topup">{ hint }</p>
            }
        </section>
    }
}
