//! `POST /v1/sessions/{id}/intents`: the checks of DESIGN.md in their order, then the
//! balance moves in one transaction. `GET /v1/intents/{id}`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use checkout_core::intent::validate_payment_password;
use checkout_core::{IntentRequest, Quote};
use serde_json::json;

use super::intent_view::{base_url, intent_json};
use super::sessions::{
    authorized_session, live_balance, quote_for, terms, wallet_currency, SessionTerms,
};
use super::{parse_json, AppState, RawBody};
use crate::db::sessions::{load_intent, load_session, pending_intent_of, IntentRow, SessionRow};
use crate::error::{ApiError, Reply};
use crate::ledger::{self, LedgerError};
use crate::util::{now, random_id};

pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ApiError> {
    // 1. client secret
    let session = authorized_session(&state, &id, &headers).await?;
    // 2. signature, in constant time, then its age
    let signature = headers
        .get("checkout-signature")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "signature_invalid",
                "Checkout-Signature header is missing; sign \"<t>.<body>\" with the client secret",
            )
        })?;
    checkout_core::signature::verify(&session.client_secret, signature, &body, now())
        .map_err(|e| ApiError::new(StatusCode::UNAUTHORIZED, e.code(), e.to_string()))?;
    // 3. idempotency; the work runs in its own task so that a client hanging up half-way
    // neither cancels a payment mid-flight nor leaves its key `running`.
    let key = crate::idempotency::key(&headers, true)?.unwrap_or_default();
    let base = base_url(&state, &headers);
    let task = tokio::spawn(async move {
        let scope = format!("session:{}", session.id);
        let work = async {
            execute(&state, &session, &headers, &body, &base, (&scope, &key))
                .await
                .unwrap_or_else(Reply::from)
        };
        crate::idempotency::run(&state, &scope, Some(&key), &body, work).await
    });
    task.await
        .map_err(|e| ApiError::internal("intent task", e))?
}

fn session_state_error(state: &str, pending: Option<String>) -> ApiError {
    match state {
        "completed" => ApiError::new(
            StatusCode::CONFLICT,
            "session_completed",
            "this checkout session is already paid; create a new session for a new order",
        ),
        "awaiting_payment" => ApiError::new(
            StatusCode::CONFLICT,
            "request_in_progress",
            "a payment for this session is waiting for its second method; finish or cancel it first",
        )
        .with("intent_id", pending),
        _ => ApiError::new(
            StatusCode::GONE,
            "session_expired",
            "this checkout session has expired; create a new session from the merchant's server",
        ),
    }
}

async fn session_error(state: &AppState, session: &SessionRow) -> Result<ApiError, ApiError> {
    let fresh = load_session(&state.db.pool, &session.id)
        .await?
        .unwrap_or_else(|| session.clone());
    let pending = pending_intent_of(&state.db, &session.id).await?;
    Ok(session_state_error(fresh.effective_status(now()), pending))
}

fn quote_mismatch(quote: &Quote, diffs: Vec<checkout_core::intent::Mismatch>) -> ApiError {
    let fields: Vec<_> = diffs
        .iter()
        .map(|m| json!({"field": m.field, "intent": m.intent, "quote": m.quote}))
        .collect();
    let names: Vec<_> = diffs.iter().map(|m| m.field).collect();
    ApiError::new(
        StatusCode::CONFLICT,
        "quote_mismatch",
        format!(
            "the intent's {} differ from the backend's quote (the balance or cart changed); show the shopper the new quote and sign a new intent",
            names.join(", ")
        ),
    )
    .with("quote", quote)
    .with("mismatches", fields)
}

/// Whether the nonce was first used by this very attempt (scope and idempotency key).
async fn same_attempt(state: &AppState, nonce: &str, attempt: &str) -> Result<bool, ApiError> {
    let owner: Option<Option<String>> =
        sqlx::query_scalar("SELECT attempt FROM nonces WHERE nonce = $1")
            .bind(nonce)
            .fetch_optional(&state.db.pool)
            .await?;
    Ok(owner.flatten().as_deref() == Some(attempt))
}

/// Steps 4 and on: everything after the idempotency claim, answered and stored as one reply.
async fn execute(
    state: &AppState,
    session: &SessionRow,
    headers: &HeaderMap,
    body: &Bytes,
    base: &str,
    idem: (&str, &str),
) -> Result<Reply, ApiError> {
    let req: IntentRequest = parse_json(headers, body)?;
    req.intent.validate().map_err(|e| ApiError::invalid(&e))?;
    validate_payment_password(&req.payment_password).map_err(|e| ApiError::invalid(&e))?;
    if req.intent.session_id != session.id {
        return Err(ApiError::field(
            "intent.session_id",
            "does not match the session in the URL; sign an intent for this session",
        ));
    }
    // 4. session open and not expired
    let now = now();
    let session = load_session(&state.db.pool, &session.id)
        .await?
        .unwrap_or_else(|| session.clone());
    if session.effective_status(now) != "open" {
        return Err(session_error(state, &session).await?);
    }
    // 5. cart digest current
    if req.intent.cart_digest != session.cart_digest {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "cart_changed",
            "the intent's cart_digest is not this session's cart; reload the session and sign again",
        )
        .with("cart_digest", &session.cart_digest));
    }
    // 6. nonce unused (single use, enforced by the primary key)
    let nonce = req.intent.nonce.to_ascii_lowercase();
    let attempt = format!("{}/{}", idem.0, idem.1);
    let fresh = sqlx::query(
        "INSERT INTO nonces (nonce, session_id, created_at, attempt) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (nonce) DO NOTHING",
    )
    .bind(&nonce)
    .bind(&session.id)
    .bind(now)
    .bind(&attempt)
    .execute(&state.db.pool)
    .await?
    .rows_affected();
    // A crash after this insert leaves the nonce taken by an attempt that never paid; the
    // retry of that attempt (same Idempotency-Key, same body) must be able to finish it.
    if fresh == 0 && !same_attempt(state, &nonce, &attempt).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "nonce_reused",
            "this intent's nonce was already used; make a fresh random nonce for every intent",
        ));
    }
    // 7. the backend's own quote
    let terms = terms(&session)?;
    let currency = terms.cart.currency;
    let balance = live_balance(&state.db.pool, &session.shopper_id, currency, "").await?;
    let quote = quote_for(&terms, balance, &req.intent.choice())?;
    let diffs = req.intent.mismatches(&quote);
    if !diffs.is_empty() {
        return Err(quote_mismatch(&quote, diffs));
    }
    if let Some(method) = req.intent.other_method {
        if !terms.methods.contains(&method) {
            let accepted: Vec<_> = terms.methods.iter().map(|m| m.code()).collect();
            return Err(ApiError::field(
                "intent.other_method",
                format!("this merchant accepts {}", accepted.join(", ")),
            ));
        }
        if !state.config.sandbox {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "method_unavailable",
                "this server has no provider for a second method (sandbox mode is off); pay the whole order with balance",
            ));
        }
    }
    // 8. payment password
    if wallet_currency(state, &session.shopper_id).await?.is_some() {
        crate::password::check(
            &state.db,
            &session.shopper_id,
            &req.payment_password,
            now,
            state.config.lockout_secs,
        )
        .await?;
    }
    // 9. move the balance part (at the time after Argon2, which may have taken a while)
    let paid_at = crate::util::now().max(now);
    let (row, reply) = pay(state, &session, &terms, &req, paid_at, base, idem).await?;
    tracing::info!(intent = %row.id, session = %session.id, status = %row.status, "intent executed");
    Ok(reply)
}

/// One transaction: claims the session (open → completed or awaiting_payment, so that
/// concurrent submits cannot both pay), re-quotes against the locked balance, records the
/// intent and captures or holds the balance part. The answer is stored under the
/// idempotency key in the same transaction, so a crash after the commit still replays it.
async fn pay(
    state: &AppState,
    session: &SessionRow,
    terms: &SessionTerms,
    req: &IntentRequest,
    now: i64,
    base: &str,
    (scope, key): (&str, &str),
) -> Result<(IntentRow, Reply), ApiError> {
    let db = &state.db;
    let currency = terms.cart.currency;
    let mut tx = db.begin().await?;
    let claimed = sqlx::query(
        "UPDATE sessions SET status = $2 WHERE id = $1 AND status = 'open' AND expires_at > $3",
    )
    .bind(&session.id)
    .bind(if req.intent.other_amount.value().is_zero() {
        "completed"
    } else {
        "awaiting_payment"
    })
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        tx.rollback().await?;
        return Err(session_error(state, session).await?);
    }
    let balance = live_balance(&mut *tx, &session.shopper_id, currency, db.for_update()).await?;
    let quote = quote_for(terms, balance, &req.intent.choice())?;
    let diffs = req.intent.mismatches(&quote);
    if !diffs.is_empty() {
        tx.rollback().await?;
        return Err(quote_mismatch(&quote, diffs));
    }
    let id = random_id("pi_", 24);
    let needs_other = quote.needs_other_method();
    let status = if needs_other {
        "requires_action"
    } else {
        "succeeded"
    };
    let hold_expires_at = needs_other.then_some(now + state.config.hold_ttl_secs);
    let quote_json = serde_json::to_string(&quote).map_err(|e| ApiError::internal("quote", e))?;
    sqlx::query(
        "INSERT INTO intents (id, session_id, merchant_id, shopper_id, status, currency, total, \
         balance_amount, other_method, other_amount, refunded_amount, quote, hold_expires_at, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13, $13)",
    )
    .bind(&id)
    .bind(&session.id)
    .bind(&session.merchant_id)
    .bind(&session.shopper_id)
    .bind(status)
    .bind(currency.code())
    .bind(quote.total.minor())
    .bind(quote.balance_amount.minor())
    .bind(req.intent.other_method.map(|m| m.code()))
    .bind(quote.other_amount.minor())
    .bind(quote_json)
    .bind(hold_expires_at)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let available = ledger::wallet_available(&session.shopper_id);
    let (kind, to) = if needs_other {
        ("hold", ledger::wallet_held(&session.shopper_id))
    } else {
        (
            "payment",
            ledger::merchant_settlement(&session.merchant_id, currency),
        )
    };
    match ledger::transfer(
        &mut tx,
        kind,
        &id,
        &available,
        &to,
        quote.balance_amount,
        now,
    )
    .await
    {
        Ok(()) => {}
        Err(LedgerError::Insufficient { .. }) => {
            tx.rollback().await?;
            return Err(ApiError::new(
                StatusCode::PAYMENT_REQUIRED,
                "insufficient_balance",
                "the wallet balance is lower than the intent's balance amount; reload the quote",
            )
            .with("balance", balance));
        }
        Err(LedgerError::Unbalanced) => {
            return Err(ApiError::internal("ledger", "unbalanced posting"))
        }
        Err(LedgerError::Db(e)) => return Err(e.into()),
    }
    let row = load_intent(&mut *tx, &id)
        .await?
        .ok_or_else(|| ApiError::internal("intent", "not found right after its insert"))?;
    let reply = Reply::json(StatusCode::CREATED, &intent_json(&row, base)?);
    crate::idempotency::store(&mut *tx, scope, key, &reply).await?;
    tx.commit().await?;
    Ok((row, reply))
}

pub async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Reply, ApiError> {
    let not_found = || {
        ApiError::not_found(
            "intent_not_found",
            "no payment intent has this id; use the id returned when the intent was created",
        )
    };
    let intent = load_intent(&state.db.pool, &id)
        .await?
        .ok_or_else(not_found)?;
    let token = crate::auth::bearer(&headers).unwrap_or("");
    let by_merchant = state
        .config
        .merchant_by_key(token)
        .is_some_and(|m| m.id == intent.merchant_id);
    if !by_merchant {
        let session = load_session(&state.db.pool, &intent.session_id)
            .await?
            .ok_or_else(not_found)?;
        crate::auth::client_secret(&headers, &session.client_secret)?;
    }
    let base = base_url(&state, &headers);
    Ok(Reply::json(StatusCode::OK, &intent_json(&intent, &base)?))
}
