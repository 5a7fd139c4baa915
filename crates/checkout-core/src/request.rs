//! A self-contained quote request: cart, policy, balance and choice in one JSON document.
//! Used by the `checkout-quote` command and the known-answer vectors.

use serde::Deserialize;
use serde_json::Value;

use crate::cart::{Cart, CartInput};
use crate::error::{from_value, Error};
use crate::money::Amount;
use crate::policy::Policy;
use crate::split::{quote, Choice, Quote};
use crate::vocabulary::ErrorCode;

/// `{"cart": {...}, "policy": {...}?, "balance": "120.50", "use_balance": true, "balance_cap": null}`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    cart: Value,
    #[serde(default)]
    policy: Option<Value>,
    balance: Amount,
    use_balance: bool,
    #[serde(default)]
    balance_cap: Option<Amount>,
}

/// A parsed and validated quote request.
#[derive(Debug, Clone)]
pub struct QuoteRequest {
    pub cart: Cart,
    pub policy: Policy,
    pub balance: Amount,
    pub choice: Choice,
}

impl QuoteRequest {
    /// Parses one request. Paths in cart errors are relative to the cart
    /// (`lines[2].unit_price`), as a merchant reads them against their own cart.
    pub fn from_json(json: &str) -> Result<QuoteRequest, Error> {
        let wire: Wire = crate::error::from_json(json)?;
        let cart = from_value::<CartInput>(wire.cart)?.validate()?;
        let policy = match wire.policy {
            None | Some(Value::Null) => Policy::default(),
            Some(p) => from_value::<Policy>(p).map_err(|e| e.under("policy"))?,
        };
        Ok(QuoteRequest {
            cart,
            policy,
            balance: wire.balance,
            choice: Choice {
                use_balance: wire.use_balance,
                balance_cap: wire.balance_cap,
            },
        })
    }

    /// The quote for this request.
    pub fn quote(&self) -> Result<Quote, Error> {
        let balance = self
            .balance
            .in_currency(self.cart.currency)
            .map_err(|e| Error::amount("balance", e))?;
        quote(&self.cart, &self.policy, balance, &self.choice)
    }
}

/// Answers one JSON Lines request with one line: the quote, or `{"error":{...}}`.
#[must_use]
pub fn answer_line(line: &str) -> String {
    let result = QuoteRequest::from_json(line).and_then(|r| r.quote());
    match result {
        Ok(q) => serde_json::to_string(&q).unwrap_or_default(),
        Err(e) => error_line(&e.to_string()),
    }
}

/// `{"error":{"code":"invalid_request","message":...}}`
#[must_use]
pub fn error_line(message: &str) -> String {
    let code = ErrorCode::InvalidRequest.code();
    serde_json::json!({"error": {"code": code, "message": message}}).to_string()
}
