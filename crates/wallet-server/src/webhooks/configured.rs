//! The configuration's webhook endpoints (`[[merchants.webhooks]]`), made the database's
//! at start, and the stored secrets sealed again under the current pepper.

use super::endpoints::{insert_secret, prefix_of};
use crate::config::{Config, Merchant, WebhookFile};
use crate::error::ServerError;
use crate::store::db::Db;
use crate::store::sealing::Sealer;
use crate::util::{now, sha256_hex};
use crate::views::webhooks::Source;

/// Makes the database's configured endpoints those of `config`: each `[[merchants.webhooks]]`
/// entry exists with exactly its secrets; configured endpoints no longer listed are deleted.
///
/// # Errors
/// The database's; 400-style errors for a bad configured URL or secret.
pub async fn sync_config(db: &Db, config: &Config, sealer: &Sealer) -> Result<(), ServerError> {
    crate::store::retry::retrying("endpoint_sync", || sync_config_once(db, config, sealer)).await?;
    reseal(db, sealer).await
}

/// Seals again every stored secret that is in clear (an earlier release's) or sealed under
/// a previous pepper, and gives it its prefix. Run at start, before anything is served.
///
/// # Errors
/// The database's; internal for a secret that opens with no configured pepper.
async fn reseal(db: &Db, sealer: &Sealer) -> Result<(), ServerError> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, secret FROM webhook_secrets")
        .fetch_all(&db.pool)
        .await?;
    for (id, stored) in rows {
        let (secret, current) = sealer.open(&id, &stored)?;
        if current {
            continue;
        }
        // Guarded by the value read: a replica that sealed it meanwhile is left alone.
        sqlx::query(
            "UPDATE webhook_secrets SET secret = $2, prefix = $3 WHERE id = $1 AND secret = $4",
        )
        .bind(&id)
        .bind(sealer.seal(&id, &secret)?)
        .bind(prefix_of(&secret))
        .bind(&stored)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// One attempt of [`sync_config`], run again by [`crate::store::retry::retrying`].
async fn sync_config_once(db: &Db, config: &Config, sealer: &Sealer) -> Result<(), ServerError> {
    let now = now();
    let mut tx = db.begin().await?;
    for merchant in config.merchants.values() {
        let mut keep = Vec::new();
        for hook in &merchant.webhooks {
            let private_origins = &config.webhooks.private_origins;
            let hook = (hook, sealer);
            keep.push(sync_endpoint(&mut tx, merchant, hook, private_origins, now).await?);
        }
        let listed: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM webhook_endpoints WHERE merchant_id = $1 AND source = $2 \
             AND livemode = $3 AND deleted_at IS NULL",
        )
        .bind(&merchant.id)
        .bind(Source::Config.code())
        .bind(i64::from(merchant.livemode))
        .fetch_all(&mut *tx)
        .await?;
        for id in listed.iter().filter(|id| !keep.contains(id)) {
            sqlx::query(
                "UPDATE webhook_endpoints SET deleted_at = $2 WHERE id = $1 AND livemode = $3",
            )
            .bind(id)
            .bind(now)
            .bind(i64::from(merchant.livemode))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// One configured endpoint, created or revived, with exactly its configured secrets.
/// Returns its id (derived from the merchant and the URL, so it is stable across restarts).
async fn sync_endpoint(
    tx: &mut crate::store::db::Tx,
    merchant: &Merchant,
    (hook, sealer): (&WebhookFile, &Sealer),
    private_origins: &[String],
    now: i64,
) -> Result<String, ServerError> {
    super::destinations::check_url(&hook.url, merchant.livemode, private_origins)?;
    for secret in &hook.secrets {
        standardwebhooks::Webhook::new(secret).map_err(|e| {
            ServerError::internal("webhook secret (whsec_ and base64) in the configuration", e)
        })?;
    }
    // Test endpoints keep the ids they always had; a live one's id names its mode too.
    let digest = if merchant.livemode {
        sha256_hex(format!("{}\nlive\n{}", merchant.id, hook.url).as_bytes())
    } else {
        sha256_hex(format!("{}\n{}", merchant.id, hook.url).as_bytes())
    };
    let id = format!("we_cfg_{}", &digest[..24]);
    sqlx::query(
        "INSERT INTO webhook_endpoints (id, merchant_id, url, livemode, source, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET deleted_at = NULL",
    )
    .bind(&id)
    .bind(&merchant.id)
    .bind(&hook.url)
    .bind(i64::from(merchant.livemode))
    .bind(Source::Config.code())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE webhook_secrets SET retired_at = $2 WHERE endpoint_id = $1 AND retired_at IS NULL",
    )
    .bind(&id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    for secret in &hook.secrets {
        let digest = sha256_hex(format!("{id}\n{secret}").as_bytes());
        let secret_id = format!("whs_cfg_{}", &digest[..24]);
        insert_secret(tx, &id, (&secret_id, secret, sealer), now).await?;
    }
    Ok(id)
}
