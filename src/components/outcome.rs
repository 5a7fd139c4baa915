//! After Pay: the success message, or the step that finishes the second method.

use std::rc::Rc;

use checkout_core::{Currency, IntentStatus, Method};
use yew::prelude::*;

use crate::format::amount;
use crate::i18n::{fill, Locale};
use crate::session::IntentView;

pub struct OutcomeProps {
    pub locale: Locale,
    pub currency: Currency,
    pub intent: Rc<IntentView>,
    /// "Cancel this payment", while it waits for the sandbox's page.
    pub on_cancel: Option<Callback<MouseEvent>>,
}

pub fn outcome(props: &OutcomeProps) -> Html {
    let (l, t, i) = (props.locale, props.locale.text(), &props.intent);
    let show = |a| amount(l, a, props.currency);
    let method = i.other_method.map_or("", |m| t.method(m));
    if i.status == IntentStatus::Succeeded {
        return html! {
            <div class="bc-outcome bc-outcome--ok" role="status">
                <h3 class="bc-heading">{ t.succeeded }</h3>
                <p>{ fill(t.paid, &[("total", &show(i.total))]) }</p>
            </div>
        };
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
    let url = i.next_action.as_ref().and_then(|n| n.url.clone());
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
