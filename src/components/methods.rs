//! The second method for what the balance does not pay; only the session's methods.

use checkout_core::{Method, Money};
use yew::prelude::*;

use crate::format::money;
use crate::i18n::{fill, Locale};

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
    let legend = fill(
        t.method_legend,
        &[("amount", &money(props.locale, props.remaining))],
    );
    let options = props.methods.iter().map(|&m| {
        let id = format!("{}-m-{}", props.uid, m.code());
        let onchange = props.on_choose.reform(move |_: Event| m);
        html! {
            <div class="bc-method" key={m.code()}>
                <input type="radio" id={id.clone()} name={format!("{}-method", props.uid)}
                    value={m.code()} checked={props.selected == Some(m)}
                    disabled={props.disabled} {onchange} />
                <label for={id}>{ t.method(m) }</label>
            </div>
        }
    });
    html! {
        <fieldset class="bc-section bc-methods">
            <legend class="bc-heading">{ legend }</legend>
            { for options }
        </fieldset>
    }
}
