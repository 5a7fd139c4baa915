//! The six-digit payment password: masked, numeric keypad on phones, paste and
//! backspace work; digits from any keyboard or input method (full-width `１２３`) count as
//! their ASCII digits, and whatever else is left out is said under the field. The value
//! lives only in the checkout state and is never logged.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::Locale;
use crate::password::{sanitize_password, PasswordNotice};

pub struct PasswordProps {
    pub locale: Locale,
    pub uid: AttrValue,
    pub value: AttrValue,
    /// What the last input left out, said under the field.
    pub notice: Option<PasswordNotice>,
    pub disabled: bool,
    /// The field's whole new value as typed (the reducer keeps its digits).
    pub on_input: Callback<String>,
}

pub fn password_entry(props: &PasswordProps) -> Html {
    let t = props.locale.text();
    let (id, hint_id, notice_id) = (
        format!("{}-pw", props.uid),
        format!("{}-pw-hint", props.uid),
        format!("{}-pw-notice", props.uid),
    );
    let on_input = props.on_input.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let raw = input.value();
        let (clean, _) = sanitize_password(&raw);
        // When the kept digits equal the previous value Yew would not re-render, so the
        // dropped characters are removed from the field here.
        if clean != raw {
            input.set_value(&clean);
        }
        raw
    });
    let notice = props.notice.map(|n| match n {
        PasswordNotice::NotDigits => t.password_not_digits,
        PasswordNotice::TooLong => t.password_too_long,
    });
    let described_by = match notice {
        Some(_) => format!("{hint_id} {notice_id}"),
        None => hint_id.clone(),
    };
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
                aria-describedby={described_by} oninput={on_input} />
            <div class="bc-pin" aria-hidden="true">{ for dots }</div>
            <p id={hint_id} class="bc-hint">{ t.password_hint }</p>
            if let Some(text) = notice {
                <p id={notice_id} class="bc-field-error" role="status">{ text }</p>
            }
        </div>
    }
}
