//! The events API (merchant key): `GET /v1/events` (newest first, `starting_after`,
//! `limit`, `type`), `GET /v1/events/{id}` with each delivery's attempts, and
//! `POST /v1/events/{id}/resend`.

use checkout_core::{DeliveryStatus, ErrorCode, EventType};
use sqlx::Row as _;

use crate::config::Merchant;
use crate::error::{ApiError, ServerError};
use crate::store::db::Db;
use crate::views::webhooks::{
    rfc3339_ms, AttemptView, DeliveryView, EventDetail, EventList, EventView,
};

/// What `GET /v1/events` asks for.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub kind: Option<EventType>,
    /// The id of the last event of the previous page.
    pub starting_after: Option<String>,
    /// 1 to `crate::http::extract::MAX_LIMIT`.
    pub limit: i64,
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::EventNotFound,
        "no event of yours has this id; list them with GET /v1/events",
    )
}

fn parse(payload: &str) -> Result<EventView, ServerError> {
    serde_json::from_str(payload).map_err(|e| ServerError::internal("stored event", e))
}

/// `GET /v1/events`.
///
/// # Errors
/// 404 `event_not_found` (with `path: "starting_after"`) when `starting_after` is not one of
/// the merchant's events.
pub async fn list(db: &Db, merchant: &Merchant, filter: &Filter) -> Result<EventList, ServerError> {
    let before: i64 = match &filter.starting_after {
        None => i64::MAX,
        Some(id) => sqlx::query_scalar(
            "SELECT seq FROM events WHERE id = $1 AND merchant_id = $2 AND livemode = $3",
        )
        .bind(id)
        .bind(&merchant.id)
        .bind(i64::from(merchant.livemode))
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| not_found().with("path", "starting_after"))?,
    };
    let type_clause = if filter.kind.is_some() {
        " AND type = $4"
    } else {
        " AND $4 = $4"
    };
    let payloads: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT payload FROM events WHERE merchant_id = $1 AND seq < $2{type_clause} \
         AND livemode = $5 ORDER BY seq DESC LIMIT $3"
    ))
    .bind(&merchant.id)
    .bind(before)
    .bind(filter.limit + 1)
    .bind(filter.kind.map_or("", EventType::code))
    .bind(i64::from(merchant.livemode))
    .fetch_all(&db.pool)
    .await?;
    let has_more = i64::try_from(payloads.len()).unwrap_or(i64::MAX) > filter.limit;
    let data = payloads
        .iter()
        .take(usize::try_from(filter.limit).unwrap_or(0))
        .map(|p| parse(p))
        .collect::<Result<_, _>>()?;
    Ok(EventList { data, has_more })
}

/// `GET /v1/events/{id}`: the event and its deliveries, each with its attempts.
///
/// # Errors
/// 404 `event_not_found` (also for another merchant's).
pub async fn read(db: &Db, merchant: &Merchant, id: &str) -> Result<EventDetail, ServerError> {
    let payload: String = sqlx::query_scalar(
        "SELECT payload FROM events WHERE id = $1 AND merchant_id = $2 AND livemode = $3",
    )
    .bind(id)
    .bind(&merchant.id)
    .bind(i64::from(merchant.livemode))
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(not_found)?;
    let rows = sqlx::query(
        "SELECT d.id, d.endpoint_id, e.url, d.status, d.next_attempt_ms, d.delivered_ms \
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
         WHERE d.event_id = $1 AND e.livemode = $2 ORDER BY d.created_ms, d.id",
    )
    .bind(id)
    .bind(i64::from(merchant.livemode))
    .fetch_all(&db.pool)
    .await?;
    let mut deliveries = Vec::with_capacity(rows.len());
    for row in &rows {
        deliveries.push(delivery(db, row).await?);
    }
    Ok(EventDetail {
        event: parse(&payload)?,
        deliveries,
    })
}

async fn delivery(db: &Db, row: &crate::store::db::Row) -> Result<DeliveryView, ServerError> {
    let id: String = row.try_get("id")?;
    let status: String = row.try_get("status")?;
    let status = DeliveryStatus::from_code(&status)
        .ok_or_else(|| ServerError::internal("delivery status", status.clone()))?;
    let next: i64 = row.try_get("next_attempt_ms")?;
    let delivered: Option<i64> = row.try_get("delivered_ms")?;
    let attempts = sqlx::query(
        "SELECT attempted_ms, duration_ms, response_status, accepted, error \
         FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id",
    )
    .bind(&id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|a| {
        let accepted: i64 = a.try_get("accepted")?;
        Ok(AttemptView {
            attempted_at: rfc3339_ms(a.try_get("attempted_ms")?),
            duration_ms: a.try_get("duration_ms")?,
            response_status: a.try_get("response_status")?,
            succeeded: accepted != 0,
            error: a.try_get("error")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(DeliveryView {
        endpoint_id: row.try_get("endpoint_id")?,
        url: row.try_get("url")?,
        next_attempt_at: (status == DeliveryStatus::Pending).then(|| rfc3339_ms(next)),
        delivered_at: delivered.map(rfc3339_ms),
        status,
        attempts,
        id,
    })
}

/// `POST /v1/events/{id}/resend`: a new delivery to each of the merchant's current
/// endpoints, due now, with the same event id (a receiver that keeps ids ignores it).
///
/// # Errors
/// 404 `event_not_found`.
pub async fn resend(db: &Db, merchant: &Merchant, id: &str) -> Result<EventDetail, ServerError> {
    read(db, merchant, id).await?;
    let suffix = format!("_{}", crate::util::random_id("r", 8));
    let owner = super::outbox::Owner {
        merchant_id: &merchant.id,
        livemode: merchant.livemode,
    };
    super::outbox::fan_out(&db.pool, id, owner, &suffix, super::now_ms()).await?;
    super::wake();
    read(db, merchant, id).await
}
