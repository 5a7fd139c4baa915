//! Link requests (DESIGN.md *Shopper consent*, steps 1–3): the merchant asks, the shopper
//! approves or declines on the consent page (`crate::pages::consent`), and an approval
//! gives a single-use code on the way back to the merchant's `return_url`.

use checkout_core::ErrorCode;

use crate::config::Merchant;
use crate::error::{ApiError, ServerError};
use crate::http::return_url::{self, back_to};
use crate::store::db::Db;
use crate::util::{now, random_id, rfc3339, sha256_hex};
use crate::views::LinkRequestView;

/// How long a link request waits for the shopper, in seconds.
pub const REQUEST_SECS: i64 = 1800;
/// How long an approval's code may be exchanged, in seconds (DESIGN.md: 5 minutes).
pub const CODE_SECS: i64 = 300;

checkout_core::wire_enum! {
    /// Where a link request is (`link_requests.status`).
    pub enum RequestStatus {
        Pending = "pending",
        Approved = "approved",
        Declined = "declined",
        Exchanged = "exchanged",
    }
}

/// A link request as the consent page needs it.
#[derive(Debug, Clone)]
pub struct LinkRequest {
    pub id: String,
    pub merchant_id: String,
    pub return_url: String,
    pub status: RequestStatus,
    /// Unix seconds.
    pub expires_at: i64,
    /// The mode of the key that asked.
    pub livemode: bool,
}

/// 404 `link_not_found`.
pub fn not_found(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::LinkNotFound,
        format!(
            "no {what} of this merchant has this id; ask the shopper to link their wallet again"
        ),
    )
}

/// Creates a link request; the shopper is sent to `url` (top-level, not in a frame).
///
/// # Errors
/// 400 `invalid_request` at `return_url` ([`return_url::parse`]).
pub async fn create_request(
    db: &Db,
    merchant: &Merchant,
    return_url: &str,
    base: &str,
) -> Result<LinkRequestView, ServerError> {
    let return_url = String::from(return_url::parse(
        return_url,
        merchant.livemode,
        &merchant.return_origins,
    )?);
    let id = random_id("lr_", 24);
    let now = now();
    let expires_at = now + REQUEST_SECS;
    sqlx::query(
        "INSERT INTO link_requests (id, merchant_id, livemode, return_url, status, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(&merchant.id)
    .bind(i64::from(merchant.livemode))
    .bind(&return_url)
    .bind(RequestStatus::Pending.code())
    .bind(expires_at)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(LinkRequestView {
        url: format!("{base}/wallet/link/{id}"),
        id,
        expires_at: rfc3339(expires_at),
    })
}

/// The link request with this id, if any.
///
/// # Errors
/// The database's; internal for a corrupt status.
pub async fn load_request(db: &Db, id: &str) -> Result<Option<LinkRequest>, ServerError> {
    let row: Option<(String, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT id, merchant_id, return_url, status, expires_at, livemode FROM link_requests \
         WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(
        |(id, merchant_id, return_url, status, expires_at, livemode)| {
            Ok(LinkRequest {
                livemode: livemode != 0,
                status: RequestStatus::from_code(&status)
                    .ok_or_else(|| ServerError::internal("link request status", status))?,
                id,
                merchant_id,
                return_url,
                expires_at,
            })
        },
    )
    .transpose()
}

/// Records the shopper's approval (their password already checked); answers the URL to
/// send the browser back to, with the single-use code.
///
/// # Errors
/// 409 `invalid_request` when the request is no longer pending or has expired; 400 at
/// `return_url` for one an earlier release stored that cannot carry the code.
pub async fn approve(db: &Db, request: &LinkRequest, shopper: &str) -> Result<String, ServerError> {
    let code = random_id("lc_", 32);
    // Where the browser goes is known before anything is recorded.
    let back = back_to(
        &request.return_url,
        &[("link_request", &request.id), ("code", &code)],
    )?;
    let now = now();
    let changed = sqlx::query(
        "UPDATE link_requests SET status = $2, shopper_id = $3, code_digest = $4, code_expires_at = $5 \
         WHERE id = $1 AND status = $6 AND expires_at > $7 AND EXISTS (SELECT 1 FROM wallets w \
         WHERE w.shopper_id = $3 AND w.livemode = link_requests.livemode)",
    )
    .bind(&request.id)
    .bind(RequestStatus::Approved.code())
    .bind(shopper)
    .bind(sha256_hex(code.as_bytes()))
    .bind(now + CODE_SECS)
    .bind(RequestStatus::Pending.code())
    .bind(now)
    .execute(&db.pool)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(closed_request().into());
    }
    tracing::info!(link_request = %request.id, "link approved");
    Ok(back)
}

/// Records a decline; answers the URL to send the browser back to.
///
/// # Errors
/// As [`approve`].
pub async fn decline(db: &Db, request: &LinkRequest) -> Result<String, ServerError> {
    let back = back_to(
        &request.return_url,
        &[
            ("link_request", &request.id),
            ("error", RequestStatus::Declined.code()),
        ],
    )?;
    let changed = sqlx::query(
        "UPDATE link_requests SET status = $2 WHERE id = $1 AND status = $3 AND livemode = $4",
    )
    .bind(&request.id)
    .bind(RequestStatus::Declined.code())
    .bind(RequestStatus::Pending.code())
    .bind(i64::from(request.livemode))
    .execute(&db.pool)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(closed_request().into());
    }
    Ok(back)
}

fn closed_request() -> ApiError {
    ApiError::field(
        "link_request",
        "this link request was already answered or has expired; start again from the shop",
    )
}
