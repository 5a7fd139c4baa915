//! Wallet endpoints, admin key only (checked by `super::admin_only` before the body is
//! read): create, read, top up ("recharge"), reward (a promotion), ledger entries.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use checkout_core::{Amount, Currency, Method};
use serde::Deserialize;

use crate::error::{Reply, ServerError};
use crate::http::extract::{parse_json, RawBody};
use crate::http::state::AppState;
use crate::wallet::accounts::{create_wallet, credit, ledger_view, reward, wallet_view};

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

/// `POST /v1/wallets`.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let input: CreateWallet = parse_json(&headers, &body)?;
    let shopper = input.shopper_id.as_str();
    create_wallet(
        &state.db,
        &state.passwords,
        shopper,
        input.currency,
        &input.payment_password,
    )
    .await?;
    let view = wallet_view(&state.db, shopper).await?;
    Ok(Reply::json(StatusCode::CREATED, &view))
}

/// `GET /v1/wallets/{shopper_id}`.
pub async fn read(
    State(state): State<AppState>,
    Path(shopper): Path<String>,
) -> Result<Reply, ServerError> {
    let view = wallet_view(&state.db, &shopper).await?;
    Ok(Reply::json(StatusCode::OK, &view))
}

/// `POST /v1/wallets/{shopper_id}/topups`, under an optional idempotency key.
pub async fn top_up(
    State(state): State<AppState>,
    Path(shopper): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let key = crate::http::idempotency::key(&headers, false)?;
    let scope = format!("topup:{shopper}");
    let work = async {
        let run = async {
            let input: TopUp = parse_json(&headers, &body)?;
            let view = credit(&state.db, &shopper, input.amount, input.method).await?;
            Ok::<_, ServerError>(Reply::json(StatusCode::CREATED, &view))
        };
        run.await.unwrap_or_else(Reply::from)
    };
    crate::http::idempotency::run(&state, &scope, key.as_deref(), &body, work).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Reward {
    amount: Amount,
}

/// `POST /v1/wallets/{shopper_id}/rewards` (a promotion), under an optional idempotency key.
pub async fn rewards(
    State(state): State<AppState>,
    Path(shopper): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let key = crate::http::idempotency::key(&headers, false)?;
    let scope = format!("reward:{shopper}");
    let work = async {
        let run = async {
            let input: Reward = parse_json(&headers, &body)?;
            let view = reward(&state.db, &shopper, input.amount).await?;
            Ok::<_, ServerError>(Reply::json(StatusCode::CREATED, &view))
        };
        run.await.unwrap_or_else(Reply::from)
    };
    crate::http::idempotency::run(&state, &scope, key.as_deref(), &body, work).await
}

/// `GET /v1/wallets/{shopper_id}/ledger`.
pub async fn ledger(
    State(state): State<AppState>,
    Path(shopper): Path<String>,
) -> Result<Reply, ServerError> {
    let view = ledger_view(&state.db, &shopper).await?;
    Ok(Reply::json(StatusCode::OK, &view))
}
