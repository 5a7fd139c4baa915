//! After Pay: the success message, or the step that finishes the second method.

use std::rc::Rc;

use checkout_core::{Currency, IntentStatus};
use yew::prelude::*;

use crate::format::amount;
use crate::i18n::{fill, Locale};
use crate::session::IntentView;

pub struct OutcomeProps {
    pub locale: Locale,
    pub currency: Currency,
    pub intent: Rc<IntentView>,
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
    let title = fill(
        t.action_title,
        &[("other", &show(i.other_amount)), ("method", method)],
    );
    html! {
        <div class="bc-outcome" role="status">
            <h3 class="bc-heading">{ title }</h3>
            if let Some(next) = &i.next_action {
                // A link, not window.open: no pop-up blocker, and keyboard users get it too.
                <a class="bc-button bc-pay" href={next.url.clone()} target="_blank"
                    rel="noopener noreferrer">
                    { fill(t.action_link, &[("method", method)]) }
                </a>
            }
            <p class="bc-hint">{ fill(t.action_waiting, &[("method", method)]) }</p>
        </div>
    }
}
