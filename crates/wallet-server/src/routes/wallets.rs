//! Wallet endpoints, admin key only: create, read, top up ("recharge"), ledger entries.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use checkout_core::intent::validate_payment_password;
use checkout_core::{Amount, Currency, Method};
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::Row as _;

use super::sessions::{check_shopper_id, wallet_currency};
use super::{parse_json, AppState, RawBody};
use crate::error::{ApiError, Reply};
use crate::ledger::{self, LedgerError};
use crate::util::{money, now, random_id, rfc3339};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateWallet {
    shopper_id: String,
    currency: Currency,
    payment_password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopUp {
    amount: Amount,
    method: Method,
}

fn wallet_not_found() -> ApiError {
    ApiError::not_found(
        "wallet_not_found",
        "no wallet exists for this shopper; create it with POST /v1/wallets",
    )
}

/// Creates a wallet; used by the route and by the demo seed.
pub async fn create_wallet(
    state: &AppState,
    shopper: &str,
    currency: Currency,
    password: &str,
) -> Result<(), ApiError> {
    check_shopper_id("shopper_id", shopper)?;
    validate_payment_password(password).map_err(|e| ApiError::invalid(&e))?;
    let hash = crate::password::hash(password.to_owned()).await?;
    let inserted = sqlx::query(
        "INSERT INTO wallets (shopper_id, currency, password_hash, failed_attempts, created_at) \
         VALUES ($1, $2, $3, 0, $4) ON CONFLICT (shopper_id) DO NOTHING",
    )
    .bind(shopper)
    .bind(currency.code())
    .bind(hash)
    .bind(now())
    .execute(&state.db.pool)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "wallet_exists",
            "this shopper already has a wallet; read it with GET /v1/wallets/{shopper_id}",
        ));
    }
    tracing::info!(shopper = %shopper, %currency, "wallet created");
    Ok(())
}

/// `{shopper_id, currency, balance, held}`
pub async fn wallet_json(state: &AppState, shopper: &str) -> Result<Value, ApiError> {
    let c = wallet_currency(state, shopper)
        .await?
        .ok_or_else(wallet_not_found)?;
    let available = ledger::balance(&state.db.pool, &ledger::wallet_available(shopper), "").await?;
    let held = ledger::balance(&state.db.pool, &ledger::wallet_held(shopper), "").await?;
    Ok(json!({
        "shopper_id": shopper,
        "currency": c,
        "balance": money(available, c)?,
        "held": money(held, c)?,
    }))
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ApiError> {
    crate::auth::admin(&state, &headers)?;
    let input: CreateWallet = parse_json(&headers, &body)?;
    create_wallet(
        &state,
        &input.shopper_id,
        input.currency,
        &input.payment_password,
    )
    .await?;
    Ok(Reply::json(
        StatusCode::CREATED,
        &wallet_json(&state, &input.shopper_id).await?,
    ))
}

pub async fn read(
    State(state): State<AppState>,
    Path(shopper): Path<String>,
    headers: HeaderMap,
) -> Result<Reply, ApiError> {
    crate::auth::admin(&state, &headers)?;
    Ok(Reply::json(
        StatusCode::OK,
        &wallet_json(&state, &shopper).await?,
    ))
}

/// Credits the wallet from the method's external account, through the ledger.
pub async fn credit(
    state: &AppState,
    shopper: &str,
    amount: Amount,
    method: Method,
) -> Result<Value, ApiError> {
    let c = wallet_currency(state, shopper)
        .await?
        .ok_or_else(wallet_not_found)?;
    let amount = amount
        .in_currency(c)
        .map_err(|e| ApiError::field("amount", e.to_string()))?;
    if amount.is_zero() {
        return Err(ApiError::field("amount", "must be above zero"));
    }
    let id = random_id("tu_", 24);
    let now = now();
    let mut tx = state.db.begin().await?;
    let result = ledger::transfer(
        &mut tx,
        "top_up",
        &id,
        &ledger::external(method.code(), c),
        &ledger::wallet_available(shopper),
        amount,
        now,
    )
    .await;
    match result {
        Ok(()) => tx.commit().await?,
        Err(LedgerError::Insufficient { .. }) => {
            tx.rollback().await?;
            return Err(ApiError::field(
                "amount",
                "would take the balance past the maximum of 10^13 major units; top up less",
            ));
        }
        Err(LedgerError::Db(e)) => return Err(e.into()),
        Err(LedgerError::Unbalanced) => return Err(ApiError::internal("top-up", "unbalanced")),
    }
    tracing::info!(shopper = %shopper, top_up = %id, "wallet topped up");
    let mut wallet = wallet_json(state, shopper).await?;
    if let Value::Object(map) = &mut wallet {
        map.insert("id".to_owned(), json!(id));
        map.insert("amount".to_owned(), json!(amount));
        map.insert("method".to_owned(), json!(method));
        map.insert("created_at".to_owned(), json!(rfc3339(now)));
    }
    Ok(wallet)
}

pub async fn top_up(
    State(state): State<AppState>,
    Path(shopper): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ApiError> {
    crate::auth::admin(&state, &headers)?;
    let key = crate::idempotency::key(&headers, false)?;
    let scope = format!("topup:{shopper}");
    let work = async {
        let run = async {
            let input: TopUp = parse_json(&headers, &body)?;
            let value = credit(&state, &shopper, input.amount, input.method).await?;
            Ok::<_, ApiError>(Reply::json(StatusCode::CREATED, &value))
        };
        run.await.unwrap_or_else(Reply::from)
    };
    crate::idempotency::run(&state, &scope, key.as_deref(), &body, work).await
}

pub async fn ledger(
    State(state): State<AppState>,
    Path(shopper): Path<String>,
    headers: HeaderMap,
) -> Result<Reply, ApiError> {
    crate::auth::admin(&state, &headers)?;
    let wallet = wallet_json(&state, &shopper).await?;
    let c: Currency = serde_json::from_value(wallet["currency"].clone())
        .map_err(|e| ApiError::internal("currency", e))?;
    let (available, held) = (
        ledger::wallet_available(&shopper),
        ledger::wallet_held(&shopper),
    );
    let rows = sqlx::query(
        "SELECT e.id, e.transaction_id, t.kind, t.reference, e.account_id, e.amount, e.balance_after, e.created_at \
         FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id \
         WHERE e.account_id = $1 OR e.account_id = $2 ORDER BY e.id",
    )
    .bind(&available.id)
    .bind(&held.id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for r in rows {
        let amount: i64 = r.try_get("amount")?;
        let account: String = r.try_get("account_id")?;
        entries.push(json!({
            "id": r.try_get::<i64, _>("id")?,
            "transaction_id": r.try_get::<String, _>("transaction_id")?,
            "kind": r.try_get::<String, _>("kind")?,
            "reference": r.try_get::<String, _>("reference")?,
            "account": if account == available.id { "available" } else { "held" },
            "direction": if amount > 0 { "credit" } else { "debit" },
            "amount": money(amount.saturating_abs(), c)?,
            "balance_after": money(r.try_get("balance_after")?, c)?,
            "created_at": rfc3339(r.try_get("created_at")?),
        }));
    }
    Ok(Reply::json(
        StatusCode::OK,
        &json!({"shopper_id": shopper, "currency": c, "entries": entries}),
    ))
}
