//! The top-up hint, and the top-up itself without leaving the checkout: the backend
//! starts a recharge, the shopper pays it on the method's page in a new tab (a link, as
//! for a payment's second method), the widget polls it and, once credited, loads the
//! session again so the balance prices apply (`balancecheckout:change` follows).

use std::cell::Cell;
use std::rc::Rc;

use checkout_core::{Choice, Method, Money, Policy, Quote, RechargeStatus};
use gloo::timers::callback::Interval;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{self, Endpoint};
use crate::format::fill;
use crate::format::money;
use crate::i18n::Locale;
use crate::messages::describe;
use crate::session::Session;
use crate::topup::{self, TopUpView};

/// How often to ask whether the top-up was paid.
const POLL_MS: u32 = 2_000;

/// A top-up the checkout offers: how much, and the sentence that says what it unlocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub amount: Money,
    pub hint: String,
}

impl Offer {
    /// The top-up that unlocks balance prices, else the one that unlocks a balance-pay
    /// discount (`checkout_core::discount_topup`), else none.
    #[must_use]
    pub fn of(quote: &Quote, policy: &Policy, choice: &Choice, l: Locale) -> Option<Offer> {
        let t = l.text();
        if let Some(tu) = quote.topup_to_unlock {
            let hint = fill(
                t.topup,
                &[
                    ("amount", &money(l, tu.amount)),
                    ("savings", &money(l, tu.savings)),
                ],
            );
            return Some(Offer {
                amount: tu.amount,
                hint,
            });
        }
        let d = checkout_core::discount_topup(quote, policy, choice)?;
        let hint = fill(
            t.topup_discount,
            &[
                ("amount", &money(l, d.amount)),
                ("label", &l.label(&d.label)),
            ],
        );
        Some(Offer {
            amount: d.amount,
            hint,
        })
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct TopUpProps {
    pub locale: Locale,
    pub offer: Offer,
    pub currency: checkout_core::Currency,
    /// `None` for a fixture session: the hint only.
    pub endpoint: Option<Endpoint>,
    pub method: Method,
    /// The session loaded again after the top-up was credited.
    pub on_done: Callback<Rc<Session>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Idle,
    Starting,
    Waiting(Rc<TopUpView>),
    Failed(String),
}

#[function_component]
pub fn TopUp(props: &TopUpProps) -> Html {
    let (l, t) = (props.locale, props.locale.text());
    let step = use_state(|| Step::Idle);
    use_poll(props, &step);
    let (offer, amount) = (props.offer.clone(), money(l, props.offer.amount));
    let hint = offer.hint.clone();
    let start = {
        let (step, endpoint, method) = (step.clone(), props.endpoint.clone(), props.method);
        let currency = props.currency;
        Callback::from(move |_: MouseEvent| {
            let (Some(endpoint), Step::Idle | Step::Failed(_)) = (endpoint.clone(), &*step) else {
                return;
            };
            step.set(Step::Starting);
            let step = step.clone();
            spawn_local(async move {
                step.set(match topup::start(&endpoint, offer.amount, method).await {
                    Ok(view) => Step::Waiting(Rc::new(view)),
                    Err(e) => Step::Failed(describe(l, Some(currency), &e)),
                });
            });
        })
    };
    let body = match &*step {
        Step::Waiting(view) => html! {
            <>
                if let Some(url) = &view.url {
                    <a class="bc-button bc-topup__pay" href={url.clone()} target="_blank"
                        rel="noopener noreferrer">
                        { fill(t.topup_pay, &[("amount", &amount), ("method", t.method(props.method))]) }
                    </a>
                }
                <p class="bc-hint" role="status">{ t.topup_waiting }</p>
            </>
        },
        other => html! {
            <>
                if props.endpoint.is_some() {
                    <button type="button" class="bc-button bc-topup__go" onclick={start}
                        disabled={*other == Step::Starting}>
                        { fill(t.topup_action, &[("amount", &amount), ("method", t.method(props.method))]) }
                    </button>
                }
                if let Step::Failed(message) = other {
                    <p class="bc-notice" role="alert">{ message.clone() }</p>
                }
            </>
        },
    };
    html! {
        <div class="bc-topup">
            <p>{ hint }</p>
            { body }
        </div>
    }
}

/// Polls a started top-up until it is paid (then loads the session again) or ends unpaid.
#[hook]
fn use_poll(props: &TopUpProps, step: &UseStateHandle<Step>) {
    let waiting = match &**step {
        Step::Waiting(v) => Some(v.clone()),
        _ => None,
    };
    let (endpoint, on_done, step) = (props.endpoint.clone(), props.on_done.clone(), step.clone());
    let failed = props.locale.text().topup_failed;
    use_effect_with(waiting.as_ref().map(|v| v.id.clone()), move |_| {
        let alive = Rc::new(Cell::new(true));
        let busy = Rc::new(Cell::new(false));
        let interval = waiting.zip(endpoint).map(|(view, endpoint)| {
            let alive = alive.clone();
            Interval::new(POLL_MS, move || {
                if busy.get() {
                    return;
                }
                busy.set(true);
                let (endpoint, id, busy) = (endpoint.clone(), view.id.clone(), busy.clone());
                let (alive, step, on_done) = (alive.clone(), step.clone(), on_done.clone());
                spawn_local(async move {
                    // A failed poll is retried at the next tick.
                    let status = topup::get(&endpoint, &id).await.map(|v| v.status);
                    match status {
                        Ok(RechargeStatus::Succeeded) => {
                            if let Ok(s) = api::load_session(&endpoint, None).await {
                                if alive.get() {
                                    step.set(Step::Idle);
                                    on_done.emit(Rc::new(s));
                                }
                            }
                        }
                        Ok(RechargeStatus::Failed | RechargeStatus::Abandoned) if alive.get() => {
                            step.set(Step::Failed(failed.to_owned()));
                        }
                        _ => {}
                    }
                    busy.set(false);
                });
            })
        });
        move || {
            alive.set(false);
            drop(interval);
        }
    });
}
