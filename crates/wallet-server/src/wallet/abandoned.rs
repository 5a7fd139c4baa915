//! Recharges nobody finished. A test recharge still `pending` `recharge_ttl_secs` after it
//! began (the shopper closed the method's page) is settled by the sweeper as `abandoned`,
//! exactly as the sandbox provider's *abandon* button settles it: nothing is credited,
//! and its campaign bonus reservation goes back to the budget, so abandoned recharges
//! cannot park a campaign's money (docs/DESIGN-NOTES.md *Recharge bonuses*).

use checkout_core::{ErrorCode, RechargeStatus};

use super::recharges::{settle, Outcome};
use crate::error::ServerError;
use crate::store::db::Db;

/// Recharges one pass reads at most; the pass goes on while a batch abandons any.
const BATCH: i64 = 200;

/// Abandons every test recharge still `pending` that began at or before `before` (Unix
/// seconds); returns how many this call abandoned. A recharge settled meanwhile (its
/// method answered, or another replica's sweep took it) is left as it is: the move from
/// `pending` is conditional, so exactly one settlement wins. One that fails otherwise is
/// logged and skipped, so it cannot hold up the others; the next sweep tries it again.
///
/// # Errors
/// The database's, reading the pending recharges; the next sweep tries again.
pub async fn abandon_stale(db: &Db, before: i64) -> Result<usize, ServerError> {
    let mut abandoned = 0;
    loop {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM recharges WHERE status = $1 AND livemode = 0 AND created_at <= $2 \
             ORDER BY created_at LIMIT $3",
        )
        .bind(RechargeStatus::Pending.code())
        .bind(before)
        .bind(BATCH)
        .fetch_all(&db.pool)
        .await?;
        let mut this_batch = 0;
        for id in &ids {
            match settle(db, id, Outcome::Abandon).await {
                Ok(_) => this_batch += 1,
                Err(e) if e.code() == ErrorCode::RechargeNotPending => {}
                Err(e) => {
                    tracing::warn!(recharge = %id, error = %e, "could not abandon an unfinished recharge; the next sweep tries again");
                }
            }
        }
        abandoned += this_batch;
        if this_batch == 0 || ids.len() < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            return Ok(abandoned);
        }
    }
}
