//! The checkout's side effects: loading the session, sending a payment and polling an
//! intent that waits for its second method, and telling the host page.
//! Each hook's clean-up stops what it started, so unmounting leaves nothing running.

use std::cell::Cell;
use std::rc::Rc;

use gloo::timers::callback::Interval;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use checkout_core::ErrorCode;

use crate::api::{self, ApiError, Code};
use crate::config::{Config, Source};
use crate::events;
use crate::fixture;
use crate::session::IntentView;
use crate::state::{Action, CheckoutState, Phase, Submission};

/// How often to ask whether the second method finished.
const POLL_MS: u32 = 2_000;

type Dispatcher = UseReducerDispatcher<CheckoutState>;

/// Dispatches only while the component is mounted.
fn guarded(dispatcher: Dispatcher, alive: &Rc<Cell<bool>>) -> impl Fn(Action) {
    let alive = alive.clone();
    move |action| {
        if alive.get() {
            dispatcher.dispatch(action);
        }
    }
}

/// Loads the session when the widget mounts and again on every retry. The first load
/// takes the answer to the request `frame.js` already sent, when there is one.
#[hook]
pub fn use_loader(
    source: &Source,
    fetched: Option<&JsValue>,
    state: &UseReducerHandle<CheckoutState>,
) {
    let dispatcher = state.dispatcher();
    let fetched = (state.load_seq == 0).then(|| fetched.cloned()).flatten();
    use_effect_with((source.clone(), state.load_seq), move |(source, _)| {
        let alive = Rc::new(Cell::new(true));
        let dispatch = guarded(dispatcher, &alive);
        match source.clone() {
            Source::Fixture(s) => dispatch(Action::Loaded(s)),
            Source::Missing => {
                dispatch(Action::LoadFailed(ApiError::new(Code::MissingSession, "")));
            }
            Source::Remote(endpoint) => spawn_local(async move {
                dispatch(match api::load_session(&endpoint, fetched.as_ref()).await {
                    Ok(s) => Action::Loaded(Rc::new(s)),
                    Err(e) => Action::LoadFailed(e),
                });
            }),
        }
        move || alive.set(false)
    });
}

async fn send(source: &Source, sub: &Submission) -> Action {
    let endpoint = match source {
        Source::Remote(endpoint) => endpoint,
        Source::Fixture(_) => {
            return match fixture::submit(&sub.request) {
                Ok(intent) => Action::IntentUpdated(Rc::new(intent)),
                Err(e) => Action::PayFailed(e),
            }
        }
        Source::Missing => return Action::PayFailed(ApiError::new(Code::MissingSession, "")),
    };
    let passkey = if sub.by_passkey {
        match crate::passkey::authorize(endpoint, &sub.request.intent).await {
            Ok(assertion) => Some(assertion),
            Err(e) => return Action::PayFailed(e),
        }
    } else {
        None
    };
    let prepared = api::prepare_intent(
        endpoint,
        &sub.request,
        &sub.idempotency_key,
        passkey.as_deref(),
    );
    let result = match prepared {
        Ok(prepared) => api::submit(endpoint, &prepared).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(intent) => Action::IntentUpdated(Rc::new(intent)),
        // The balance moved under the shopper: load it again so the widget shows (and
        // the next attempt signs) the backend's new split.
        Err(e)
            if matches!(
                e.code,
                Code::Api(ErrorCode::QuoteMismatch | ErrorCode::InsufficientBalance)
            ) =>
        {
            match api::load_session(endpoint, None).await {
                Ok(session) => Action::BalanceChanged {
                    session: Rc::new(session),
                    error: e,
                },
                Err(_) => Action::PayFailed(e),
            }
        }
        Err(e) => Action::PayFailed(e),
    }
}

/// Sends each accepted payment attempt once (retries happen inside `api::submit`), then
/// polls an intent that waits for its second method until its status changes.
///
/// One effect for both (each effect hook is its own copy of Yew's effect code in the
/// wasm). The phases keep them apart: an attempt is sent only in `Submitting`, which
/// only Pay in `Ready` enters (a new `submit_seq`), and an intent is polled only in
/// `AwaitingAction`; so a run started by one never repeats the other.
#[hook]
pub fn use_payment(source: &Source, state: &UseReducerHandle<CheckoutState>) {
    let dispatcher = state.dispatcher();
    let submission = (state.phase == Phase::Submitting)
        .then(|| state.submission.clone())
        .flatten();
    let waiting: Option<Rc<IntentView>> = match &state.phase {
        Phase::AwaitingAction(i) => Some(i.clone()),
        _ => None,
    };
    let source = source.clone();
    let id = waiting.as_ref().map(|i| i.id.clone());
    use_effect_with((state.submit_seq, id), move |_| {
        let alive = Rc::new(Cell::new(true));
        if let Some(sub) = submission {
            let dispatch = guarded(dispatcher.clone(), &alive);
            let source = source.clone();
            spawn_local(async move { dispatch(send(&source, &sub).await) });
        }
        let busy = Rc::new(Cell::new(false));
        let interval = waiting.map(|intent| {
            let alive = alive.clone();
            Interval::new(POLL_MS, move || {
                if busy.get() {
                    return;
                }
                let dispatch = guarded(dispatcher.clone(), &alive);
                match &source {
                    Source::Remote(endpoint) => {
                        busy.set(true);
                        let (endpoint, id, busy) =
                            (endpoint.clone(), intent.id.clone(), busy.clone());
                        spawn_local(async move {
                            // A failed poll is retried at the next tick.
                            if let Ok(i) = api::get_intent(&endpoint, &id).await {
                                dispatch(Action::IntentUpdated(Rc::new(i)));
                            }
                            busy.set(false);
                        });
                    }
                    _ => dispatch(Action::IntentUpdated(Rc::new(fixture::settle(&intent)))),
                }
            })
        });
        move || {
            alive.set(false);
            drop(interval);
        }
    });
}

/// Dispatches the state's queued events on the host element, each once.
#[hook]
pub fn use_host_events(config: &Config, state: &UseReducerHandle<CheckoutState>) {
    let sent = use_mut_ref(|| 0u32);
    let (host, locale) = (config.host.clone(), config.locale);
    let currency = state.session.as_ref().map(|s| s.cart.currency);
    let outbox = state.outbox.clone();
    use_effect_with(state.emit_seq, move |_| {
        let mut last = sent.borrow_mut();
        let from = *last;
        for (seq, emit) in outbox.iter().filter(|(seq, _)| *seq > from) {
            if let Some(host) = &host {
                let (name, detail) = events::payload(emit, locale, currency);
                events::dispatch(host, name, &detail);
            }
            *last = *seq;
        }
    });
}

/// "Cancel this payment" on a payment waiting for the sandbox's page (`None` for the
/// built-in demo, and for a rest the shop collects, which only the shop cancels): the
/// hold goes back at once and the canceled intent ends the wait. A cancel that is refused
/// shows the intent as it is now; one that cannot reach the wallet says why.
#[must_use]
pub fn cancel_pending(
    source: &Source,
    state: &UseReducerHandle<CheckoutState>,
    intent: &IntentView,
) -> Option<Callback<MouseEvent>> {
    let Source::Remote(endpoint) = source else {
        return None;
    };
    if intent.other_method == Some(checkout_core::Method::Merchant) {
        return None;
    }
    let (endpoint, id, dispatcher) = (endpoint.clone(), intent.id.clone(), state.dispatcher());
    Some(Callback::from(move |_: MouseEvent| {
        let (endpoint, id, dispatcher) = (endpoint.clone(), id.clone(), dispatcher.clone());
        spawn_local(async move {
            // Refused (it ended meanwhile, its hold expired): the intent as it is now says
            // what happened; when even that cannot be read, say why.
            let ended = match api::cancel_intent(&endpoint, &id).await {
                Ok(i) => Ok(i),
                Err(_) => api::get_intent(&endpoint, &id).await,
            };
            dispatcher.dispatch(match ended {
                Ok(i) => Action::IntentUpdated(Rc::new(i)),
                Err(e) => Action::LoadFailed(e),
            });
        });
    }))
}
