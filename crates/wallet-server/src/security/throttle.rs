//! Failed sign-ins slowed down without a lock a stranger could trigger (DESIGN.md *The
//! shopper's account*): per typed wallet id, after [`FREE_FAILURES`] failures in a row each
//! further try waits twice as long as the one before (1 s, 2 s, 4 s … up to
//! [`MAX_DELAY_SECS`]); per client address, more than [`ADDRESS_FAILURES`] failures in a
//! [`WINDOW_SECS`] window end in 429 until the window ends. Kept in the process's memory
//! (each replica slows down what reaches it); an id nobody has is slowed down exactly like
//! one that exists, so the delay tells nothing either.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use checkout_core::ErrorCode;

use crate::error::ApiError;

/// Failures in a row per id before the delay starts.
pub const FREE_FAILURES: u32 = 3;
/// The longest delay between two tries of one id, in seconds.
pub const MAX_DELAY_SECS: i64 = 300;
/// Failures per client address per window before 429.
pub const ADDRESS_FAILURES: u32 = 30;
/// The window of the per-address count, in seconds.
pub const WINDOW_SECS: i64 = 600;
/// Entries kept before old ones are dropped.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    /// Unix seconds of the last failure (id) or the window's start (address).
    at: i64,
}

/// The sign-in throttle: shared by the wallet's sign-in and the consent page.
#[derive(Debug, Default)]
pub struct SignInThrottle {
    ids: Mutex<HashMap<String, Failures>>,
    addresses: Mutex<HashMap<IpAddr, Failures>>,
}

fn too_many(wait: i64) -> ApiError {
    ApiError::new(
        ErrorCode::RateLimited,
        format!("too many failed sign-ins; wait {wait} s and try again"),
    )
    .with("retry_after", wait)
}

fn prune<K>(map: &mut HashMap<K, Failures>, now: i64) {
    if map.len() > MAX_ENTRIES {
        map.retain(|_, f| now - f.at < WINDOW_SECS.max(MAX_DELAY_SECS));
    }
}

impl SignInThrottle {
    /// Whether a try for `id` from `address` may run at `now` (unix seconds).
    ///
    /// # Errors
    /// 429 `rate_limited` with `retry_after` (seconds).
    pub fn allow(&self, id: &str, address: Option<IpAddr>, now: i64) -> Result<(), ApiError> {
        if let Some(ip) = address {
            let addresses = self.addresses.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(f) = addresses.get(&ip) {
                let ends = f.at + WINDOW_SECS;
                if f.count >= ADDRESS_FAILURES && now < ends {
                    return Err(too_many(ends - now));
                }
            }
        }
        let ids = self.ids.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(f) = ids.get(&id.to_lowercase()) {
            if f.count >= FREE_FAILURES {
                let delay = 1i64 << (f.count - FREE_FAILURES).min(16);
                let next = f.at + delay.min(MAX_DELAY_SECS);
                if now < next {
                    return Err(too_many(next - now));
                }
            }
        }
        Ok(())
    }

    /// Records a failed try.
    pub fn failed(&self, id: &str, address: Option<IpAddr>, now: i64) {
        let mut ids = self.ids.lock().unwrap_or_else(|p| p.into_inner());
        prune(&mut ids, now);
        let f = ids
            .entry(id.to_lowercase())
            .or_insert(Failures { count: 0, at: now });
        f.count = f.count.saturating_add(1);
        f.at = now;
        drop(ids);
        if let Some(ip) = address {
            let mut addresses = self.addresses.lock().unwrap_or_else(|p| p.into_inner());
            prune(&mut addresses, now);
            let f = addresses
                .entry(ip)
                .or_insert(Failures { count: 0, at: now });
            if now - f.at >= WINDOW_SECS {
                *f = Failures { count: 0, at: now };
            }
            f.count = f.count.saturating_add(1);
        }
    }

    /// Records a success: the id's count starts again.
    pub fn succeeded(&self, id: &str) {
        let mut ids = self.ids.lock().unwrap_or_else(|p| p.into_inner());
        ids.remove(&id.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::{SignInThrottle, ADDRESS_FAILURES, FREE_FAILURES};

    #[test]
    fn an_id_slows_down_after_three_failures_and_a_success_resets_it() {
        let t = SignInThrottle::default();
        for _ in 0..FREE_FAILURES {
            assert!(t.allow("alice", None, 100).is_ok());
            t.failed("alice", None, 100);
        }
        let e = t.allow("ALICE", None, 100).expect_err("slowed down");
        assert_eq!(e.extra["retry_after"], 1);
        assert!(t.allow("alice", None, 101).is_ok());
        t.failed("alice", None, 101);
        assert_eq!(
            t.allow("alice", None, 102).expect_err("2 s").extra["retry_after"],
            1
        );
        t.succeeded("alice");
        assert!(t.allow("alice", None, 102).is_ok());
        assert!(
            t.allow("bob", None, 102).is_ok(),
            "other ids are not slowed"
        );
    }

    #[test]
    fn an_address_spraying_many_ids_gets_429_for_the_window() {
        let t = SignInThrottle::default();
        let ip = Some("203.0.113.9".parse().expect("ip"));
        for n in 0..ADDRESS_FAILURES {
            let id = format!("id{n}");
            assert!(t.allow(&id, ip, 10).is_ok());
            t.failed(&id, ip, 10);
        }
        assert!(t.allow("fresh", ip, 11).is_err());
        assert!(t.allow("fresh", None, 11).is_ok());
        assert!(t.allow("fresh", ip, 10 + super::WINDOW_SECS).is_ok());
    }
}
