//! The payment intent the widget signs and the backend executes.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::money::{Amount, Currency};
use crate::split::{Choice, Quote};

crate::wire_enum! {
    /// The second payment method, for whatever the balance does not pay.
    pub enum Method {
        BankCard = "bank_card",
        WechatPay = "wechat_pay",
        Alipay = "alipay",
        /// Digital RMB (e-CNY).
        Ecny = "ecny",
        /// The merchant collects the remainder with its own payment provider, then captures
        /// the hold (DESIGN.md *The second leg*). Never a recharge method.
        Merchant = "merchant",
    }
}

impl Method {
    /// The payment instruments a shopper picks in the frame or on the recharge page: every
    /// method but [`Method::Merchant`], which is a way to settle, not an instrument.
    pub const INSTRUMENTS: &'static [Method] = &[
        Method::BankCard,
        Method::WechatPay,
        Method::Alipay,
        Method::Ecny,
    ];

    /// Whether the shopper can pick it (see [`Method::INSTRUMENTS`]).
    #[must_use]
    pub fn is_instrument(self) -> bool {
        self != Method::Merchant
    }
}

crate::wire_enum! {
    /// Who settles the part the balance does not pay (DESIGN.md *The second leg*):
    /// `second_leg` of `POST /v1/sessions` and of a merchant's configuration.
    pub enum SecondLeg {
        /// The wallet's sandbox page approves or declines; test mode only.
        Sandbox = "sandbox",
        /// The merchant's own provider collects it; the merchant's server then captures.
        Merchant = "merchant",
    }
}

crate::wire_enum! {
    /// The provider a merchant collected the remainder with (`second_leg.provider` of
    /// `POST /v1/intents/{id}/capture`), a fixed list (DESIGN.md *The second leg*).
    pub enum Provider {
        Stripe = "stripe",
        Adyen = "adyen",
        WechatPay = "wechat_pay",
        Alipay = "alipay",
        Unionpay = "unionpay",
        /// Digital RMB (e-CNY).
        Ecny = "ecny",
        /// A card acquirer not named above.
        Card = "card",
        Other = "other",
    }
}

/// The longest `second_leg.reference`, in characters (DESIGN.md *The second leg*).
pub const MAX_REFERENCE_LEN: usize = 64;

/// Checks the merchant's reference of the other payment: 1 to [`MAX_REFERENCE_LEN`]
/// printable ASCII characters (`' '`..=`'~'`), as DESIGN.md *The second leg* gives.
///
/// # Errors
/// `second_leg.reference` naming what is wrong.
pub fn validate_reference(reference: &str) -> Result<(), Error> {
    let path = "second_leg.reference";
    if reference.is_empty() || reference.len() > MAX_REFERENCE_LEN {
        return Err(Error::rule(
            path,
            format!(
                "must be 1 to {MAX_REFERENCE_LEN} characters: your provider's id of the payment"
            ),
        ));
    }
    if !reference.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return Err(Error::rule(
            path,
            "must be printable ASCII only (letters, digits, punctuation and spaces)",
        ));
    }
    Ok(())
}

/// What the shopper agreed to pay, bound to a session and a cart by digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intent {
    pub session_id: String,
    pub cart_digest: String,
    pub currency: Currency,
    pub use_balance: bool,
    pub balance_cap: Option<Amount>,
    pub total: Amount,
    pub balance_amount: Amount,
    pub other_method: Option<Method>,
    pub other_amount: Amount,
    pub nonce: String,
}

/// The body of `POST /v1/sessions/{id}/intents`: the intent and exactly one way the
/// shopper authorised it, the six-digit `payment_password` or a `passkey` (a WebAuthn
/// assertion in its JSON form, W3C WebAuthn Level 3 §5.1 `PublicKeyCredential.toJSON()`,
/// over a challenge bound to this intent: DESIGN.md *Passkeys*).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentRequest {
    pub intent: Intent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey: Option<serde_json::Value>,
}

/// How the shopper authorised an intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authorization<'a> {
    /// Six digits (not yet checked against the wallet).
    Password(&'a str),
    /// A WebAuthn assertion (not yet verified).
    Passkey(&'a serde_json::Value),
}

impl IntentRequest {
    /// An intent authorised with the payment password.
    #[must_use]
    pub fn with_password(intent: Intent, password: &str) -> IntentRequest {
        IntentRequest {
            intent,
            payment_password: Some(password.to_owned()),
            passkey: None,
        }
    }

    /// The one authorisation the request carries, its shape checked.
    ///
    /// # Errors
    /// `payment_password` when neither or both are given, or when the password is not six
    /// digits ([`validate_payment_password`]); `passkey` when it is not a JSON object.
    pub fn authorization(&self) -> Result<Authorization<'_>, Error> {
        match (&self.payment_password, &self.passkey) {
            (Some(p), None) => {
                validate_payment_password(p)?;
                Ok(Authorization::Password(p))
            }
            (None, Some(a)) if a.is_object() => Ok(Authorization::Passkey(a)),
            (None, Some(_)) => Err(Error::rule(
                "passkey",
                "must be the WebAuthn assertion as a JSON object (PublicKeyCredential.toJSON())",
            )),
            (Some(_), Some(_)) => Err(Error::rule(
                "payment_password",
                "give either payment_password or passkey, not both",
            )),
            (None, None) => Err(Error::rule(
                "payment_password",
                "is required (six digits), unless a passkey assertion is given",
            )),
        }
    }
}

/// An amount field of the intent that differs from the recomputed quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub field: &'static str,
    pub intent: String,
    pub quote: String,
}

impl Intent {
    /// The intent for a quote the shopper has seen. `other_method` must be given exactly
    /// when something remains to pay.
    pub fn for_quote(
        session_id: &str,
        cart_digest: &str,
        choice: &Choice,
        quote: &Quote,
        other_method: Option<Method>,
        nonce: &str,
    ) -> Result<Intent, Error> {
        let intent = Intent {
            session_id: session_id.to_owned(),
            cart_digest: cart_digest.to_owned(),
            currency: quote.currency,
            use_balance: choice.use_balance,
            balance_cap: choice.balance_cap,
            total: quote.total.into(),
            balance_amount: quote.balance_amount.into(),
            other_method: if quote.needs_other_method() {
                other_method
            } else {
                None
            },
            other_amount: quote.other_amount.into(),
            nonce: nonce.to_owned(),
        };
        intent.validate()?;
        Ok(intent)
    }

    /// The shopper's choice this intent was made with.
    #[must_use]
    pub fn choice(&self) -> Choice {
        Choice {
            use_balance: self.use_balance,
            balance_cap: self.balance_cap,
        }
    }

    /// Checks the intent on its own: amounts in the currency's digits, the nonce's
    /// shape, and `other_method` present exactly when `other_amount` is above zero.
    pub fn validate(&self) -> Result<(), Error> {
        let amounts = [
            ("intent.total", Some(self.total)),
            ("intent.balance_amount", Some(self.balance_amount)),
            ("intent.other_amount", Some(self.other_amount)),
            ("intent.balance_cap", self.balance_cap),
        ];
        for (path, amount) in amounts {
            if let Some(a) = amount {
                a.in_currency(self.currency)
                    .map_err(|e| Error::amount(path, e))?;
            }
        }
        if self.nonce.len() != 32 || !self.nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::rule(
                "intent.nonce",
                "must be 32 hex digits, freshly random for every intent",
            ));
        }
        let needs_method = !self.other_amount.value().is_zero();
        match (needs_method, self.other_method) {
            (true, None) => Err(Error::rule(
                "intent.other_method",
                format!(
                    "{} {} remains to pay: choose bank_card, wechat_pay, alipay or ecny",
                    self.currency, self.other_amount
                ),
            )),
            (false, Some(_)) => Err(Error::rule(
                "intent.other_method",
                "must be null when other_amount is zero",
            )),
            _ => Ok(()),
        }
    }

    /// Every amount field that differs from the quote (empty when they agree).
    #[must_use]
    pub fn mismatches(&self, quote: &Quote) -> Vec<Mismatch> {
        let pairs = [
            ("total", self.total, quote.total),
            ("balance_amount", self.balance_amount, quote.balance_amount),
            ("other_amount", self.other_amount, quote.other_amount),
        ];
        let mut out: Vec<Mismatch> = pairs
            .into_iter()
            .filter(|(_, a, q)| a.value() != q.value())
            .map(|(field, a, q)| Mismatch {
                field,
                intent: a.to_string(),
                quote: q.to_string(),
            })
            .collect();
        if self.currency != quote.currency {
            out.push(Mismatch {
                field: "currency",
                intent: self.currency.to_string(),
                quote: quote.currency.to_string(),
            });
        }
        out
    }
}

/// A payment password is exactly six ASCII digits.
pub fn validate_payment_password(password: &str) -> Result<(), Error> {
    if password.len() == 6 && password.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::rule("payment_password", "must be exactly 6 digits"))
    }
}
