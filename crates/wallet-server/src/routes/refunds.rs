//! `POST /v1/intents/{id}/refunds` (merchant): refunds by line or by amount. Each refunded
//! line returns its balance share to the wallet first (the allocation stored with the
//! intent's quote), then its other-method share; never more than was paid per line or in
//! total. The total is guarded in SQL on the intent row, which also serialises refunds.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use checkout_core::refund::{refund_amount, refund_lines, RefundError, RefundShare, Refundable};
use checkout_core::{Amount, Currency, Money};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{parse_json, AppState, RawBody};
use crate::config::Merchant;
use crate::db::sessions::{load_intent, IntentRow};
use crate::error::{ApiError, Reply};
use crate::ledger::{self, LedgerError};
use crate::util::{money, now, random_id, rfc3339};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefundRequest {
    #[serde(default)]
    lines: Option<Vec<RefundLine>>,
    #[serde(default)]
    amount: Option<Amount>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefundLine {
    id: String,
    amount: Amount,
}

fn minor_of(line: &Value, key: &str, c: Currency) -> Result<i64, ApiError> {
    let s = line[key].as_str().unwrap_or("");
    Money::parse(s, c)
        .map(Money::minor)
        .map_err(|e| ApiError::internal("stored quote amount", e))
}

async fn paid_lines(
    tx: &mut crate::db::Tx,
    intent: &IntentRow,
    c: Currency,
) -> Result<Vec<Refundable>, ApiError> {
    let quote: Value =
        serde_json::from_str(&intent.quote).map_err(|e| ApiError::internal("stored quote", e))?;
    let done: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT line_id, CAST(SUM(balance) AS BIGINT), CAST(SUM(other) AS BIGINT) \
         FROM refund_lines WHERE intent_id = $1 GROUP BY line_id",
    )
    .bind(&intent.id)
    .fetch_all(&mut **tx)
    .await?;
    let done: HashMap<String, (i64, i64)> =
        done.into_iter().map(|(id, b, o)| (id, (b, o))).collect();
    let mut out = Vec::new();
    for line in quote["lines"].as_array().into_iter().flatten() {
        let id = line["id"].as_str().unwrap_or("").to_owned();
        let (rb, ro) = done.get(&id).copied().unwrap_or((0, 0));
        out.push(Refundable {
            balance_left: minor_of(line, "balance", c)? - rb,
            other_left: minor_of(line, "other", c)? - ro,
            id,
        });
    }
    Ok(out)
}

/// The request in minor units, split by the core's refund rule (balance shares first);
/// its errors name the request's fields, with amounts in the currency.
fn split(
    req: &RefundRequest,
    paid: &[Refundable],
    c: Currency,
) -> Result<Vec<RefundShare>, ApiError> {
    let minor = |a: Amount, path: &str| {
        a.in_currency(c)
            .map(Money::minor)
            .map_err(|e| ApiError::field(path, e.to_string()))
    };
    let result = match (&req.lines, req.amount) {
        (Some(lines), None) if !lines.is_empty() => {
            let mut wanted = Vec::with_capacity(lines.len());
            for (i, l) in lines.iter().enumerate() {
                wanted.push((l.id.clone(), minor(l.amount, &format!("lines[{i}].amount"))?));
            }
            refund_lines(paid, &wanted)
        }
        (None, Some(amount)) => refund_amount(paid, minor(amount, "amount")?),
        _ => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "send either {\"lines\":[{\"id\",\"amount\"}]} with at least one line, or {\"amount\"}, not both",
            ))
        }
    };
    let e = match result {
        Ok(shares) => return Ok(shares),
        Err(e) => e,
    };
    Err(match e {
        RefundError::UnknownLine { index } => {
            let id = req
                .lines
                .as_deref()
                .and_then(|l| l.get(index))
                .map_or("", |l| l.id.as_str());
            ApiError::field(
                &format!("lines[{index}].id"),
                format!("{id:?} is not a line of this payment"),
            )
        }
        RefundError::DuplicateLine { index } => ApiError::field(
            &format!("lines[{index}].id"),
            "appears twice; refund a line once per request",
        ),
        RefundError::LineAmount { index, left } => ApiError::field(
            &format!("lines[{index}].amount"),
            format!(
                "must be above zero and at most {} (what is left to refund on this line)",
                money(left, c)?
            ),
        ),
        RefundError::Amount { left } => ApiError::field(
            "amount",
            format!(
                "must be above zero and at most {} (what is left to refund)",
                money(left, c)?
            ),
        ),
    })
}

fn not_refundable(status: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "intent_not_refundable",
        format!("only a succeeded payment can be refunded; this one is {status}"),
    )
    .with("status", status)
}

async fn refund(
    state: &AppState,
    merchant: &Merchant,
    intent_id: &str,
    req: RefundRequest,
) -> Result<Value, ApiError> {
    let intent = load_intent(&state.db.pool, intent_id)
        .await?
        .filter(|i| i.merchant_id == merchant.id)
        .ok_or_else(|| {
            ApiError::not_found(
                "intent_not_found",
                "no payment intent of this merchant has this id",
            )
        })?;
    if intent.status != "succeeded" {
        return Err(not_refundable(&intent.status));
    }
    let c = crate::util::currency(&intent.currency)?;
    let now = now();
    let mut tx = state.db.begin().await?;
    // Locks the intent row first (PostgreSQL) so concurrent refunds see each other's lines.
    let sql = format!(
        "SELECT refunded_amount FROM intents WHERE id = $1{}",
        state.db.for_update()
    );
    let _: i64 = sqlx::query_scalar(&sql)
        .bind(&intent.id)
        .fetch_one(&mut *tx)
        .await?;
    let paid = paid_lines(&mut tx, &intent, c).await?;
    let shares = split(&req, &paid, c)?;
    let balance_part: i64 = shares.iter().map(|s| s.balance).sum();
    let other_part: i64 = shares.iter().map(|s| s.other).sum();
    let total = balance_part + other_part;
    let guarded = sqlx::query(
        "UPDATE intents SET refunded_amount = refunded_amount + $2, updated_at = $3 \
         WHERE id = $1 AND status = 'succeeded' AND refunded_amount + $2 <= total",
    )
    .bind(&intent.id)
    .bind(total)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if guarded == 0 {
        tx.rollback().await?;
        return Err(ApiError::field(
            "amount",
            "the refunds would exceed what was paid",
        ));
    }
    let id = random_id("re_", 24);
    sqlx::query("INSERT INTO refunds (id, intent_id, amount, balance_amount, other_amount, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(&intent.id)
        .bind(total)
        .bind(balance_part)
        .bind(other_part)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let mut lines = Vec::new();
    for RefundShare {
        id: line,
        balance: b,
        other: o,
    } in &shares
    {
        sqlx::query("INSERT INTO refund_lines (refund_id, intent_id, line_id, balance, other) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(&intent.id)
            .bind(line)
            .bind(*b)
            .bind(*o)
            .execute(&mut *tx)
            .await?;
        lines.push(json!({"id": line, "amount": money(b + o, c)?, "balance": money(*b, c)?, "other": money(*o, c)?}));
    }
    let settlement = ledger::merchant_settlement(&intent.merchant_id, c);
    let method = intent.other_method.as_deref().unwrap_or("bank_card");
    let moves = [
        (
            "refund",
            ledger::wallet_available(&intent.shopper_id),
            balance_part,
        ),
        ("refund_other", ledger::external(method, c), other_part),
    ];
    for (kind, to, amount) in moves {
        let result =
            ledger::transfer(&mut tx, kind, &id, &settlement, &to, money(amount, c)?, now).await;
        match result {
            Ok(()) => {}
            Err(LedgerError::Db(e)) => return Err(e.into()),
            Err(other) => return Err(ApiError::internal("refund posting", format!("{other:?}"))),
        }
    }
    tx.commit().await?;
    tracing::info!(refund = %id, intent = %intent.id, "refund made");
    Ok(json!({
        "id": id,
        "intent_id": intent.id,
        "currency": c,
        "amount": money(total, c)?,
        "balance_amount": money(balance_part, c)?,
        "other_amount": money(other_part, c)?,
        "lines": lines,
        "created_at": rfc3339(now),
    }))
}

pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ApiError> {
    let merchant = crate::auth::merchant(&state, &headers)?;
    let key = crate::idempotency::key(&headers, false)?;
    let scope = format!("merchant:{}:refund:{id}", merchant.id);
    let work = async {
        let run = async {
            let req: RefundRequest = parse_json(&headers, &body)?;
            let value = refund(&state, &merchant, &id, req).await?;
            Ok::<_, ApiError>(Reply::json(StatusCode::CREATED, &value))
        };
        run.await.unwrap_or_else(Reply::from)
    };
    crate::idempotency::run(&state, &scope, key.as_deref(), &body, work).await
}

#[cfg(test)]
mod tests {
    use super::{split, RefundLine, RefundRequest};
    use checkout_core::refund::{RefundShare, Refundable};
    use checkout_core::{Amount, Currency};

    fn paid() -> Vec<Refundable> {
        vec![
            Refundable {
                id: "L1".into(),
                balance_left: 5500,
                other_left: 0,
            },
            Refundable {
                id: "L2".into(),
                balance_left: 0,
                other_left: 10000,
            },
            Refundable {
                id: "shipping".into(),
                balance_left: 300,
                other_left: 300,
            },
        ]
    }

    fn share(id: &str, balance: i64, other: i64) -> RefundShare {
        RefundShare {
            id: id.into(),
            balance,
            other,
        }
    }

    fn amount(s: &str) -> Amount {
        Amount::parse(s).expect("amount")
    }

    #[test]
    fn a_line_refund_returns_the_balance_share_first() {
        let req = RefundRequest {
            lines: Some(vec![RefundLine {
                id: "shipping".into(),
                amount: amount("4.00"),
            }]),
            amount: None,
        };
        let shares = split(&req, &paid(), Currency::CNY).expect("split");
        assert_eq!(shares, vec![share("shipping", 300, 100)]);
    }

    #[test]
    fn an_amount_refund_takes_all_balance_shares_before_other_shares() {
        let req = RefundRequest {
            lines: None,
            amount: Some(amount("60.00")),
        };
        let shares = split(&req, &paid(), Currency::CNY).expect("split");
        assert_eq!(
            shares,
            vec![
                share("L1", 5500, 0),
                share("L2", 0, 200),
                share("shipping", 300, 0)
            ]
        );
    }

    #[test]
    fn it_refuses_more_than_is_left_on_a_line_or_in_total() {
        let line = RefundRequest {
            lines: Some(vec![RefundLine {
                id: "L1".into(),
                amount: amount("55.01"),
            }]),
            amount: None,
        };
        let err = split(&line, &paid(), Currency::CNY).expect_err("too much");
        assert_eq!(err.extra["path"], "lines[0].amount");
        let total = RefundRequest {
            lines: None,
            amount: Some(amount("161.01")),
        };
        assert!(split(&total, &paid(), Currency::CNY).is_err());
        let both = RefundRequest {
            lines: Some(vec![]),
            amount: Some(amount("1.00")),
        };
        assert!(split(&both, &paid(), Currency::CNY).is_err());
    }
}
