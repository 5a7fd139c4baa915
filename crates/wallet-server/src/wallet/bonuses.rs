//! Recharge bonuses (DESIGN.md *Promotions*): the operator's `recharge_promotions`, each
//! with a budget per mode in its own ledger account (`campaign:<mode>:<id>:<currency>`,
//! never below zero). The bonus is the core's rule (`RechargePromotion::bonus`); here it is
//! reserved when the shopper confirms a recharge (all or nothing, against `remaining` in
//! a guarded UPDATE, so parallel recharges never overspend), credited as a `reward` in the
//! recharge's own transaction when it succeeds, and given back to the budget when it fails.

use checkout_core::{Currency, Method, Money, RechargePromotion, RechargeStatus};

use crate::config::promotions::recharge_in_force;
use crate::error::ServerError;
use crate::store::db::{Db, Tx};
use crate::store::ledger::{self, Kind, LedgerError, WalletRef};

/// The campaign's budget in minor units of its currency.
fn budget_minor(p: &RechargePromotion) -> Result<i64, ServerError> {
    p.budget
        .in_currency(p.currency)
        .map(Money::minor)
        .map_err(|e| ServerError::internal("campaign budget", e))
}

/// At start: each campaign's budget row and ledger account in both modes, funded from the
/// operator's promotions account. A budget raised in the configuration adds the
/// difference; a lowered one is kept (what was promised stays payable) and logged.
///
/// # Errors
/// The database's.
pub async fn sync(db: &Db, campaigns: &[RechargePromotion]) -> Result<(), ServerError> {
    for p in campaigns {
        let budget = budget_minor(p)?;
        for livemode in [false, true] {
            let mut tx = db.begin().await?;
            let known: Option<i64> = sqlx::query_scalar(
                "SELECT budget FROM recharge_campaigns WHERE id = $1 AND livemode = $2",
            )
            .bind(&p.id)
            .bind(i64::from(livemode))
            .fetch_optional(&mut *tx)
            .await?;
            let added = budget - known.unwrap_or(0);
            // Guarded, so that replicas starting together fund a budget once.
            let changed = if known.is_none() {
                sqlx::query(
                    "INSERT INTO recharge_campaigns (id, livemode, currency, budget, remaining) \
                     VALUES ($1, $2, $3, $4, $4) ON CONFLICT (id, livemode) DO NOTHING",
                )
                .bind(&p.id)
                .bind(i64::from(livemode))
                .bind(p.currency.code())
                .bind(budget)
                .execute(&mut *tx)
                .await?
                .rows_affected()
            } else if added > 0 {
                sqlx::query(
                    "UPDATE recharge_campaigns SET remaining = remaining + ($3 - budget), \
                     budget = $3 WHERE id = $1 AND livemode = $2 AND budget < $3",
                )
                .bind(&p.id)
                .bind(i64::from(livemode))
                .bind(budget)
                .execute(&mut *tx)
                .await?
                .rows_affected()
            } else {
                if added < 0 {
                    tracing::warn!(campaign = %p.id, "a recharge campaign's budget is never lowered; the larger one stays");
                }
                0
            };
            if changed == 1 && added > 0 {
                fund(&mut tx, p, livemode, added).await?;
            }
            tx.commit().await?;
        }
    }
    Ok(())
}

async fn fund(
    tx: &mut Tx,
    p: &RechargePromotion,
    livemode: bool,
    minor: i64,
) -> Result<(), ServerError> {
    let amount = Money::from_minor(minor, p.currency)
        .map_err(|e| ServerError::internal("campaign budget", e))?;
    ledger::transfer(
        tx,
        Kind::CampaignFunding,
        &p.id,
        &ledger::promotions(p.currency, livemode),
        &ledger::campaign(&p.id, p.currency, livemode),
        amount,
        crate::util::now(),
    )
    .await?;
    Ok(())
}

/// A campaign a recharge may earn from now, with what is left of its budget (minor units)
/// in the wallet's mode.
#[derive(Debug, Clone)]
pub struct Offer {
    pub campaign: RechargePromotion,
    pub remaining: i64,
}

/// The campaigns in force now for a wallet's currency, with their remaining budgets (for
/// the recharge page, which shows them before the shopper confirms).
///
/// # Errors
/// The database's.
pub async fn offers(
    db: &Db,
    campaigns: &[RechargePromotion],
    currency: Currency,
    livemode: bool,
) -> Result<Vec<Offer>, ServerError> {
    let now = crate::util::now();
    let mut out = Vec::new();
    for p in campaigns
        .iter()
        .filter(|p| p.currency == currency && recharge_in_force(p, now))
    {
        let remaining: Option<i64> = sqlx::query_scalar(
            "SELECT remaining FROM recharge_campaigns WHERE id = $1 AND livemode = $2",
        )
        .bind(&p.id)
        .bind(i64::from(livemode))
        .fetch_optional(&db.pool)
        .await?;
        out.push(Offer {
            campaign: p.clone(),
            remaining: remaining.unwrap_or(0),
        });
    }
    Ok(out)
}

/// Inside the transaction that creates recharge `amount` by `method` for `wallet`: the
/// bonus of the campaign in force that gives the most and whose budget can pay all of it,
/// reserved from that budget; `None` when none can (all or nothing: no partial bonus). The wallet's row is locked first (PostgreSQL), so
/// one wallet's parallel recharges see each other's reservations against its cap.
///
/// # Errors
/// The database's.
pub async fn reserve(
    tx: &mut Tx,
    (db, campaigns): (&Db, &[RechargePromotion]),
    wallet: WalletRef<'_>,
    amount: Money,
    method: Method,
) -> Result<Option<(String, Money)>, ServerError> {
    let now = crate::util::now();
    let sql = format!(
        "SELECT shopper_id FROM wallets WHERE shopper_id = $1 AND livemode = $2{}",
        db.for_update()
    );
    sqlx::query(&sql)
        .bind(wallet.shopper)
        .bind(i64::from(wallet.livemode))
        .fetch_optional(&mut **tx)
        .await?;
    let mut candidates: Vec<(String, Money)> = Vec::new();
    for p in campaigns.iter().filter(|p| recharge_in_force(p, now)) {
        let granted: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(bonus), 0) AS BIGINT) FROM recharges \
             WHERE shopper_id = $1 AND livemode = $2 AND campaign_id = $3 \
             AND status IN ($4, $5)",
        )
        .bind(wallet.shopper)
        .bind(i64::from(wallet.livemode))
        .bind(&p.id)
        .bind(RechargeStatus::Pending.code())
        .bind(RechargeStatus::Succeeded.code())
        .fetch_one(&mut **tx)
        .await?;
        let granted = Money::from_minor(granted, p.currency)
            .map_err(|e| ServerError::internal("granted bonus", e))?;
        let bonus = p
            .bonus(amount, method, granted)
            .map_err(|e| ServerError::internal("recharge bonus", e))?;
        if !bonus.is_zero() {
            candidates.push((p.id.clone(), bonus));
        }
    }
    // The largest bonus first; a campaign whose budget cannot pay it gives way to the next.
    candidates.sort_by_key(|c| std::cmp::Reverse(c.1.value()));
    for (id, bonus) in candidates {
        let reserved = sqlx::query(
            "UPDATE recharge_campaigns SET remaining = remaining - $3 \
             WHERE id = $1 AND livemode = $2 AND remaining >= $3",
        )
        .bind(&id)
        .bind(i64::from(wallet.livemode))
        .bind(bonus.minor())
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if reserved == 1 {
            return Ok(Some((id, bonus)));
        }
    }
    Ok(None)
}

/// Inside the transaction that settles recharge `reference`: its reserved bonus credited
/// to the wallet from the campaign's account when it succeeded, else given back to the
/// campaign's remaining budget.
///
/// # Errors
/// [`LedgerError`] when the deposit would pass the wallet's bound; the database's.
pub async fn settle(
    tx: &mut Tx,
    reference: &str,
    (campaign, bonus): (&str, Money),
    wallet: WalletRef<'_>,
    succeeded: bool,
) -> Result<(), LedgerError> {
    if bonus.is_zero() {
        return Ok(());
    }
    if succeeded {
        let from = ledger::campaign(campaign, bonus.currency(), wallet.livemode);
        return ledger::deposit(
            tx,
            Kind::Reward,
            reference,
            &from,
            wallet,
            bonus,
            crate::util::now(),
        )
        .await;
    }
    sqlx::query(
        "UPDATE recharge_campaigns SET remaining = remaining + $3 WHERE id = $1 AND livemode = $2",
    )
    .bind(campaign)
    .bind(i64::from(wallet.livemode))
    .bind(bonus.minor())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
