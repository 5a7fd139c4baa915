//! A wallet's history in a shopper's words (DESIGN.md *The shopper's wallet*): every
//! movement of the available balance, newest first, read from the ledger and named by
//! what it was ("Paid Demo Shop", "Refund from Demo Shop", "Recharge via WeChat Pay"),
//! with a payment's order lines and the refunds made against it.

use checkout_core::{Currency, IntentStatus, Method, Money, Provider};
use serde::Deserialize;
use sqlx::Row as _;

use crate::error::ServerError;
use crate::store::db::Db;
use crate::store::ledger::{self, Kind};
use crate::store::stored::money;

/// Items on a page.
pub const PAGE: i64 = 20;

/// What a movement was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    /// Paid `merchant` from balance; `with` is the second method of a split payment and
    /// `status` where the payment is (a hold waits for its second method).
    Paid {
        merchant: String,
        with: Option<Method>,
        status: IntentStatus,
        /// Both parts of a split payment; `None` when the balance paid it all.
        split: Option<Split>,
    },
    /// A held payment to `merchant` was canceled; the hold came back.
    Returned { merchant: String },
    /// A refund from `merchant`.
    Refund { merchant: String },
    /// A recharge through `method` (`None`: an operator's credit of unknown method).
    Recharge { method: Option<Method> },
    /// Given to another wallet.
    TransferOut { to: String },
    /// Received from another wallet.
    TransferIn { from: String },
    /// A promotion credited by the operator.
    Reward,
    /// A recharge campaign's bonus, credited with its recharge.
    RechargeBonus,
    /// A movement this version does not name.
    Other,
}

/// The parts of a payment the balance paid only in part ("Paid Demo Shop ¥154.90: balance
/// ¥100.00 + card via the shop ¥54.90").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub total: Money,
    pub balance: Money,
    pub other: Money,
    /// The merchant's provider, once it captured a remainder it collected itself.
    pub provider: Option<Provider>,
    /// That provider's id of the payment, as the merchant sent it (shown escaped, on the
    /// entry's details only).
    pub reference: Option<String>,
}

/// One order line of a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub name: String,
    pub quantity: u32,
}

/// One movement of the available balance.
#[derive(Debug, Clone)]
pub struct Item {
    /// The ledger entry's id (the page cursor).
    pub entry: i64,
    pub activity: Activity,
    /// Signed: negative when the balance went down. Major units.
    pub amount: Money,
    pub credit: bool,
    /// Unix seconds.
    pub at: i64,
    /// The order's lines, for a payment.
    pub lines: Vec<Line>,
    /// Refunds made against a payment: (amount, unix seconds).
    pub refunds: Vec<(Money, i64)>,
    /// What the movement belongs to: the payment intent, refund, recharge or transfer id.
    pub reference: String,
}

/// A page of history, newest first; `older` is the cursor of the next page.
#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<Item>,
    pub older: Option<i64>,
}

#[derive(Deserialize)]
struct StoredCart {
    lines: Vec<StoredLine>,
}

#[derive(Deserialize)]
struct StoredLine {
    name: String,
    quantity: u32,
}

/// The movements of `shopper`'s available balance older than entry `before` (all when
/// `None`), [`PAGE`] at most.
///
/// # Errors
/// The database's; internal for corrupt stored amounts.
pub async fn page(
    db: &Db,
    wallet: ledger::WalletRef<'_>,
    currency: Currency,
    before: Option<i64>,
) -> Result<Page, ServerError> {
    let rows = sqlx::query(
        "SELECT e.id, e.amount, e.created_at, t.kind, t.reference, \
           (SELECT o.account_id FROM ledger_entries o \
            WHERE o.transaction_id = e.transaction_id AND o.account_id <> e.account_id \
            ORDER BY o.id LIMIT 1) AS counter \
         FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id \
         WHERE e.account_id = $1 AND e.id < $2 ORDER BY e.id DESC LIMIT $3",
    )
    .bind(ledger::wallet_available(wallet).id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(PAGE + 1)
    .fetch_all(&db.pool)
    .await?;
    let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > PAGE;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows
        .iter()
        .take(usize::try_from(PAGE).unwrap_or(usize::MAX))
    {
        let minor: i64 = r.try_get("amount")?;
        let kind: String = r.try_get("kind")?;
        let reference: String = r.try_get("reference")?;
        let counter: Option<String> = r.try_get("counter")?;
        let mut item = Item {
            entry: r.try_get("id")?,
            activity: Activity::Other,
            amount: money(minor.saturating_abs(), currency)?,
            credit: minor > 0,
            at: r.try_get("created_at")?,
            lines: Vec::new(),
            refunds: Vec::new(),
            reference: reference.clone(),
        };
        describe(
            db,
            &mut item,
            Kind::from_code(&kind),
            &reference,
            counter.as_deref(),
        )
        .await?;
        items.push(item);
    }
    let older = if more {
        items.last().map(|i| i.entry)
    } else {
        None
    };
    Ok(Page { items, older })
}

/// One movement of `shopper`'s available balance, by its ledger entry id; `None` when the
/// entry is not one of this wallet's (another wallet's, or no such entry).
///
/// # Errors
/// Those of [`page`].
pub async fn entry(
    db: &Db,
    wallet: ledger::WalletRef<'_>,
    currency: Currency,
    id: i64,
) -> Result<Option<Item>, ServerError> {
    // The page of entries up to this one, newest first: it leads with this one if it is
    // the wallet's.
    let page = page(db, wallet, currency, Some(id.saturating_add(1))).await?;
    Ok(page.items.into_iter().next().filter(|i| i.entry == id))
}

/// The wallet id of a `wallet:<id>:available` account.
fn wallet_of(account: Option<&str>) -> String {
    account
        .and_then(|a| a.strip_prefix("wallet:"))
        .and_then(|a| a.rsplit_once(':'))
        .map(|(id, _)| id.to_owned())
        .unwrap_or_default()
}

/// The method of an `external:<mode>:<method>:<currency>` account.
fn method_of(account: Option<&str>) -> Option<Method> {
    account
        .and_then(|a| a.strip_prefix("external:"))
        .and_then(|a| a.split(':').nth(1))
        .and_then(Method::from_code)
}

async fn describe(
    db: &Db,
    item: &mut Item,
    kind: Option<Kind>,
    reference: &str,
    counter: Option<&str>,
) -> Result<(), ServerError> {
    item.activity = match kind {
        Some(Kind::Payment | Kind::Hold) => {
            let Some(intent) = intent(db, reference).await? else {
                return Ok(());
            };
            item.lines = intent.lines;
            item.refunds = refunds(db, reference, item.amount.currency()).await?;
            Activity::Paid {
                merchant: intent.merchant,
                with: intent.method,
                status: intent.status,
                split: intent.split,
            }
        }
        Some(Kind::Release) => Activity::Returned {
            merchant: merchant_of_intent(db, reference).await?,
        },
        Some(Kind::Refund) => {
            let intent: Option<String> =
                sqlx::query_scalar("SELECT intent_id FROM refunds WHERE id = $1")
                    .bind(reference)
                    .fetch_optional(&db.pool)
                    .await?;
            Activity::Refund {
                merchant: merchant_of_intent(db, &intent.unwrap_or_default()).await?,
            }
        }
        Some(Kind::TopUp) => Activity::Recharge {
            method: method_of(counter),
        },
        Some(Kind::Transfer) if item.credit => Activity::TransferIn {
            from: wallet_of(counter),
        },
        Some(Kind::Transfer) => Activity::TransferOut {
            to: wallet_of(counter),
        },
        Some(Kind::Reward) if reference.starts_with("rc_") => Activity::RechargeBonus,
        Some(Kind::Reward) => Activity::Reward,
        Some(Kind::Capture | Kind::SecondMethod | Kind::RefundOther | Kind::CampaignFunding)
        | None => Activity::Other,
    };
    Ok(())
}

struct IntentFacts {
    merchant: String,
    method: Option<Method>,
    status: IntentStatus,
    lines: Vec<Line>,
    split: Option<Split>,
}

/// The split of an intent row's amounts (minor units), when a second method paid a part.
fn split_of(row: &sqlx::any::AnyRow) -> Result<Option<Split>, ServerError> {
    let other: i64 = row.try_get("other_amount")?;
    if other == 0 {
        return Ok(None);
    }
    let currency: String = row.try_get("currency")?;
    let c: Currency = currency
        .parse()
        .map_err(|_| ServerError::internal("intent currency", currency))?;
    let provider: Option<String> = row.try_get("second_leg_provider")?;
    Ok(Some(Split {
        total: money(row.try_get("total")?, c)?,
        balance: money(row.try_get("balance_amount")?, c)?,
        other: money(other, c)?,
        provider: provider.as_deref().and_then(Provider::from_code),
        reference: row.try_get("second_leg_reference")?,
    }))
}

async fn intent(db: &Db, id: &str) -> Result<Option<IntentFacts>, ServerError> {
    let row = sqlx::query(
        "SELECT i.merchant_id, i.other_method, i.status, i.currency, i.total, i.balance_amount, \
         i.other_amount, i.second_leg_provider, i.second_leg_reference, s.cart FROM intents i \
         JOIN sessions s ON s.id = i.session_id WHERE i.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let method: Option<String> = row.try_get("other_method")?;
    let status: String = row.try_get("status")?;
    let cart: String = row.try_get("cart")?;
    let lines = serde_json::from_str::<StoredCart>(&cart)
        .map(|c| {
            c.lines
                .into_iter()
                .map(|l| Line {
                    name: l.name,
                    quantity: l.quantity,
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(IntentFacts {
        merchant: row.try_get("merchant_id")?,
        method: method.as_deref().and_then(Method::from_code),
        status: IntentStatus::from_code(&status).unwrap_or(IntentStatus::Succeeded),
        lines,
        split: split_of(&row)?,
    }))
}

async fn merchant_of_intent(db: &Db, id: &str) -> Result<String, ServerError> {
    let merchant: Option<String> =
        sqlx::query_scalar("SELECT merchant_id FROM intents WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(merchant.unwrap_or_default())
}

async fn refunds(db: &Db, intent: &str, c: Currency) -> Result<Vec<(Money, i64)>, ServerError> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT balance_amount, created_at FROM refunds WHERE intent_id = $1 ORDER BY created_at",
    )
    .bind(intent)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .filter(|(a, _)| *a > 0)
        .map(|(a, at)| Ok((money(a, c)?, at)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{method_of, wallet_of};
    use checkout_core::Method;

    #[test]
    fn counter_accounts_name_the_other_side() {
        assert_eq!(
            wallet_of(Some("wallet:shopper_new:available")),
            "shopper_new"
        );
        assert_eq!(wallet_of(Some("wallet:a:b:available")), "a:b");
        assert_eq!(
            method_of(Some("external:test:wechat_pay:CNY")),
            Some(Method::WechatPay)
        );
        assert_eq!(
            method_of(Some("external:live:bank_card:CNY")),
            Some(Method::BankCard)
        );
        assert_eq!(method_of(Some("operator:test:promotions:CNY")), None);
        assert_eq!(method_of(Some("operator:live:funding:CNY")), None);
    }
}
