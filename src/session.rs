//! The session as `GET /v1/sessions/{id}` returns it, and the intent the backend answers
//! with. Amounts stay strings until the core checks them against the currency.

use checkout_core::{Amount, Cart, CartInput, Currency, Method, Money, Policy};
use serde::Deserialize;

/// Where the session stands; only `open` can be paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    AwaitingPayment,
    Completed,
    Expired,
}

#[derive(Debug, Deserialize)]
struct Wire {
    id: String,
    status: Status,
    cart: CartInput,
    cart_digest: String,
    #[serde(default)]
    policy: Policy,
    wallet: WalletWire,
    #[serde(default = "all_methods")]
    methods: Vec<Method>,
    #[serde(default)]
    expires_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WalletWire {
    #[serde(default)]
    currency: Option<Currency>,
    balance: Amount,
    password_set: bool,
}

fn all_methods() -> Vec<Method> {
    Method::ALL.to_vec()
}

/// A loaded and validated session: the cart passed the core's rules and the balance is
/// money in the cart's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub status: Status,
    pub cart: Cart,
    pub cart_digest: String,
    pub policy: Policy,
    pub balance: Money,
    pub password_set: bool,
    pub methods: Vec<Method>,
    pub expires_at: Option<String>,
}

impl Session {
    /// Parses the body of `GET /v1/sessions/{id}`.
    pub fn from_json(json: &str) -> Result<Session, String> {
        let wire: Wire = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let cart = wire.cart.validate().map_err(|e| e.to_string())?;
        let currency = wire.wallet.currency.unwrap_or(cart.currency);
        let balance = wire
            .wallet
            .balance
            .in_currency(currency)
            .map_err(|e| format!("wallet.balance: {e}"))?;
        Ok(Session {
            id: wire.id,
            status: wire.status,
            cart,
            cart_digest: wire.cart_digest,
            policy: wire.policy,
            balance,
            password_set: wire.wallet.password_set,
            methods: wire.methods,
            expires_at: wire.expires_at,
        })
    }
}

/// `next_action` of an intent waiting for its second method.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NextAction {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntentStatus {
    Succeeded,
    RequiresAction,
    Canceled,
}

/// An intent as the backend reports it; `json` is the body as received, handed to the
/// host page in events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntentView {
    pub id: String,
    pub status: IntentStatus,
    pub total: Amount,
    pub balance_amount: Amount,
    pub other_method: Option<Method>,
    pub other_amount: Amount,
    pub next_action: Option<NextAction>,
    pub json: String,
}

#[derive(Deserialize)]
struct IntentWire {
    id: String,
    status: IntentStatus,
    total: Amount,
    balance_amount: Amount,
    #[serde(default)]
    other_method: Option<Method>,
    other_amount: Amount,
    #[serde(default)]
    next_action: Option<NextAction>,
}

impl IntentView {
    pub fn from_json(json: &str) -> Result<IntentView, String> {
        let w: IntentWire = serde_json::from_str(json).map_err(|e| e.to_string())?;
        Ok(IntentView {
            id: w.id,
            status: w.status,
            total: w.total,
            balance_amount: w.balance_amount,
            other_method: w.other_method,
            other_amount: w.other_amount,
            next_action: w.next_action,
            json: json.to_owned(),
        })
    }
}

/// The amounts of the backend's quote sent with `quote_mismatch`, shown to the shopper
/// so they confirm the new split.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ServerQuote {
    pub total: Amount,
    pub balance_amount: Amount,
    pub other_amount: Amount,
}
