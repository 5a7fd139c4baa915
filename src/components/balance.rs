//! The wallet balance, the "use balance" switch and the optional "use at most" cap.

use checkout_core::{AmountError, Money};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::format::fill;
use crate::format::money;
use crate::i18n::Locale;

pub struct BalanceProps {
    pub locale: Locale,
    pub uid: AttrValue,
    pub balance: Money,
    /// Held for unfinished payments: said under the balance, so a lower balance is not a
    /// mystery.
    pub held: Money,
    pub use_balance: bool,
    pub cap_input: AttrValue,
    pub cap_error: Option<AmountError>,
    pub disabled: bool,
    pub on_toggle: Callback<bool>,
    pub on_cap: Callback<String>,
}

/// The inline message for an invalid cap, in the shopper's language.
fn cap_message(locale: Locale, e: &AmountError) -> String {
    let t = locale.text();
    match e {
        AmountError::TooManyDecimals {
            currency, allowed, ..
        } => fill(
            t.cap_decimals,
            &[
                ("currency", currency.code()),
                ("digits", &allowed.to_string()),
            ],
        ),
        AmountError::TooLarge(_) => t.cap_too_large.to_owned(),
        _ => t.cap_malformed.to_owned(),
    }
}

pub fn balance_panel(props: &BalanceProps) -> Html {
    let t = props.locale.text();
    let (switch_id, cap_id) = (format!("{}-use", props.uid), format!("{}-cap", props.uid));
    let (hint_id, err_id) = (
        format!("{}-cap-hint", props.uid),
        format!("{}-cap-err", props.uid),
    );
    let on_toggle = props.on_toggle.reform(|e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        input.checked()
    });
    let on_cap = props.on_cap.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        input.value()
    });
    let described = if props.cap_error.is_some() {
        format!("{hint_id} {err_id}")
    } else {
        hint_id.clone()
    };
    html! {
        <section class="bc-section bc-balance" aria-label={t.balance_available}>
            <div class="bc-row">
                <span>{ t.balance_available }</span>
                <span class="bc-amount" data-testid="balance">{ money(props.locale, props.balance) }</span>
            </div>
            if !props.held.is_zero() {
                <p class="bc-hint bc-held">
                    { crate::format::fill(t.held_note, &[("amount", &money(props.locale, props.held))]) }
                </p>
            }
            <div class="bc-switch">
                <input id={switch_id.clone()} type="checkbox" role="switch"
                    checked={props.use_balance} disabled={props.disabled} onchange={on_toggle} />
                <label for={switch_id}>{ t.use_balance }</label>
            </div>
            if props.use_balance {
                <div class="bc-field">
                    <label for={cap_id.clone()}>{ t.cap_label }</label>
                    <input id={cap_id} class="bc-input" type="text" inputmode="decimal"
                        autocomplete="off" spellcheck="false"
                        value={props.cap_input.clone()} disabled={props.disabled}
                        aria-invalid={props.cap_error.is_some().to_string()}
                        aria-describedby={described} oninput={on_cap} />
                    <p id={hint_id} class="bc-hint">{ t.cap_hint }</p>
                    if let Some(e) = &props.cap_error {
                        <p id={err_id} class="bc-field-error" role="alert">
                            { cap_message(props.locale, e) }
                        </p>
                    }
                </div>
            }
        </section>
    }
}
