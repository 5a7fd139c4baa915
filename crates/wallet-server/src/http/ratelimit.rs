//! Fixed-window rate limits per client IP and per checkout session, answered with 429
//! `rate_limited` and `Retry-After`. In memory, per process: with `replicas = N` each
//! replica enforces its share of the configured limit ([`per_replica`]), so N replicas
//! behind a balancer that spreads requests allow about the configured limit in all, and
//! one that pins a client to a replica allows that client less, never more
//! (docs/operations.md *Rate limits*). Counting in the database would make the limit
//! exact at the price of a write on every request, the hot path's one shared resource.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use checkout_core::ErrorCode;

use crate::error::ApiError;

const WINDOW_SECS: i64 = 60;

/// One replica's share of a cluster-wide `limit` per minute when `replicas` run: the
/// limit divided by the replica count, rounded up so that a limit never becomes 0 (off).
#[must_use]
pub fn per_replica(limit: u32, replicas: u32) -> u32 {
    limit.div_ceil(replicas.max(1))
}

/// Counters per key for the current minute.
#[derive(Debug)]
pub struct RateLimiter {
    ip_per_min: u32,
    session_per_min: u32,
    /// The operator's proxies (`super::client::client_ip`).
    trusted: Vec<std::net::IpAddr>,
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimiter {
    /// Limits per minute; 0 turns a limit off.
    #[must_use]
    pub fn new(ip_per_min: u32, session_per_min: u32) -> RateLimiter {
        RateLimiter {
            ip_per_min,
            session_per_min,
            trusted: Vec::new(),
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts requests that come through one of `trusted` by the client address they
    /// forward.
    #[must_use]
    pub fn behind(mut self, trusted: Vec<std::net::IpAddr>) -> RateLimiter {
        self.trusted = trusted;
        self
    }

    /// Counts one request for `key`; `Err(seconds to wait)` when over `limit` (0 = no limit).
    fn hit(&self, key: String, limit: u32, now: i64) -> Result<(), i64> {
        if limit == 0 {
            return Ok(());
        }
        let window = now - now.rem_euclid(WINDOW_SECS);
        let mut map = match self.windows.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| *start == window);
        }
        let entry = map.entry(key).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= limit {
            return Err((window + WINDOW_SECS - now).max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// The session id of `/v1/sessions/{id}/…` paths, percent-decoded as the router decodes
/// it: `cs_%41` and `cs_A` are one session and share one limit.
fn session_of(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/v1/sessions/")?;
    let id = rest.split('/').next()?;
    let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy();
    (!id.is_empty()).then(|| id.into_owned())
}

fn limited(retry_after: i64, what: &str) -> Response {
    ApiError::new(
        ErrorCode::RateLimited,
        format!("too many requests {what}; wait {retry_after} s (Retry-After) and try again"),
    )
    .with("retry_after", retry_after)
    .into_response()
}

/// The middleware: 429 `rate_limited` with `Retry-After` over a limit.
pub async fn limit(State(limiter): State<Arc<RateLimiter>>, req: Request, next: Next) -> Response {
    // Health checks come from the platform, not from clients: never limit them.
    if req.uri().path() == "/healthz" {
        return next.run(req).await;
    }
    let now = crate::util::now();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = super::client::client_ip(peer, req.headers(), &limiter.trusted)
        .map(|ip| ip.to_string())
        .unwrap_or_default();
    if let Err(wait) = limiter.hit(format!("ip:{ip}"), limiter.ip_per_min, now) {
        return limited(wait, "from this address");
    }
    if let Some(session) = session_of(req.uri().path()) {
        if let Err(wait) = limiter.hit(format!("session:{session}"), limiter.session_per_min, now) {
            return limited(wait, "for this checkout session");
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::{per_replica, session_of, RateLimiter};

    #[test]
    fn each_replica_enforces_its_share_of_the_limit() {
        assert_eq!(per_replica(600, 1), 600);
        assert_eq!(per_replica(600, 3), 200);
        assert_eq!(per_replica(60, 7), 9);
        assert_eq!(per_replica(1, 3), 1, "a limit never rounds down to off");
        assert_eq!(per_replica(0, 3), 0, "off stays off");
        assert_eq!(per_replica(10, 0), 10);
    }

    #[test]
    fn it_allows_the_limit_then_says_how_long_to_wait() {
        let limiter = RateLimiter::new(2, 0);
        assert_eq!(limiter.hit("ip:a".into(), 2, 120), Ok(()));
        assert_eq!(limiter.hit("ip:a".into(), 2, 130), Ok(()));
        assert_eq!(limiter.hit("ip:a".into(), 2, 135), Err(45));
        // Another key and the next window are counted apart.
        assert_eq!(limiter.hit("ip:b".into(), 2, 135), Ok(()));
        assert_eq!(limiter.hit("ip:a".into(), 2, 180), Ok(()));
    }

    #[test]
    fn a_zero_limit_is_no_limit() {
        let limiter = RateLimiter::new(0, 0);
        for _ in 0..1000 {
            assert_eq!(limiter.hit("ip:a".into(), 0, 1), Ok(()));
        }
    }

    #[test]
    fn it_finds_the_session_of_session_paths_only() {
        assert_eq!(
            session_of("/v1/sessions/cs_1/intents").as_deref(),
            Some("cs_1")
        );
        assert_eq!(session_of("/v1/sessions/cs_1").as_deref(), Some("cs_1"));
        // Percent-encoding one character does not make another session.
        assert_eq!(
            session_of("/v1/sessions/cs_%31/quote").as_deref(),
            Some("cs_1")
        );
        assert_eq!(session_of("/v1/sessions"), None);
        assert_eq!(session_of("/v1/intents/pi_1"), None);
    }
}
