//! The six-digit payment password: masked, numeric keypad on phones, paste and
//! backspace work. The value lives only in the checkout state and is never logged.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::Locale;
use crate::state::sanitize_password;

pub struct PasswordProps {
    pub locale: Locale,
    pub uid: AttrValue,
    pub value: AttrValue,
    pub disabled: bool,
    pub on_input: Callback<String>,
}

pub fn password_entry(props: &PasswordProps) -> Html {
    let t = props.locale.text();
    let (id, hint_id) = (
        format!("{}-pw", props.uid),
        format!("{}-pw-hint", props.uid),
    );
    let on_input = props.on_input.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let raw = input.value();
        let clean = sanitize_password(&raw);
        // When the kept digits equal the previous value Yew would not re-render, so the
        // dropped characters are removed from the field here.
        if clean != raw {
            input.set_value(&clean);
        }
        clean
    });
    let filled = props.value.len();
    // Literal classes: a computed `class={…}` would bring Yew's `Classes` into the wasm.
    let dots = (0..6).map(|i| {
        if i < filled {
            html! { <span class="bc-pin__dot bc-pin__dot--on"></span> }
        } else {
            html! { <span class="bc-pin__dot"></span> }
        }
    });
    html! {
        <div class="bc-section bc-field bc-password">
            <label for={id.clone()}>{ t.password_label }</label>
            <input {id} class="bc-input bc-input--pin" type="password" inputmode="numeric"
                pattern="[0-9]*" autocomplete="off" spellcheck="false"
                value={props.value.clone()} disabled={props.disabled}
                aria-describedby={hint_id.clone()} oninput={on_input} />
            <div class="bc-pin" aria-hidden="true">{ for dots }</div>
            <p id={hint_id} class="bc-hint">{ t.password_hint }</p>
        </div>
    }
}
