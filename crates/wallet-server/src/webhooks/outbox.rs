//! The outbox: events written inside the transaction of the change they report, and their
//! deliveries, one per live endpoint of the merchant at that moment.

use checkout_core::{DeliveryStatus, EventType};
use serde::Serialize;

use crate::error::ServerError;
use crate::store::db::rows::IntentRow;
use crate::store::db::Tx;
use crate::util::{random_id, rfc3339};
use crate::views::IntentView;

/// `data` of an event.
#[derive(Serialize)]
struct Data<'a, T: Serialize> {
    object: &'a T,
}

/// The envelope sent and stored: `{id: "evt_…", type, created_at, data: {object}}`.
#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: EventType,
    created_at: String,
    livemode: bool,
    data: Data<'a, T>,
}

/// Who an event belongs to: the merchant and its mode.
#[derive(Debug, Clone, Copy)]
pub struct Owner<'a> {
    pub merchant_id: &'a str,
    pub livemode: bool,
}

/// Records an event of `kind` about `object` (what the API answers for it) in `tx`, with a
/// pending delivery to each of the merchant's endpoints; `now` is unix seconds. Returns the
/// event's id. Call [`super::wake`] after the commit.
///
/// # Errors
/// The database's (the caller's transaction then rolls back, change and event together).
pub async fn record(
    tx: &mut Tx,
    owner: Owner<'_>,
    kind: EventType,
    object: &impl Serialize,
    now: i64,
) -> Result<String, ServerError> {
    let id = random_id("evt_", 24);
    let envelope = Envelope {
        id: &id,
        kind,
        created_at: rfc3339(now),
        livemode: owner.livemode,
        data: Data { object },
    };
    let payload =
        serde_json::to_string(&envelope).map_err(|e| ServerError::internal("event", e))?;
    let ms = super::now_ms();
    sqlx::query(
        "INSERT INTO events (id, merchant_id, type, livemode, created_at, payload, created_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(owner.merchant_id)
    .bind(kind.code())
    .bind(i64::from(owner.livemode))
    .bind(now)
    .bind(payload)
    .bind(ms)
    .execute(&mut **tx)
    .await?;
    fan_out(&mut **tx, &id, owner, "", ms).await?;
    Ok(id)
}

/// A pending delivery of the event to each endpoint the merchant has now, due at `due_ms`;
/// `suffix` keeps the ids of a resend apart from the first ones. Returns how many.
///
/// # Errors
/// The database's.
pub async fn fan_out<'e, E>(
    tx: E,
    event_id: &str,
    owner: Owner<'_>,
    suffix: &str,
    due_ms: i64,
) -> Result<u64, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let done = sqlx::query(
        "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempts, \
         next_attempt_ms, created_ms) \
         SELECT 'wd_' || $1 || '_' || id || $2, $1, id, $3, 0, $4, $4 FROM webhook_endpoints \
         WHERE merchant_id = $5 AND livemode = $6 AND deleted_at IS NULL",
    )
    .bind(event_id)
    .bind(suffix)
    .bind(DeliveryStatus::Pending.code())
    .bind(due_ms)
    .bind(owner.merchant_id)
    .bind(i64::from(owner.livemode))
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
}

/// The `payment_intent.*` event of the intent's current status (succeeded,
/// requires_action or canceled); `data.object` is the intent's summary view (`GET
/// /v1/intents/{id}?view=summary`), `base` the origin of its `next_action` URL.
///
/// # Errors
/// The database's; internal when the stored intent is corrupt.
pub async fn intent_event(
    tx: &mut Tx,
    intent: &IntentRow,
    base: &str,
    now: i64,
) -> Result<String, ServerError> {
    let kind = match intent.status {
        checkout_core::IntentStatus::Succeeded => EventType::PaymentIntentSucceeded,
        checkout_core::IntentStatus::RequiresAction => EventType::PaymentIntentRequiresAction,
        checkout_core::IntentStatus::Canceled => EventType::PaymentIntentCanceled,
    };
    let view = IntentView::of(intent, base)?.summary();
    let owner = Owner {
        merchant_id: &intent.merchant_id,
        livemode: intent.livemode,
    };
    record(tx, owner, kind, &view, now).await
}
