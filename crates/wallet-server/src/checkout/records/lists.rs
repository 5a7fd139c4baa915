//! `GET /v1/sessions`, `/v1/intents` and `/v1/refunds` (merchant key): the merchant's own
//! objects of its key's mode, newest first (`created_at`, then id), a page at a time.
//!
//! Each list is one fixed statement: a filter left out is bound as "any" (an empty string
//! or the widest time), so no SQL is assembled from input. The cursor is the last item's
//! `(created_at, id)`: items created in the same second are neither skipped nor repeated.

use checkout_core::ErrorCode;
use sqlx::Row as _;

use super::query::ListQuery;
use crate::config::Merchant;
use crate::error::{ApiError, ServerError};
use crate::store::db::rows::{IntentRow, SessionRow, INTENT_COLUMNS, SESSION_COLUMNS};
use crate::store::db::Db;
use crate::views::records::{MerchantSessionView, Page};
use crate::views::{IntentView, RefundView};

/// The cursor's position: unix seconds and id of the last item of the previous page.
type Cursor = (i64, String);

fn unknown_cursor(code: ErrorCode, kind: &str) -> ApiError {
    ApiError::new(
        code,
        format!("starting_after is not one of your {kind}; pass the last id of the previous page"),
    )
    .with("path", "starting_after")
}

/// The cursor of `q.starting_after` in `table` (the merchant's, of its mode).
async fn cursor(
    db: &Db,
    merchant: &Merchant,
    q: &ListQuery,
    sql: &str,
    missing: ApiError,
) -> Result<Cursor, ServerError> {
    if q.starting_after.is_empty() {
        return Ok((i64::MAX, String::new()));
    }
    let at: Option<i64> = sqlx::query_scalar(sql)
        .bind(&q.starting_after)
        .bind(&merchant.id)
        .bind(i64::from(merchant.livemode))
        .fetch_optional(&db.pool)
        .await?;
    let at = at.ok_or(missing)?;
    Ok((at, q.starting_after.clone()))
}

/// The page of `limit + 1` rows read: the first `limit`, and whether there were more.
fn page<T>(mut items: Vec<T>, limit: i64) -> Page<T> {
    let limit = usize::try_from(limit).unwrap_or(0);
    let has_more = items.len() > limit;
    items.truncate(limit);
    Page {
        data: items,
        has_more,
    }
}

/// `GET /v1/sessions`. `status` is what a reader sees now: an open session past its
/// expiry is `expired`.
///
/// # Errors
/// 404 `session_not_found` at `starting_after`; the database's.
pub async fn sessions(
    db: &Db,
    merchant: &Merchant,
    q: &ListQuery,
    now: i64,
) -> Result<Page<MerchantSessionView>, ServerError> {
    let (at, after) = cursor(
        db,
        merchant,
        q,
        "SELECT created_at FROM sessions WHERE id = $1 AND merchant_id = $2 AND livemode = $3",
        unknown_cursor(ErrorCode::SessionNotFound, "sessions"),
    )
    .await?;
    let sql = format!(
        "SELECT {SESSION_COLUMNS} FROM sessions WHERE merchant_id = $1 AND livemode = $2 \
         AND (created_at < $3 OR (created_at = $3 AND id < $4)) \
         AND created_at >= $5 AND created_at < $6 \
         AND ($7 = '' OR merchant_reference = $7) \
         AND ($8 = '' \
              OR ($8 = 'open' AND status = 'open' AND expires_at > $9) \
              OR ($8 = 'expired' AND (status = 'expired' OR (status = 'open' AND expires_at <= $9))) \
              OR ($8 <> 'open' AND $8 <> 'expired' AND status = $8)) \
         ORDER BY created_at DESC, id DESC LIMIT $10"
    );
    let rows = sqlx::query(&sql)
        .bind(&merchant.id)
        .bind(i64::from(merchant.livemode))
        .bind(at)
        .bind(after)
        .bind(q.created_gte)
        .bind(q.created_lt)
        .bind(&q.merchant_reference)
        .bind(&q.status)
        .bind(now)
        .bind(q.limit + 1)
        .fetch_all(&db.pool)
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        let session = SessionRow::from_row(row)?;
        items.push(super::sessions::view(db, &session, now).await?);
    }
    Ok(page(items, q.limit))
}

/// `GET /v1/intents`.
///
/// # Errors
/// 404 `intent_not_found` at `starting_after`; the database's.
pub async fn intents(
    db: &Db,
    merchant: &Merchant,
    q: &ListQuery,
    base: &str,
) -> Result<Page<IntentView>, ServerError> {
    let (at, after) = cursor(
        db,
        merchant,
        q,
        "SELECT created_at FROM intents WHERE id = $1 AND merchant_id = $2 AND livemode = $3",
        unknown_cursor(ErrorCode::IntentNotFound, "intents"),
    )
    .await?;
    let sql = format!(
        "SELECT {INTENT_COLUMNS} FROM intents WHERE merchant_id = $1 AND livemode = $2 \
         AND (created_at < $3 OR (created_at = $3 AND id < $4)) \
         AND created_at >= $5 AND created_at < $6 \
         AND ($7 = '' OR session_id IN \
              (SELECT s.id FROM sessions s WHERE s.merchant_reference = $7 AND s.livemode = $2)) \
         AND ($8 = '' OR status = $8) AND ($9 = '' OR session_id = $9) \
         ORDER BY created_at DESC, id DESC LIMIT $10"
    );
    let rows = sqlx::query(&sql)
        .bind(&merchant.id)
        .bind(i64::from(merchant.livemode))
        .bind(at)
        .bind(after)
        .bind(q.created_gte)
        .bind(q.created_lt)
        .bind(&q.merchant_reference)
        .bind(&q.status)
        .bind(&q.session_id)
        .bind(q.limit + 1)
        .fetch_all(&db.pool)
        .await?;
    let items = rows
        .iter()
        .map(|row| Ok(IntentView::of(&IntentRow::from_row(row)?, base)?.summary()))
        .collect::<Result<Vec<_>, ServerError>>()?;
    Ok(page(items, q.limit))
}

/// `GET /v1/refunds`.
///
/// # Errors
/// 404 `not_found` at `starting_after`; the database's.
pub async fn refunds(
    db: &Db,
    merchant: &Merchant,
    q: &ListQuery,
) -> Result<Page<RefundView>, ServerError> {
    let (at, after) = cursor(
        db,
        merchant,
        q,
        "SELECT r.created_at FROM refunds r JOIN intents i ON i.id = r.intent_id \
         WHERE r.id = $1 AND i.merchant_id = $2 AND r.livemode = $3",
        unknown_cursor(ErrorCode::NotFound, "refunds"),
    )
    .await?;
    let sql = format!(
        "SELECT r.id AS refund_id, r.created_at AS refunded_at, {} \
         FROM refunds r JOIN intents ON intents.id = r.intent_id \
         WHERE intents.merchant_id = $1 AND r.livemode = $2 AND intents.livemode = $2 \
         AND (r.created_at < $3 OR (r.created_at = $3 AND r.id < $4)) \
         AND r.created_at >= $5 AND r.created_at < $6 \
         AND ($7 = '' OR intents.session_id IN \
              (SELECT s.id FROM sessions s WHERE s.merchant_reference = $7 AND s.livemode = $2)) \
         AND ($8 = '' OR intents.session_id = $8) AND ($9 = '' OR r.intent_id = $9) \
         ORDER BY r.created_at DESC, r.id DESC LIMIT $10",
        qualified_intent_columns()
    );
    let rows = sqlx::query(&sql)
        .bind(&merchant.id)
        .bind(i64::from(merchant.livemode))
        .bind(at)
        .bind(after)
        .bind(q.created_gte)
        .bind(q.created_lt)
        .bind(&q.merchant_reference)
        .bind(&q.session_id)
        .bind(&q.intent_id)
        .bind(q.limit + 1)
        .fetch_all(&db.pool)
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        let intent = IntentRow::from_row(row)?;
        let id: String = row.try_get("refund_id")?;
        let at: i64 = row.try_get("refunded_at")?;
        items.push(crate::checkout::refunds::stored_view(db, &id, &intent, at).await?);
    }
    Ok(page(items, q.limit))
}

/// [`INTENT_COLUMNS`] read from `intents` beside another table: each plain column named
/// with its table (the subqueries already are).
fn qualified_intent_columns() -> String {
    INTENT_COLUMNS
        .split(", ")
        .map(|c| {
            let c = c.trim();
            if c.starts_with('(') {
                c.to_owned()
            } else {
                format!("intents.{c}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_says_whether_more_follow() {
        let p = page(vec![1, 2, 3], 2);
        assert_eq!(p.data, vec![1, 2]);
        assert!(p.has_more);
        assert!(!page(vec![1, 2], 2).has_more);
    }

    #[test]
    fn intent_columns_are_qualified_but_their_subqueries_kept() {
        let cols = qualified_intent_columns();
        assert!(cols.starts_with("intents.id, intents.session_id"));
        assert!(cols.contains("(SELECT s.metadata FROM sessions s WHERE s.id = intents.session_id"));
    }
}
