//! The session as `GET /v1/sessions/{id}` returns it, and the intent the backend answers
//! with. Amounts stay strings until the core checks them against the currency.

use checkout_core::cart::{LineInput, ShippingInput};
use checkout_core::{
    Amount, Cart, CartInput, IntentStatus, Labels, Merchant, Method, Money, Policy, Promotion,
    PromotionKind, SessionStatus,
};
use wasm_bindgen::JsValue;

use crate::wire::{self, field};

fn read_line(v: &JsValue) -> wire::Result<LineInput> {
    let merchant = field(v, "merchant");
    let kind = wire::string(&merchant, "kind")?;
    let category = wire::string(v, "category")?;
    Ok(LineInput {
        id: wire::string(v, "id")?,
        sku: wire::opt_string(v, "sku")?,
        name: wire::string(v, "name")?,
        quantity: u32::try_from(wire::integer(v, "quantity")?)
            .map_err(|_| "quantity: too large".to_owned())?,
        unit_price: wire::amount(v, "unit_price")?,
        balance_price: wire::opt_amount(v, "balance_price")?,
        merchant: Merchant {
            id: wire::string(&merchant, "id")?,
            kind: wire::merchant_kind(&kind).ok_or_else(|| format!("merchant.kind: {kind:?}"))?,
        },
        category: wire::category(&category).ok_or_else(|| format!("category: {category:?}"))?,
        balance_eligible: wire::opt_boolean(v, "balance_eligible")?,
    })
}

fn read_cart(v: &JsValue) -> wire::Result<CartInput> {
    let code = wire::string(v, "currency")?;
    let lines = wire::array(v, "lines")?
        .iter()
        .enumerate()
        .map(|(i, l)| read_line(l).map_err(|e| format!("lines[{i}].{e}")))
        .collect::<wire::Result<Vec<_>>>()?;
    let shipping = field(v, "shipping");
    let shipping = if shipping.is_object() {
        Some(ShippingInput {
            fee: wire::amount(&shipping, "fee").map_err(|e| format!("shipping.{e}"))?,
        })
    } else {
        None
    };
    Ok(CartInput {
        currency: wire::currency(&code).ok_or_else(|| format!("currency: {code:?}"))?,
        lines,
        shipping,
    })
}

/// The policy; absent fields keep the contract's defaults, as the backend's serde does.
fn read_policy(v: &JsValue) -> wire::Result<Policy> {
    let mut p = Policy::default();
    if let Some(items) = wire::opt_array(v, "excluded_categories")? {
        p.excluded_categories = wire::list_of(&items, "excluded_categories", wire::category)?;
    }
    if let Some(items) = wire::opt_array(v, "accepting_third_party")? {
        p.accepting_third_party =
            wire::list_of(&items, "accepting_third_party", |s| Some(s.to_owned()))?;
    }
    if let Some(b) = wire::opt_boolean(v, "shipping_eligible")? {
        p.shipping_eligible = b;
    }
    p.max_balance_per_order = wire::opt_amount(v, "max_balance_per_order")?;
    if let Some(items) = wire::opt_array(v, "promotions")? {
        p.promotions = items
            .iter()
            .enumerate()
            .map(|(i, x)| read_promotion(x).map_err(|e| format!("promotions[{i}].{e}")))
            .collect::<wire::Result<Vec<_>>>()?;
    }
    Ok(p)
}

/// A balance-pay discount of the policy (those in force, as the backend sends them): the
/// core quotes with it exactly as the backend does.
fn read_promotion(v: &JsValue) -> wire::Result<Promotion> {
    let kind = wire::string(v, "kind")?;
    let label = field(v, "label");
    Ok(Promotion {
        id: wire::string(v, "id")?,
        kind: PromotionKind::from_code(&kind).ok_or_else(|| format!("kind: {kind:?}"))?,
        threshold: wire::amount(v, "threshold")?,
        off: wire::amount(v, "off")?,
        label: Labels {
            zh_cn: wire::string(&label, "zh-CN").map_err(|e| format!("label.{e}"))?,
            en: wire::string(&label, "en").map_err(|e| format!("label.{e}"))?,
        },
        starts_at: wire::opt_string(v, "starts_at")?,
        ends_at: wire::opt_string(v, "ends_at")?,
    })
}

/// A loaded and validated session: the cart passed the core's rules and the balance is
/// money in the cart's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub status: SessionStatus,
    pub cart: Cart,
    pub cart_digest: String,
    pub policy: Policy,
    pub balance: Money,
    pub password_set: bool,
    /// The wallet has a passkey the backend verifies: "Pay with fingerprint" first.
    pub passkey: bool,
    pub methods: Vec<Method>,
    pub expires_at: Option<String>,
    /// Held for payments that wait for their second method (this one or another shop's).
    pub held: Money,
    /// While `awaiting_payment`: the intent waiting for its second method, so a reloaded
    /// frame continues or cancels it instead of stranding the shopper.
    pub pending: Option<std::rc::Rc<IntentView>>,
}

/// `pending_intent` of a session, when it is there.
fn read_pending(v: &JsValue) -> wire::Result<Option<std::rc::Rc<IntentView>>> {
    let p = field(v, "pending_intent");
    if !p.is_object() {
        return Ok(None);
    }
    let json = wire::stringify(&p)?;
    let intent = IntentView::from_json(&json).map_err(|e| format!("pending_intent.{e}"))?;
    Ok(Some(std::rc::Rc::new(intent)))
}

impl Session {
    /// Parses the body of `GET /v1/sessions/{id}`.
    pub fn from_json(json: &str) -> Result<Session, String> {
        let v = wire::parse(json)?;
        let cart = read_cart(&field(&v, "cart"))
            .map_err(|e| format!("cart.{e}"))?
            .validate()
            .map_err(|e| format!("cart: {e}"))?;
        let wallet = field(&v, "wallet");
        let currency = match wire::opt_string(&wallet, "currency")? {
            Some(code) => {
                wire::currency(&code).ok_or_else(|| format!("wallet.currency: {code:?}"))?
            }
            None => cart.currency,
        };
        let balance = wire::amount(&wallet, "balance")
            .map_err(|e| format!("wallet.{e}"))?
            .in_currency(currency)
            .map_err(|e| format!("wallet.balance: {e}"))?;
        let held = match wire::opt_amount(&wallet, "held").map_err(|e| format!("wallet.{e}"))? {
            Some(a) => a
                .in_currency(currency)
                .map_err(|e| format!("wallet.held: {e}"))?,
            None => Money::zero(currency),
        };
        let status = wire::string(&v, "status")?;
        let methods = match wire::opt_array(&v, "methods")? {
            Some(items) => wire::list_of(&items, "methods", wire::method)?,
            None => Method::INSTRUMENTS.to_vec(),
        };
        Ok(Session {
            id: wire::string(&v, "id")?,
            status: SessionStatus::from_code(&status)
                .ok_or_else(|| format!("status: {status:?}"))?,
            cart,
            cart_digest: wire::string(&v, "cart_digest")?,
            policy: read_policy(&field(&v, "policy")).map_err(|e| format!("policy.{e}"))?,
            balance,
            password_set: wire::boolean(&wallet, "password_set")
                .map_err(|e| format!("wallet.{e}"))?,
            passkey: wire::opt_boolean(&wallet, "passkey")
                .map_err(|e| format!("wallet.{e}"))?
                .unwrap_or(false),
            methods,
            expires_at: wire::opt_string(&v, "expires_at")?,
            held,
            pending: read_pending(&v)?,
        })
    }
}

/// `next_action` of an intent waiting for its second method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextAction {
    /// `type` on the wire: `redirect` (to `url`) or `merchant_collect` (the shop's page
    /// collects the remainder; no URL).
    pub kind: String,
    pub url: Option<String>,
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
    /// RFC 3339.
    pub created_at: Option<String>,
    /// The wallet's balance after the payment: only in the answer to the frame's own
    /// payment (never relayed to the page), for the result view.
    pub balance_left: Option<Amount>,
    pub json: String,
}

impl IntentView {
    pub fn from_json(json: &str) -> Result<IntentView, String> {
        let v = wire::parse(json)?;
        let status = wire::string(&v, "status")?;
        let next = field(&v, "next_action");
        let next_action = if next.is_object() {
            Some(NextAction {
                kind: wire::string(&next, "type")?,
                url: wire::opt_string(&next, "url")?,
            })
        } else {
            None
        };
        let other_method = match wire::opt_string(&v, "other_method")? {
            Some(m) => Some(wire::method(&m).ok_or_else(|| format!("other_method: {m:?}"))?),
            None => None,
        };
        Ok(IntentView {
            id: wire::string(&v, "id")?,
            status: IntentStatus::from_code(&status)
                .ok_or_else(|| format!("status: {status:?}"))?,
            total: wire::amount(&v, "total")?,
            balance_amount: wire::amount(&v, "balance_amount")?,
            other_method,
            other_amount: wire::amount(&v, "other_amount")?,
            next_action,
            created_at: wire::opt_string(&v, "created_at")?,
            balance_left: wire::opt_amount(&v, "balance_left")?,
            json: json.to_owned(),
        })
    }
}

/// The amounts of the backend's quote sent with `quote_mismatch`, shown to the shopper
/// so they confirm the new split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerQuote {
    pub total: Amount,
    pub balance_amount: Amount,
    pub other_amount: Amount,
}

impl ServerQuote {
    pub fn read(v: &JsValue) -> wire::Result<ServerQuote> {
        Ok(ServerQuote {
            total: wire::amount(v, "total")?,
            balance_amount: wire::amount(v, "balance_amount")?,
            other_amount: wire::amount(v, "other_amount")?,
        })
    }
}
