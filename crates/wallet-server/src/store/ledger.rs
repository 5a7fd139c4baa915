//! The double-entry ledger. Every movement is one ledger transaction whose entries sum to
//! zero; each entry changes its account's `balance` in the same database transaction,
//! through an UPDATE that refuses to take a wallet or merchant account below zero (and a
//! CHECK constraint on the column refuses it again should a query ever forget).
//!
//! Every account has a mode (`accounts.livemode`, DESIGN.md *Test and live mode*): a
//! wallet's accounts that of the wallet, the others the mode in their id. Each query below
//! names the account by id **and** mode, so a posting of one mode can never touch an
//! account of the other (it finds no row and is refused).
//!
//! Accounts (`<mode>` is `test` or `live`):
//! - `wallet:<shopper>:available` — what the shopper can spend;
//! - `wallet:<shopper>:held` — balance reserved while a second method runs;
//! - `merchant:<mode>:<id>:<currency>` — the merchant's settlement: what it was paid;
//! - `external:<mode>:<method>:<currency>` — money entering or leaving through a payment
//!   method (test top-ups, second-method legs and their refunds); these go negative by design;
//! - `operator:<mode>:promotions:<currency>` — what the operator gave as rewards (negative
//!   by design, like an external account);
//! - `operator:live:funding:<currency>` — what the operator paid into live wallets by hand
//!   (an admin top-up with a `reason`), negative by design.

use checkout_core::{Currency, Method, Money};

use crate::store::db::Tx;

pub use super::mode::{mode_name, WalletRef};
pub use crate::error::LedgerError;

checkout_core::wire_enum! {
    /// What a ledger transaction records (`ledger_transactions.kind`).
    pub enum Kind {
        /// Balance paid to the merchant at once (no second method).
        Payment = "payment",
        /// Balance reserved while the second method runs (available → held).
        Hold = "hold",
        /// A hold paid to the merchant when the second method succeeded.
        Capture = "capture",
        /// The second method's leg, from its external account to the merchant.
        SecondMethod = "second_method",
        /// A hold given back (held → available).
        Release = "release",
        /// A refund's balance share back to the wallet.
        Refund = "refund",
        /// A refund's second-method share back to its external account.
        RefundOther = "refund_other",
        /// A recharge from a payment method.
        TopUp = "top_up",
        /// Balance given by one wallet to another of the same currency.
        Transfer = "transfer",
        /// Balance credited by the operator as a promotion (a recharge bonus included).
        Reward = "reward",
        /// A recharge campaign's budget, from the operator's promotions account into the
        /// campaign's own.
        CampaignFunding = "campaign_funding",
    }
}

checkout_core::wire_enum! {
    /// What an account is (`accounts.kind`).
    pub enum AccountKind {
        WalletAvailable = "wallet_available",
        WalletHeld = "wallet_held",
        MerchantSettlement = "merchant_settlement",
        External = "external",
        /// A recharge campaign's budget: never below zero.
        Campaign = "campaign",
    }
}

impl AccountKind {
    fn may_go_negative(self) -> bool {
        self == AccountKind::External
    }
}

/// An account with its kind and mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub kind: AccountKind,
    pub livemode: bool,
}

#[must_use]
pub fn wallet_available(wallet: WalletRef<'_>) -> Account {
    Account {
        id: format!("wallet:{}:available", wallet.shopper),
        kind: AccountKind::WalletAvailable,
        livemode: wallet.livemode,
    }
}

#[must_use]
pub fn wallet_held(wallet: WalletRef<'_>) -> Account {
    Account {
        id: format!("wallet:{}:held", wallet.shopper),
        kind: AccountKind::WalletHeld,
        livemode: wallet.livemode,
    }
}

#[must_use]
pub fn merchant_settlement(merchant: &str, currency: Currency, livemode: bool) -> Account {
    Account {
        id: format!("merchant:{}:{merchant}:{currency}", mode_name(livemode)),
        kind: AccountKind::MerchantSettlement,
        livemode,
    }
}

#[must_use]
pub fn external(method: Method, currency: Currency, livemode: bool) -> Account {
    Account {
        id: format!(
            "external:{}:{}:{currency}",
            mode_name(livemode),
            method.code()
        ),
        kind: AccountKind::External,
        livemode,
    }
}

/// The operator's promotions account, the source of rewards.
#[must_use]
pub fn promotions(currency: Currency, livemode: bool) -> Account {
    Account {
        id: format!("operator:{}:promotions:{currency}", mode_name(livemode)),
        kind: AccountKind::External,
        livemode,
    }
}

/// A recharge campaign's budget account (`crate::wallet::bonuses`).
#[must_use]
pub fn campaign(id: &str, currency: Currency, livemode: bool) -> Account {
    Account {
        id: format!("campaign:{}:{id}:{currency}", mode_name(livemode)),
        kind: AccountKind::Campaign,
        livemode,
    }
}

/// The operator's funding account: the source of a live admin top-up (money the operator
/// received outside the wallet, e.g. a goodwill credit it pays for). Live only: a test
/// top-up comes from a method's test external account.
#[must_use]
pub fn funding(currency: Currency) -> Account {
    Account {
        id: format!("operator:live:funding:{currency}"),
        kind: AccountKind::External,
        livemode: true,
    }
}

/// Far inside i64 for every account: every entry is at most 10^16 minor units.
///
/// A wallet account is bounded by this too, not by the money bound: what the wallet is
/// owed back (a released hold, a refund's balance share) must never be refused, and a
/// refund after a top-up may take the wallet past 10^13 major units. The money bound is a
/// limit on *deposits*, checked by [`deposit`] against available + held.
const OTHER_CEILING: i64 = 4_000_000_000_000_000_000;

/// Moves `amount` from `from` (a payment method's external account for a `TopUp`, the
/// promotions account for a `Reward`, another wallet's available account for a
/// `Transfer`) to the wallet's available account, refused when it would take the wallet's available plus
/// held balance past the money bound (10^13 major units).
///
/// The held balance is read in the transaction and the bound on the available account is
/// checked by the posting's guarded UPDATE, so concurrent top-ups cannot both pass it. (A
/// hold committed in between moves money from available to held and leaves the sum as it
/// was; at worst this deposit then passes the bound by that hold, which stays representable.)
///
/// # Errors
/// [`LedgerError::Insufficient`] naming the available account when the deposit would pass
/// the bound; the database's.
pub async fn deposit(
    tx: &mut Tx,
    kind: Kind,
    reference: &str,
    from: &Account,
    wallet: WalletRef<'_>,
    amount: Money,
    now: i64,
) -> Result<(), LedgerError> {
    let minor = amount.minor();
    if minor == 0 {
        return Ok(());
    }
    let currency = amount.currency();
    let held = balance(&mut **tx, &wallet_held(wallet), "").await?;
    let ceiling = Money::max_minor(currency).saturating_sub(held);
    let legs = [(from.clone(), -minor), (wallet_available(wallet), minor)];
    post_within(tx, kind, reference, currency, &legs, now, ceiling).await
}

/// Moves `amount` from `from` to `to` as one ledger transaction of two entries.
///
/// # Errors
/// [`LedgerError::Insufficient`] when `from` would go below zero or `to` past its bound.
pub async fn transfer(
    tx: &mut Tx,
    kind: Kind,
    reference: &str,
    from: &Account,
    to: &Account,
    amount: Money,
    now: i64,
) -> Result<(), LedgerError> {
    let minor = amount.minor();
    if minor == 0 {
        return Ok(());
    }
    post(
        tx,
        kind,
        reference,
        amount.currency(),
        &[(from.clone(), -minor), (to.clone(), minor)],
        now,
    )
    .await
}

/// Posts one balanced ledger transaction: `legs` are (account, signed minor units) and
/// must sum to zero.
///
/// # Errors
/// [`LedgerError::Insufficient`] when a wallet or merchant account would go below zero;
/// [`LedgerError::Unbalanced`] when the legs do not sum to zero; the database's.
pub async fn post(
    tx: &mut Tx,
    kind: Kind,
    reference: &str,
    currency: Currency,
    legs: &[(Account, i64)],
    now: i64,
) -> Result<(), LedgerError> {
    post_within(tx, kind, reference, currency, legs, now, OTHER_CEILING).await
}

/// [`post`] with `wallet_ceiling`: the most (in minor units) the wallet's available account
/// may hold after the posting.
async fn post_within(
    tx: &mut Tx,
    kind: Kind,
    reference: &str,
    currency: Currency,
    legs: &[(Account, i64)],
    now: i64,
    wallet_ceiling: i64,
) -> Result<(), LedgerError> {
    let mut sum: i64 = 0;
    for (_, delta) in legs {
        sum = sum.checked_add(*delta).ok_or(LedgerError::Unbalanced)?;
    }
    if sum != 0 {
        return Err(LedgerError::Unbalanced);
    }
    let txn_id = crate::util::random_id("lt_", 24);
    sqlx::query(
        "INSERT INTO ledger_transactions (id, kind, reference, currency, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&txn_id)
    .bind(kind.code())
    .bind(reference)
    .bind(currency.code())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    for (account, delta) in legs {
        if *delta != 0 {
            post_leg(tx, &txn_id, currency, account, *delta, now, wallet_ceiling).await?;
        }
    }
    Ok(())
}

/// One leg of a posting: the account (created on first use) moves by `delta` within its
/// floor and ceiling, and the entry records its balance after.
async fn post_leg(
    tx: &mut Tx,
    txn_id: &str,
    currency: Currency,
    account: &Account,
    delta: i64,
    now: i64,
    wallet_ceiling: i64,
) -> Result<(), LedgerError> {
    sqlx::query(
        "INSERT INTO accounts (id, kind, currency, may_go_negative, balance, created_at, livemode) \
         VALUES ($1, $2, $3, $4, 0, $5, $6) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&account.id)
    .bind(account.kind.code())
    .bind(currency.code())
    .bind(i64::from(account.kind.may_go_negative()))
    .bind(now)
    .bind(i64::from(account.livemode))
    .execute(&mut **tx)
    .await?;
    let (floor, ceiling) = match account.kind {
        AccountKind::External => (-OTHER_CEILING, OTHER_CEILING),
        // Money owed back is never refused: the deposit bound comes from `deposit`.
        AccountKind::WalletAvailable => (0, wallet_ceiling),
        AccountKind::WalletHeld | AccountKind::MerchantSettlement | AccountKind::Campaign => {
            (0, OTHER_CEILING)
        }
    };
    // The guard in SQL, not only in code: concurrent postings cannot both pass it. An
    // account of the other mode is no row here: the posting is refused.
    let balance_after: Option<i64> = sqlx::query_scalar(
        "UPDATE accounts SET balance = balance + $1 \
         WHERE id = $2 AND currency = $3 AND balance + $1 >= $4 AND balance + $1 <= $5 \
         AND livemode = $6 RETURNING balance",
    )
    .bind(delta)
    .bind(&account.id)
    .bind(currency.code())
    .bind(floor)
    .bind(ceiling)
    .bind(i64::from(account.livemode))
    .fetch_optional(&mut **tx)
    .await?;
    let Some(balance_after) = balance_after else {
        return Err(LedgerError::Insufficient {
            account: account.id.clone(),
        });
    };
    sqlx::query(
        "INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(txn_id)
    .bind(&account.id)
    .bind(delta)
    .bind(balance_after)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The balance of an account in minor units (zero when it has never been used, or is an
/// account of the other mode).
pub async fn balance<'e, E>(exec: E, account: &Account, lock: &str) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!("SELECT balance FROM accounts WHERE id = $1 AND livemode = $2{lock}");
    let b: Option<i64> = sqlx::query_scalar(&sql)
        .bind(&account.id)
        .bind(i64::from(account.livemode))
        .fetch_optional(exec)
        .await?;
    Ok(b.unwrap_or(0))
}

/// Checks the books: every account's balance equals the sum of its entries, and the
/// accounts of each currency and mode sum to zero (no transaction crosses modes). Returns what is wrong (empty when consistent).
/// A full scan, so it runs once at start, not per request.
pub async fn audit(pool: &sqlx::AnyPool) -> Result<Vec<String>, sqlx::Error> {
    let mut problems = Vec::new();
    let drifted: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT a.id, a.balance, CAST(COALESCE(e.total, 0) AS BIGINT) FROM accounts a \
         LEFT JOIN (SELECT account_id, CAST(SUM(amount) AS BIGINT) AS total \
                    FROM ledger_entries GROUP BY account_id) e ON e.account_id = a.id \
         WHERE a.balance <> COALESCE(e.total, 0)",
    )
    .fetch_all(pool)
    .await?;
    for (id, balance, entries) in drifted {
        problems.push(format!(
            "account {id}: balance {balance} but its entries sum to {entries}"
        ));
    }
    let unbalanced: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT currency, livemode, CAST(SUM(balance) AS BIGINT) FROM accounts \
         GROUP BY currency, livemode HAVING SUM(balance) <> 0",
    )
    .fetch_all(pool)
    .await?;
    for (currency, livemode, sum) in unbalanced {
        let mode = mode_name(livemode != 0);
        problems.push(format!(
            "{currency} {mode} accounts sum to {sum} minor units instead of 0"
        ));
    }
    Ok(problems)
}
