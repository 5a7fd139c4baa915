//! After Pay: the success message, or the step that finishes the second method.

use std::rc::Rc;

use checkout_core::{Currency, IntentStatus, Method};
use yew::prelude::*;

use crate::format::fill;
use crate::format::{amount, local_time};
use crate::i18n::Locale;
use crate::session::IntentView;

pub struct OutcomeProps {
    pub locale: Locale,
    pub currency: Currency,
    pub intent: Rc<IntentView>,
    /// "Cancel this payment", while it waits for the sandbox's page.
    pub on_cancel: Option<Callback<MouseEvent>>,
    /// "Done", once it succeeded: tells the page (`balancecheckout:done`).
    pub on_done: Option<Callback<MouseEvent>>,
}

/// After a payment succeeded: the split, the balance left, the transaction number and
/// time, and Done (which tells the page).
fn receipt(props: &OutcomeProps) -> Html {
    let (l, t, i) = (props.locale, props.locale.text(), &props.intent);
    let show = |a| amount(l, a, props.currency);
    let row = |label: &str, value: String, class: &'static str| {
        html! { <div class={class}><dt>{ label.to_owned() }</dt><dd>{ value }</dd></div> }
    };
    let other = match i.other_method {
        Some(Method::Merchant) => t.paid_at_shop,
        Some(m) => t.method(m),
        None => "",
    };
    html! {
        <div class="bc-outcome bc-outcome--ok" role="status">
            <h3 class="bc-heading">{ t.succeeded }</h3>
            <p>{ fill(t.paid, &[("total", &show(i.total))]) }</p>
            <dl class="bc-receipt">
                if !i.balance_amount.value().is_zero() {
                    { row(t.from_balance, show(i.balance_amount), "bc-row bc-receipt__balance") }
                }
                if !i.other_amount.value().is_zero() {
                    { row(other, show(i.other_amount), "bc-row bc-receipt__other") }
                }
                if let Some(left) = i.balance_left {
                    { row(t.balance_left, show(left), "bc-row bc-receipt__left") }
                }
                { row(t.transaction_no, i.id.clone(), "bc-row bc-receipt__id") }
                if let Some(at) = &i.created_at {
                    { row(t.paid_at, local_time(l, at), "bc-row bc-receipt__time") }
                }
            </dl>
            if let Some(onclick) = props.on_done.clone() {
                <button type="button" class="bc-button bc-done" {onclick}>{ t.done }</button>
            }
        </div>
    }
}

pub fn outcome(props: &OutcomeProps) -> Html {
    let (l, t, i) = (props.locale, props.locale.text(), &props.intent);
    let show = |a| amount(l, a, props.currency);
    let method = i.other_method.map_or("", |m| t.method(m));
    if i.status == IntentStatus::Succeeded {
        return receipt(props);
    }
    if i.other_method == Some(Method::Merchant) {
        // The shop's page collects the rest (it got `requires-action`); its server captures.
        return html! {
            <div class="bc-outcome" role="status">
                <h3 class="bc-heading">
                    { fill(t.merchant_next_step, &[("amount", &show(i.other_amount))]) }
                </h3>
                <p class="bc-hint">{ t.merchant_waiting }</p>
            </div>
        };
    }
    let title = fill(
        t.action_title,
        &[("other", &show(i.other_amount)), ("method", method)],
    );
    // The sandbox's page speaks the checkout's language.
    let url = i
        .next_action
        .as_ref()
        .and_then(|n| n.url.as_ref())
        .map(|u| {
            let sep = if u.contains('?') { '&' } else { '?' };
            format!("{u}{sep}locale={}", l.tag())
        });
    html! {
        <div class="bc-outcome" role="status">
            <h3 class="bc-heading">{ title }</h3>
            if let Some(url) = url {
                // A link, not window.open: no pop-up blocker, and keyboard users get it too.
                <a class="bc-button bc-pay" href={url} target="_blank"
                    rel="noopener noreferrer">
                    { fill(t.action_link, &[("method", method)]) }
                </a>
            }
            <p class="bc-hint">{ fill(t.action_waiting, &[("method", method)]) }</p>
            if let Some(onclick) = props.on_cancel.clone() {
                <button type="button" class="bc-button bc-cancel" {onclick}>{ t.cancel_payment }</button>
            }
        </div>
    }
}
