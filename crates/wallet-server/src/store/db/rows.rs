//! Rows of `sessions` and `intents`, typed as they are read: statuses, currencies and
//! methods are the core's enums, so a corrupt stored value fails the read instead of
//! flowing on as a string.

use checkout_core::{CancelReason, Currency, IntentStatus, Method, Provider, SessionStatus};
use sqlx::Row as _;

use super::{Db, Row};
use crate::store::tags::Tags;

pub const SESSION_COLUMNS: &str = "id, client_secret, merchant_id, shopper_id, currency, cart, \
     cart_digest, policy, methods, return_url, status, expires_at, created_at, livemode, link_digest, \
     metadata, merchant_reference";

/// A stored value that is not one of its enum's codes.
fn decode<T>(column: &str, code: &str, from: fn(&str) -> Option<T>) -> Result<T, sqlx::Error> {
    from(code).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("unknown code {code:?}").into(),
    })
}

/// A checkout session as stored; `cart`, `policy` and `methods` are JSON text.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    pub client_secret: String,
    pub merchant_id: String,
    pub shopper_id: String,
    pub currency: Currency,
    pub cart: String,
    pub cart_digest: String,
    pub policy: String,
    pub methods: String,
    pub return_url: Option<String>,
    pub status: SessionStatus,
    /// Unix seconds.
    pub expires_at: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Created with a live key (`sk_live_…`).
    pub livemode: bool,
    /// The digest of the link it was opened with (`None`: a test-mode `shopper_id`).
    pub link_digest: Option<String>,
    /// The merchant's order number and metadata.
    pub tags: Tags,
}

impl SessionRow {
    /// The session's shopper's wallet, in the session's mode.
    #[must_use]
    pub fn wallet(&self) -> crate::store::mode::WalletRef<'_> {
        crate::store::mode::WalletRef::new(&self.shopper_id, self.livemode)
    }

    pub fn from_row(r: &Row) -> Result<SessionRow, sqlx::Error> {
        let currency: String = r.try_get("currency")?;
        let status: String = r.try_get("status")?;
        Ok(SessionRow {
            id: r.try_get("id")?,
            client_secret: r.try_get("client_secret")?,
            merchant_id: r.try_get("merchant_id")?,
            shopper_id: r.try_get("shopper_id")?,
            currency: decode("currency", &currency, |c| c.parse().ok())?,
            cart: r.try_get("cart")?,
            cart_digest: r.try_get("cart_digest")?,
            policy: r.try_get("policy")?,
            methods: r.try_get("methods")?,
            return_url: r.try_get("return_url")?,
            status: decode("status", &status, SessionStatus::from_code)?,
            expires_at: r.try_get("expires_at")?,
            created_at: r.try_get("created_at")?,
            livemode: r.try_get::<i64, _>("livemode")? != 0,
            link_digest: r.try_get("link_digest")?,
            tags: Tags::stored(
                r.try_get("merchant_reference")?,
                r.try_get::<Option<String>, _>("metadata")?.as_deref(),
            )?,
        })
    }

    /// The status a reader sees at `now` (unix seconds): an open session past its expiry
    /// is `expired` even before the sweeper has written that down.
    #[must_use]
    pub fn effective_status(&self, now: i64) -> SessionStatus {
        if self.status == SessionStatus::Open && self.expires_at <= now {
            SessionStatus::Expired
        } else {
            self.status
        }
    }
}

/// The session with this id.
///
/// # Errors
/// The database's, or a decode error for a corrupt row.
pub async fn load_session<'e, E>(exec: E, id: &str) -> Result<Option<SessionRow>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(exec).await?;
    row.as_ref().map(SessionRow::from_row).transpose()
}

pub const INTENT_COLUMNS: &str = "id, session_id, merchant_id, shopper_id, status, currency, total, \
     balance_amount, other_method, other_amount, refunded_amount, quote, hold_expires_at, \
     cancel_reason, cancel_note, created_at, livemode, second_leg_provider, second_leg_reference, \
     (SELECT s.metadata FROM sessions s WHERE s.id = intents.session_id AND s.livemode = intents.livemode) AS metadata, \
     (SELECT s.merchant_reference FROM sessions s WHERE s.id = intents.session_id AND s.livemode = intents.livemode) AS merchant_reference";

/// A payment intent as stored; amounts in minor units, `quote` the paid quote's JSON.
#[derive(Debug, Clone)]
pub struct IntentRow {
    pub id: String,
    pub session_id: String,
    pub merchant_id: String,
    pub shopper_id: String,
    pub status: IntentStatus,
    pub currency: Currency,
    pub total: i64,
    pub balance_amount: i64,
    pub other_method: Option<Method>,
    pub other_amount: i64,
    pub refunded_amount: i64,
    pub quote: String,
    /// Unix seconds; set while the intent `requires_action`.
    pub hold_expires_at: Option<i64>,
    pub cancel_reason: Option<CancelReason>,
    /// The merchant's `reason` when it canceled the intent.
    pub cancel_note: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Paid in a live session; the sandbox never acts on it.
    pub livemode: bool,
    /// The merchant's record of the other payment, once it captured a `merchant` leg:
    /// its provider and its reference (DESIGN.md *The second leg*).
    pub second_leg: Option<(Provider, String)>,
    /// Its session's order number and metadata.
    pub tags: Tags,
}

impl IntentRow {
    /// The intent's shopper's wallet, in the intent's mode.
    #[must_use]
    pub fn wallet(&self) -> crate::store::mode::WalletRef<'_> {
        crate::store::mode::WalletRef::new(&self.shopper_id, self.livemode)
    }

    pub fn from_row(r: &Row) -> Result<IntentRow, sqlx::Error> {
        let status: String = r.try_get("status")?;
        let currency: String = r.try_get("currency")?;
        let method: Option<String> = r.try_get("other_method")?;
        let reason: Option<String> = r.try_get("cancel_reason")?;
        let provider: Option<String> = r.try_get("second_leg_provider")?;
        let reference: Option<String> = r.try_get("second_leg_reference")?;
        let second_leg = match (provider, reference) {
            (Some(p), Some(reference)) => Some((
                decode("second_leg_provider", &p, Provider::from_code)?,
                reference,
            )),
            _ => None,
        };
        Ok(IntentRow {
            id: r.try_get("id")?,
            session_id: r.try_get("session_id")?,
            merchant_id: r.try_get("merchant_id")?,
            shopper_id: r.try_get("shopper_id")?,
            status: decode("status", &status, IntentStatus::from_code)?,
            currency: decode("currency", &currency, |c| c.parse().ok())?,
            total: r.try_get("total")?,
            balance_amount: r.try_get("balance_amount")?,
            other_method: method
                .map(|m| decode("other_method", &m, Method::from_code))
                .transpose()?,
            other_amount: r.try_get("other_amount")?,
            refunded_amount: r.try_get("refunded_amount")?,
            quote: r.try_get("quote")?,
            hold_expires_at: r.try_get("hold_expires_at")?,
            cancel_reason: reason
                .map(|c| decode("cancel_reason", &c, CancelReason::from_code))
                .transpose()?,
            cancel_note: r.try_get("cancel_note")?,
            created_at: r.try_get("created_at")?,
            livemode: r.try_get::<i64, _>("livemode")? != 0,
            second_leg,
            tags: Tags::stored(
                r.try_get("merchant_reference")?,
                r.try_get::<Option<String>, _>("metadata")?.as_deref(),
            )?,
        })
    }
}

/// The intent with this id.
///
/// # Errors
/// The database's, or a decode error for a corrupt row.
pub async fn load_intent<'e, E>(exec: E, id: &str) -> Result<Option<IntentRow>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!("SELECT {INTENT_COLUMNS} FROM intents WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(exec).await?;
    row.as_ref().map(IntentRow::from_row).transpose()
}

/// The intent `id` of this merchant in this mode (`livemode`), if any: another merchant's,
/// or one of the other mode, is no intent at all to the caller (DESIGN.md *Test and live
/// mode*).
///
/// # Errors
/// The database's.
pub async fn load_merchant_intent<'e, E>(
    exec: E,
    merchant_id: &str,
    livemode: bool,
    id: &str,
) -> Result<Option<IntentRow>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!(
        "SELECT {INTENT_COLUMNS} FROM intents WHERE id = $1 AND merchant_id = $2 AND livemode = $3"
    );
    let row = sqlx::query(&sql)
        .bind(id)
        .bind(merchant_id)
        .bind(i64::from(livemode))
        .fetch_optional(exec)
        .await?;
    row.as_ref().map(IntentRow::from_row).transpose()
}

/// The intent of a session that waits for its second method, if any.
///
/// # Errors
/// The database's.
pub async fn pending_intent_of(db: &Db, session_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM intents WHERE session_id = $1 AND status = $2")
        .bind(session_id)
        .bind(IntentStatus::RequiresAction.code())
        .fetch_optional(&db.pool)
        .await
}
