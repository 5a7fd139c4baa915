//! Webhook endpoints of a merchant and their secrets: from the configuration (synced at
//! start by `super::configured`; changed only there) and through
//! `POST/GET/DELETE /v1/webhook-endpoints`. Secrets are stored sealed
//! (`crate::store::sealing`) and answered in full only when made. Live
//! endpoints must be `https://` and not name a private or loopback address (names are
//! checked again on every delivery, on the addresses connected to: `transport`).

use base64::Engine as _;
use checkout_core::ErrorCode;
use rand::RngCore as _;
use sqlx::Row as _;

use crate::config::Merchant;
use crate::error::{ApiError, ServerError};
use crate::store::db::Db;
use crate::store::sealing::Sealer;
use crate::util::{now, random_id, rfc3339};
use crate::views::webhooks::{DeletedEndpoint, EndpointList, EndpointView, SecretView, Source};

/// A new `whsec_…` secret: 32 random bytes, base64 (Standard Webhooks).
#[must_use]
pub fn new_secret() -> String {
    let mut key = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::WebhookEndpointNotFound,
        "no webhook endpoint of yours has this id; list them with GET /v1/webhook-endpoints",
    )
}

/// What a read shows of a secret: `whsec_` and its first four characters.
pub(super) fn prefix_of(secret: &str) -> String {
    secret.chars().take("whsec_".len() + 4).collect()
}

/// The active secrets of an endpoint, as reads show them (no secret, its prefix).
async fn secrets_of(db: &Db, endpoint_id: &str) -> Result<Vec<SecretView>, ServerError> {
    let rows = sqlx::query(
        "SELECT id, prefix, created_at FROM webhook_secrets \
         WHERE endpoint_id = $1 AND retired_at IS NULL ORDER BY created_at, id",
    )
    .bind(endpoint_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SecretView {
                id: r.try_get("id")?,
                secret: None,
                prefix: r.try_get("prefix")?,
                created_at: rfc3339(r.try_get("created_at")?),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

async fn view_of(db: &Db, row: &crate::store::db::Row) -> Result<EndpointView, ServerError> {
    let id: String = row.try_get("id")?;
    let source: String = row.try_get("source")?;
    let livemode: i64 = row.try_get("livemode")?;
    Ok(EndpointView {
        secrets: secrets_of(db, &id).await?,
        url: row.try_get("url")?,
        livemode: livemode != 0,
        source: if source == Source::Config.code() {
            Source::Config
        } else {
            Source::Api
        },
        created_at: rfc3339(row.try_get("created_at")?),
        id,
    })
}

const COLUMNS: &str = "id, url, livemode, source, created_at";

/// `POST /v1/webhook-endpoints`: a new endpoint with one new secret.
///
/// # Errors
/// 400 `invalid_request` at `url` ([`check_url`], with the configuration's
/// `private_origins`).
pub async fn create(
    (db, sealer): (&Db, &Sealer),
    merchant: &Merchant,
    url: &str,
    private_origins: &[String],
) -> Result<EndpointView, ServerError> {
    crate::store::retry::retrying("endpoint_create", || {
        create_once((db, sealer), merchant, url, private_origins)
    })
    .await
}

/// One attempt of [`create`], run again by [`crate::store::retry::retrying`].
async fn create_once(
    (db, sealer): (&Db, &Sealer),
    merchant: &Merchant,
    url: &str,
    private_origins: &[String],
) -> Result<EndpointView, ServerError> {
    super::destinations::check_url(url, merchant.livemode, private_origins)?;
    let id = random_id("we_", 24);
    let now = now();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO webhook_endpoints (id, merchant_id, url, livemode, source, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(&merchant.id)
    .bind(url)
    .bind(i64::from(merchant.livemode))
    .bind(Source::Api.code())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let (secret_id, secret) = (random_id("whs_", 24), new_secret());
    let stored = (&secret_id[..], &secret[..], sealer);
    insert_secret(&mut tx, &id, stored, now).await?;
    tx.commit().await?;
    tracing::info!(merchant = %merchant.id, endpoint = %id, "webhook endpoint created");
    // The one answer that carries the secret.
    let mut view = read(db, merchant, &id).await?;
    for s in view.secrets.iter_mut().filter(|s| s.id == secret_id) {
        s.secret = Some(secret.clone());
    }
    Ok(view)
}

/// Stores the secret `(id, secret, sealer)` of an endpoint, sealed; a configured one that
/// is already there is made active again.
pub(super) async fn insert_secret(
    tx: &mut crate::store::db::Tx,
    endpoint_id: &str,
    (id, secret, sealer): (&str, &str, &Sealer),
    now: i64,
) -> Result<(), ServerError> {
    sqlx::query(
        "INSERT INTO webhook_secrets (id, endpoint_id, secret, prefix, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET retired_at = NULL",
    )
    .bind(id)
    .bind(endpoint_id)
    .bind(sealer.seal(id, secret)?)
    .bind(prefix_of(secret))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// `GET /v1/webhook-endpoints/{id}`.
///
/// # Errors
/// 404 `webhook_endpoint_not_found` (also for another merchant's or a deleted one).
pub async fn read(db: &Db, merchant: &Merchant, id: &str) -> Result<EndpointView, ServerError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2 \
         AND livemode = $3 AND deleted_at IS NULL"
    ))
    .bind(id)
    .bind(&merchant.id)
    .bind(i64::from(merchant.livemode))
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(not_found)?;
    view_of(db, &row).await
}

/// `GET /v1/webhook-endpoints`: the merchant's endpoints, oldest first.
///
/// # Errors
/// The database's.
pub async fn list(db: &Db, merchant: &Merchant) -> Result<EndpointList, ServerError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM webhook_endpoints WHERE merchant_id = $1 AND livemode = $2 \
         AND deleted_at IS NULL ORDER BY created_at, id"
    ))
    .bind(&merchant.id)
    .bind(i64::from(merchant.livemode))
    .fetch_all(&db.pool)
    .await?;
    let mut data = Vec::with_capacity(rows.len());
    for row in &rows {
        data.push(view_of(db, row).await?);
    }
    Ok(EndpointList { data })
}

/// The endpoint, if it is the merchant's and came from the API (configured ones change
/// in the configuration).
async fn own_api_endpoint(db: &Db, merchant: &Merchant, id: &str) -> Result<(), ServerError> {
    let view = read(db, merchant, id).await?;
    if view.source == Source::Config {
        return Err(ApiError::new(
            ErrorCode::WebhookEndpointConfigured,
            "this endpoint comes from the server's configuration ([[merchants.webhooks]]); change it there",
        )
        .into());
    }
    Ok(())
}

/// `DELETE /v1/webhook-endpoints/{id}`: no new deliveries; pending ones end `failed`.
///
/// # Errors
/// 404 `webhook_endpoint_not_found`; 409 `webhook_endpoint_configured`.
pub async fn delete(
    db: &Db,
    merchant: &Merchant,
    id: &str,
) -> Result<DeletedEndpoint, ServerError> {
    own_api_endpoint(db, merchant, id).await?;
    sqlx::query(
        "UPDATE webhook_endpoints SET deleted_at = $2 \
         WHERE id = $1 AND merchant_id = $3 AND livemode = $4 AND deleted_at IS NULL",
    )
    .bind(id)
    .bind(now())
    .bind(&merchant.id)
    .bind(i64::from(merchant.livemode))
    .execute(&db.pool)
    .await?;
    Ok(DeletedEndpoint {
        id: id.to_owned(),
        deleted: true,
    })
}

/// `POST /v1/webhook-endpoints/{id}/secrets`: adds a new secret beside the active ones
/// (rotation: deploy it to the receiver, then retire the old one). Answers the new secret.
///
/// # Errors
/// 404 `webhook_endpoint_not_found`; 409 `webhook_endpoint_configured`.
pub async fn add_secret(
    (db, sealer): (&Db, &Sealer),
    merchant: &Merchant,
    id: &str,
) -> Result<SecretView, ServerError> {
    crate::store::retry::retrying("endpoint_secret", || {
        add_secret_once((db, sealer), merchant, id)
    })
    .await
}

/// One attempt of [`add_secret`], run again by [`crate::store::retry::retrying`].
async fn add_secret_once(
    (db, sealer): (&Db, &Sealer),
    merchant: &Merchant,
    id: &str,
) -> Result<SecretView, ServerError> {
    own_api_endpoint(db, merchant, id).await?;
    let (secret_id, secret, now) = (random_id("whs_", 24), new_secret(), now());
    let mut tx = db.begin().await?;
    insert_secret(&mut tx, id, (&secret_id, &secret, sealer), now).await?;
    tx.commit().await?;
    Ok(SecretView {
        id: secret_id,
        prefix: prefix_of(&secret),
        secret: Some(secret),
        created_at: rfc3339(now),
    })
}

/// `DELETE /v1/webhook-endpoints/{id}/secrets/{secret_id}`: retires a secret; the last
/// active one cannot be retired (add another first).
///
/// # Errors
/// 404 `webhook_endpoint_not_found` for an unknown endpoint or secret; 409
/// `webhook_secret_last`, `webhook_endpoint_configured`.
pub async fn retire_secret(
    db: &Db,
    merchant: &Merchant,
    id: &str,
    secret_id: &str,
) -> Result<EndpointView, ServerError> {
    own_api_endpoint(db, merchant, id).await?;
    let active = secrets_of(db, id).await?;
    if !active.iter().any(|s| s.id == secret_id) {
        return Err(not_found().into());
    }
    if active.len() == 1 {
        return Err(ApiError::new(
            ErrorCode::WebhookSecretLast,
            "this is the endpoint's only active secret; add a new one first (POST …/secrets)",
        )
        .into());
    }
    sqlx::query("UPDATE webhook_secrets SET retired_at = $3 WHERE id = $1 AND endpoint_id = $2")
        .bind(secret_id)
        .bind(id)
        .bind(now())
        .execute(&db.pool)
        .await?;
    read(db, merchant, id).await
}
