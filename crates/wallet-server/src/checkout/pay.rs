//! The paying transaction: one database transaction claims the session (open →
//! completed or awaiting_payment, so concurrent submits cannot both pay), re-quotes
//! against the locked balance, records the intent, captures or holds the balance part,
//! and stores the answer under the idempotency key — so a crash after the commit still
//! replays it, and a crash before leaves nothing.

use checkout_core::{ErrorCode, IntentRequest, IntentStatus, Money, Quote, SessionStatus};

use super::refusals::{quote_mismatch, session_error};
use super::{live_balance, SessionTerms};
use crate::error::{ApiError, Reply, ServerError};
use crate::http::state::AppState;
use crate::store::db::rows::{load_intent, IntentRow, SessionRow};
use crate::store::db::Tx;
use crate::store::ledger::{self, Kind, LedgerError};
use crate::util::random_id;
use crate::views::IntentView;

/// The answer to `POST /v1/sessions/{id}/intents`: the intent, and the wallet's available
/// balance after it (major units).
#[derive(serde::Serialize)]
struct PaidIntent {
    #[serde(flatten)]
    intent: IntentView,
    balance_left: Money,
}

/// What is being paid: the session, its terms, the checked request, the time (unix
/// seconds) and the origin of absolute URLs in the answer.
pub struct Order<'a> {
    pub session: &'a SessionRow,
    pub terms: &'a SessionTerms,
    pub req: &'a IntentRequest,
    pub now: i64,
    pub base: &'a str,
}

/// Pays the order; answers the created intent (201) and stores that answer under
/// `(scope, key)` in the same transaction.
///
/// # Errors
/// 409 `session_completed` / `request_in_progress`, 410 `session_expired` when another
/// request got there first; 409 `quote_mismatch` when the locked balance changed the
/// quote; 402 `insufficient_balance`.
pub async fn pay(
    state: &AppState,
    order: &Order<'_>,
    (scope, key): (&str, &str),
) -> Result<(IntentRow, Reply), ServerError> {
    crate::store::retry::retrying("pay", || pay_once(state, order, (scope, key))).await
}

/// One attempt of [`pay`], run again by [`crate::store::retry::retrying`].
async fn pay_once(
    state: &AppState,
    order: &Order<'_>,
    (scope, key): (&str, &str),
) -> Result<(IntentRow, Reply), ServerError> {
    let Order {
        session,
        terms,
        req,
        now,
        base,
    } = *order;
    let db = &state.db;
    let mut tx = db.begin().await?;
    let next = if req.intent.other_amount.value().is_zero() {
        SessionStatus::Completed
    } else {
        SessionStatus::AwaitingPayment
    };
    let claimed = claim_session(&mut tx, session, next, now).await?;
    if !claimed {
        tx.rollback().await?;
        return Err(session_error(state, session).await?.into());
    }
    let balance = live_balance(
        &mut *tx,
        session.wallet(),
        session.currency,
        db.for_update(),
    )
    .await?;
    let quote = terms.quote(balance, &req.intent.choice())?;
    let diffs = req.intent.mismatches(&quote);
    if !diffs.is_empty() {
        tx.rollback().await?;
        return Err(quote_mismatch(&quote, diffs).into());
    }
    let id = random_id("pi_", 24);
    let needs_other = quote.needs_other_method();
    let status = if needs_other {
        IntentStatus::RequiresAction
    } else {
        IntentStatus::Succeeded
    };
    let hold_expires_at = needs_other.then_some(now + state.config.limits.hold_ttl_secs);
    insert_intent(&mut tx, order, &id, status, &quote, hold_expires_at).await?;
    if let Err(e) = post_balance(&mut tx, session, &id, needs_other, &quote, now).await {
        tx.rollback().await?;
        return Err(match e {
            LedgerError::Insufficient { .. } => insufficient(balance).into(),
            other => other.into(),
        });
    }
    let row = load_intent(&mut *tx, &id)
        .await?
        .ok_or_else(|| ServerError::internal("intent", "not found right after its insert"))?;
    let reply = paid_reply(&mut tx, session, &row, base).await?;
    crate::http::idempotency::store(&mut *tx, scope, key, &reply).await?;
    crate::webhooks::outbox::intent_event(&mut tx, &row, base, now).await?;
    tx.commit().await?;
    crate::webhooks::wake();
    Ok((row, reply))
}

/// The 201 answer: the intent and what the wallet holds after it — for the frame's
/// receipt only (this answer goes to the frame alone; `frame.js` relays none of it to the
/// page, and neither `GET /v1/intents/{id}` nor the events carry it).
async fn paid_reply(
    tx: &mut Tx,
    session: &SessionRow,
    row: &IntentRow,
    base: &str,
) -> Result<Reply, ServerError> {
    let balance_left = live_balance(&mut **tx, session.wallet(), session.currency, "").await?;
    Ok(Reply::json(
        axum::http::StatusCode::CREATED,
        &PaidIntent {
            intent: IntentView::of(row, base)?,
            balance_left,
        },
    ))
}

/// Moves the session from open to `next`, unless it stopped being open or expired.
/// Returns whether it did.
async fn claim_session(
    tx: &mut Tx,
    session: &SessionRow,
    next: SessionStatus,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "UPDATE sessions SET status = $2 \
         WHERE id = $1 AND status = $4 AND expires_at > $3 AND livemode = $5",
    )
    .bind(&session.id)
    .bind(next.code())
    .bind(now)
    .bind(SessionStatus::Open.code())
    .bind(i64::from(session.livemode))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}

/// Records the intent with the quote it is paid at.
async fn insert_intent(
    tx: &mut Tx,
    order: &Order<'_>,
    id: &str,
    status: IntentStatus,
    quote: &Quote,
    hold_expires_at: Option<i64>,
) -> Result<(), ServerError> {
    let session = order.session;
    let quote_json = serde_json::to_string(quote).map_err(|e| ServerError::internal("quote", e))?;
    sqlx::query(
        "INSERT INTO intents (id, session_id, merchant_id, shopper_id, status, currency, total, \
         balance_amount, other_method, other_amount, refunded_amount, quote, hold_expires_at, \
         created_at, updated_at, livemode) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13, $13, $14)",
    )
    .bind(id)
    .bind(&session.id)
    .bind(&session.merchant_id)
    .bind(&session.shopper_id)
    .bind(status.code())
    .bind(session.currency.code())
    .bind(quote.total.minor())
    .bind(quote.balance_amount.minor())
    .bind(order.req.intent.other_method.map(|m| m.code()))
    .bind(quote.other_amount.minor())
    .bind(quote_json)
    .bind(hold_expires_at)
    .bind(order.now)
    .bind(i64::from(session.livemode))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The balance part: held while the second method runs, else paid to the merchant.
async fn post_balance(
    tx: &mut Tx,
    session: &SessionRow,
    intent_id: &str,
    hold: bool,
    quote: &Quote,
    now: i64,
) -> Result<(), LedgerError> {
    let available = ledger::wallet_available(session.wallet());
    let (kind, to) = if hold {
        (Kind::Hold, ledger::wallet_held(session.wallet()))
    } else {
        let settlement =
            ledger::merchant_settlement(&session.merchant_id, session.currency, session.livemode);
        (Kind::Payment, settlement)
    };
    ledger::transfer(
        tx,
        kind,
        intent_id,
        &available,
        &to,
        quote.balance_amount,
        now,
    )
    .await
}

fn insufficient(balance: Money) -> ApiError {
    ApiError::new(
        ErrorCode::InsufficientBalance,
        "the wallet balance is lower than the intent's balance amount; reload the quote",
    )
    .with("balance", balance)
}
