//! `POST /v1/sessions` (merchant), `GET /v1/sessions/{id}` and `POST …/quote` (widget).

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use checkout_core::error::from_value;
use checkout_core::{Cart, CartInput, Choice, Currency, Method, Money, Policy, Quote};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{parse_json, read_body, AppState, RawBody, MAX_SESSION_BODY_BYTES};
use crate::config::Merchant;
use crate::db::sessions::{load_session, SessionRow};
use crate::error::{ApiError, Reply};
use crate::ledger;
use crate::util::{now, random_id, rfc3339};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    pub shopper_id: String,
    pub cart: Value,
    #[serde(default)]
    pub return_url: Option<String>,
}

/// The answer to a session creation.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedSession {
    pub id: String,
    pub client_secret: String,
    pub expires_at: String,
    pub cart_digest: String,
}

/// A shopper id: 1–64 characters, no whitespace or control characters.
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

/// The wallet's currency and whether it exists.
pub async fn wallet_currency(
    state: &AppState,
    shopper: &str,
) -> Result<Option<Currency>, ApiError> {
    let code: Option<String> =
        sqlx::query_scalar("SELECT currency FROM wallets WHERE shopper_id = $1")
            .bind(shopper)
            .fetch_optional(&state.db.pool)
            .await?;
    code.map(|c| crate::util::currency(&c)).transpose()
}

/// Creates a session for a merchant: the logic of `POST /v1/sessions`, also called
/// in-process by the demo shop.
pub async fn create_session(
    state: &AppState,
    merchant: &Merchant,
    input: CreateSession,
) -> Result<CreatedSession, ApiError> {
    check_shopper_id("shopper_id", &input.shopper_id)?;
    let cart = from_value::<CartInput>(input.cart)
        .and_then(CartInput::validate)
        .map_err(|e| ApiError::invalid(&e.under("cart")))?;
    if let Some(url) = &input.return_url {
        let ok = (url.starts_with("https://") || url.starts_with("http://")) && url.len() <= 2048;
        if !ok {
            return Err(ApiError::field(
                "return_url",
                "must be an http(s) URL of at most 2048 characters",
            ));
        }
    }
    if let Some(currency) = wallet_currency(state, &input.shopper_id).await? {
        if currency != cart.currency {
            return Err(ApiError::field(
                "cart.currency",
                format!("the shopper's wallet holds {currency}; create the session in {currency}"),
            ));
        }
    }
    let now = now();
    let id = random_id("cs_", 24);
    let secret = random_id("cs_secret_", 32);
    let digest = checkout_core::cart_digest(&cart);
    let expires_at = now + state.config.session_ttl_secs;
    let policy =
        serde_json::to_string(&merchant.policy).map_err(|e| ApiError::internal("policy", e))?;
    let methods =
        serde_json::to_string(&merchant.methods).map_err(|e| ApiError::internal("methods", e))?;
    sqlx::query(
        "INSERT INTO sessions (id, client_secret, merchant_id, shopper_id, currency, cart, cart_digest, \
         policy, methods, return_url, status, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12)",
    )
    .bind(&id)
    .bind(&secret)
    .bind(&merchant.id)
    .bind(&input.shopper_id)
    .bind(cart.currency.code())
    .bind(checkout_core::canonical_json(&cart))
    .bind(&digest)
    .bind(policy)
    .bind(methods)
    .bind(&input.return_url)
    .bind(expires_at)
    .bind(now)
    .execute(&state.db.pool)
    .await?;
    tracing::info!(session = %id, merchant = %merchant.id, "session created");
    Ok(CreatedSession {
        id,
        client_secret: secret,
        expires_at: rfc3339(expires_at),
        cart_digest: digest,
    })
}

/// `POST /v1/sessions`: the merchant is authenticated before its (possibly large) cart
/// is read.
pub async fn create(State(state): State<AppState>, req: Request) -> Result<Reply, ApiError> {
    let (parts, body) = req.into_parts();
    let merchant = crate::auth::merchant(&state, &parts.headers)?;
    let body = read_body(body, MAX_SESSION_BODY_BYTES).await?;
    let input: CreateSession = parse_json(&parts.headers, &body)?;
    let created = create_session(&state, &merchant, input).await?;
    Ok(Reply::json(StatusCode::CREATED, &created))
}

/// Loads a session and checks the client secret presented for it.
pub async fn authorized_session(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
) -> Result<SessionRow, ApiError> {
    let session = load_session(&state.db.pool, id)
        .await?
        .ok_or_else(session_not_found)?;
    crate::auth::client_secret(headers, &session.client_secret)?;
    Ok(session)
}

#[must_use]
pub fn session_not_found() -> ApiError {
    ApiError::not_found(
        "session_not_found",
        "no checkout session has this id; create a new session from the merchant's server",
    )
}

/// The stored cart, policy and methods of a session.
pub struct SessionTerms {
    pub cart: Cart,
    pub policy: Policy,
    pub methods: Vec<Method>,
}

pub fn terms(session: &SessionRow) -> Result<SessionTerms, ApiError> {
    Ok(SessionTerms {
        cart: Cart::from_json(&session.cart).map_err(|e| ApiError::internal("stored cart", e))?,
        policy: serde_json::from_str(&session.policy)
            .map_err(|e| ApiError::internal("stored policy", e))?,
        methods: serde_json::from_str(&session.methods)
            .map_err(|e| ApiError::internal("stored methods", e))?,
    })
}

/// The wallet's live available balance in the cart's currency (zero without a wallet).
pub async fn live_balance<'e, E>(
    exec: E,
    shopper: &str,
    currency: Currency,
    lock: &str,
) -> Result<Money, ApiError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let minor = ledger::balance(exec, &ledger::wallet_available(shopper), lock).await?;
    crate::util::money(minor, currency)
}

pub async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Reply, ApiError> {
    let session = authorized_session(&state, &id, &headers).await?;
    let terms = terms(&session)?;
    let currency = terms.cart.currency;
    let password_set = wallet_currency(&state, &session.shopper_id)
        .await?
        .is_some();
    let balance = live_balance(&state.db.pool, &session.shopper_id, currency, "").await?;
    let cart: Value =
        serde_json::from_str(&session.cart).map_err(|e| ApiError::internal("stored cart", e))?;
    let body = json!({
        "id": session.id,
        "status": session.effective_status(now()),
        "cart": cart,
        "cart_digest": session.cart_digest,
        "policy": terms.policy,
        "wallet": {"currency": currency, "balance": balance, "password_set": password_set},
        "methods": terms.methods,
        "expires_at": rfc3339(session.expires_at),
        "return_url": session.return_url,
    });
    Ok(Reply::json(StatusCode::OK, &body))
}

/// The core's quote for a session's stored cart and policy at a balance.
pub fn quote_for(terms: &SessionTerms, balance: Money, choice: &Choice) -> Result<Quote, ApiError> {
    checkout_core::quote(&terms.cart, &terms.policy, balance, choice)
        .map_err(|e| ApiError::invalid(&e))
}

pub async fn quote(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ApiError> {
    let session = authorized_session(&state, &id, &headers).await?;
    let choice: Choice = parse_json(&headers, &body)?;
    let terms = terms(&session)?;
    let balance =
        live_balance(&state.db.pool, &session.shopper_id, terms.cart.currency, "").await?;
    let quote = quote_for(&terms, balance, &choice)?;
    Ok(Reply::json(StatusCode::OK, &quote))
}
