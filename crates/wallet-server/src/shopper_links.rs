//! The shopper's side of links (DESIGN.md *Shopper consent* §5): the shops a wallet is
//! linked to, and revoking them from the wallet's security page. Sessions opened with a
//! revoked link stop at once (403 `link_revoked`), as when the merchant revokes.

use crate::db::Db;
use crate::error::ServerError;

/// A shop the wallet is linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedShop {
    pub merchant_id: String,
    /// When the first active link was made (unix seconds).
    pub since: i64,
}

/// The shops `shopper` has active links with, oldest first.
///
/// # Errors
/// The database's.
pub async fn linked_shops(db: &Db, shopper: &str) -> Result<Vec<LinkedShop>, ServerError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT merchant_id, MIN(created_at) AS since FROM links \
         WHERE shopper_id = $1 AND revoked_at IS NULL GROUP BY merchant_id ORDER BY since",
    )
    .bind(shopper)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(merchant_id, since)| LinkedShop { merchant_id, since })
        .collect())
}

/// Revokes every active link of `shopper` with `merchant` at `now`; returns how many.
///
/// # Errors
/// The database's.
pub async fn revoke(db: &Db, shopper: &str, merchant: &str, now: i64) -> Result<u64, ServerError> {
    let n = sqlx::query(
        "UPDATE links SET revoked_at = $3 WHERE shopper_id = $1 AND merchant_id = $2 AND revoked_at IS NULL",
    )
    .bind(shopper)
    .bind(merchant)
    .bind(now)
    .execute(&db.pool)
    .await?
    .rows_affected();
    tracing::info!(merchant = %merchant, links = n, "links revoked by the shopper");
    Ok(n)
}
