//! The shopper's side of links (DESIGN.md *Shopper consent* §5): the shops a wallet is
//! linked to, and revoking them from the wallet's security page. Sessions opened with a
//! revoked link stop at once (403 `link_revoked`) and the merchant is told
//! (`link.revoked`), as when the merchant revokes.

use checkout_core::EventType;

use crate::error::ServerError;
use crate::store::db::Db;
use crate::store::ledger::WalletRef;
use crate::util::rfc3339;
use crate::views::webhooks::LinkEvent;
use crate::webhooks::outbox::{self, Owner};

/// A shop the wallet is linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedShop {
    pub merchant_id: String,
    /// When the first active link was made (unix seconds).
    pub since: i64,
}

/// The shops the wallet has active links with, oldest first.
///
/// # Errors
/// The database's.
pub async fn linked_shops(db: &Db, wallet: WalletRef<'_>) -> Result<Vec<LinkedShop>, ServerError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT merchant_id, MIN(created_at) AS since FROM links \
         WHERE shopper_id = $1 AND livemode = $2 AND revoked_at IS NULL \
         GROUP BY merchant_id ORDER BY since",
    )
    .bind(wallet.shopper)
    .bind(i64::from(wallet.livemode))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(merchant_id, since)| LinkedShop { merchant_id, since })
        .collect())
}

/// Revokes every active link of `shopper` with `merchant` at `now`, recording a
/// `link.revoked` event for each in the same transaction (DESIGN.md *Webhooks*); returns
/// the revoked links' token digests.
///
/// # Errors
/// The database's.
pub async fn revoke(
    db: &Db,
    wallet: WalletRef<'_>,
    merchant: &str,
    now: i64,
) -> Result<Vec<String>, ServerError> {
    crate::store::retry::retrying("revoke_links", || revoke_once(db, wallet, merchant, now)).await
}

/// One attempt of [`revoke`], run again by [`crate::store::retry::retrying`].
async fn revoke_once(
    db: &Db,
    wallet: WalletRef<'_>,
    merchant: &str,
    now: i64,
) -> Result<Vec<String>, ServerError> {
    let mut tx = db.begin().await?;
    let revoked: Vec<(String, i64, i64)> = sqlx::query_as(
        "UPDATE links SET revoked_at = $3 \
         WHERE shopper_id = $1 AND merchant_id = $2 AND livemode = $4 AND revoked_at IS NULL \
         RETURNING token_digest, created_at, livemode",
    )
    .bind(wallet.shopper)
    .bind(merchant)
    .bind(now)
    .bind(i64::from(wallet.livemode))
    .fetch_all(&mut *tx)
    .await?;
    for (digest, created, livemode) in &revoked {
        let event = LinkEvent {
            link_request: None,
            link_sha256: digest.clone(),
            created_at: rfc3339(*created),
            revoked_at: Some(rfc3339(now)),
        };
        let owner = Owner {
            merchant_id: merchant,
            livemode: *livemode != 0,
        };
        outbox::record(&mut tx, owner, EventType::LinkRevoked, &event, now).await?;
    }
    tx.commit().await?;
    crate::webhooks::wake();
    tracing::info!(merchant = %merchant, links = revoked.len(), "links revoked by the shopper");
    Ok(revoked.into_iter().map(|(digest, _, _)| digest).collect())
}
