//! What the checkout's state machine (`state.rs`) is in, [`Phase`], and what it is told,
//! [`Action`]: the words hooks and components use to talk to it.

use std::rc::Rc;

use checkout_core::{IntentRequest, Method};

use crate::api::ApiError;
use crate::session::{IntentView, Session};

/// Where the shopper is in the flow.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Loading,
    LoadFailed(ApiError),
    /// Choosing and entering the password.
    Ready,
    /// A payment attempt is in flight; Pay is ignored until it ends.
    Submitting,
    /// The balance is held; the second method must finish.
    AwaitingAction(Rc<IntentView>),
    Succeeded(Rc<IntentView>),
    /// Nothing more can be paid here (completed, expired, or a payment in progress).
    Closed(ApiError),
}

/// One payment attempt: the request and its `Idempotency-Key`, reused on every retry.
/// No `Debug` here, in `Action` or in `CheckoutState`: they hold the payment password,
/// which must never reach a log.
#[derive(Clone, PartialEq)]
pub struct Submission {
    pub request: IntentRequest,
    pub idempotency_key: String,
    /// Authorised with a passkey (asked for when the attempt is sent), not the password.
    pub by_passkey: bool,
}

#[derive(Clone, PartialEq)]
pub enum Action {
    Loaded(Rc<Session>),
    LoadFailed(ApiError),
    Reload,
    ToggleBalance(bool),
    CapInput(String),
    ChooseMethod(Method),
    /// Show every line of a long cart (`true`) or only the first ones.
    ShowAllLines(bool),
    /// The password field's whole new value as typed; digits are kept as ASCII digits,
    /// anything else is dropped with a notice.
    PasswordInput(String),
    /// Pay, with the randomness the reducer may not make itself; with the password, or
    /// with a passkey ("Pay with fingerprint").
    Pay {
        idempotency_key: String,
        nonce: String,
        passkey: bool,
    },
    PayFailed(ApiError),
    /// The backend's quote differed (`quote_mismatch`); the session was loaded again.
    BalanceChanged {
        session: Rc<Session>,
        error: ApiError,
    },
    IntentUpdated(Rc<IntentView>),
    /// Done on the receipt of a succeeded payment.
    Done,
    /// A top-up was credited; the session (with its new balance) was loaded again.
    ToppedUp(Rc<Session>),
}
