//! Checkout: sessions a merchant opens for a shopper, the quote, and the payment intent
//! the frame submits — authorised, checked in the contract's order and paid in one
//! transaction (DESIGN.md *Sessions, intents and signatures*).
//!
//! - [`sessions`]: create a session, read it, quote it;
//! - [`intents`]: the checks of an intent in their order, up to the password;
//! - [`pay`]: the paying transaction (claim the session, re-quote, post, store the answer);
//! - [`topups`]: recharging the session's wallet without leaving the checkout;
//! - [`second_leg`]: the part the balance does not pay: capture or release a hold, expire
//!   holds, the merchant's cancel;
//! - [`cancel`]: what a cancel may say (the merchant's `reason`);
//! - [`capture`]: the merchant's capture of a remainder it collected itself;
//! - [`refunds`]: refunds, the core's split stored and posted, guarded on the intent row.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use checkout_core::{
    Cart, Choice, Currency, ErrorCode, IntentStatus, Method, Money, Policy, Quote, SecondLeg,
    SessionStatus,
};

use crate::error::{ApiError, ServerError};
use crate::http::state::AppState;
use crate::store::db::rows::{load_session, SessionRow};
use crate::store::db::Db;
use crate::store::ledger;

pub mod cancel;
pub mod capture;
pub mod intents;
pub mod pay;
pub mod records;
pub mod refund_request;
pub mod refunds;
pub mod refusals;
pub mod second_leg;
pub mod sessions;
pub mod topups;

/// 404 `session_not_found`.
#[must_use]
pub fn session_not_found() -> ApiError {
    ApiError::new(
        ErrorCode::SessionNotFound,
        "no checkout session has this id; create a new session from the merchant's server",
    )
}

/// How long a client secret still reads a closed session's outcome, in seconds
/// (DESIGN.md *Sessions* §2: one hour).
pub const OUTCOME_SECS: i64 = 3600;

/// When the session closed (unix seconds): paid, or expired; `None` while it is open or
/// awaiting its second method.
async fn closed_at(db: &Db, session: &SessionRow, now: i64) -> Result<Option<i64>, ServerError> {
    Ok(match session.effective_status(now) {
        SessionStatus::Open | SessionStatus::AwaitingPayment => None,
        SessionStatus::Expired => Some(session.expires_at),
        SessionStatus::Completed => {
            let paid: Option<i64> = sqlx::query_scalar(
                "SELECT updated_at FROM intents WHERE session_id = $1 AND status = $2 AND livemode = $3",
            )
            .bind(&session.id)
            .bind(IntentStatus::Succeeded.code())
            .bind(i64::from(session.livemode))
            .fetch_optional(&db.pool)
            .await?;
            Some(paid.unwrap_or(session.expires_at))
        }
    })
}

/// Checks a client secret for a session: it is a short-lived capability, good while the
/// session is open and for [`OUTCOME_SECS`] after it closed, and never once the
/// shopper's link is revoked.
///
/// # Errors
/// 401 `unauthorized` for a wrong secret or one that has expired with its session;
/// 403 `link_revoked`.
pub async fn check_client_secret(
    db: &Db,
    session: &SessionRow,
    headers: &axum::http::HeaderMap,
) -> Result<(), ServerError> {
    crate::http::auth::client_secret(headers, &session.client_secret)?;
    if let Some(digest) = &session.link_digest {
        if crate::consent::links::is_revoked(db, digest, session.livemode).await? {
            return Err(crate::consent::links::revoked().into());
        }
    }
    let now = crate::util::now();
    if closed_at(db, session, now)
        .await?
        .is_some_and(|closed| now > closed + OUTCOME_SECS)
    {
        return Err(ApiError::unauthorized(
            "this client secret expired with its checkout session; create a new session from the merchant's server",
        )
        .into());
    }
    Ok(())
}

/// Loads a session and checks the client secret presented for it (`Bearer` token).
///
/// # Errors
/// 404 `session_not_found`; 401 `unauthorized` (wrong or expired secret).
pub async fn authorized_session(
    db: &Db,
    id: &str,
    headers: &axum::http::HeaderMap,
) -> Result<SessionRow, ServerError> {
    let session = load_session(&db.pool, id)
        .await?
        .ok_or_else(session_not_found)?;
    check_client_secret(db, &session, headers).await?;
    Ok(session)
}

/// The session of the route's `{id}`, authorised by its client secret (`Authorization:
/// Bearer <client_secret>`; [`authorized_session`]). Rejection: 404 `session_not_found`,
/// 401 `unauthorized`, 403 `link_revoked`.
pub struct FrameSession(pub SessionRow);

impl FromRequestParts<AppState> for FrameSession {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ServerError> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| session_not_found())?;
        let id = params
            .iter()
            .find_map(|(name, value)| (name == "id").then(|| value.to_owned()))
            .ok_or_else(session_not_found)?;
        authorized_session(&state.db, &id, &parts.headers)
            .await
            .map(FrameSession)
    }
}

/// The stored cart, policy and methods of a session: what its quotes are computed from.
pub struct SessionTerms {
    pub cart: Cart,
    pub policy: Policy,
    pub methods: Vec<Method>,
}

impl SessionTerms {
    /// Reads them back from the session row, the policy with only the promotions in force
    /// now that fit the cart's currency (DESIGN.md *Promotions*: the core reads no clock),
    /// which is also what the frame gets to quote with.
    ///
    /// # Errors
    /// Internal when the stored JSON is corrupt.
    pub fn of(session: &SessionRow) -> Result<SessionTerms, ServerError> {
        let cart =
            Cart::from_json(&session.cart).map_err(|e| ServerError::internal("stored cart", e))?;
        let mut policy: Policy = serde_json::from_str(&session.policy)
            .map_err(|e| ServerError::internal("stored policy", e))?;
        let now = crate::util::now();
        policy.promotions.retain(|p| {
            crate::config::promotions::in_force(p, now) && p.amounts(cart.currency).is_ok()
        });
        Ok(SessionTerms {
            cart,
            policy,
            methods: serde_json::from_str(&session.methods)
                .map_err(|e| ServerError::internal("stored methods", e))?,
        })
    }

    /// Who settles what the balance does not pay, read off the methods the session was
    /// given (`sessions::session_methods`): `merchant` alone, the sandbox's instruments,
    /// or none.
    #[must_use]
    pub fn second_leg(&self) -> Option<SecondLeg> {
        if self.methods.contains(&Method::Merchant) {
            Some(SecondLeg::Merchant)
        } else if self.methods.is_empty() {
            None
        } else {
            Some(SecondLeg::Sandbox)
        }
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
    wallet: ledger::WalletRef<'_>,
    currency: Currency,
    lock: &str,
) -> Result<Money, ServerError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let minor = ledger::balance(exec, &ledger::wallet_available(wallet), lock).await?;
    crate::store::stored::money(minor.min(Money::max_minor(currency)), currency)
}
