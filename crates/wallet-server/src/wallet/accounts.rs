//! Wallets: creating one with its payment password, reading its balance, recharging it
//! ("top-up") and reading its ledger entries (DESIGN.md *Sessions, intents and
//! signatures* §7). A balance never expires and cannot go negative (the ledger).

use checkout_core::intent::validate_payment_password;
use checkout_core::{Amount, Currency, ErrorCode, Method, Money};
use sqlx::Row as _;

use crate::error::{ApiError, ServerError};
use crate::security::password::Passwords;
use crate::store::db::Db;
use crate::store::ledger::{self, Kind, LedgerError, WalletRef};
use crate::store::stored::{money, wallet_balance};
use crate::util::{now, random_id, rfc3339};
use crate::views::{
    Direction, LedgerEntryView, LedgerView, RewardView, TopUpView, WalletAccount, WalletAmount,
    WalletView,
};

/// A shopper id: 1–64 characters, no whitespace or control characters.
///
/// # Errors
/// 400 `invalid_request` at `path`.
pub fn check_shopper_id(path: &str, id: &str) -> Result<(), ApiError> {
    if id.is_empty()
        || id.chars().count() > 64
        || id.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ApiError::field(
            path,
            "must be 1 to 64 characters without spaces, e.g. \"shopper_123\"",
        ));
    }
    Ok(())
}

fn wallet_not_found() -> ApiError {
    ApiError::new(
        ErrorCode::WalletNotFound,
        "no wallet exists for this shopper; create it with POST /v1/wallets",
    )
}

/// The wallet's currency, or `None` when the shopper has no wallet of this mode (a wallet
/// of the other mode is no wallet here: DESIGN.md *Test and live mode*).
///
/// # Errors
/// The database's.
pub async fn wallet_currency(
    db: &Db,
    wallet: WalletRef<'_>,
) -> Result<Option<Currency>, ServerError> {
    let code: Option<String> =
        sqlx::query_scalar("SELECT currency FROM wallets WHERE shopper_id = $1 AND livemode = $2")
            .bind(wallet.shopper)
            .bind(i64::from(wallet.livemode))
            .fetch_optional(&db.pool)
            .await?;
    code.map(|c| crate::store::stored::currency(&c)).transpose()
}

/// Creates a wallet of the admin key's mode with a zero balance and, when given (test mode
/// only), its payment password's and login password's Argon2id hashes (keyed with the
/// pepper). Without a payment password the hash is empty and its shopper sets both through
/// an activation link (DESIGN.md *Test and live mode*; `super::activation`).
///
/// # Errors
/// 400 `invalid_request` for a bad shopper id, a bad payment password or a weak login
/// password, or a live wallet with either; 409 `wallet_exists` when the id is taken in
/// either mode.
pub async fn create_wallet(
    db: &Db,
    passwords: &Passwords,
    wallet: WalletRef<'_>,
    currency: Currency,
    (password, login): (Option<&str>, Option<&str>),
) -> Result<(), ServerError> {
    let shopper = wallet.shopper;
    check_shopper_id("shopper_id", shopper)?;
    let refuse = |path: &str| {
        ApiError::field(
            path,
            "a live admin key may not set passwords: leave it out; the shopper sets them",
        )
    };
    if wallet.livemode {
        if password.is_some() {
            return Err(refuse("payment_password").into());
        }
        if login.is_some() {
            return Err(refuse("login_password").into());
        }
    }
    if login.is_some() && password.is_none() {
        // The activation link would be refused (the login is set): the PIN could never be.
        return Err(ApiError::field(
            "payment_password",
            "is required with login_password; or leave both out for an activation link",
        )
        .into());
    }
    if let Some(login) = login {
        crate::security::login::check_strength(login, shopper, "login_password")?;
    }
    let (hash, pepper_id) = match password {
        None => (String::new(), None),
        Some(password) => {
            validate_payment_password(password).map_err(|e| ApiError::invalid(&e))?;
            let (hash, pepper_id) = passwords.hash(password.to_owned()).await?;
            (hash, Some(pepper_id))
        }
    };
    let inserted = sqlx::query(
        "INSERT INTO wallets (shopper_id, currency, password_hash, pepper_id, failed_attempts, created_at, livemode) \
         VALUES ($1, $2, $3, $4, 0, $5, $6) ON CONFLICT (shopper_id) DO NOTHING",
    )
    .bind(shopper)
    .bind(currency.code())
    .bind(hash)
    .bind(pepper_id)
    .bind(now())
    .bind(i64::from(wallet.livemode))
    .execute(&db.pool)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(ApiError::new(
            ErrorCode::WalletExists,
            "this shopper already has a wallet; read it with GET /v1/wallets/{shopper_id}",
        )
        .into());
    }
    if let Some(login) = login {
        crate::security::login::set(db, passwords, wallet, login, "login_password").await?;
    }
    tracing::info!(shopper = %shopper, %currency, "wallet created");
    Ok(())
}

/// The wallet's available and held balance.
///
/// # Errors
/// 404 `wallet_not_found`, also for a wallet of the other mode.
pub async fn wallet_view(db: &Db, wallet: WalletRef<'_>) -> Result<WalletView, ServerError> {
    let c = wallet_currency(db, wallet)
        .await?
        .ok_or_else(wallet_not_found)?;
    let available = ledger::balance(&db.pool, &ledger::wallet_available(wallet), "").await?;
    let held = ledger::balance(&db.pool, &ledger::wallet_held(wallet), "").await?;
    Ok(WalletView {
        shopper_id: wallet.shopper.to_owned(),
        livemode: wallet.livemode,
        currency: c,
        balance: WalletAmount(wallet_balance(available, c)?),
        held: WalletAmount(wallet_balance(held, c)?),
    })
}

/// Where an admin top-up's money comes from: in test mode a method's test external
/// account; in live mode the operator's funding account, with the operator's `reason`.
#[derive(Debug, Clone)]
pub enum TopUpSource {
    Test(Method),
    Live { method: Method, reason: String },
}

/// Recharges the wallet by `amount` (major units, in the wallet's currency) as one ledger
/// transaction of kind `top_up`: from the method's test external account, or for a live
/// wallet from the operator's funding account (`operator:live:funding:<currency>`).
///
/// # Errors
/// 404 `wallet_not_found` (also for a wallet of the other mode); 400 `invalid_request` at
/// `amount` when it is zero, has more digits than the currency or would take the available
/// plus held balance past 10^13 major units.
pub async fn credit(
    db: &Db,
    wallet: WalletRef<'_>,
    amount: Amount,
    source: &TopUpSource,
) -> Result<TopUpView, ServerError> {
    let method = match source {
        TopUpSource::Test(method) | TopUpSource::Live { method, .. } => *method,
    };
    let (id, amount, at) = deposit(db, wallet, amount, Kind::TopUp, "tu_", |c| match source {
        TopUpSource::Test(method) => ledger::external(*method, c, false),
        TopUpSource::Live { .. } => ledger::funding(c),
    })
    .await?;
    match source {
        TopUpSource::Live { reason, .. } => {
            tracing::info!(shopper = %wallet.shopper, top_up = %id, %reason, "live wallet funded by the operator");
        }
        TopUpSource::Test(_) => {
            tracing::info!(shopper = %wallet.shopper, top_up = %id, "wallet topped up")
        }
    }
    Ok(TopUpView {
        wallet: wallet_view(db, wallet).await?,
        id,
        amount,
        method,
        created_at: rfc3339(at),
    })
}

/// Credits `amount` (major units) as a promotion from the operator (ledger kind `reward`,
/// from `operator:promotions:<currency>`): the history shows it as a reward.
///
/// # Errors
/// As [`credit`].
pub async fn reward(
    db: &Db,
    wallet: WalletRef<'_>,
    amount: Amount,
) -> Result<RewardView, ServerError> {
    let (id, amount, at) = deposit(db, wallet, amount, Kind::Reward, "rw_", |c| {
        ledger::promotions(c, wallet.livemode)
    })
    .await?;
    tracing::info!(shopper = %wallet.shopper, reward = %id, "reward credited");
    Ok(RewardView {
        wallet: wallet_view(db, wallet).await?,
        id,
        amount,
        created_at: rfc3339(at),
    })
}

/// One deposit into the wallet's available account from `source(currency)`; returns its
/// id (`prefix…`), the amount in the wallet's currency and when (unix seconds).
async fn deposit(
    db: &Db,
    wallet: WalletRef<'_>,
    amount: Amount,
    kind: Kind,
    prefix: &str,
    source: impl FnOnce(Currency) -> ledger::Account,
) -> Result<(String, Money, i64), ServerError> {
    let c = wallet_currency(db, wallet)
        .await?
        .ok_or_else(wallet_not_found)?;
    let amount = amount
        .in_currency(c)
        .map_err(|e| ApiError::field("amount", e.to_string()))?;
    if amount.is_zero() {
        return Err(ApiError::field("amount", "must be above zero").into());
    }
    let id = random_id(prefix, 24);
    let now = now();
    let from = source(c);
    crate::store::retry::retrying("deposit", || async {
        let mut tx = db.begin().await?;
        match ledger::deposit(&mut tx, kind, &id, &from, wallet, amount, now).await {
            Ok(()) => Ok(tx.commit().await?),
            Err(LedgerError::Insufficient { .. }) => {
                tx.rollback().await?;
                Err(ApiError::field(
                    "amount",
                    "would take the wallet's balance plus what is held past the maximum of \
                     10^13 major units; credit less",
                )
                .into())
            }
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    Ok((id, amount, now))
}

/// Changes the payment password: the new one (`new`, typed again as `confirm`) is checked
/// by `security::pin::check_new`, then the current one (the attempt counts towards the
/// five-attempt lock, as at checkout), then the new one is hashed.
///
/// # Errors
/// 400 `invalid_request` at `new_password` (not six digits, the current one, trivial for a
/// live wallet) or `confirm`; 403 `wrong_password`, 423 `password_locked`, 503
/// `server_busy` from the check.
pub async fn change_password(
    db: &Db,
    passwords: &Passwords,
    wallet: WalletRef<'_>,
    (current, new, confirm): (&str, &str, &str),
    lockout_secs: i64,
) -> Result<(), ServerError> {
    let livemode = wallet.livemode;
    crate::security::pin::check_new(new, confirm, Some(current), livemode, "new_password")?;
    crate::security::password::check(db, passwords, wallet, current, now(), lockout_secs).await?;
    let (hash, pepper_id) = passwords.hash(new.to_owned()).await?;
    sqlx::query(
        "UPDATE wallets SET password_hash = $2, pepper_id = $3 WHERE shopper_id = $1 AND livemode = $4",
    )
    .bind(wallet.shopper)
    .bind(hash)
    .bind(pepper_id)
    .bind(i64::from(wallet.livemode))
    .execute(&db.pool)
    .await?;
    tracing::info!(shopper = %wallet.shopper, "payment password changed");
    Ok(())
}

/// Every entry of the wallet's available and held accounts, oldest first.
///
/// # Errors
/// 404 `wallet_not_found`.
pub async fn ledger_view(db: &Db, wallet: WalletRef<'_>) -> Result<LedgerView, ServerError> {
    let c = wallet_currency(db, wallet)
        .await?
        .ok_or_else(wallet_not_found)?;
    let (available, held) = (
        ledger::wallet_available(wallet),
        ledger::wallet_held(wallet),
    );
    let rows = sqlx::query(
        "SELECT e.id, e.transaction_id, t.kind, t.reference, e.account_id, e.amount, e.balance_after, e.created_at \
         FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id \
         WHERE e.account_id = $1 OR e.account_id = $2 ORDER BY e.id",
    )
    .bind(&available.id)
    .bind(&held.id)
    .fetch_all(&db.pool)
    .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for r in rows {
        let amount: i64 = r.try_get("amount")?;
        let account: String = r.try_get("account_id")?;
        entries.push(LedgerEntryView {
            id: r.try_get("id")?,
            transaction_id: r.try_get("transaction_id")?,
            kind: r.try_get("kind")?,
            reference: r.try_get("reference")?,
            account: if account == available.id {
                WalletAccount::Available
            } else {
                WalletAccount::Held
            },
            direction: if amount > 0 {
                Direction::Credit
            } else {
                Direction::Debit
            },
            amount: money(amount.saturating_abs(), c)?,
            balance_after: WalletAmount(wallet_balance(r.try_get("balance_after")?, c)?),
            created_at: rfc3339(r.try_get("created_at")?),
        });
    }
    Ok(LedgerView {
        shopper_id: wallet.shopper.to_owned(),
        currency: c,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::check_shopper_id;

    #[test]
    fn a_shopper_id_is_one_to_64_characters_without_spaces() {
        assert!(check_shopper_id("shopper_id", "shopper_demo").is_ok());
        assert!(check_shopper_id("shopper_id", &"x".repeat(64)).is_ok());
        for bad in ["", "a b", "tab\there", &"x".repeat(65)] {
            let e = check_shopper_id("shopper_id", bad).expect_err(bad);
            assert_eq!(e.extra["path"], "shopper_id");
        }
    }
}
