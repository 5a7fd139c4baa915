//! Refunds of a succeeded intent, by line or by amount (DESIGN.md §6). The split is the
//! core's rule (`checkout_core::refund`: each line returns its balance share first, per
//! the allocation stored with the paid quote); here it is stored and posted. The total is
//! guarded in SQL on the intent row, which also serialises concurrent refunds.

use std::collections::HashMap;

use checkout_core::refund::{RefundShare, RefundTotals, Refundable};
use checkout_core::{Amount, Currency, ErrorCode, EventType, IntentStatus, Method, Money};
use serde::Deserialize;

use super::refund_request::split;
pub use super::refund_request::{RefundLine, RefundRequest};
use crate::config::Merchant;
use crate::error::{ApiError, ServerError};
use crate::store::db::rows::{load_merchant_intent, IntentRow};
use crate::store::db::{Db, Tx};
use crate::store::ledger::{self, Kind};
use crate::store::stored::money;
use crate::util::{now, random_id, rfc3339};
use crate::views::{RefundLineView, RefundView};
use crate::webhooks::outbox::{self, Owner};

/// The parts of the stored quote a refund needs: each line's allocation.
#[derive(Deserialize)]
struct PaidQuote {
    lines: Vec<PaidLine>,
}

#[derive(Deserialize)]
struct PaidLine {
    id: String,
    balance: Amount,
    other: Amount,
}

fn minor(a: Amount, c: Currency) -> Result<i64, ServerError> {
    a.in_currency(c)
        .map(Money::minor)
        .map_err(|e| ServerError::internal("stored quote amount", e))
}

/// What is left to refund of each paid line: its allocation minus earlier refunds.
async fn paid_lines(tx: &mut Tx, intent: &IntentRow) -> Result<Vec<Refundable>, ServerError> {
    let c = intent.currency;
    let quote: PaidQuote = serde_json::from_str(&intent.quote)
        .map_err(|e| ServerError::internal("stored quote", e))?;
    let done: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT line_id, CAST(SUM(balance) AS BIGINT), CAST(SUM(other) AS BIGINT) \
         FROM refund_lines WHERE intent_id = $1 GROUP BY line_id",
    )
    .bind(&intent.id)
    .fetch_all(&mut **tx)
    .await?;
    let done: HashMap<String, (i64, i64)> =
        done.into_iter().map(|(id, b, o)| (id, (b, o))).collect();
    let mut out = Vec::with_capacity(quote.lines.len());
    for line in quote.lines {
        let (rb, ro) = done.get(&line.id).copied().unwrap_or((0, 0));
        out.push(Refundable {
            balance_left: minor(line.balance, c)? - rb,
            other_left: minor(line.other, c)? - ro,
            id: line.id,
        });
    }
    Ok(out)
}

/// The merchant's succeeded intent with this id.
async fn refundable_intent(
    db: &Db,
    merchant: &Merchant,
    intent_id: &str,
) -> Result<IntentRow, ServerError> {
    let intent = load_merchant_intent(&db.pool, &merchant.id, merchant.livemode, intent_id)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::IntentNotFound,
                "no payment intent of this merchant has this id",
            )
        })?;
    match intent.status {
        IntentStatus::Succeeded => Ok(intent),
        IntentStatus::RequiresAction | IntentStatus::Canceled => Err(ApiError::new(
            ErrorCode::IntentNotRefundable,
            format!(
                "only a succeeded payment can be refunded; this one is {}",
                intent.status
            ),
        )
        .with("status", intent.status)
        .into()),
    }
}

/// Records the refund and its lines; answers the lines' views.
async fn insert_refund(
    tx: &mut Tx,
    id: &str,
    intent: &IntentRow,
    shares: &[RefundShare],
    totals: RefundTotals,
    now: i64,
) -> Result<Vec<RefundLineView>, ServerError> {
    let c = intent.currency;
    sqlx::query(
        "INSERT INTO refunds (id, intent_id, amount, balance_amount, other_amount, created_at, livemode) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
        .bind(id)
        .bind(&intent.id)
        .bind(totals.total)
        .bind(totals.balance)
        .bind(totals.other)
        .bind(now)
        .bind(i64::from(intent.livemode))
        .execute(&mut **tx)
        .await?;
    let mut lines = Vec::with_capacity(shares.len());
    for share in shares {
        sqlx::query("INSERT INTO refund_lines (refund_id, intent_id, line_id, balance, other) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(&intent.id)
            .bind(&share.id)
            .bind(share.balance)
            .bind(share.other)
            .execute(&mut **tx)
            .await?;
        lines.push(RefundLineView {
            id: share.id.clone(),
            amount: money(share.balance.saturating_add(share.other), c)?,
            balance: money(share.balance, c)?,
            other: money(share.other, c)?,
        });
    }
    Ok(lines)
}

/// Refunds part or all of a merchant's succeeded intent in one transaction: the balance
/// shares back to the wallet, the rest back to the second method's external account.
///
/// # Errors
/// 404 `intent_not_found` (also for another merchant's intent); 409
/// `intent_not_refundable`; 400 `invalid_request` naming the field for amounts above
/// what is left, unknown or repeated lines.
pub async fn refund(
    db: &Db,
    merchant: &Merchant,
    intent_id: &str,
    req: &RefundRequest,
) -> Result<RefundView, ServerError> {
    crate::store::retry::retrying("refund", || refund_once(db, merchant, intent_id, req)).await
}

/// Adds `amount` (minor units) to the intent's refunded amount, guarded: `false` when it
/// would pass what was paid or the intent is no longer `succeeded`.
async fn add_refunded(
    tx: &mut Tx,
    intent: &IntentRow,
    amount: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let guarded = sqlx::query(
        "UPDATE intents SET refunded_amount = refunded_amount + $2, updated_at = $3 \
         WHERE id = $1 AND status = $4 AND refunded_amount + $2 <= total AND livemode = $5",
    )
    .bind(&intent.id)
    .bind(amount)
    .bind(now)
    .bind(IntentStatus::Succeeded.code())
    .bind(i64::from(intent.livemode))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(guarded == 1)
}

/// Posts a refund: the balance shares back to the wallet; the other shares back to the
/// second method's external account when the wallet's sandbox collected them. A
/// remainder the merchant collected itself never entered the wallet's books: its shares
/// are the merchant's to return through its provider (`other_refund_due`, [`view`]).
async fn post_refund(
    tx: &mut Tx,
    intent: &IntentRow,
    id: &str,
    totals: RefundTotals,
    now: i64,
) -> Result<(), ServerError> {
    let c = intent.currency;
    let settlement = ledger::merchant_settlement(&intent.merchant_id, c, intent.livemode);
    let available = ledger::wallet_available(intent.wallet());
    ledger::transfer(
        tx,
        Kind::Refund,
        id,
        &settlement,
        &available,
        money(totals.balance, c)?,
        now,
    )
    .await?;
    match intent.other_method {
        Some(Method::Merchant) => Ok(()),
        method => {
            let to = ledger::external(method.unwrap_or(Method::BankCard), c, intent.livemode);
            ledger::transfer(
                tx,
                Kind::RefundOther,
                id,
                &settlement,
                &to,
                money(totals.other, c)?,
                now,
            )
            .await?;
            Ok(())
        }
    }
}

/// One attempt of [`refund`], run again by [`crate::store::retry::retrying`].
async fn refund_once(
    db: &Db,
    merchant: &Merchant,
    intent_id: &str,
    req: &RefundRequest,
) -> Result<RefundView, ServerError> {
    let intent = refundable_intent(db, merchant, intent_id).await?;
    let c = intent.currency;
    let now = now();
    let mut tx = db.begin().await?;
    // Locks the intent row first (PostgreSQL) so concurrent refunds see each other's lines.
    let sql = format!(
        "SELECT refunded_amount FROM intents WHERE id = $1 AND livemode = $2{}",
        db.for_update()
    );
    let _: i64 = sqlx::query_scalar(&sql)
        .bind(&intent.id)
        .bind(i64::from(intent.livemode))
        .fetch_one(&mut *tx)
        .await?;
    let paid = paid_lines(&mut tx, &intent).await?;
    let shares = split(req, &paid, c)?;
    let totals = RefundTotals::of(&shares);
    if !add_refunded(&mut tx, &intent, totals.total, now).await? {
        tx.rollback().await?;
        // Another refund got there first (the split above saw the lines before it).
        return Err(ApiError::new(
            ErrorCode::RefundExceedsPaid,
            "the refunds would return more than was paid; read the intent's amount_refunded and refund at most what is left",
        )
        .with("path", "amount")
        .into());
    }
    let id = random_id("re_", 24);
    let lines = insert_refund(&mut tx, &id, &intent, &shares, totals, now).await?;
    post_refund(&mut tx, &intent, &id, totals, now).await?;
    let view = view(id, &intent, totals, lines, now)?;
    let owner = Owner {
        merchant_id: &merchant.id,
        livemode: intent.livemode,
    };
    outbox::record(&mut tx, owner, EventType::RefundSucceeded, &view, now).await?;
    tx.commit().await?;
    crate::webhooks::wake();
    tracing::info!(refund = %view.id, intent = %view.intent_id, "refund made");
    Ok(view)
}

/// A refund as the API shows it. `other_refund_due` follows from the intent: a remainder
/// the merchant collected is the merchant's to return ([`post_refund`]).
fn view(
    id: String,
    intent: &IntentRow,
    totals: RefundTotals,
    lines: Vec<RefundLineView>,
    at: i64,
) -> Result<RefundView, ServerError> {
    let c = intent.currency;
    let due = if intent.other_method == Some(Method::Merchant) {
        totals.other
    } else {
        0
    };
    Ok(RefundView {
        id,
        intent_id: intent.id.clone(),
        session_id: intent.session_id.clone(),
        currency: c,
        amount: money(totals.total, c)?,
        balance_amount: money(totals.balance, c)?,
        other_amount: money(totals.other, c)?,
        other_refund_due: money(due, c)?,
        lines,
        created_at: rfc3339(at),
        tags: intent.tags.clone(),
    })
}

/// The stored refund `id` of `intent`, made at `at` (unix seconds), as the API showed it
/// when it was made (its lines by id).
///
/// # Errors
/// The database's; internal for corrupt stored amounts.
pub async fn stored_view(
    db: &Db,
    id: &str,
    intent: &IntentRow,
    at: i64,
) -> Result<RefundView, ServerError> {
    let c = intent.currency;
    let (total, balance, other): (i64, i64, i64) = sqlx::query_as(
        "SELECT amount, balance_amount, other_amount FROM refunds WHERE id = $1 AND livemode = $2",
    )
    .bind(id)
    .bind(i64::from(intent.livemode))
    .fetch_one(&db.pool)
    .await?;
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT line_id, balance, other FROM refund_lines WHERE refund_id = $1 ORDER BY line_id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let lines = rows
        .into_iter()
        .map(|(line, b, o)| {
            Ok(RefundLineView {
                id: line,
                amount: money(b.saturating_add(o), c)?,
                balance: money(b, c)?,
                other: money(o, c)?,
            })
        })
        .collect::<Result<_, ServerError>>()?;
    let totals = RefundTotals {
        total,
        balance,
        other,
    };
    view(id.to_owned(), intent, totals, lines, at)
}
