//! Idempotency keys: one row per (scope, key) under a unique constraint, holding the hash
//! of the request body and, once done, the exact status and body that were answered.

use axum::http::{HeaderMap, StatusCode};
use checkout_core::ErrorCode;

use crate::error::{ApiError, Reply, ServerError};
use crate::http::state::AppState;
use crate::store::db::Db;

/// A stored key: request hash, state, answered status and body, when it was claimed.
type StoredKey = (String, String, Option<i64>, Option<String>, i64);

/// What to do with a request carrying an idempotency key.
#[derive(Debug)]
pub enum Claim {
    /// First time: run it, then [`finish`].
    Fresh,
    /// Seen and done: answer this again.
    Replay(Reply),
}

/// The `Idempotency-Key` header: 1–255 visible ASCII characters.
///
/// # Errors
/// 400 `invalid_request` when it is malformed, or missing while `required`.
pub fn key(headers: &HeaderMap, required: bool) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return if required {
            Err(ApiError::field(
                "Idempotency-Key",
                "header is missing; send a UUID made once per payment attempt and reused on every retry",
            ))
        } else {
            Ok(None)
        };
    };
    let key = value.to_str().unwrap_or("").trim();
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::field(
            "Idempotency-Key",
            "must be 1 to 255 visible ASCII characters, e.g. a UUID",
        ));
    }
    Ok(Some(key.to_owned()))
}

/// Claims the key for this body, or says why not.
///
/// A key still `running` after `takeover_secs` belongs to a request that died with its
/// process; a retry may take it over.
pub async fn claim(
    db: &Db,
    takeover_secs: i64,
    scope: &str,
    key: &str,
    body_hash: &str,
    now: i64,
) -> Result<Claim, ServerError> {
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (scope, key, request_hash, state, created_at) \
         VALUES ($1, $2, $3, 'running', $4) ON CONFLICT (scope, key) DO NOTHING",
    )
    .bind(scope)
    .bind(key)
    .bind(body_hash)
    .bind(now)
    .execute(&db.pool)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(Claim::Fresh);
    }
    let row: Option<StoredKey> = sqlx::query_as(
        "SELECT request_hash, state, response_status, response_body, created_at \
         FROM idempotency_keys WHERE scope = $1 AND key = $2",
    )
    .bind(scope)
    .bind(key)
    .fetch_optional(&db.pool)
    .await?;
    let Some((hash, state, status, body, created_at)) = row else {
        // Deleted between our insert and select (a 5xx released it): claim it again.
        return Box::pin(claim(db, takeover_secs, scope, key, body_hash, now)).await;
    };
    if hash != body_hash {
        return Err(ApiError::new(
            ErrorCode::IdempotencyConflict,
            "this Idempotency-Key was already used with a different request body; make a new key for a new attempt",
        )
        .into());
    }
    if state == "running" {
        let stale = created_at <= now - takeover_secs;
        if stale && take_over(db, scope, key, created_at, now).await? {
            return Ok(Claim::Fresh);
        }
        return Err(ApiError::new(
            ErrorCode::RequestInProgress,
            "a request with this Idempotency-Key is still being processed; retry in a moment with the same key",
        )
        .into());
    }
    let status = status
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .ok_or_else(|| ServerError::internal("stored idempotent status", "out of range"))?;
    Ok(Claim::Replay(Reply {
        status,
        body: body.unwrap_or_default(),
    }))
}

/// Takes over a key left `running` since `created_at` by a request that died; `false`
/// when another retry took it first.
async fn take_over(
    db: &Db,
    scope: &str,
    key: &str,
    created_at: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let taken = sqlx::query(
        "UPDATE idempotency_keys SET created_at = $3 \
         WHERE scope = $1 AND key = $2 AND state = 'running' AND created_at = $4",
    )
    .bind(scope)
    .bind(key)
    .bind(now)
    .bind(created_at)
    .execute(&db.pool)
    .await?
    .rows_affected();
    Ok(taken == 1)
}

/// Stores the answer; a server error releases the key instead so that a retry runs again.
pub async fn finish(db: &Db, scope: &str, key: &str, reply: &Reply) -> Result<(), ServerError> {
    if reply.status.is_server_error() {
        sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2")
            .bind(scope)
            .bind(key)
            .execute(&db.pool)
            .await?;
        return Ok(());
    }
    store(&db.pool, scope, key, reply).await
}

/// Marks the key done with the answer to replay. A handler that moves money calls this
/// inside its own transaction, so the money and the stored answer commit together.
pub async fn store<'e, E>(
    executor: E,
    scope: &str,
    key: &str,
    reply: &Reply,
) -> Result<(), ServerError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "UPDATE idempotency_keys SET state = 'done', response_status = $3, response_body = $4 \
         WHERE scope = $1 AND key = $2",
    )
    .bind(scope)
    .bind(key)
    .bind(i64::from(reply.status.as_u16()))
    .bind(&reply.body)
    .execute(executor)
    .await?;
    Ok(())
}

/// Runs `work` under an idempotency key (when there is one): a replay answers the stored
/// reply; otherwise the reply of `work` is stored and answered. A key left `running` for
/// the configured `takeover_secs` is taken over.
///
/// # Errors
/// 422 `idempotency_conflict`, 409 `request_in_progress`, or the database's error.
pub async fn run<F>(
    state: &AppState,
    scope: &str,
    key: Option<&str>,
    body: &[u8],
    work: F,
) -> Result<Reply, ServerError>
where
    F: std::future::Future<Output = Reply>,
{
    let Some(key) = key else {
        return Ok(work.await);
    };
    let now = crate::util::now();
    let db = &state.db;
    match claim(
        db,
        state.config.limits.takeover_secs,
        scope,
        key,
        &state.passwords.body_hash(body),
        now,
    )
    .await?
    {
        Claim::Replay(reply) => Ok(reply),
        Claim::Fresh => {
            let reply = work.await;
            finish(db, scope, key, &reply).await?;
            Ok(reply)
        }
    }
}
