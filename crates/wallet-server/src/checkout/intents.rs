//! A payment intent from the frame: the checks of DESIGN.md in their order — client
//! secret, signature, idempotency, session open, cart digest, nonce, the backend's own
//! quote, the payment password — then [`super::pay`].

use axum::body::Bytes;
use checkout_core::{Authorization, ErrorCode, IntentRequest, SecondLeg, SessionStatus};

use super::refusals::{quote_mismatch, session_error};
use super::{live_balance, SessionTerms};
use crate::error::{ApiError, Reply, ServerError};
use crate::http::extract::parse_json_body;
use crate::http::state::AppState;
use crate::store::db::rows::{load_session, SessionRow};
use crate::util::now;

/// An intent as it arrived, after its signature and idempotency key were read.
pub struct Submission {
    /// The raw body, exactly as signed.
    pub body: Bytes,
    /// Whether `Content-Type` said JSON.
    pub is_json: bool,
    /// The `Idempotency-Key`.
    pub key: String,
    /// The origin of absolute URLs in the answer.
    pub base: String,
    /// Made by the sandbox's test helper (`crate::sandbox::test_helpers`) for a test-mode
    /// session: no shopper is there to authorise it, so step 8 is skipped. Never set
    /// for a live session or with the sandbox off ([`execute`] refuses it).
    pub test_helper: bool,
}

/// Step 2: the `Checkout-Signature` header, checked in constant time, then its age.
///
/// # Errors
/// 401 `signature_invalid` (missing, malformed, not matching) or `signature_expired`.
pub fn verify_signature(
    session: &SessionRow,
    header: Option<&str>,
    body: &[u8],
) -> Result<(), ApiError> {
    let header = header.ok_or_else(|| {
        ApiError::new(
            ErrorCode::SignatureInvalid,
            "Checkout-Signature header is missing; sign \"<t>.<body>\" with the client secret",
        )
    })?;
    checkout_core::signature::verify(&session.client_secret, header, body, now())
        .map_err(|e| ApiError::new(e.code(), e.to_string()))
}

/// Step 3 and on: runs the payment under its idempotency key, in its own task so that a
/// client hanging up half-way neither cancels a payment mid-flight nor leaves its key
/// `running`. Answers the stored reply on a replay.
///
/// # Errors
/// 422 `idempotency_conflict`, 409 `request_in_progress`; everything after the claim is
/// answered (and stored) as the reply.
pub async fn submit(
    state: AppState,
    session: SessionRow,
    submission: Submission,
) -> Result<Reply, ServerError> {
    let task = crate::error::RequestContext::spawn(async move {
        let scope = format!("session:{}", session.id);
        let key = submission.key.clone();
        let work = async {
            execute(&state, &session, &submission, &scope)
                .await
                .unwrap_or_else(Reply::from)
        };
        crate::http::idempotency::run(&state, &scope, Some(&key), &submission.body, work).await
    });
    task.await
        .map_err(|e| ServerError::internal("intent task", e))?
}

/// The body's shape: a valid intent for this session and one authorisation (six digits
/// or a passkey assertion).
fn parse_request(session: &SessionRow, sub: &Submission) -> Result<IntentRequest, ApiError> {
    let req: IntentRequest = parse_json_body(sub.is_json, &sub.body)?;
    req.intent.validate().map_err(|e| ApiError::invalid(&e))?;
    if moves_balance(&req) && !sub.test_helper {
        req.authorization().map_err(|e| ApiError::invalid(&e))?;
    }
    if req.intent.session_id != session.id {
        return Err(ApiError::field(
            "intent.session_id",
            "does not match the session in the URL; sign an intent for this session",
        ));
    }
    Ok(req)
}

/// Whether the intent takes anything from the balance: only then is the shopper's
/// password or passkey asked for and checked (DESIGN.md *Sessions* §4); paying
/// everything with the second method needs neither, so a locked wallet does not block it.
/// An authorisation sent anyway is ignored: it would authorise nothing.
fn moves_balance(req: &IntentRequest) -> bool {
    !req.intent.balance_amount.value().is_zero()
}

/// Step 6: the nonce is single-use (primary key). A crash after the insert leaves it
/// taken by an attempt that never paid; the retry of that same attempt (same scope and
/// key) may use it again.
async fn claim_nonce(
    state: &AppState,
    session: &SessionRow,
    nonce: &str,
    attempt: &str,
    now: i64,
) -> Result<(), ServerError> {
    let fresh = sqlx::query(
        "INSERT INTO nonces (nonce, session_id, created_at, attempt) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (nonce) DO NOTHING",
    )
    .bind(nonce)
    .bind(&session.id)
    .bind(now)
    .bind(attempt)
    .execute(&state.db.pool)
    .await?
    .rows_affected();
    if fresh == 1 {
        return Ok(());
    }
    let owner: Option<Option<String>> =
        sqlx::query_scalar("SELECT attempt FROM nonces WHERE nonce = $1")
            .bind(nonce)
            .fetch_optional(&state.db.pool)
            .await?;
    if owner.flatten().as_deref() == Some(attempt) {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::NonceReused,
        "this intent's nonce was already used; make a fresh random nonce for every intent",
    )
    .into())
}

/// Step 7: the backend's own quote must equal the intent's amounts, and the second
/// method must be one the merchant accepts and this server can run.
async fn check_quote(
    state: &AppState,
    session: &SessionRow,
    terms: &SessionTerms,
    req: &IntentRequest,
) -> Result<(), ServerError> {
    let balance = live_balance(&state.db.pool, session.wallet(), session.currency, "").await?;
    let quote = terms.quote(balance, &req.intent.choice())?;
    let diffs = req.intent.mismatches(&quote);
    if !diffs.is_empty() {
        return Err(quote_mismatch(&quote, diffs).into());
    }
    let Some(method) = req.intent.other_method else {
        return Ok(());
    };
    second_method_runs(state, terms, method)?;
    Ok(())
}

/// The intent's second method is one this session offers, and something here settles it
/// (DESIGN.md *The second leg*).
fn second_method_runs(
    state: &AppState,
    terms: &SessionTerms,
    method: checkout_core::Method,
) -> Result<(), ApiError> {
    let Some(leg) = terms.second_leg() else {
        return Err(ApiError::new(
            ErrorCode::MethodUnavailable,
            "only the wallet balance can pay at this shop here: it has no second payment method; pay the whole order with balance",
        ));
    };
    if !terms.methods.contains(&method) {
        let accepted: Vec<_> = terms.methods.iter().map(|m| m.code()).collect();
        return Err(ApiError::field(
            "intent.other_method",
            format!("this session accepts {}", accepted.join(", ")),
        ));
    }
    if leg == SecondLeg::Sandbox && !state.config.sandbox {
        return Err(ApiError::new(
            ErrorCode::MethodUnavailable,
            "this server has no provider for a second method (sandbox mode is off); pay the whole order with balance",
        ));
    }
    Ok(())
}

/// Steps 4 and 5: the session, read again, is open and the intent is for its cart.
async fn open_session(
    state: &AppState,
    session: &SessionRow,
    req: &IntentRequest,
    now: i64,
) -> Result<SessionRow, ServerError> {
    let session = load_session(&state.db.pool, &session.id)
        .await?
        .unwrap_or_else(|| session.clone());
    if session.effective_status(now) != SessionStatus::Open {
        return Err(session_error(state, &session).await?.into());
    }
    if req.intent.cart_digest != session.cart_digest {
        return Err(ApiError::new(
            ErrorCode::CartChanged,
            "the intent's cart_digest is not this session's cart; reload the session and sign again",
        )
        .with("cart_digest", &session.cart_digest)
        .into());
    }
    Ok(session)
}

/// Step 8: the payment password or the passkey, counted against the wallet's lock (a
/// shopper without a wallet has nothing to pay from balance).
async fn authorize(
    state: &AppState,
    session: &SessionRow,
    req: &IntentRequest,
    now: i64,
) -> Result<(), ServerError> {
    if !moves_balance(req)
        || crate::wallet::accounts::wallet_currency(&state.db, session.wallet())
            .await?
            .is_none()
    {
        return Ok(());
    }
    match req.authorization().map_err(|e| ApiError::invalid(&e))? {
        Authorization::Password(password) => {
            crate::security::password::check(
                &state.db,
                &state.passwords,
                session.wallet(),
                password,
                now,
                state.config.limits.lockout_secs,
            )
            .await
        }
        Authorization::Passkey(assertion) => {
            let verifier = (
                &state.db,
                state.relying_party.as_ref(),
                state.config.limits.lockout_secs,
            );
            crate::security::passkeys::payment::verify(
                verifier,
                session,
                &req.intent,
                assertion,
                now,
            )
            .await
        }
    }
}

/// Steps 4 to 9, answered (and stored under the key) as one reply.
async fn execute(
    state: &AppState,
    session: &SessionRow,
    sub: &Submission,
    scope: &str,
) -> Result<Reply, ServerError> {
    let req = parse_request(session, sub)?;
    let now = now();
    // 4. session open and not expired; 5. cart digest current
    let session = open_session(state, session, &req, now).await?;
    // 6. nonce unused
    let nonce = req.intent.nonce.to_ascii_lowercase();
    let attempt = format!("{scope}/{}", sub.key);
    claim_nonce(state, &session, &nonce, &attempt, now).await?;
    // 7. the backend's own quote
    let terms = SessionTerms::of(&session)?;
    check_quote(state, &session, &terms, &req).await?;
    // 8. payment password or passkey (a test helper's payment: test mode, sandbox on)
    if !sub.test_helper {
        authorize(state, &session, &req, now).await?;
    } else if session.livemode || !state.config.sandbox {
        return Err(ServerError::internal(
            "test helper payment",
            "outside the sandbox's test mode",
        ));
    }
    // 9. move the balance part (at the time after Argon2, which may have taken a while)
    let paid_at = crate::util::now().max(now);
    let order = super::pay::Order {
        session: &session,
        terms: &terms,
        req: &req,
        now: paid_at,
        base: &sub.base,
    };
    let (row, reply) = super::pay::pay(state, &order, (scope, &sub.key)).await?;
    tracing::info!(intent = %row.id, session = %session.id, status = %row.status, "intent executed");
    Ok(reply)
}
