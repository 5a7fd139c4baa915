//! What a merchant reconciles with: its sessions as its key reads them, and the pages of
//! `GET /v1/sessions`, `/v1/intents` and `/v1/refunds`.

use checkout_core::{Currency, Money, SessionStatus};
use serde::Serialize;

use crate::store::tags::Tags;

/// `GET /v1/sessions/{id}` with the merchant's key, and the items of `GET /v1/sessions`:
/// the session without its shopper's wallet (no balance, no shopper id).
#[derive(Debug, Clone, Serialize)]
pub struct MerchantSessionView {
    pub id: String,
    pub livemode: bool,
    pub status: SessionStatus,
    pub currency: Currency,
    /// The cart at standard prices.
    pub total: Money,
    /// The intent that paid it, or the one waiting for its second method; `null` otherwise.
    pub intent_id: Option<String>,
    pub return_url: Option<String>,
    pub cart_digest: String,
    pub created_at: String,
    pub expires_at: String,
    #[serde(flatten)]
    pub tags: Tags,
}

/// One page of a list, newest first: `has_more` says whether a next page exists (ask it
/// with `starting_after` set to the last item's id).
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub has_more: bool,
}
