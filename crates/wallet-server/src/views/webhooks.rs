//! What the webhook endpoints and events API answer (`docs/webhooks.md`). Times are RFC
//! 3339 UTC strings; durations are milliseconds.

use checkout_core::{DeliveryStatus, EventType};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// One signing secret of an endpoint.
#[derive(Debug, Clone, Serialize)]
pub struct SecretView {
    pub id: String,
    /// `whsec_` and the base64 of the key (Standard Webhooks): only in the answer that
    /// made it (`POST /v1/webhook-endpoints`, `POST …/secrets`); store it then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// `whsec_` and the key's first four characters, to tell secrets apart.
    pub prefix: String,
    pub created_at: String,
}

checkout_core::wire_enum! {
    /// Where an endpoint comes from.
    pub enum Source {
        /// `POST /v1/webhook-endpoints`.
        Api = "api",
        /// The server's configuration (`[[merchants.webhooks]]`); change it there.
        Config = "config",
    }
}

/// `GET /v1/webhook-endpoints/{id}` and the answer to `POST /v1/webhook-endpoints`.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointView {
    pub id: String,
    pub url: String,
    pub livemode: bool,
    pub source: Source,
    /// The active secrets: every one signs each delivery (rotation).
    pub secrets: Vec<SecretView>,
    pub created_at: String,
}

/// `GET /v1/webhook-endpoints`.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointList {
    pub data: Vec<EndpointView>,
}

/// The answer to `DELETE /v1/webhook-endpoints/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct DeletedEndpoint {
    pub id: String,
    pub deleted: bool,
}

/// An event as stored and sent: `{id, type, created_at, livemode, data: {object}}`.
#[derive(Debug, Deserialize, Serialize)]
pub struct EventView {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub created_at: String,
    pub livemode: bool,
    pub data: Box<RawValue>,
}

/// `GET /v1/events`: newest first.
#[derive(Debug, Serialize)]
pub struct EventList {
    pub data: Vec<EventView>,
    /// More events follow: ask again with `starting_after` = the last id of `data`.
    pub has_more: bool,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptView {
    pub attempted_at: String,
    pub duration_ms: i64,
    /// The answer's HTTP status; `null` when none came.
    pub response_status: Option<i64>,
    pub succeeded: bool,
    pub error: Option<String>,
}

/// The delivery of an event to one endpoint.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryView {
    pub id: String,
    pub endpoint_id: String,
    pub url: String,
    pub status: DeliveryStatus,
    /// When the next attempt is due (`pending` only).
    pub next_attempt_at: Option<String>,
    pub delivered_at: Option<String>,
    pub attempts: Vec<AttemptView>,
}

/// `GET /v1/events/{id}` and the answer to `POST /v1/events/{id}/resend`.
#[derive(Debug, Serialize)]
pub struct EventDetail {
    #[serde(flatten)]
    pub event: EventView,
    pub deliveries: Vec<DeliveryView>,
}

/// RFC 3339 of unix milliseconds (to the second).
#[must_use]
pub fn rfc3339_ms(ms: i64) -> String {
    crate::util::rfc3339(ms.div_euclid(1000))
}

/// `data.object` of `link.created` and `link.revoked`. The token itself is never in an
/// event (the wallet keeps only its digest): match `link_sha256` with the hex SHA-256 of
/// the token you hold.
#[derive(Debug, Clone, Serialize)]
pub struct LinkEvent {
    /// The link request it came from (`link.created`).
    pub link_request: Option<String>,
    pub link_sha256: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}
