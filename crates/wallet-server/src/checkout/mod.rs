//! Checkout: sessions a merchant opens for a shopper, the quote, and the payment intent
//! the frame submits — authorised, checked in the contract's order and paid in one
//! transaction (DESIGN.md *Sessions, intents and signatures*).
//!
//! - [`sessions`]: create a session, read it, quote it;
//! - [`intents`]: the checks of an intent in their order, up to the password;
//! - [`pay`]: the paying transaction (claim the session, re-quote, post, store the answer).

use checkout_core::{Cart, Choice, Currency, ErrorCode, Method, Money, Policy, Quote};

use crate::db::rows::{load_session, SessionRow};
use crate::db::Db;
use crate::error::{ApiError, ServerError};
use crate::ledger;

pub mod intents;
pub mod pay;
pub mod sessions;

/// 404 `session_not_found`.
#[must_use]
pub fn session_not_found() -> ApiError {
    ApiError::new(
        ErrorCode::SessionNotFound,
        "no checkout session has this id; create a new session from the merchant's server",
    )
}

/// Loads a session and checks the client secret presented for it (`Bearer` token).
///
/// # Errors
/// 404 `session_not_found`; 401 `unauthorized`.
pub async fn authorized_session(
    db: &Db,
    id: &str,
    headers: &axum::http::HeaderMap,
) -> Result<SessionRow, ServerError> {
    let session = load_session(&db.pool, id)
        .await?
        .ok_or_else(session_not_found)?;
    crate::auth::client_secret(headers, &session.client_secret)?;
    Ok(session)
}

/// The stored cart, policy and methods of a session: what its quotes are computed from.
pub struct SessionTerms {
    pub cart: Cart,
    pub policy: Policy,
    pub methods: Vec<Method>,
}

impl SessionTerms {
    /// Reads them back from the session row.
    ///
    /// # Errors
    /// Internal when the stored JSON is corrupt.
    pub fn of(session: &SessionRow) -> Result<SessionTerms, ServerError> {
        Ok(SessionTerms {
            cart: Cart::from_json(&session.cart)
                .map_err(|e| ServerError::internal("stored cart", e))?,
            policy: serde_json::from_str(&session.policy)
                .map_err(|e| ServerError::internal("stored policy", e))?,
            methods: serde_json::from_str(&session.methods)
                .map_err(|e| ServerError::internal("stored methods", e))?,
        })
    }

    /// The core's quote at `balance`.
    ///
    /// # Errors
    /// 400 `invalid_request` for a cap in the wrong currency or with too many digits.
    pub fn quote(&self, balance: Money, choice: &Choice) -> Result<Quote, ApiError> {
        checkout_core::quote(&self.cart, &self.policy, balance, choice)
            .map_err(|e| ApiError::invalid(&e))
    }
}

/// The wallet's live available balance (zero without a wallet); `lock` is
/// [`Db::for_update`] inside a paying transaction, else empty.
///
/// A wallet may hold more than the money bound (10^13 major units) after money owed back
/// (a refund) at the deposit bound; no order can cost more than the bound, so the checkout
/// sees the balance capped at it and every quote comes out the same.
///
/// # Errors
/// The database's; internal for a stored balance outside the money bounds.
pub async fn live_balance<'e, E>(
    exec: E,
    shopper: &str,
    currency: Currency,
    lock: &str,
) -> Result<Money, ServerError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let minor = ledger::balance(exec, &ledger::wallet_available(shopper), lock).await?;
    crate::stored::money(minor.min(Money::max_minor(currency)), currency)
}
