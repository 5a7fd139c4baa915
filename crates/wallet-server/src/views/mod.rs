//! What the API answers, as typed structs (DESIGN.md *Sessions, intents and signatures*,
//! `docs/DESIGN-NOTES.md` *HTTP API shapes*). Amounts are [`Money`]: strings in major
//! units with exactly the currency's digits; times are RFC 3339 UTC strings.

pub mod records;
pub mod webhooks;

use checkout_core::{
    CancelReason, Currency, IntentStatus, Method, Money, Policy, Provider, SecondLeg, SessionStatus,
};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::error::ServerError;
use crate::store::db::rows::IntentRow;
use crate::store::stored::money;
use crate::store::tags::Tags;
use crate::util::rfc3339;

/// `next_action` of an intent that waits for its second method (DESIGN.md *The second
/// leg*), tagged by `type`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NextAction {
    /// Send the shopper to the second method's page (the sandbox's, in test mode).
    Redirect { url: String },
    /// The merchant collects `amount` with its own provider before `expires_at`, then
    /// captures (`POST /v1/intents/{id}/capture`).
    MerchantCollect {
        amount: Money,
        currency: Currency,
        /// RFC 3339: the hold's end; a capture after it is 409 `hold_expired`.
        expires_at: String,
    },
}

/// `second_leg` of a captured intent: the merchant's record of the other payment.
#[derive(Debug, Clone, Serialize)]
pub struct SecondLegView {
    pub amount: Money,
    pub provider: Provider,
    pub reference: String,
}

/// A payment intent: the 2xx answer of `POST …/intents`, `GET /v1/intents/{id}` and the
/// sandbox actions.
#[derive(Debug, Clone, Serialize)]
pub struct IntentView {
    pub id: String,
    pub session_id: String,
    pub status: IntentStatus,
    pub currency: Currency,
    pub total: Money,
    pub balance_amount: Money,
    pub other_method: Option<Method>,
    pub other_amount: Money,
    pub next_action: Option<NextAction>,
    /// What the merchant recorded when it captured a `merchant` leg; `null` otherwise.
    pub second_leg: Option<SecondLegView>,
    /// The quote the intent was paid at, as stored; left out of the summary view
    /// (`GET /v1/intents/{id}?view=summary`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<Box<RawValue>>,
    pub created_at: String,
    pub amount_refunded: Money,
    /// Why it was canceled; `null` unless `status` is `canceled`.
    pub cancel_reason: Option<CancelReason>,
    /// The merchant's own words when it canceled (`reason` of the cancel); `null` otherwise.
    pub cancel_note: Option<String>,
    /// Its session's `merchant_reference` and `metadata`.
    #[serde(flatten)]
    pub tags: Tags,
}

/// The page where the sandbox second method is approved or declined.
#[must_use]
pub fn sandbox_url(base: &str, intent_id: &str) -> String {
    format!("{base}/v1/sandbox/intents/{intent_id}")
}

impl IntentView {
    /// The view of a stored intent; `base` is the origin of absolute URLs.
    ///
    /// # Errors
    /// Internal when the stored amounts or quote are corrupt.
    pub fn of(row: &IntentRow, base: &str) -> Result<IntentView, ServerError> {
        let c = row.currency;
        let quote = RawValue::from_string(row.quote.clone())
            .map_err(|e| ServerError::internal("stored quote", e))?;
        let other_amount = money(row.other_amount, c)?;
        let next_action = (row.status == IntentStatus::RequiresAction).then(|| {
            if row.other_method == Some(Method::Merchant) {
                NextAction::MerchantCollect {
                    amount: other_amount,
                    currency: c,
                    expires_at: rfc3339(row.hold_expires_at.unwrap_or(row.created_at)),
                }
            } else {
                NextAction::Redirect {
                    url: sandbox_url(base, &row.id),
                }
            }
        });
        let second_leg = row
            .second_leg
            .as_ref()
            .map(|(provider, reference)| SecondLegView {
                amount: other_amount,
                provider: *provider,
                reference: reference.clone(),
            });
        Ok(IntentView {
            id: row.id.clone(),
            session_id: row.session_id.clone(),
            status: row.status,
            currency: c,
            total: money(row.total, c)?,
            balance_amount: money(row.balance_amount, c)?,
            other_method: row.other_method,
            other_amount,
            next_action,
            second_leg,
            quote: Some(quote),
            created_at: rfc3339(row.created_at),
            amount_refunded: money(row.refunded_amount, c)?,
            cancel_reason: row.cancel_reason,
            cancel_note: row.cancel_note.clone(),
            tags: row.tags.clone(),
        })
    }
}

impl IntentView {
    /// The view without the quote: what a poll of a pending intent needs, a few hundred
    /// bytes whatever the cart's size.
    #[must_use]
    pub fn summary(self) -> IntentView {
        IntentView {
            quote: None,
            ..self
        }
    }
}

/// The answer to `POST /v1/sessions`.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedSession {
    pub id: String,
    pub client_secret: String,
    pub expires_at: String,
    pub cart_digest: String,
}

/// `wallet` of a session: what the frame shows the shopper.
#[derive(Debug, Clone, Serialize)]
pub struct SessionWallet {
    pub currency: Currency,
    pub balance: Money,
    /// Held for this shopper's payments at this merchant that wait for their second
    /// method: not available, not spent; it comes back if they do not complete.
    pub held: Money,
    pub password_set: bool,
    /// The wallet has a passkey and this server verifies passkeys: the frame offers "Pay
    /// with fingerprint" first (DESIGN.md *Passkeys*).
    pub passkey: bool,
}

/// `GET /v1/sessions/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub id: String,
    pub status: SessionStatus,
    /// The stored canonical cart.
    pub cart: Box<RawValue>,
    pub cart_digest: String,
    pub policy: Policy,
    pub wallet: SessionWallet,
    /// Who settles what the balance does not pay (`sandbox`, `merchant`), or `null` when
    /// nothing can here: the frame then says only the balance can pay.
    pub second_leg: Option<SecondLeg>,
    pub methods: Vec<Method>,
    pub expires_at: String,
    pub return_url: Option<String>,
    /// While `awaiting_payment`: the intent waiting for its second method (summary view),
    /// so a reloaded frame can continue or cancel it; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_intent: Option<IntentView>,
}

/// `GET /v1/sessions/{id}` of a closed session: its outcome only, never the balance.
#[derive(Debug, Clone, Serialize)]
pub struct SessionOutcome {
    pub id: String,
    pub status: SessionStatus,
    /// The intent that paid it (`completed`); `null` when it expired unpaid.
    pub intent_id: Option<String>,
}

/// What `GET /v1/sessions/{id}` answers: everything while the session can be paid, the
/// outcome once it is closed.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum SessionAnswer {
    Open(Box<SessionView>),
    Closed(SessionOutcome),
}

/// A wallet account's balance on the wire: a string in major units with exactly the
/// currency's digits, like [`Money`], but not bounded by 10^13 major units (money owed back
/// to a wallet at the deposit bound may take it past the bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalletAmount(pub rust_decimal::Decimal);

impl Serialize for WalletAmount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// `GET /v1/wallets/{shopper_id}` and the answer to `POST /v1/wallets`.
#[derive(Debug, Clone, Serialize)]
pub struct WalletView {
    pub shopper_id: String,
    /// The wallet's mode, set by the admin key that created it.
    pub livemode: bool,
    pub currency: Currency,
    /// Available balance.
    pub balance: WalletAmount,
    /// Reserved while second methods run.
    pub held: WalletAmount,
}

/// An activation link: where the shopper sets the wallet's payment password (single use).
#[derive(Debug, Clone, Serialize)]
pub struct ActivationView {
    /// `<public URL>/wallet/activate?token=wa_…`: hand it to the shopper only.
    pub url: String,
    /// RFC 3339, 24 hours after it was issued.
    pub expires_at: String,
}

/// The answer to `POST /v1/wallets`: the wallet, and its activation link when it was
/// created without a payment password.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedWallet {
    #[serde(flatten)]
    pub wallet: WalletView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activation: Option<ActivationView>,
}

/// The answer to `POST /v1/wallets/{shopper_id}/topups`: the wallet after it, and the top-up.
#[derive(Debug, Clone, Serialize)]
pub struct TopUpView {
    #[serde(flatten)]
    pub wallet: WalletView,
    pub id: String,
    pub amount: Money,
    pub method: Method,
    pub created_at: String,
}

/// `POST /v1/wallets/{shopper_id}/rewards`: the credited promotion and the wallet after it.
#[derive(Debug, Clone, Serialize)]
pub struct RewardView {
    #[serde(flatten)]
    pub wallet: WalletView,
    /// `rw_…`.
    pub id: String,
    pub amount: Money,
    pub created_at: String,
}

/// Which of the wallet's two accounts an entry moved.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WalletAccount {
    Available,
    Held,
}

/// Whether an entry added to or took from its account.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Credit,
    Debit,
}

/// One ledger entry of a wallet.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerEntryView {
    pub id: i64,
    pub transaction_id: String,
    pub kind: String,
    pub reference: String,
    pub account: WalletAccount,
    pub direction: Direction,
    pub amount: Money,
    /// The account's balance after the entry.
    pub balance_after: WalletAmount,
    pub created_at: String,
}

/// `GET /v1/wallets/{shopper_id}/ledger`.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerView {
    pub shopper_id: String,
    pub currency: Currency,
    pub entries: Vec<LedgerEntryView>,
}

/// One line of a refund.
#[derive(Debug, Clone, Serialize)]
pub struct RefundLineView {
    pub id: String,
    pub amount: Money,
    pub balance: Money,
    pub other: Money,
}

/// The answer to `POST /v1/intents/{id}/refunds`.
#[derive(Debug, Clone, Serialize)]
pub struct RefundView {
    pub id: String,
    pub intent_id: String,
    pub session_id: String,
    pub currency: Currency,
    pub amount: Money,
    pub balance_amount: Money,
    /// What returns through the second method, in all.
    pub other_amount: Money,
    /// The part of `other_amount` the merchant returns itself through its own provider:
    /// all of it for a remainder it collected (`other_method` `merchant`), zero when the
    /// wallet's sandbox collected it and returns it.
    pub other_refund_due: Money,
    pub lines: Vec<RefundLineView>,
    pub created_at: String,
    /// Its session's `merchant_reference` and `metadata`.
    #[serde(flatten)]
    pub tags: Tags,
}

/// One field of `quote_mismatch`'s `mismatches`.
#[derive(Debug, Clone, Serialize)]
pub struct MismatchView {
    pub field: &'static str,
    pub intent: String,
    pub quote: String,
}

/// The answer to `POST /v1/links`: where to send the shopper.
#[derive(Debug, Clone, Serialize)]
pub struct LinkRequestView {
    pub id: String,
    /// The consent page on the wallet's origin (open it top-level, not in a frame).
    pub url: String,
    pub expires_at: String,
}

/// The answer to `POST /v1/links/{lr}/token`: the merchant-scoped link token.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    /// The token (`lk_…`): a secret, for the merchant's server only.
    pub link: String,
    /// The link's id (`ln_…`): revoke by it, so the token never travels in a URL.
    pub id: String,
    pub created_at: String,
}

/// The answer to `DELETE /v1/links/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct RevokedLinkView {
    pub id: String,
    /// The token, when the request named it (the deprecated form of the path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    pub revoked: bool,
    pub revoked_at: String,
}

/// `GET /healthz`.
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    pub status: &'static str,
}

#[cfg(test)]
mod tests {
    use super::IntentView;
    use crate::store::db::rows::IntentRow;
    use checkout_core::{Currency, IntentStatus, Method};

    fn row(status: IntentStatus) -> IntentRow {
        IntentRow {
            id: "pi_1".into(),
            session_id: "cs_1".into(),
            merchant_id: "m".into(),
            shopper_id: "s".into(),
            status,
            currency: Currency::JPY,
            total: 1500,
            balance_amount: 1000,
            other_method: Some(Method::Alipay),
            other_amount: 500,
            refunded_amount: 0,
            quote: r#"{"total":"1500"}"#.into(),
            hold_expires_at: None,
            cancel_reason: None,
            cancel_note: None,
            created_at: 0,
            livemode: false,
            second_leg: None,
            tags: crate::store::tags::Tags::default(),
        }
    }

    #[test]
    fn an_intent_reads_in_its_currency_with_next_action_only_while_pending() {
        let pending = serde_json::to_value(
            IntentView::of(&row(IntentStatus::RequiresAction), "http://w").expect("view"),
        )
        .expect("json");
        assert_eq!(pending["total"], "1500");
        assert_eq!(pending["status"], "requires_action");
        assert_eq!(pending["other_method"], "alipay");
        assert_eq!(pending["quote"]["total"], "1500");
        assert_eq!(
            pending["next_action"]["url"],
            "http://w/v1/sandbox/intents/pi_1"
        );
        let done = serde_json::to_value(
            IntentView::of(&row(IntentStatus::Succeeded), "http://w").expect("view"),
        )
        .expect("json");
        assert!(done["next_action"].is_null());
    }

    #[test]
    fn a_corrupt_stored_amount_is_an_internal_error() {
        let mut bad = row(IntentStatus::Succeeded);
        bad.total = -1;
        assert!(IntentView::of(&bad, "http://w").is_err());
    }
}
