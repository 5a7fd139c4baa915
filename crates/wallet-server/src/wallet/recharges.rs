//! Recharges (充值) through a payment method (DESIGN.md *The shopper's wallet*): a recharge
//! is created `pending`, and the method's outcome settles it once. The wallet is credited
//! in the same database transaction as the one move from `pending` to `succeeded`, so
//! parallel approvals, retried approvals and a crash between approval and credit credit it
//! exactly once; a declined or abandoned recharge credits nothing.

use checkout_core::{Amount, ErrorCode, Method, Money, RechargePromotion, RechargeStatus};
use serde::Serialize;
use sqlx::Row as _;

use crate::error::{ApiError, ServerError};
use crate::store::db::Db;
use crate::store::ledger::WalletRef;
use crate::store::ledger::{self, Kind, LedgerError};
use crate::store::stored::{currency, money};
use crate::util::{now, random_id, rfc3339};
use crate::wallet::accounts::wallet_currency;

/// A recharge as stored.
#[derive(Debug, Clone)]
pub struct Recharge {
    /// `rc_…`.
    pub id: String,
    pub shopper_id: String,
    /// The wallet's mode.
    pub livemode: bool,
    /// What the method pays into the wallet (major units in the wallet's currency).
    pub amount: Money,
    pub method: Method,
    pub status: RechargeStatus,
    /// Unix seconds.
    pub created_at: i64,
    /// The checkout session that started it (a top-up in checkout); `None` from the
    /// wallet's pages.
    pub session_id: Option<String>,
    /// The campaign bonus reserved when it was confirmed (zero: none), and its campaign.
    pub bonus: Money,
    pub campaign_id: Option<String>,
}

/// The method's outcome (the sandbox provider's buttons in test mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Approve,
    Decline,
    Abandon,
}

impl Outcome {
    const fn status(self) -> RechargeStatus {
        match self {
            Outcome::Approve => RechargeStatus::Succeeded,
            Outcome::Decline => RechargeStatus::Failed,
            Outcome::Abandon => RechargeStatus::Abandoned,
        }
    }
}

/// A recharge as the API answers it (`GET /v1/sandbox/recharges/{id}` and the checkout's
/// top-up): amounts in major units, times RFC 3339.
#[derive(Debug, Clone, Serialize)]
pub struct RechargeView {
    pub id: String,
    pub status: RechargeStatus,
    pub amount: Money,
    pub currency: checkout_core::Currency,
    pub method: Method,
    pub created_at: String,
    /// The method's page while `pending` (the sandbox provider's in test mode).
    pub next_action_url: Option<String>,
    /// The campaign bonus credited with it once it succeeds ("0.00": none).
    pub bonus: Money,
}

impl RechargeView {
    /// The view of `r`; `base` is the wallet's origin for the method's page.
    #[must_use]
    pub fn of(r: &Recharge, base: &str) -> RechargeView {
        RechargeView {
            id: r.id.clone(),
            status: r.status,
            amount: r.amount,
            currency: r.amount.currency(),
            method: r.method,
            created_at: rfc3339(r.created_at),
            next_action_url: (r.status == RechargeStatus::Pending)
                .then(|| method_page(base, &r.id)),
            bonus: r.bonus,
        }
    }
}

/// The page where the method is paid (the sandbox provider's).
#[must_use]
pub fn method_page(base: &str, id: &str) -> String {
    format!("{base}/v1/sandbox/recharges/{id}")
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::RechargeNotFound,
        "no recharge has this id; start the recharge again from the wallet",
    )
}

/// 400 `invalid_request` at `path` unless `method` is a payment instrument (a recharge is
/// paid with one; `merchant` settles a checkout's remainder).
///
/// # Errors
/// As above.
pub fn instrument(path: &str, method: Method) -> Result<(), ApiError> {
    if method.is_instrument() {
        return Ok(());
    }
    let names: Vec<_> = Method::INSTRUMENTS.iter().map(|m| m.code()).collect();
    Err(ApiError::field(
        path,
        format!("choose one of {}", names.join(", ")),
    ))
}

/// Starts a recharge of `amount` (major units, the wallet's currency digits) by `method`.
///
/// # Errors
/// 404 `wallet_not_found`; 400 `invalid_request` at `amount` when it is zero, has more
/// digits than the currency, or would take available plus held past 10^13 major units;
/// at `method` for `merchant`, which settles a checkout's remainder and recharges nothing.
pub async fn create(
    (db, campaigns): (&Db, &[RechargePromotion]),
    (wallet, session): (WalletRef<'_>, Option<&str>),
    amount: Amount,
    method: Method,
) -> Result<Recharge, ServerError> {
    let shopper = wallet.shopper;
    instrument("method", method)?;
    if wallet.livemode {
        // Only the sandbox settles recharges, and it never touches live money.
        return Err(ApiError::new(
            ErrorCode::MethodUnavailable,
            "this server has no payment provider for recharging live wallets",
        )
        .into());
    }
    let c = wallet_currency(db, wallet).await?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::WalletNotFound,
            "no wallet exists for this shopper",
        )
    })?;
    let amount = amount
        .in_currency(c)
        .map_err(|e| ApiError::field("amount", e.to_string()))?;
    if amount.is_zero() {
        return Err(ApiError::field("amount", "must be above zero").into());
    }
    let held = ledger::balance(&db.pool, &ledger::wallet_held(wallet), "").await?;
    let available = ledger::balance(&db.pool, &ledger::wallet_available(wallet), "").await?;
    if available
        .saturating_add(held)
        .saturating_add(amount.minor())
        > Money::max_minor(c)
    {
        return Err(ApiError::field(
            "amount",
            "would take the balance past the maximum of 10^13 major units; recharge less",
        )
        .into());
    }
    let r = Recharge {
        id: random_id("rc_", 24),
        shopper_id: shopper.to_owned(),
        livemode: wallet.livemode,
        amount,
        method,
        status: RechargeStatus::Pending,
        created_at: now(),
        session_id: session.map(str::to_owned),
        bonus: Money::zero(c),
        campaign_id: None,
    };
    let r = crate::store::retry::retrying("recharge_create", || {
        insert(db, campaigns, wallet, r.clone())
    })
    .await?;
    tracing::info!(recharge = %r.id, bonus = %r.bonus, "recharge started");
    Ok(r)
}

/// One attempt of [`create`]'s write: the campaign bonus reserved and the recharge stored
/// in one transaction.
async fn insert(
    db: &Db,
    campaigns: &[RechargePromotion],
    wallet: WalletRef<'_>,
    mut r: Recharge,
) -> Result<Recharge, ServerError> {
    let mut tx = db.begin().await?;
    if let Some((campaign, bonus)) =
        super::bonuses::reserve(&mut tx, (db, campaigns), wallet, r.amount, r.method).await?
    {
        r.bonus = bonus;
        r.campaign_id = Some(campaign);
    }
    sqlx::query(
        "INSERT INTO recharges (id, shopper_id, currency, amount, method, status, livemode, \
         created_at, updated_at, session_id, bonus, campaign_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $8, $7, $7, $9, $10, $11)",
    )
    .bind(&r.id)
    .bind(&r.shopper_id)
    .bind(r.amount.currency().code())
    .bind(r.amount.minor())
    .bind(r.method.code())
    .bind(r.status.code())
    .bind(r.created_at)
    .bind(i64::from(r.livemode))
    .bind(&r.session_id)
    .bind(r.bonus.minor())
    .bind(&r.campaign_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(r)
}

/// The recharge of this mode with this id.
///
/// # Errors
/// The database's; internal for a corrupt row.
pub async fn load(db: &Db, id: &str, livemode: bool) -> Result<Option<Recharge>, ServerError> {
    let Some(row) = sqlx::query(
        "SELECT id, shopper_id, currency, amount, method, status, created_at, session_id, \
         bonus, campaign_id FROM recharges WHERE id = $1 AND livemode = $2",
    )
    .bind(id)
    .bind(i64::from(livemode))
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let c = currency(&row.try_get::<String, _>("currency")?)?;
    let method: String = row.try_get("method")?;
    let status: String = row.try_get("status")?;
    Ok(Some(Recharge {
        id: row.try_get("id")?,
        shopper_id: row.try_get("shopper_id")?,
        livemode,
        amount: money(row.try_get("amount")?, c)?,
        method: Method::from_code(&method)
            .ok_or_else(|| ServerError::internal("stored recharge method", method.clone()))?,
        status: RechargeStatus::from_code(&status)
            .ok_or_else(|| ServerError::internal("stored recharge status", status.clone()))?,
        created_at: row.try_get("created_at")?,
        session_id: row.try_get("session_id")?,
        bonus: money(row.try_get("bonus")?, c)?,
        campaign_id: row.try_get("campaign_id")?,
    }))
}

/// The recharge of this mode with this id, or 404 `recharge_not_found`.
///
/// # Errors
/// 404 `recharge_not_found`; the database's.
pub async fn find(db: &Db, id: &str, livemode: bool) -> Result<Recharge, ServerError> {
    load(db, id, livemode)
        .await?
        .ok_or_else(|| not_found().into())
}

/// Settles a pending test recharge with the sandbox method's outcome; an approval credits
/// the wallet in the same transaction (ledger kind `top_up` from `external:test:<method>`).
///
/// # Errors
/// 404 `recharge_not_found` (also for a live one); 409 `recharge_not_pending` with
/// `status` when it was already settled (a retried approval credits nothing more).
pub async fn settle(db: &Db, id: &str, outcome: Outcome) -> Result<Recharge, ServerError> {
    crate::store::retry::retrying("recharge_settle", || settle_once(db, id, outcome)).await
}

/// One attempt of [`settle`], run again by [`crate::store::retry::retrying`].
async fn settle_once(db: &Db, id: &str, outcome: Outcome) -> Result<Recharge, ServerError> {
    let r = find(db, id, false).await?;
    let mut status = outcome.status();
    let mut tx = db.begin().await?;
    let moved = sqlx::query(
        "UPDATE recharges SET status = $2, updated_at = $3 \
         WHERE id = $1 AND status = $4 AND livemode = 0",
    )
    .bind(id)
    .bind(status.code())
    .bind(now())
    .bind(RechargeStatus::Pending.code())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 0 {
        tx.rollback().await?;
        return Err(not_pending(db, id).await);
    }
    if status == RechargeStatus::Succeeded {
        let from = ledger::external(r.method, r.amount.currency(), false);
        let credited = ledger::deposit(
            &mut tx,
            Kind::TopUp,
            id,
            &from,
            WalletRef::new(&r.shopper_id, false),
            r.amount,
            now(),
        )
        .await;
        match credited {
            Ok(()) => {}
            // The bound was passed by what happened since the recharge began: the method's
            // money goes back (in the sandbox: nothing moved), the recharge fails.
            Err(LedgerError::Insufficient { .. }) => {
                tx.rollback().await?;
                tx = db.begin().await?;
                status = RechargeStatus::Failed;
                let failed = sqlx::query(
                    "UPDATE recharges SET status = $2 WHERE id = $1 AND status = $3 AND livemode = 0",
                )
                    .bind(id)
                    .bind(status.code())
                    .bind(RechargeStatus::Pending.code())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if failed == 0 {
                    // Settled by another approval or decline in between: it gave the
                    // bonus back or paid it; nothing more here.
                    tx.rollback().await?;
                    return Err(not_pending(db, id).await);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    let bonus = settle_bonus(&mut tx, &r, status == RechargeStatus::Succeeded).await?;
    tx.commit().await?;
    tracing::info!(recharge = %id, %status, %bonus, "recharge settled");
    Ok(Recharge { status, bonus, ..r })
}

/// 409 `recharge_not_pending` with the recharge's status now.
async fn not_pending(db: &Db, id: &str) -> ServerError {
    match find(db, id, false).await {
        Ok(r) => ApiError::new(
            ErrorCode::RechargeNotPending,
            format!("this recharge already ended: {}", r.status),
        )
        .with("status", r.status)
        .into(),
        Err(e) => e,
    }
}

/// The recharge's reserved bonus, credited with it or given back to its campaign
/// (`super::bonuses::settle`); the bonus it ends with. A bonus the wallet's bound cannot
/// take (checked before anything is posted) goes back, and the recharge then shows none.
async fn settle_bonus(
    tx: &mut crate::store::db::Tx,
    r: &Recharge,
    succeeded: bool,
) -> Result<Money, ServerError> {
    let Some(campaign) = &r.campaign_id else {
        return Ok(r.bonus);
    };
    let wallet = WalletRef::new(&r.shopper_id, r.livemode);
    let held = ledger::balance(&mut **tx, &ledger::wallet_held(wallet), "").await?;
    let available = ledger::balance(&mut **tx, &ledger::wallet_available(wallet), "").await?;
    let fits = available
        .saturating_add(held)
        .saturating_add(r.bonus.minor())
        <= Money::max_minor(r.bonus.currency());
    let credited = succeeded && fits;
    // A refusal after this check (a race) fails the whole settlement: nothing commits.
    super::bonuses::settle(tx, &r.id, (campaign.as_str(), r.bonus), wallet, credited).await?;
    if succeeded && !fits {
        sqlx::query(
            "UPDATE recharges SET bonus = 0, campaign_id = NULL WHERE id = $1 AND livemode = $2",
        )
        .bind(&r.id)
        .bind(i64::from(r.livemode))
        .execute(&mut **tx)
        .await?;
        return Ok(Money::zero(r.bonus.currency()));
    }
    Ok(r.bonus)
}
