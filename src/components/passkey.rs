//! "Pay ¥61.00 with fingerprint" (DESIGN.md *Passkeys*): the payment authorised with one
//! of the wallet's passkeys instead of the password, which the hint below it offers.

use checkout_core::Money;
use yew::prelude::*;

use crate::format::fill;
use crate::format::money;
use crate::i18n::Locale;

pub struct PasskeyProps {
    pub locale: Locale,
    /// What the shopper pays in total, stated on the button.
    pub total: Money,
    /// Everything is in place for Pay with a passkey.
    pub enabled: bool,
    pub submitting: bool,
    /// Pay with a passkey.
    pub on_pay: Callback<MouseEvent>,
}

/// The button and the hint that the password works too.
pub fn passkey_button(props: &PasskeyProps) -> Html {
    let (l, t) = (props.locale, props.locale.text());
    html! {
        <>
            <button type="button" class="bc-button bc-passkey"
                disabled={!props.enabled || props.submitting}
                aria-busy={props.submitting.to_string()} onclick={props.on_pay.clone()}>
                { fill(t.pay_with_passkey, &[("total", &money(l, props.total))]) }
            </button>
            <p class="bc-hint">{ t.or_password }</p>
        </>
    }
}
