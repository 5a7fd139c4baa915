//! Shopper consent (DESIGN.md *Shopper consent*): a merchant may open sessions only for a
//! shopper who linked their wallet to it, once, on the wallet's own page.
//!
//! 1. the merchant asks (`super::requests`): a link request `lr_…` with its `return_url`;
//! 2. the shopper signs in on the consent page (`crate::pages::consent`) and approves or declines;
//! 3. an approval gives a single-use code (5 minutes) on the way back to `return_url`;
//! 4. the merchant exchanges it for a link token `lk_…`, useless to any other merchant;
//! 5. either side revokes; sessions of a revoked link stop at once (403 `link_revoked`).
//!
//! Codes and tokens are stored as SHA-256 digests only.

use checkout_core::{ErrorCode, EventType};

use super::requests::{load_request, not_found, RequestStatus};
use crate::config::Merchant;
use crate::error::{ApiError, ServerError};
use crate::store::db::Db;
use crate::util::{now, random_id, rfc3339, sha256_hex};
use crate::views::webhooks::LinkEvent;
use crate::views::{LinkView, RevokedLinkView};
use crate::webhooks::outbox::{self, Owner};

/// Exchanges an approval's code for a link token, once, within [`CODE_SECS`].
///
/// # Errors
/// 404 `link_not_found` for another merchant's request; 400 `invalid_request` at `code`
/// for a wrong, used or expired code.
pub async fn exchange(
    db: &Db,
    merchant: &Merchant,
    request_id: &str,
    code: &str,
) -> Result<LinkView, ServerError> {
    crate::store::retry::retrying("link_exchange", || {
        exchange_once(db, merchant, request_id, code)
    })
    .await
}

/// One attempt of [`exchange`], run again by [`crate::store::retry::retrying`].
async fn exchange_once(
    db: &Db,
    merchant: &Merchant,
    request_id: &str,
    code: &str,
) -> Result<LinkView, ServerError> {
    let now = now();
    let mut tx = db.begin().await?;
    let shopper: Option<Option<String>> = sqlx::query_scalar(
        "UPDATE link_requests SET status = $3 WHERE id = $1 AND merchant_id = $2 AND status = $4 \
         AND code_digest = $5 AND code_expires_at > $6 AND livemode = $7 RETURNING shopper_id",
    )
    .bind(request_id)
    .bind(&merchant.id)
    .bind(RequestStatus::Exchanged.code())
    .bind(RequestStatus::Approved.code())
    .bind(sha256_hex(code.as_bytes()))
    .bind(now)
    .bind(i64::from(merchant.livemode))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(Some(shopper)) = shopper else {
        tx.rollback().await?;
        return match load_request(db, request_id).await? {
            Some(r) if r.merchant_id == merchant.id && r.livemode == merchant.livemode => {
                Err(ApiError::field(
                "code",
                "wrong, already used or expired (codes last 5 minutes); send the shopper through the link page again",
            )
            .into())
            }
            _ => Err(not_found("link request").into()),
        };
    };
    let token = random_id("lk_", 32);
    let digest = sha256_hex(token.as_bytes());
    sqlx::query(
        "INSERT INTO links (token_digest, merchant_id, shopper_id, livemode, created_at, id) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&digest)
    .bind(&merchant.id)
    .bind(&shopper)
    .bind(i64::from(merchant.livemode))
    .bind(now)
    .bind(link_id(&digest))
    .execute(&mut *tx)
    .await?;
    link_created(&mut tx, merchant, request_id, &token, now).await?;
    tx.commit().await?;
    crate::webhooks::wake();
    tracing::info!(link_request = %request_id, "link created");
    Ok(LinkView {
        link: token,
        id: link_id(&digest),
        created_at: rfc3339(now),
    })
}

/// `link.created`, in the exchange's transaction.
async fn link_created(
    tx: &mut crate::store::db::Tx,
    merchant: &Merchant,
    request_id: &str,
    token: &str,
    now: i64,
) -> Result<(), ServerError> {
    let event = LinkEvent {
        link_request: Some(request_id.to_owned()),
        link_sha256: sha256_hex(token.as_bytes()),
        created_at: rfc3339(now),
        revoked_at: None,
    };
    outbox::record(tx, owner(merchant), EventType::LinkCreated, &event, now).await?;
    Ok(())
}

/// The event's owner: the merchant and its mode.
fn owner(merchant: &Merchant) -> Owner<'_> {
    Owner {
        merchant_id: &merchant.id,
        livemode: merchant.livemode,
    }
}

/// Creates a link directly (the demo's seed: a shopper already linked).
///
/// # Errors
/// The database's.
pub async fn insert_link(
    db: &Db,
    merchant: &Merchant,
    shopper: &str,
    token: &str,
) -> Result<(), ServerError> {
    let digest = sha256_hex(token.as_bytes());
    sqlx::query(
        "INSERT INTO links (token_digest, merchant_id, shopper_id, livemode, created_at, id) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (token_digest) DO NOTHING",
    )
    .bind(&digest)
    .bind(&merchant.id)
    .bind(shopper)
    .bind(i64::from(merchant.livemode))
    .bind(now())
    .bind(link_id(&digest))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A link's id: `ln_` and the first 24 hex digits of its token's SHA-256.
fn link_id(digest: &str) -> String {
    format!("ln_{}", &digest[..24])
}

/// Revokes a merchant's link, named by its id (`ln_…`) or, deprecated, its token
/// (`lk_…`); revoking twice answers the first revocation. Also answers the link's digest.
///
/// # Errors
/// 404 `link_not_found` for an unknown link or another merchant's.
pub async fn revoke(
    db: &Db,
    merchant: &Merchant,
    link: &str,
) -> Result<(RevokedLinkView, String), ServerError> {
    let digest = if link.starts_with("ln_") {
        sqlx::query_scalar(
            "SELECT token_digest FROM links WHERE id = $1 AND merchant_id = $2 AND livemode = $3",
        )
        .bind(link)
        .bind(&merchant.id)
        .bind(i64::from(merchant.livemode))
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| not_found("link"))?
    } else {
        sha256_hex(link.as_bytes())
    };
    let token = (!link.starts_with("ln_")).then_some(link);
    let view =
        crate::store::retry::retrying("link_revoke", || revoke_once(db, merchant, &digest, token))
            .await?;
    Ok((view, digest))
}

/// One attempt of [`revoke`], run again by [`crate::store::retry::retrying`].
async fn revoke_once(
    db: &Db,
    merchant: &Merchant,
    digest: &str,
    token: Option<&str>,
) -> Result<RevokedLinkView, ServerError> {
    let digest = digest.to_owned();
    let now = now();
    let mut tx = db.begin().await?;
    let created: Option<i64> = sqlx::query_scalar(
        "UPDATE links SET revoked_at = $3 WHERE token_digest = $1 AND merchant_id = $2 \
         AND livemode = $4 AND revoked_at IS NULL RETURNING created_at",
    )
    .bind(&digest)
    .bind(&merchant.id)
    .bind(now)
    .bind(i64::from(merchant.livemode))
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(created) = created {
        let event = LinkEvent {
            link_request: None,
            link_sha256: digest.clone(),
            created_at: rfc3339(created),
            revoked_at: Some(rfc3339(now)),
        };
        outbox::record(
            &mut tx,
            owner(merchant),
            EventType::LinkRevoked,
            &event,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    crate::webhooks::wake();
    let revoked: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT revoked_at FROM links WHERE token_digest = $1 AND merchant_id = $2 AND livemode = $3",
    )
    .bind(&digest)
    .bind(&merchant.id)
    .bind(i64::from(merchant.livemode))
    .fetch_optional(&db.pool)
    .await?;
    let Some(Some(at)) = revoked else {
        return Err(not_found("link").into());
    };
    tracing::info!(merchant = %merchant.id, "link revoked");
    Ok(RevokedLinkView {
        id: link_id(&digest),
        link: token.map(str::to_owned),
        revoked: true,
        revoked_at: rfc3339(at),
    })
}

/// The shopper a merchant's link names, and the link's digest.
///
/// # Errors
/// 400 `invalid_request` at `link` for an unknown token (or another merchant's);
/// 403 `link_revoked`.
pub async fn resolve(
    db: &Db,
    merchant: &Merchant,
    token: &str,
) -> Result<(String, String), ServerError> {
    let digest = sha256_hex(token.as_bytes());
    let row: Option<(String, Option<i64>)> = sqlx::query_as(
        "SELECT shopper_id, revoked_at FROM links WHERE token_digest = $1 AND merchant_id = $2 \
         AND livemode = $3",
    )
    .bind(&digest)
    .bind(&merchant.id)
    .bind(i64::from(merchant.livemode))
    .fetch_optional(&db.pool)
    .await?;
    match row {
        None => Err(ApiError::field(
            "link",
            "is not a link of this merchant; send the shopper through POST /v1/links to link their wallet",
        )
        .into()),
        Some((_, Some(_))) => Err(revoked().into()),
        Some((shopper, None)) => Ok((shopper, digest)),
    }
}

/// 403 `link_revoked`.
#[must_use]
pub fn revoked() -> ApiError {
    ApiError::new(
        ErrorCode::LinkRevoked,
        "the shopper's link to this merchant was revoked; ask the shopper to link their wallet again",
    )
}

/// Whether the link of this mode with this digest was revoked (or is unknown).
///
/// # Errors
/// The database's.
pub async fn is_revoked(db: &Db, digest: &str, livemode: bool) -> Result<bool, ServerError> {
    let revoked: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT revoked_at FROM links WHERE token_digest = $1 AND livemode = $2",
    )
    .bind(digest)
    .bind(i64::from(livemode))
    .fetch_optional(&db.pool)
    .await?;
    Ok(!matches!(revoked, Some(None)))
}
