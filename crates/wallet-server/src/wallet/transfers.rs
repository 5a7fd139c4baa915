//! Transfers between wallets (DESIGN.md *The shopper's wallet*): a balance cannot be cashed
//! out, but it can be given to another user of the same currency. One ledger transaction
//! (kind `transfer`) from the sender's available account to the recipient's; the
//! transfer's id comes from the confirmation form, so a resubmitted form moves nothing more.

use checkout_core::{Amount, ErrorCode, Money};

use crate::error::{ApiError, ServerError};
use crate::store::db::Db;
use crate::store::ledger::{self, Kind, LedgerError, WalletRef};
use crate::store::stored::money;
use crate::util::now;
use crate::wallet::accounts::wallet_currency;

/// A transfer checked and ready to confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub from: String,
    pub to: String,
    /// Both wallets' mode: money never crosses modes.
    pub livemode: bool,
    /// Major units in the wallets' currency.
    pub amount: Money,
    /// The name the recipient shows to payers, when they set one.
    pub payee_name: Option<String>,
}

impl Transfer {
    /// The sender's wallet.
    #[must_use]
    pub fn sender(&self) -> WalletRef<'_> {
        WalletRef::new(&self.from, self.livemode)
    }
}

/// The recipient's wallet id as shown back for confirmation: its first two and last two
/// characters, the rest as `•` (`shopper_new` → `sh•••••••ew`); ids of four characters or
/// fewer keep only their first.
#[must_use]
pub fn masked(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let n = chars.len();
    if n <= 4 {
        return chars
            .iter()
            .enumerate()
            .map(|(i, c)| if i == 0 { *c } else { '•' })
            .collect();
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < 2 || i >= n - 2 { *c } else { '•' })
        .collect()
}

/// Checks a transfer before the shopper confirms it.
///
/// # Errors
/// 400 `invalid_request` at `to` (the shopper's own wallet, or a wallet in another
/// currency) or `amount` (zero, too many digits); 404 `wallet_not_found` for an unknown
/// recipient, also one of the other mode. The balance is checked by [`affordable`] and
/// [`execute`].
pub async fn check(
    db: &Db,
    from: WalletRef<'_>,
    to: &str,
    amount: Amount,
) -> Result<Transfer, ServerError> {
    let (livemode, from) = (from.livemode, from.shopper);
    let to = to.trim();
    let mine = wallet_currency(db, WalletRef::new(from, livemode))
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::WalletNotFound, "no wallet is signed in"))?;
    if to == from {
        return Err(
            ApiError::field("to", "is your own wallet; enter the recipient's wallet id").into(),
        );
    }
    let theirs = wallet_currency(db, WalletRef::new(to, livemode))
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::WalletNotFound,
                "no wallet has this id; check the recipient's wallet id",
            )
            .with("path", "to")
        })?;
    if theirs != mine {
        return Err(ApiError::field(
            "to",
            format!("this wallet holds {theirs}, yours holds {mine}: only the same currency can be given"),
        )
        .into());
    }
    let amount = amount
        .in_currency(mine)
        .map_err(|e| ApiError::field("amount", e.to_string()))?;
    if amount.is_zero() {
        return Err(ApiError::field("amount", "must be above zero").into());
    }
    let payee_name: Option<Option<String>> = sqlx::query_scalar(
        "SELECT display_name FROM wallets WHERE shopper_id = $1 AND livemode = $2",
    )
    .bind(to)
    .bind(i64::from(livemode))
    .fetch_optional(&db.pool)
    .await?;
    Ok(Transfer {
        from: from.to_owned(),
        to: to.to_owned(),
        livemode,
        amount,
        payee_name: payee_name.flatten(),
    })
}

/// Whether confirming `tr` asks for a step-up (DESIGN.md *The shopper's account*): the
/// sender never paid this payee before, or it is more than `above` (major units).
///
/// # Errors
/// The database's.
pub async fn needs_step_up(db: &Db, tr: &Transfer, above: Amount) -> Result<bool, ServerError> {
    if Amount::from(tr.amount) > above {
        return Ok(true);
    }
    let paid_before: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM transfers WHERE from_id = $1 AND to_id = $2 AND livemode = $3",
    )
    .bind(&tr.from)
    .bind(&tr.to)
    .bind(i64::from(tr.livemode))
    .fetch_one(&db.pool)
    .await?;
    Ok(paid_before == 0)
}

/// A name as payers see it before confirming: its first character, the rest as `*`
/// (`张三丰` → `张**`, `Mia Wong` → `M*******`).
#[must_use]
pub fn masked_name(name: &str) -> String {
    name.chars()
        .enumerate()
        .map(|(i, c)| if i == 0 { c } else { '*' })
        .collect()
}

/// Sets the name the wallet's owner shows to payers: 1 to 20 characters after trimming,
/// no control characters.
///
/// # Errors
/// 400 `invalid_request` at `display_name`; the database's.
pub async fn set_display_name(
    db: &Db,
    wallet: WalletRef<'_>,
    name: &str,
) -> Result<(), ServerError> {
    let name = name.trim();
    let n = name.chars().count();
    if !(1..=20).contains(&n) || name.chars().any(char::is_control) {
        return Err(ApiError::field("display_name", "must be 1 to 20 characters").into());
    }
    sqlx::query("UPDATE wallets SET display_name = $3 WHERE shopper_id = $1 AND livemode = $2")
        .bind(wallet.shopper)
        .bind(i64::from(wallet.livemode))
        .bind(name)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Whether the sender's available balance covers the transfer now (shown before the
/// confirmation; [`execute`] checks again in its transaction).
///
/// # Errors
/// 402 `insufficient_balance` with `balance`.
pub async fn affordable(db: &Db, t: &Transfer) -> Result<(), ServerError> {
    let available = ledger::balance(&db.pool, &ledger::wallet_available(t.sender()), "").await?;
    if t.amount.minor() > available {
        return Err(insufficient(money(available, t.amount.currency())?).into());
    }
    Ok(())
}

fn insufficient(available: Money) -> ApiError {
    ApiError::new(
        ErrorCode::InsufficientBalance,
        "the amount is more than your available balance",
    )
    .with("balance", available)
}

/// Moves the transfer under `id` (`tr_…`, made when the confirmation was shown). A second
/// call with the same id and transfer answers `Ok(false)` and moves nothing.
///
/// # Errors
/// 402 `insufficient_balance` when the available balance no longer covers it (checked by
/// the ledger's guarded update, so two transfers cannot overdraw); 400 `invalid_request`
/// when the recipient's balance would pass 10^13 major units; 422 `idempotency_conflict`
/// when `id` was used for another transfer.
pub async fn execute(db: &Db, id: &str, t: &Transfer) -> Result<bool, ServerError> {
    crate::store::retry::retrying("transfer", || execute_once(db, id, t)).await
}

/// One attempt of [`execute`], run again by [`crate::store::retry::retrying`].
async fn execute_once(db: &Db, id: &str, t: &Transfer) -> Result<bool, ServerError> {
    let at = now();
    let c = t.amount.currency();
    let mut tx = db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO transfers (id, from_id, to_id, currency, amount, created_at, livemode) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(&t.from)
    .bind(&t.to)
    .bind(c.code())
    .bind(t.amount.minor())
    .bind(at)
    .bind(i64::from(t.livemode))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        tx.rollback().await?;
        let same: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT from_id, to_id, amount FROM transfers WHERE id = $1 AND livemode = $2",
        )
        .bind(id)
        .bind(i64::from(t.livemode))
        .fetch_optional(&db.pool)
        .await?;
        return match same {
            Some((f, to, a)) if f == t.from && to == t.to && a == t.amount.minor() => Ok(false),
            _ => Err(ApiError::new(
                ErrorCode::IdempotencyConflict,
                "this confirmation was used for another transfer; start the transfer again",
            )
            .into()),
        };
    }
    let from = ledger::wallet_available(t.sender());
    let to = WalletRef::new(&t.to, t.livemode);
    match ledger::deposit(&mut tx, Kind::Transfer, id, &from, to, t.amount, at).await {
        Ok(()) => {}
        Err(LedgerError::Insufficient { account }) => {
            tx.rollback().await?;
            if account == from.id {
                let left = ledger::balance(&db.pool, &from, "").await?;
                return Err(insufficient(money(left, c)?).into());
            }
            return Err(ApiError::field(
                "amount",
                "would take the recipient's balance past the maximum of 10^13 major units",
            )
            .into());
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    tracing::info!(transfer = %id, "transfer made");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::masked;

    #[test]
    fn the_recipient_is_shown_masked() {
        assert_eq!(masked("shopper_new"), "sh•••••••ew");
        assert_eq!(masked("abcde"), "ab•de");
        assert_eq!(masked("abcd"), "a•••");
        assert_eq!(masked("钱包用户甲乙"), "钱包••甲乙");
    }
}
