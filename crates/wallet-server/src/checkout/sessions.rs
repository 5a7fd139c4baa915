//! Sessions: created by a merchant's server for a shopper and a cart, read and quoted by
//! the frame with the client secret.

use checkout_core::error::from_value;
use checkout_core::{CartInput, Choice, IntentStatus, Method, Quote, SecondLeg, SessionStatus};
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::{live_balance, SessionTerms};
use crate::config::{Config, Merchant};
use crate::error::{ApiError, ServerError};
use crate::http::return_url;
use crate::http::state::AppState;
use crate::store::db::rows::SessionRow;
use crate::store::db::Db;
use crate::store::ledger::WalletRef;
use crate::store::tags::Tags;
use crate::util::{now, random_id, rfc3339};
use crate::views::{CreatedSession, SessionAnswer, SessionOutcome, SessionView, SessionWallet};
use crate::wallet::accounts::{check_shopper_id, wallet_currency};

/// The body of `POST /v1/sessions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    /// The shopper's link to this merchant (`lk_…`, DESIGN.md *Shopper consent*).
    #[serde(default)]
    pub link: Option<String>,
    /// Test keys only: the shopper named directly.
    #[serde(default)]
    pub shopper_id: Option<String>,
    pub cart: Value,
    #[serde(default)]
    pub return_url: Option<String>,
    /// Who settles what the balance does not pay; the merchant's configured one when
    /// absent (DESIGN.md *The second leg*).
    #[serde(default)]
    pub second_leg: Option<SecondLeg>,
    /// The merchant's order number, shown on the session, its intents, refunds and events.
    #[serde(default)]
    pub merchant_reference: Option<String>,
    /// Up to 20 string pairs, shown where `merchant_reference` is ([`Tags::checked`]).
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
}

/// The second methods a new session offers, which also say its second leg
/// ([`SessionTerms::second_leg`]): the sandbox's instruments, `[merchant]`, or none when
/// nothing can settle a remainder here. The session's `second_leg` wins over the
/// merchant's configured one; without either, a test key on a server with the sandbox
/// on gets the sandbox and anything else none (the balance pays alone).
///
/// # Errors
/// 400 `invalid_request` at `second_leg` for the sandbox asked with a live key or on a
/// server whose sandbox is off.
fn session_methods(
    config: &Config,
    merchant: &Merchant,
    asked: Option<SecondLeg>,
) -> Result<Vec<Method>, ApiError> {
    let sandbox_runs = config.sandbox && !merchant.livemode;
    let leg = asked
        .or(merchant.second_leg)
        .or(sandbox_runs.then_some(SecondLeg::Sandbox));
    match leg {
        Some(SecondLeg::Sandbox) if !sandbox_runs => Err(ApiError::field(
            "second_leg",
            if merchant.livemode {
                "the sandbox settles test-mode sessions only; with a live key send second_leg \"merchant\": your server collects the rest with your provider, then captures"
            } else {
                "this server's sandbox is off; send second_leg \"merchant\" (your server collects the rest, then captures) or leave it out"
            },
        )),
        Some(SecondLeg::Sandbox) => Ok(merchant.methods.clone()),
        Some(SecondLeg::Merchant) => Ok(vec![Method::Merchant]),
        None => Ok(Vec::new()),
    }
}

/// The shopper of a new session: from its link, or (test keys only) named directly.
async fn shopper_of(
    db: &Db,
    merchant: &Merchant,
    input: &CreateSession,
) -> Result<(String, Option<String>), ServerError> {
    match (&input.link, &input.shopper_id) {
        (Some(link), None) => {
            let (shopper, digest) = crate::consent::links::resolve(db, merchant, link).await?;
            Ok((shopper, Some(digest)))
        }
        (None, Some(_)) if merchant.livemode => Err(ApiError::field(
            "shopper_id",
            "a live key opens sessions only for a shopper who linked their wallet to you (send link); shopper_id is for test keys (sk_test_…)",
        )
        .into()),
        (None, Some(shopper)) => {
            check_shopper_id("shopper_id", shopper)?;
            if unlinked_from(db, merchant, shopper).await? {
                return Err(crate::consent::links::revoked().into());
            }
            Ok((shopper.clone(), None))
        }
        _ => Err(ApiError::field(
            "link",
            "send the shopper's link (lk_…), or with a test key a shopper_id, not both",
        )
        .into()),
    }
}

/// Whether the shopper revoked a link to this merchant (of this mode) and has no active
/// one: the test-mode `shopper_id` shortcut must not go round the shopper's decision.
async fn unlinked_from(db: &Db, merchant: &Merchant, shopper: &str) -> Result<bool, ServerError> {
    let (revoked, active): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN revoked_at IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM links WHERE merchant_id = $1 AND shopper_id = $2 AND livemode = $3",
    )
    .bind(&merchant.id)
    .bind(shopper)
    .bind(i64::from(merchant.livemode))
    .fetch_one(&db.pool)
    .await?;
    Ok(revoked > 0 && active == 0)
}

/// The cart is in the currency of the shopper's wallet (when they have one).
async fn same_currency(
    db: &Db,
    wallet: WalletRef<'_>,
    cart: checkout_core::Currency,
) -> Result<(), ServerError> {
    match wallet_currency(db, wallet).await? {
        Some(currency) if currency != cart => Err(ApiError::field(
            "cart.currency",
            format!("the shopper's wallet holds {currency}; create the session in {currency}"),
        )
        .into()),
        _ => Ok(()),
    }
}

/// Creates a session for a merchant: its cart validated and stored canonically, its
/// policy and methods copied, open for `session_ttl_secs`.
///
/// # Errors
/// 400 `invalid_request` naming the field (shopper id, cart, return URL, a cart in
/// another currency than the shopper's wallet).
pub async fn create_session(
    db: &Db,
    config: &Config,
    merchant: &Merchant,
    mut input: CreateSession,
) -> Result<CreatedSession, ServerError> {
    let tags = Tags::checked(input.merchant_reference.take(), input.metadata.take())?;
    let (shopper_id, link_digest) = shopper_of(db, merchant, &input).await?;
    let cart = from_value::<CartInput>(input.cart)
        .and_then(CartInput::validate)
        .map_err(|e| ApiError::invalid(&e.under("cart")))?;
    let return_url = input
        .return_url
        .as_deref()
        .map(|u| return_url::parse(u, merchant.livemode, &merchant.return_origins))
        .transpose()?
        .map(String::from);
    let methods = session_methods(config, merchant, input.second_leg)?;
    same_currency(
        db,
        WalletRef::new(&shopper_id, merchant.livemode),
        cart.currency,
    )
    .await?;
    let now = now();
    let id = random_id("cs_", 24);
    let secret = random_id("cs_secret_", 32);
    let digest = checkout_core::cart_digest(&cart);
    let expires_at = now + config.limits.session_ttl_secs;
    let policy =
        serde_json::to_string(&merchant.policy).map_err(|e| ServerError::internal("policy", e))?;
    let methods =
        serde_json::to_string(&methods).map_err(|e| ServerError::internal("methods", e))?;
    sqlx::query(
        "INSERT INTO sessions (id, client_secret, merchant_id, shopper_id, currency, cart, cart_digest, \
         policy, methods, return_url, status, expires_at, created_at, livemode, link_digest, \
         metadata, merchant_reference) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(&id)
    .bind(&secret)
    .bind(&merchant.id)
    .bind(&shopper_id)
    .bind(cart.currency.code())
    .bind(checkout_core::canonical_json(&cart))
    .bind(&digest)
    .bind(policy)
    .bind(methods)
    .bind(&return_url)
    .bind(SessionStatus::Open.code())
    .bind(expires_at)
    .bind(now)
    .bind(i64::from(merchant.livemode))
    .bind(link_digest)
    .bind(tags.metadata_json())
    .bind(&tags.merchant_reference)
    .execute(&db.pool)
    .await?;
    tracing::info!(session = %id, merchant = %merchant.id, "session created");
    Ok(CreatedSession {
        id,
        client_secret: secret,
        expires_at: rfc3339(expires_at),
        cart_digest: digest,
    })
}

/// What the shopper's unfinished payments at this session's merchant (in its mode) hold,
/// in minor units: the frame says it is held, not gone. Holds at other shops are theirs
/// to tell; the merchant that holds this client secret learns nothing of them.
async fn held_here(db: &Db, session: &SessionRow) -> Result<i64, ServerError> {
    let held: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(balance_amount), 0) AS BIGINT) FROM intents \
         WHERE shopper_id = $1 AND merchant_id = $2 AND livemode = $3 AND status = $4",
    )
    .bind(&session.shopper_id)
    .bind(&session.merchant_id)
    .bind(i64::from(session.livemode))
    .bind(IntentStatus::RequiresAction.code())
    .fetch_one(&db.pool)
    .await?;
    Ok(held)
}

/// The intent of `session` waiting for its second method, as the frame resumes it.
async fn pending_intent(
    db: &Db,
    session: &SessionRow,
    base: &str,
) -> Result<Option<crate::views::IntentView>, ServerError> {
    let Some(id) = crate::store::db::rows::pending_intent_of(db, &session.id).await? else {
        return Ok(None);
    };
    let Some(row) = crate::store::db::rows::load_intent(&db.pool, &id).await? else {
        return Ok(None);
    };
    Ok(Some(crate::views::IntentView::of(&row, base)?.summary()))
}

/// What the frame loads: the cart, the policy, the live balance and the methods while
/// the session can be paid (and, while its payment waits for the second method, that
/// intent, so a reloaded frame resumes it); only the outcome once it is closed.
///
/// # Errors
/// The database's; internal for corrupt stored data.
pub async fn session_answer(
    db: &Db,
    session: &SessionRow,
    passkeys_on: bool,
    base: &str,
) -> Result<SessionAnswer, ServerError> {
    let status = session.effective_status(now());
    match status {
        SessionStatus::Open | SessionStatus::AwaitingPayment => {
            let mut view = session_view(db, session, passkeys_on).await?;
            if status == SessionStatus::AwaitingPayment {
                view.pending_intent = pending_intent(db, session, base).await?;
            }
            Ok(SessionAnswer::Open(Box::new(view)))
        }
        SessionStatus::Completed | SessionStatus::Expired => {
            let intent_id: Option<String> = sqlx::query_scalar(
                "SELECT id FROM intents WHERE session_id = $1 AND status = $2 AND livemode = $3",
            )
            .bind(&session.id)
            .bind(IntentStatus::Succeeded.code())
            .bind(i64::from(session.livemode))
            .fetch_optional(&db.pool)
            .await?;
            Ok(SessionAnswer::Closed(SessionOutcome {
                id: session.id.clone(),
                status,
                intent_id,
            }))
        }
    }
}

async fn session_view(
    db: &Db,
    session: &SessionRow,
    passkeys_on: bool,
) -> Result<SessionView, ServerError> {
    let terms = SessionTerms::of(session)?;
    let currency = terms.cart.currency;
    let password_set = wallet_currency(db, session.wallet()).await?.is_some();
    let passkey =
        passkeys_on && crate::security::passkeys::store::any(db, session.wallet()).await?;
    let balance = live_balance(&db.pool, session.wallet(), currency, "").await?;
    let held = held_here(db, session).await?;
    let cart = RawValue::from_string(session.cart.clone())
        .map_err(|e| ServerError::internal("stored cart", e))?;
    let second_leg = terms.second_leg();
    Ok(SessionView {
        id: session.id.clone(),
        status: session.effective_status(now()),
        cart,
        cart_digest: session.cart_digest.clone(),
        policy: terms.policy,
        wallet: SessionWallet {
            currency,
            balance,
            held: crate::store::stored::money(held, currency)?,
            password_set,
            passkey,
        },
        second_leg,
        methods: terms.methods,
        expires_at: rfc3339(session.expires_at),
        return_url: session.return_url.clone(),
        pending_intent: None,
    })
}

/// The core's quote for the session at the wallet's live balance, while it can be paid.
///
/// # Errors
/// 400 `invalid_request` for a bad cap; 409 `session_completed` / 410 `session_expired`
/// once it is closed (a closed session never shows the balance).
pub async fn quote(db: &Db, session: &SessionRow, choice: &Choice) -> Result<Quote, ServerError> {
    match session.effective_status(now()) {
        SessionStatus::Open | SessionStatus::AwaitingPayment => {}
        closed @ (SessionStatus::Completed | SessionStatus::Expired) => {
            return Err(super::refusals::not_open(closed, None).into())
        }
    }
    let terms = SessionTerms::of(session)?;
    let balance = live_balance(&db.pool, session.wallet(), terms.cart.currency, "").await?;
    Ok(terms.quote(balance, choice)?)
}

/// A passkey challenge for `intent` while `session` is open (`crate::security::passkeys::payment`).
///
/// # Errors
/// 409 `session_completed` / `request_in_progress`, 410 `session_expired` unless the
/// session is open; those of `passkeys::payment::challenge`.
pub async fn passkey_challenge(
    state: &AppState,
    session: &SessionRow,
    intent: &checkout_core::Intent,
) -> Result<webauthn_rs::prelude::RequestChallengeResponse, ServerError> {
    let now = now();
    let status = session.effective_status(now);
    if status != SessionStatus::Open {
        return Err(super::refusals::not_open(status, None).into());
    }
    let rp = state.relying_party.as_ref();
    crate::security::passkeys::payment::challenge(&state.db, rp, session, intent, now).await
}
