//! The widget's root: configuration, the checkout state machine, and the view of each
//! phase composed from `components/`.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use checkout_core::{Method, Quote};

use crate::api::{Code, Endpoint};
use crate::components::balance::{balance_panel, BalanceProps};
use crate::components::lines::{lines, LinesProps};
use crate::components::methods::{method_picker, MethodsProps};
use crate::components::notice::{notice, NoticeProps};
use crate::components::outcome::{outcome, OutcomeProps};
use crate::components::passkey::{passkey_button, PasskeyProps};
use crate::components::password::{password_entry, PasswordProps};
use crate::components::pay::{pay_button, PayProps};
use crate::components::skeleton::{skeleton, SkeletonProps};
use crate::components::summary::{summary, SummaryProps};
use crate::components::topup::{Offer, TopUp};
use crate::hooks::{use_host_events, use_loader, use_payment};
use crate::i18n::Locale;
use crate::messages::describe;
use crate::random;
use crate::session::Session;
use crate::state::{Action, CheckoutState, Phase};

// Re-exported: the root's props are built from them (`lib.rs`, the tests).
pub use crate::config::{Config, Source};

#[derive(Properties, PartialEq, Clone)]
pub struct RootProps {
    pub config: Rc<Config>,
}

/// Starts a fresh checkout whenever the session changes (through `update()`); a locale
/// change only re-renders.
#[function_component]
pub fn Root(props: &RootProps) -> Html {
    let key = match &props.config.source {
        Source::Remote(e) => e.session_id.clone(),
        Source::Fixture(s) => s.id.clone(),
        Source::Missing => String::new(),
    };
    html! { <Checkout {key} config={props.config.clone()} /> }
}

thread_local! {
    static INSTANCES: Cell<u32> = const { Cell::new(0) };
}

/// A prefix for element ids, unique per widget on the page (labels need ids, and tests
/// mount several widgets in one document).
fn instance_id() -> String {
    INSTANCES.with(|n| {
        n.set(n.get().wrapping_add(1));
        format!("bc{}", n.get())
    })
}

#[function_component]
fn Checkout(props: &RootProps) -> Html {
    let config = &props.config;
    let state = use_reducer(CheckoutState::default);
    // A mutable ref rather than `use_state`: the id never changes, and a ref hook is
    // lighter in the wasm than a state hook.
    let uid: AttrValue = use_mut_ref(instance_id).borrow().as_str().to_owned().into();
    use_loader(&config.source, config.fetched_session.as_ref(), &state);
    use_payment(&config.source, &state);
    use_host_events(config, &state);

    let (l, t) = (config.locale, config.locale.text());
    let currency = state.session.as_ref().map(|s| s.cart.currency);
    let reload = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Reload))
    };
    let body = match (&state.phase, &state.session) {
        (Phase::Loading, _) => skeleton(&SkeletonProps { locale: l }),
        (Phase::LoadFailed(e), _) => notice(&NoticeProps {
            message: describe(l, currency, e).into(),
            retry: Some((t.retry.into(), reload)),
        }),
        (Phase::Closed(e), _) => notice(&NoticeProps {
            message: describe(l, currency, e).into(),
            retry: (e.code == Code::AwaitingPayment).then(|| (t.retry.into(), reload)),
        }),
        (Phase::Succeeded(i) | Phase::AwaitingAction(i), Some(s)) => outcome(&OutcomeProps {
            locale: l,
            currency: s.cart.currency,
            intent: i.clone(),
            on_cancel: matches!(state.phase, Phase::AwaitingAction(_))
                .then(|| crate::hooks::cancel_pending(&config.source, &state, i))
                .flatten(),
            on_done: matches!(state.phase, Phase::Succeeded(_)).then(|| {
                state
                    .dispatcher()
                    .to_callback()
                    .reform(|_: MouseEvent| Action::Done)
            }),
        }),
        (_, Some(s)) => {
            let endpoint = match &config.source {
                Source::Remote(e) => Some(e),
                Source::Fixture(_) | Source::Missing => None,
            };
            form(&state, s, endpoint, l, &uid)
        }
        (_, None) => skeleton(&SkeletonProps { locale: l }),
    };
    html! {
        <section class="bc" lang={l.tag()} aria-labelledby={format!("{uid}-title")}>
            <h2 id={format!("{uid}-title")} class="bc-title">
                { if state.use_balance { t.title } else { t.title_without_balance } }
            </h2>
            if matches!(config.source, Source::Fixture(_)) {
                <p class="bc-hint bc-demo">{ t.demo }</p>
            }
            { body }
        </section>
    }
}

/// The editable checkout: lines, balance, split, method, password and Pay.
fn form(
    state: &UseReducerHandle<CheckoutState>,
    s: &Rc<Session>,
    endpoint: Option<&Endpoint>,
    l: Locale,
    uid: &AttrValue,
) -> Html {
    let Some(q) = state.quote.clone() else {
        let message = state.quote_error.clone().unwrap_or_default();
        return notice(&NoticeProps {
            message: message.into(),
            retry: None,
        });
    };
    let d = state.dispatcher();
    let submitting = state.phase == Phase::Submitting;
    let on_pay = d.to_callback().reform(|e: SubmitEvent| {
        e.prevent_default();
        // The reducer ignores Pay while an attempt is in flight: a double click never
        // sends a second payment.
        pay(false)
    });
    html! {
        <form class="bc-form" onsubmit={on_pay} novalidate=true>
            { lines(&LinesProps {
                locale: l,
                uid: uid.clone(),
                session: s.clone(),
                quote: q.clone(),
                show_all: state.show_all_lines,
                on_show_all: d.to_callback().reform(Action::ShowAllLines),
            }) }
            { choices(state, s, &q, endpoint, l, uid) }
            { authorization(state, s, endpoint.is_some(), &q, l, uid) }
            { attempt_notices(state, s, l) }
            { pay_button(&PayProps {
                locale: l,
                quote: q,
                method: state.method_for_quote(),
                enabled: state.can_pay(),
                submitting,
            }) }
        </form>
    }
}

/// What the shopper chooses: how much balance to use, the split it gives (with the top-up
/// that would unlock balance prices), and the method for the rest.
fn choices(
    state: &UseReducerHandle<CheckoutState>,
    s: &Session,
    q: &Rc<Quote>,
    endpoint: Option<&Endpoint>,
    l: Locale,
    uid: &AttrValue,
) -> Html {
    let d = state.dispatcher();
    let submitting = state.phase == Phase::Submitting;
    html! {
        <>
            { balance_panel(&BalanceProps {
                locale: l,
                uid: uid.clone(),
                balance: s.balance,
                held: s.held,
                use_balance: state.use_balance,
                cap_input: state.cap_input.clone().into(),
                cap_error: state.cap_error.clone(),
                disabled: submitting,
                on_toggle: d.to_callback().reform(Action::ToggleBalance),
                on_cap: d.to_callback().reform(Action::CapInput),
            }) }
            { summary(&SummaryProps { locale: l, quote: q.clone() }) }
            if let Some(offer) = Offer::of(q, &s.policy, &state.choice(), l) {
                <TopUp locale={l} {offer} currency={q.currency} endpoint={endpoint.cloned()}
                    method={state.method.filter(|m| m.is_instrument()).unwrap_or(Method::WechatPay)}
                    on_done={d.to_callback().reform(Action::ToppedUp)} />
            }
            if q.needs_other_method() {
                { method_picker(&MethodsProps {
                    locale: l,
                    uid: uid.clone(),
                    methods: s.methods.clone(),
                    selected: state.method,
                    remaining: q.other_amount,
                    disabled: submitting,
                    on_choose: d.to_callback().reform(Action::ChooseMethod),
                }) }
            }
        </>
    }
}

/// Pay, with the randomness the reducer may not make itself: with the password, or with
/// a passkey.
fn pay(passkey: bool) -> Action {
    Action::Pay {
        idempotency_key: random::uuid_v4(),
        nonce: random::nonce(),
        passkey,
    }
}

/// How the shopper authorises the payment: the passkey button first when the wallet has a
/// passkey and this browser can use one (`remote`: only against a backend), then the
/// password right below it, or why there is no password.
fn authorization(
    state: &UseReducerHandle<CheckoutState>,
    s: &Session,
    remote: bool,
    q: &Quote,
    l: Locale,
    uid: &AttrValue,
) -> Html {
    let d = state.dispatcher();
    let submitting = state.phase == Phase::Submitting;
    if q.balance_amount.is_zero() {
        // Nothing from the balance: no password, and a locked wallet does not block it.
        return html! {};
    }
    let passkey = s.passkey && remote && crate::passkey::supported();
    html! {
        <>
            if passkey {
                { passkey_button(&PasskeyProps {
                    locale: l,
                    total: q.total,
                    enabled: state.can_pay_with_passkey(),
                    submitting,
                    on_pay: d.to_callback().reform(|_: MouseEvent| pay(true)),
                }) }
            }
            if s.password_set {
                { password_entry(&PasswordProps {
                    locale: l,
                    uid: uid.clone(),
                    value: state.password.clone().into(),
                    notice: state.password_notice,
                    disabled: submitting,
                    on_input: d.to_callback().reform(Action::PasswordInput),
                }) }
            } else {
                <p class="bc-notice" role="alert">{ l.text().password_not_set }</p>
            }
        </>
    }
}

/// What ended the last attempt: its error, and the second method that did not complete.
fn attempt_notices(state: &CheckoutState, s: &Session, l: Locale) -> Html {
    let t = l.text();
    let error = state
        .error
        .as_ref()
        .map(|e| describe(l, Some(s.cart.currency), e));
    let locked = state
        .error
        .as_ref()
        .is_some_and(|e| e.code == Code::Api(checkout_core::ErrorCode::PasswordLocked));
    let canceled = state.canceled.map(|m| match m {
        Method::Merchant => t.merchant_canceled.to_owned(),
        m => crate::format::fill(t.canceled, &[("method", t.method(m))]),
    });
    html! {
        <>
            if let Some(message) = error {
                <p class="bc-notice" role="alert" data-testid="pay-error">{ message }</p>
            }
            if locked {
                // The wallet's own page, on this frame's origin, in a new tab.
                <p class="bc-hint"><a class="bc-forgot" href="/wallet/security#forgot"
                    target="_blank" rel="noopener">{ t.forgot_password }</a></p>
            }
            if let Some(message) = canceled {
                <p class="bc-notice" role="alert">{ message }</p>
            }
        </>
    }
}
