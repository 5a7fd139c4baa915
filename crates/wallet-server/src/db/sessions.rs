//! Rows of `sessions` and `intents` as the routes read them.

use sqlx::Row as _;

use super::{Db, Row};

const SESSION_COLUMNS: &str = "id, client_secret, merchant_id, shopper_id, currency, cart, \
     cart_digest, policy, methods, return_url, status, expires_at, created_at";

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    pub client_secret: String,
    pub merchant_id: String,
    pub shopper_id: String,
    pub currency: String,
    pub cart: String,
    pub cart_digest: String,
    pub policy: String,
    pub methods: String,
    pub return_url: Option<String>,
    pub status: String,
    pub expires_at: i64,
    pub created_at: i64,
}

impl SessionRow {
    fn from_row(r: &Row) -> Result<SessionRow, sqlx::Error> {
        Ok(SessionRow {
            id: r.try_get("id")?,
            client_secret: r.try_get("client_secret")?,
            merchant_id: r.try_get("merchant_id")?,
            shopper_id: r.try_get("shopper_id")?,
            currency: r.try_get("currency")?,
            cart: r.try_get("cart")?,
            cart_digest: r.try_get("cart_digest")?,
            policy: r.try_get("policy")?,
            methods: r.try_get("methods")?,
            return_url: r.try_get("return_url")?,
            status: r.try_get("status")?,
            expires_at: r.try_get("expires_at")?,
            created_at: r.try_get("created_at")?,
        })
    }

    /// The status a reader sees: an open session past its expiry is `expired` even
    /// before the sweeper has written that down.
    #[must_use]
    pub fn effective_status(&self, now: i64) -> &str {
        if self.status == "open" && self.expires_at <= now {
            "expired"
        } else {
            &self.status
        }
    }
}

pub async fn load_session<'e, E>(exec: E, id: &str) -> Result<Option<SessionRow>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(exec).await?;
    row.as_ref().map(SessionRow::from_row).transpose()
}

const INTENT_COLUMNS: &str = "id, session_id, merchant_id, shopper_id, status, currency, total, \
     balance_amount, other_method, other_amount, refunded_amount, quote, hold_expires_at, \
     cancel_reason, created_at";

#[derive(Debug, Clone)]
pub struct IntentRow {
    pub id: String,
    pub session_id: String,
    pub merchant_id: String,
    pub shopper_id: String,
    pub status: String,
    pub currency: String,
    pub total: i64,
    pub balance_amount: i64,
    pub other_method: Option<String>,
    pub other_amount: i64,
    pub refunded_amount: i64,
    pub quote: String,
    pub hold_expires_at: Option<i64>,
    pub cancel_reason: Option<String>,
    pub created_at: i64,
}

impl IntentRow {
    fn from_row(r: &Row) -> Result<IntentRow, sqlx::Error> {
        Ok(IntentRow {
            id: r.try_get("id")?,
            session_id: r.try_get("session_id")?,
            merchant_id: r.try_get("merchant_id")?,
            shopper_id: r.try_get("shopper_id")?,
            status: r.try_get("status")?,
            currency: r.try_get("currency")?,
            total: r.try_get("total")?,
            balance_amount: r.try_get("balance_amount")?,
            other_method: r.try_get("other_method")?,
            other_amount: r.try_get("other_amount")?,
            refunded_amount: r.try_get("refunded_amount")?,
            quote: r.try_get("quote")?,
            hold_expires_at: r.try_get("hold_expires_at")?,
            cancel_reason: r.try_get("cancel_reason")?,
            created_at: r.try_get("created_at")?,
        })
    }
}

pub async fn load_intent<'e, E>(exec: E, id: &str) -> Result<Option<IntentRow>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!("SELECT {INTENT_COLUMNS} FROM intents WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(exec).await?;
    row.as_ref().map(IntentRow::from_row).transpose()
}

/// The intent of a session that waits for its second method, if any.
pub async fn pending_intent_of(db: &Db, session_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM intents WHERE session_id = $1 AND status = 'requires_action'",
    )
    .bind(session_id)
    .fetch_optional(&db.pool)
    .await
}
