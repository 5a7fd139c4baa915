//! `POST /v1/sessions/{id}/intents` (frame), `GET /v1/intents/{id}` (frame or merchant),
//! `POST /v1/intents/{id}/cancel` (merchant or frame), `POST /v1/intents/{id}/capture`
//! and `GET /v1/intents` (merchant).

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use checkout_core::{CancelReason, ErrorCode};

use crate::checkout::cancel::CancelRequest;
use crate::checkout::capture::{Answer, CaptureRequest};
use crate::checkout::intents::{submit, verify_signature, Submission};
use crate::checkout::records::query::{Kind, ListQuery};
use crate::checkout::second_leg::Outcome;
use crate::checkout::FrameSession;
use crate::error::{ApiError, Reply, ServerError};
use crate::http::auth::MerchantKey;
use crate::http::extract::{is_json, parse_json, BaseUrl, RawBody};
use crate::http::state::AppState;
use crate::store::db::rows::{load_intent, load_merchant_intent, load_session, IntentRow};
use crate::views::IntentView;

/// `POST /v1/sessions/{id}/intents`: client secret, signature and idempotency key here,
/// the rest of the checks in [`crate::checkout::intents`].
pub async fn create(
    State(state): State<AppState>,
    FrameSession(session): FrameSession,
    BaseUrl(base): BaseUrl,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let signature = headers
        .get("checkout-signature")
        .and_then(|v| v.to_str().ok());
    verify_signature(&session, signature, &body)?;
    let key = crate::http::idempotency::key(&headers, true)?.unwrap_or_default();
    let submission = Submission {
        is_json: is_json(&headers),
        key,
        base,
        body,
        test_helper: false,
    };
    submit(state, session, submission).await
}

/// Which view of an intent `GET /v1/intents/{id}` answers: `?view=summary` leaves out the
/// stored quote (its only part that grows with the cart), for the frame's poll.
fn summary_wanted(query: Option<&str>) -> Result<bool, ApiError> {
    match query.unwrap_or("") {
        "" | "view=full" => Ok(false),
        "view=summary" => Ok(true),
        _ => Err(ApiError::field(
            "view",
            "the only query is view=summary (the intent without its quote) or view=full",
        )),
    }
}

/// Who asks about an intent: its merchant (key), or the frame (its session's client secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Merchant,
    Frame,
}

/// The intent `id` as its caller may see it: a merchant's key reads its own intents of its
/// mode; any other bearer token must be the client secret of the intent's session.
///
/// # Errors
/// 404 `intent_not_found`; 401 `unauthorized` (a wrong or expired client secret); 403
/// `link_revoked`.
async fn intent_for(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
) -> Result<(IntentRow, Caller), ServerError> {
    let not_found = || {
        ApiError::new(
            ErrorCode::IntentNotFound,
            "no payment intent has this id; use the id returned when the intent was created",
        )
    };
    let token = crate::http::auth::bearer(headers).unwrap_or("");
    if let Some(m) = state.config.merchant_by_key(token) {
        let intent = load_merchant_intent(&state.db.pool, &m.id, m.livemode, id)
            .await?
            .ok_or_else(not_found)?;
        return Ok((intent, Caller::Merchant));
    }
    let intent = load_intent(&state.db.pool, id)
        .await?
        .ok_or_else(not_found)?;
    let session = load_session(&state.db.pool, &intent.session_id)
        .await?
        .ok_or_else(not_found)?;
    crate::checkout::check_client_secret(&state.db, &session, headers).await?;
    Ok((intent, Caller::Frame))
}

/// `GET /v1/intents/{id}`: with the merchant's key, or the session's client secret.
pub async fn read(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Reply, ServerError> {
    let summary = summary_wanted(query.as_deref())?;
    let (intent, _) = intent_for(&state, &id, &headers).await?;
    let view = IntentView::of(&intent, &base)?;
    let view = if summary { view.summary() } else { view };
    Ok(Reply::json(StatusCode::OK, &view))
}

/// `POST /v1/intents/{id}/cancel`: cancels an intent still `requires_action`; the hold is
/// released at once and the session reopens (`crate::checkout::second_leg::finish`).
/// With the merchant's key; or with the client secret from the frame, but never a
/// remainder the merchant collects (409 `second_leg_pending`: it may already hold that
/// money). Canceling again what the same caller canceled answers it unchanged; otherwise
/// an intent that stopped waiting answers 409 `intent_succeeded`, `intent_canceled` or
/// `hold_expired` (by the clock, whether or not the sweeper has run), as DESIGN.md
/// *Sessions* §5 gives. The merchant's body may give a `reason`
/// ([`crate::checkout::cancel`]).
pub async fn cancel(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let (intent, caller) = intent_for(&state, &id, &headers).await?;
    let (outcome, reason) = match caller {
        Caller::Merchant => (
            Outcome::CanceledByMerchant,
            CancelReason::RequestedByMerchant,
        ),
        Caller::Frame => (Outcome::CanceledByShopper, CancelReason::RequestedByShopper),
    };
    let request: CancelRequest = if body.trim_ascii().is_empty() {
        CancelRequest::default()
    } else {
        parse_json(&headers, &body)?
    };
    let note = request.note(reason)?;
    if intent.cancel_reason == Some(reason) {
        return Ok(Reply::json(
            StatusCode::OK,
            &IntentView::of(&intent, &base)?,
        ));
    }
    let now = crate::util::now();
    if let Some(refusal) = crate::checkout::refusals::after_the_fact(&intent, now) {
        return Err(refusal.into());
    }
    let ended =
        crate::checkout::second_leg::finish(&state.db, &intent.id, (outcome, note.as_deref()), now)
            .await?;
    Ok(Reply::json(StatusCode::OK, &IntentView::of(&ended, &base)?))
}

/// `POST /v1/intents/{id}/capture` (merchant key, `Idempotency-Key` required): the
/// remainder of a `merchant` leg was collected; capture the hold
/// ([`crate::checkout::capture`]). The same key with the same body answers the same reply;
/// a body that is not JSON of the right shape is refused before the key is claimed, so a
/// corrected retry under the same key runs.
pub async fn capture(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let key = crate::http::idempotency::key(&headers, true)?.unwrap_or_default();
    let req: CaptureRequest = parse_json(&headers, &body)?;
    let mode = crate::store::mode::mode_name(merchant.livemode);
    let scope = format!("merchant:{}:{mode}:capture:{id}", merchant.id);
    // Its own task: a merchant that hangs up before the commit does not leave the key
    // running, so its retry replays the answer instead of waiting for a takeover.
    let task = crate::error::RequestContext::spawn(async move {
        let answer = Answer {
            scope: &scope,
            key: &key,
            base: &base,
        };
        let work = async {
            crate::checkout::capture::capture(&state.db, &merchant, &id, &req, &answer)
                .await
                .unwrap_or_else(Reply::from)
        };
        crate::http::idempotency::run(&state, &scope, Some(&key), &body, work).await
    });
    task.await
        .map_err(|e| ServerError::internal("capture task", e))?
}

/// `GET /v1/intents` (merchant): its intents, newest first, without their quotes
/// (`crate::checkout::records::lists`).
pub async fn list(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    BaseUrl(base): BaseUrl,
    RawQuery(query): RawQuery,
) -> Result<Reply, ServerError> {
    let q = ListQuery::parse(Kind::Intents, query.as_deref())?;
    let page = crate::checkout::records::lists::intents(&state.db, &merchant, &q, &base).await?;
    Ok(Reply::json(StatusCode::OK, &page))
}
