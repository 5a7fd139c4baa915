//! The second method for what the balance does not pay; only the session's methods. When
//! the shop collects the remainder itself the frame says so instead of a list, and when
//! nothing here can take a remainder it says only the balance can pay, and why
//! (DESIGN.md *The second leg*).

use checkout_core::{Method, Money};
use yew::prelude::*;

use crate::format::fill;
use crate::format::money;
use crate::i18n::Locale;

pub struct MethodsProps {
    pub locale: Locale,
    pub uid: AttrValue,
    pub methods: Vec<Method>,
    pub selected: Option<Method>,
    pub remaining: Money,
    pub disabled: bool,
    pub on_choose: Callback<Method>,
}

pub fn method_picker(props: &MethodsProps) -> Html {
    let t = props.locale.text();
    let remaining = money(props.locale, props.remaining);
    if props.methods.is_empty() {
        return html! {
            <p class="bc-section bc-notice bc-balance-only" role="note">
                { fill(t.balance_only, &[("amount", &remaining)]) }
            </p>
        };
    }
    if props.methods == [Method::Merchant] {
        return html! {
            <section class="bc-section bc-methods bc-merchant-leg">
                <h3 class="bc-heading">{ fill(t.merchant_next_step, &[("amount", &remaining)]) }</h3>
                <p class="bc-hint">{ t.merchant_next_hint }</p>
            </section>
        };
    }
    let legend = fill(
        t.method_legend,
        &[("amount", &money(props.locale, props.remaining))],
    );
    // The whole row is the label, so the whole row (at least 44 px tall) takes the tap.
    let options = props.methods.iter().map(|&m| {
        let id = format!("{}-m-{}", props.uid, m.code());
        let onchange = props.on_choose.reform(move |_: Event| m);
        html! {
            <label class="bc-method" for={id.clone()} key={m.code()}>
                <input type="radio" id={id} name={format!("{}-method", props.uid)}
                    value={m.code()} checked={props.selected == Some(m)}
                    disabled={props.disabled} {onchange} />
                <span>{ t.method(m) }</span>
            </label>
        }
    });
    html! {
        <fieldset class="bc-section bc-methods">
            <legend class="bc-heading">{ legend }</legend>
            { for options }
        </fieldset>
    }
}
