//! Webhooks (DESIGN.md *Webhooks*, `docs/webhooks.md`): what the merchant's server learns,
//! and when.
//!
//! - [`outbox`]: an event is written in the same database transaction as the change it
//!   reports, with one delivery row per endpoint of the merchant — a committed change
//!   always has its event, a rolled-back one never does.
//! - [`delivery`]: the worker that claims due deliveries row by row (PostgreSQL `FOR
//!   UPDATE SKIP LOCKED`, so replicas share them), signs them with the Standard Webhooks
//!   scheme, sends them and records each attempt; retries follow the configured schedule.
//! - [`transport`]: the HTTP clients (no redirects, no proxy, a timeout, public addresses
//!   only, https in live mode) and the signature headers.
//! - [`destinations`]: where webhooks may go: public addresses only, in both modes.
//! - [`endpoints`]: endpoints and their secrets (sealed at rest), through the API.
//! - [`configured`]: the configuration's endpoints, synced at start.
//! - [`events`]: the events API (list, one event with its attempts, resend).
//! - [`listen`]: `wallet-server listen`, a developer's client that forwards test events
//!   from that API to a local URL.

use std::sync::OnceLock;

use tokio::sync::Notify;

pub mod configured;
pub mod delivery;
pub mod destinations;
pub mod endpoints;
pub mod events;
pub mod listen;
pub mod outbox;
pub mod transport;

/// Wakes this process's delivery worker. Other replicas find the work on their next poll.
fn waker() -> &'static Notify {
    static WAKE: OnceLock<Notify> = OnceLock::new();
    WAKE.get_or_init(Notify::new)
}

/// Tells the delivery worker that a transaction with events has committed; call it after
/// `commit()` (a wake before the commit finds nothing and waits for the next poll).
pub fn wake() {
    waker().notify_one();
}

/// Unix milliseconds now.
#[must_use]
pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}
