//! A session as its merchant's key reads it (`GET /v1/sessions/{id}` with `sk_…`): its
//! state and tags, never its shopper's wallet.

use checkout_core::{IntentStatus, SessionStatus};

use crate::checkout::{session_not_found, SessionTerms};
use crate::config::Merchant;
use crate::error::ServerError;
use crate::store::db::rows::{load_session, SessionRow};
use crate::store::db::Db;
use crate::util::rfc3339;
use crate::views::records::MerchantSessionView;

/// The view of a stored session at `now` (unix seconds).
///
/// # Errors
/// The database's; internal for a corrupt stored cart.
pub async fn view(
    db: &Db,
    session: &SessionRow,
    now: i64,
) -> Result<MerchantSessionView, ServerError> {
    let terms = SessionTerms::of(session)?;
    let total = terms
        .cart
        .standard_total()
        .map_err(|e| ServerError::internal("stored cart total", e))?;
    let status = session.effective_status(now);
    let paying = match status {
        SessionStatus::AwaitingPayment => Some(IntentStatus::RequiresAction),
        SessionStatus::Completed => Some(IntentStatus::Succeeded),
        SessionStatus::Open | SessionStatus::Expired => None,
    };
    let intent_id: Option<String> =
        match paying {
            None => None,
            Some(wanted) => sqlx::query_scalar(
                "SELECT id FROM intents WHERE session_id = $1 AND status = $2 AND livemode = $3",
            )
            .bind(&session.id)
            .bind(wanted.code())
            .bind(i64::from(session.livemode))
            .fetch_optional(&db.pool)
            .await?,
        };
    Ok(MerchantSessionView {
        id: session.id.clone(),
        livemode: session.livemode,
        status,
        currency: terms.cart.currency,
        total,
        intent_id,
        return_url: session.return_url.clone(),
        cart_digest: session.cart_digest.clone(),
        created_at: rfc3339(session.created_at),
        expires_at: rfc3339(session.expires_at),
        tags: session.tags.clone(),
    })
}

/// `GET /v1/sessions/{id}` with the merchant's key: one of its sessions of its key's mode.
///
/// # Errors
/// 404 `session_not_found` for an unknown id, another merchant's or the other mode's.
pub async fn read(
    db: &Db,
    merchant: &Merchant,
    id: &str,
    now: i64,
) -> Result<MerchantSessionView, ServerError> {
    let session = load_session(&db.pool, id)
        .await?
        .filter(|s| s.merchant_id == merchant.id && s.livemode == merchant.livemode)
        .ok_or_else(session_not_found)?;
    view(db, &session, now).await
}
