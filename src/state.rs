//! The whole checkout as one state machine: [`CheckoutState`] and its [`Action`]s.
//!
//! `reduce` is pure: it calls the core for every quote and for the intent, and leaves
//! fetching, timers, randomness and DOM events to hooks (`hooks.rs`) and `api/`. What the
//! host page should hear about is queued in `outbox` for a hook to dispatch.

use std::rc::Rc;

use checkout_core::intent::validate_payment_password;
use checkout_core::{
    quote, Amount, AmountError, Choice, ErrorCode, Intent, IntentRequest, IntentStatus, Method,
    Quote, SessionStatus,
};
use yew::Reducible;

use crate::api::{ApiError, Code};
use crate::events::Emit;
use crate::session::{IntentView, Session};

// Re-exported: the state holds the notice, and the tests name it here.
pub use crate::password::{sanitize_password, PasswordNotice};
// Re-exported: what the state machine is in and what it is told, beside it.
pub use crate::actions::{Action, Phase, Submission};

/// Kept in the outbox so a hook that runs late still sees every event once.
const OUTBOX_LEN: usize = 8;

#[derive(Clone, PartialEq)]
pub struct CheckoutState {
    pub phase: Phase,
    pub session: Option<Rc<Session>>,
    pub use_balance: bool,
    pub cap_input: String,
    pub cap: Option<Amount>,
    pub cap_error: Option<AmountError>,
    pub method: Option<Method>,
    pub password: String,
    /// What the password field left out of the last input, if anything.
    pub password_notice: Option<PasswordNotice>,
    pub quote: Option<Rc<Quote>>,
    pub quote_error: Option<String>,
    /// A long cart shows all its lines only when the shopper asks.
    pub show_all_lines: bool,
    /// The last payment error, shown until the next attempt.
    pub error: Option<ApiError>,
    /// The second method of an attempt that was canceled, for the notice.
    pub canceled: Option<Method>,
    pub submission: Option<Rc<Submission>>,
    /// Bumped for each load; the loading hook runs again when it changes.
    pub load_seq: u32,
    /// Bumped for each accepted Pay; the submitting hook runs again when it changes.
    pub submit_seq: u32,
    pub outbox: Vec<(u32, Emit)>,
    pub emit_seq: u32,
}

impl Default for CheckoutState {
    fn default() -> Self {
        CheckoutState {
            phase: Phase::Loading,
            session: None,
            use_balance: true,
            cap_input: String::new(),
            cap: None,
            cap_error: None,
            method: None,
            password: String::new(),
            password_notice: None,
            quote: None,
            quote_error: None,
            show_all_lines: false,
            error: None,
            canceled: None,
            submission: None,
            load_seq: 0,
            submit_seq: 0,
            outbox: Vec::new(),
            emit_seq: 0,
        }
    }
}

impl CheckoutState {
    /// The shopper's choice as the core takes it; a cap only counts while using balance.
    #[must_use]
    pub fn choice(&self) -> Choice {
        Choice {
            use_balance: self.use_balance,
            balance_cap: if self.use_balance { self.cap } else { None },
        }
    }

    /// True when something remains for a second method.
    #[must_use]
    pub fn needs_method(&self) -> bool {
        self.quote.as_ref().is_some_and(|q| q.needs_other_method())
    }

    /// The method the remainder would be paid with, if one is needed and chosen.
    #[must_use]
    pub fn method_for_quote(&self) -> Option<Method> {
        self.needs_method().then_some(self.method).flatten()
    }

    /// Whether the quote takes anything from the balance: only then is the password (or
    /// a passkey) asked for; paying everything with the second method needs neither.
    #[must_use]
    pub fn needs_authorization(&self) -> bool {
        self.quote
            .as_ref()
            .is_some_and(|q| !q.balance_amount.is_zero())
    }

    /// Everything is in place for Pay with the password (or without one, when the
    /// balance pays nothing).
    #[must_use]
    pub fn can_pay(&self) -> bool {
        self.choices_complete()
            && (!self.needs_authorization()
                || (self.session.as_ref().is_some_and(|s| s.password_set)
                    && validate_payment_password(&self.password).is_ok()))
    }

    /// Everything is in place for Pay with a passkey (the wallet has one).
    #[must_use]
    pub fn can_pay_with_passkey(&self) -> bool {
        self.choices_complete() && self.session.as_ref().is_some_and(|s| s.passkey)
    }

    /// Ready, with a quote, a valid cap and a method when one is needed.
    fn choices_complete(&self) -> bool {
        self.phase == Phase::Ready
            && self.quote.is_some()
            && self.cap_error.is_none()
            && (!self.needs_method() || self.method.is_some())
    }

    fn emit(&mut self, e: Emit) {
        self.emit_seq = self.emit_seq.wrapping_add(1);
        self.outbox.push((self.emit_seq, e));
        if self.outbox.len() > OUTBOX_LEN {
            self.outbox.remove(0);
        }
    }

    /// Recomputes the quote with the core; tells the host when it changed.
    fn requote(&mut self) {
        let Some(s) = self.session.clone() else {
            return;
        };
        match quote(&s.cart, &s.policy, s.balance, &self.choice()) {
            Ok(q) => {
                self.quote_error = None;
                if self.quote.as_deref() != Some(&q) {
                    let q = Rc::new(q);
                    self.quote = Some(q.clone());
                    self.emit(Emit::Change(q));
                }
            }
            Err(e) => {
                self.quote = None;
                self.quote_error = Some(e.to_string());
            }
        }
    }

    fn set_session(&mut self, s: Rc<Session>) {
        // Nothing is chosen for the shopper, unless there is nothing to choose from.
        if !self.method.is_some_and(|m| s.methods.contains(&m)) {
            self.method = match s.methods.as_slice() {
                [only] => Some(*only),
                _ => None,
            };
        }
        self.session = Some(s);
        self.requote();
    }

    fn set_cap(&mut self, text: String) {
        let trimmed = text.trim();
        let parsed = match (trimmed.is_empty(), &self.session) {
            (true, _) | (_, None) => Ok(None),
            (false, Some(s)) => {
                Amount::parse(trimmed).and_then(|a| a.in_currency(s.cart.currency).map(|_| Some(a)))
            }
        };
        // An invalid cap blocks Pay; until it is fixed the quote ignores it.
        (self.cap, self.cap_error) = match parsed {
            Ok(cap) => (cap, None),
            Err(e) => (None, Some(e)),
        };
        self.cap_input = text;
        self.requote();
    }

    fn pay(&mut self, idempotency_key: String, nonce: &str, by_passkey: bool) {
        let (Some(s), Some(q)) = (self.session.clone(), self.quote.clone()) else {
            return;
        };
        let intent = Intent::for_quote(
            &s.id,
            &s.cart_digest,
            &self.choice(),
            &q,
            self.method_for_quote(),
            nonce,
        );
        match intent {
            Ok(intent) => {
                self.submission = Some(Rc::new(Submission {
                    request: IntentRequest {
                        intent,
                        payment_password: (self.needs_authorization() && !by_passkey)
                            .then(|| self.password.clone()),
                        passkey: None,
                    },
                    idempotency_key,
                    by_passkey,
                }));
                self.phase = Phase::Submitting;
                self.error = None;
                self.canceled = None;
                self.submit_seq = self.submit_seq.wrapping_add(1);
            }
            Err(e) => self.fail(ApiError::new(e.code(), e.to_string())),
        }
    }

    /// Ends an attempt with an error: the password is cleared after any failure.
    fn fail(&mut self, e: ApiError) {
        self.submission = None;
        self.password.clear();
        self.password_notice = None;
        self.phase = if closes_the_session(&e.code) {
            Phase::Closed(e.clone())
        } else {
            Phase::Ready
        };
        self.error = Some(e.clone());
        self.emit(Emit::Failed(e));
    }

    fn intent_updated(&mut self, intent: Rc<IntentView>) {
        self.submission = None;
        self.password.clear();
        self.password_notice = None;
        match intent.status {
            IntentStatus::Succeeded => {
                // A poll's answer has no balance left; the payment's own answer had it.
                let intent = match (&self.phase, intent.balance_left) {
                    (Phase::AwaitingAction(held), None) if held.balance_left.is_some() => {
                        let mut done = (*intent).clone();
                        done.balance_left = held.balance_left;
                        Rc::new(done)
                    }
                    _ => intent,
                };
                self.phase = Phase::Succeeded(intent.clone());
                self.emit(Emit::Succeeded(intent));
            }
            IntentStatus::RequiresAction => {
                let already = matches!(&self.phase, Phase::AwaitingAction(i) if i.id == intent.id);
                self.phase = Phase::AwaitingAction(intent.clone());
                if !already {
                    self.emit(Emit::RequiresAction(intent));
                }
            }
            IntentStatus::Canceled => {
                self.canceled = intent.other_method;
                self.emit(Emit::Failed(ApiError::new(
                    Code::Canceled,
                    "the second payment method did not complete",
                )));
                // The hold came back: load the session again for the balance as it is now
                // (a frame that resumed this payment had the balance without the hold).
                self.phase = Phase::Loading;
                self.load_seq = self.load_seq.wrapping_add(1);
            }
        }
    }

    /// The session arrived (first load or a reload).
    fn loaded(&mut self, s: Rc<Session>) {
        let closed = |code: Code| Phase::Closed(ApiError::new(code, ""));
        self.phase = match s.status {
            SessionStatus::Open => Phase::Ready,
            SessionStatus::Completed => closed(ErrorCode::SessionCompleted.into()),
            SessionStatus::Expired => closed(ErrorCode::SessionExpired.into()),
            // A reload while the second method runs: resume that payment.
            SessionStatus::AwaitingPayment => match &s.pending {
                Some(i) => Phase::AwaitingAction(i.clone()),
                None => closed(Code::AwaitingPayment),
            },
        };
        // `ready` goes out before the first `change`. A resumed payment tells the page again
        // what it waits for (a shop collecting the rest shows its form again), and no
        // `change`: a quote on the balance without the hold would name another remainder.
        match &self.phase {
            Phase::Closed(e) => {
                let e = e.clone();
                self.emit(Emit::Failed(e));
            }
            Phase::AwaitingAction(i) => {
                let i = i.clone();
                self.emit(Emit::Ready);
                self.emit(Emit::RequiresAction(i));
                self.session = Some(s);
                return;
            }
            _ => self.emit(Emit::Ready),
        }
        self.set_session(s);
    }
}

impl Reducible for CheckoutState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let editable = next.phase == Phase::Ready;
        match action {
            Action::Loaded(s) => next.loaded(s),
            Action::LoadFailed(e) => {
                next.phase = if closes_the_session(&e.code) {
                    Phase::Closed(e.clone())
                } else {
                    Phase::LoadFailed(e.clone())
                };
                next.emit(Emit::Failed(e));
            }
            Action::Reload => {
                next.phase = Phase::Loading;
                next.error = None;
                next.load_seq = next.load_seq.wrapping_add(1);
            }
            Action::ToggleBalance(on) if editable => {
                next.use_balance = on;
                next.requote();
            }
            Action::CapInput(text) if editable => next.set_cap(text),
            Action::ChooseMethod(m) if editable => next.method = Some(m),
            Action::ShowAllLines(on) => next.show_all_lines = on,
            Action::PasswordInput(text) if editable => {
                (next.password, next.password_notice) = sanitize_password(&text);
            }
            Action::Pay {
                idempotency_key,
                nonce,
                passkey,
            } if (passkey && next.can_pay_with_passkey()) || (!passkey && next.can_pay()) => {
                next.pay(idempotency_key, &nonce, passkey);
            }
            Action::PayFailed(e) if next.phase == Phase::Submitting => next.fail(e),
            Action::BalanceChanged { session, error } if next.phase == Phase::Submitting => {
                next.set_session(session);
                next.fail(error);
            }
            Action::ToppedUp(s) if editable => next.set_session(s),
            Action::IntentUpdated(intent)
                if matches!(next.phase, Phase::Submitting | Phase::AwaitingAction(_)) =>
            {
                next.intent_updated(intent);
            }
            Action::Done => match &next.phase {
                Phase::Succeeded(i) => {
                    let i = i.clone();
                    next.emit(Emit::Done(i));
                }
                _ => return self,
            },
            // Edits while not editable, and answers to an attempt that already ended.
            _ => return self,
        }
        Rc::new(next)
    }
}

/// Whether an error ends the session for this frame: nothing more can be paid in it.
fn closes_the_session(code: &Code) -> bool {
    matches!(
        code,
        Code::Api(
            ErrorCode::SessionCompleted | ErrorCode::SessionExpired | ErrorCode::SessionNotFound
        )
    )
}
