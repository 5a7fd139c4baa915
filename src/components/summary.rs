//! The split: what the balance pays, what remains, the balance-pay discount and what
//! balance prices save (the top-up hint is `topup.rs`). Announced politely to screen readers whenever it changes.

use std::rc::Rc;

use checkout_core::Quote;
use yew::prelude::*;

use crate::format::fill;
use crate::format::money;
use crate::i18n::Locale;

pub struct SummaryProps {
    pub locale: Locale,
    pub quote: Rc<Quote>,
}

pub fn summary(props: &SummaryProps) -> Html {
    let (l, t, q) = (props.locale, props.locale.text(), &props.quote);
    // `savings` counts the discounts too; they have their own rows.
    let price_savings = q
        .discounts
        .iter()
        .try_fold(q.savings, |s, d| s.checked_sub(d.amount))
        .unwrap_or(q.savings);
    html! {
        <section class="bc-section" aria-live="polite" aria-atomic="true">
            <dl class="bc-summary">
                // Literal classes: a computed `class={…}` would bring Yew's `Classes`.
                <div class="bc-row bc-summary__total">
                    <dt>{ t.total }</dt>
                    <dd class="bc-amount">{ money(l, q.total) }</dd>
                </div>
                <div class="bc-row bc-summary__balance">
                    <dt>{ t.from_balance }</dt>
                    <dd class="bc-amount">{ money(l, q.balance_amount) }</dd>
                </div>
                <div class="bc-row bc-summary__other">
                    <dt>{ t.remaining }</dt>
                    <dd class="bc-amount">{ money(l, q.other_amount) }</dd>
                </div>
                { for q.discounts.iter().map(|d| html! {
                    <div class="bc-row bc-summary__discount">
                        <dt>{ l.label(&d.label) }</dt>
                        <dd class="bc-amount">{ fill(t.discount_amount, &[("amount", &money(l, d.amount))]) }</dd>
                    </div>
                }) }
                if !price_savings.is_zero() {
                    <div class="bc-row bc-summary__savings">
                        <dt>{ t.savings }</dt>
                        <dd class="bc-amount">{ money(l, price_savings) }</dd>
                    </div>
                }
            </dl>
        </section>
    }
}
