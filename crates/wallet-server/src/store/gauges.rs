//! The gauges an operator watches that are the database's, not a process's (the same on
//! every replica): holds waiting for their second method, and webhook deliveries not yet
//! delivered, failing, or given up (docs/operations.md).

use checkout_core::{DeliveryStatus, IntentStatus};

use crate::error::ServerError;
use crate::store::db::Db;
use crate::telemetry::metrics::Gauge;

/// Reads the gauges now.
///
/// # Errors
/// The database's.
pub async fn read(db: &Db) -> Result<Vec<Gauge>, ServerError> {
    let holds: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM intents WHERE status = $1")
        .bind(IntentStatus::RequiresAction.code())
        .fetch_one(&db.pool)
        .await?;
    let deliveries = |status: DeliveryStatus, failing: bool| {
        let sql = if failing {
            "SELECT COUNT(*) FROM webhook_deliveries WHERE status = $1 AND attempts > 0"
        } else {
            "SELECT COUNT(*) FROM webhook_deliveries WHERE status = $1"
        };
        sqlx::query_scalar::<_, i64>(sql)
            .bind(status.code())
            .fetch_one(&db.pool)
    };
    let gauge = |name, help, value| Gauge { name, help, value };
    Ok(vec![
        gauge(
            "holds_pending",
            "Balance holds waiting for their second method",
            holds,
        ),
        gauge(
            "webhook_deliveries_pending",
            "Webhook deliveries not delivered yet",
            deliveries(DeliveryStatus::Pending, false).await?,
        ),
        gauge(
            "webhook_deliveries_failing",
            "Pending webhook deliveries whose last attempt failed",
            deliveries(DeliveryStatus::Pending, true).await?,
        ),
        gauge(
            "webhook_deliveries_failed",
            "Webhook deliveries that failed every attempt of the schedule",
            deliveries(DeliveryStatus::Failed, false).await?,
        ),
    ])
}
