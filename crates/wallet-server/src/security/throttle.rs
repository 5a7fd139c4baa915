//! Failed sign-ins slowed down without a lock a stranger could trigger (DESIGN.md *The
//! shopper's account*). Each try is counted before its password is checked (so tries sent
//! at once cannot all pass), in three counts:
//! - per typed wallet id *and* client address: after [`FREE_TRIES`] failures in a row each
//!   further try waits twice as long as the one before (1 s, 2 s, 4 s … up to
//!   [`MAX_DELAY_SECS`]) — a stranger slows down only their own address;
//! - per typed wallet id from anywhere: the same after [`FREE_TRIES_PER_ID`] failures, up
//!   to [`MAX_ID_DELAY_SECS`], so that many addresses cannot guess at full speed either;
//! - per client address: more than [`ADDRESS_FAILURES`] failures in a [`WINDOW_SECS`]
//!   window end in 429 until the window ends (an IPv6 address counts by its /64).
//!
//! Kept in the process's memory (each replica slows down what reaches it); an id nobody
//! has is slowed down exactly like one that exists, so the delay tells nothing either.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use checkout_core::ErrorCode;

use crate::error::ApiError;

/// Failures in a row per id and address before the delay starts.
pub const FREE_TRIES: u32 = 3;
/// The longest delay between two tries of one id from one address, in seconds.
pub const MAX_DELAY_SECS: i64 = 300;
/// Failures in a row per id, from any address, before its own delay starts.
pub const FREE_TRIES_PER_ID: u32 = 20;
/// The longest delay between two tries of one id from anywhere, in seconds.
pub const MAX_ID_DELAY_SECS: i64 = 30;
/// Failures per client address per window before 429.
pub const ADDRESS_FAILURES: u32 = 30;
/// The window of the per-address count, in seconds.
pub const WINDOW_SECS: i64 = 600;
/// Entries kept before old ones are dropped.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Tries {
    count: u32,
    /// Unix seconds of the last try (ids) or of the window's start (addresses).
    at: i64,
}

/// The counts, under one lock so that a try is checked and counted at once.
#[derive(Debug, Default)]
struct Counts {
    ids: HashMap<String, Tries>,
    pairs: HashMap<(String, String), Tries>,
    addresses: HashMap<String, Tries>,
}

/// The sign-in throttle: shared by the wallet's sign-in, the consent page and the login
/// password's change.
#[derive(Debug, Default)]
pub struct SignInThrottle {
    counts: Mutex<Counts>,
}

fn too_many(wait: i64) -> ApiError {
    ApiError::new(
        ErrorCode::RateLimited,
        format!("too many failed sign-ins; wait {wait} s and try again"),
    )
    .with("retry_after", wait)
}

/// The address as counted: an IPv4 address (or one mapped into IPv6) whole, an IPv6
/// address by its /64 (one customer's network); `-` when unknown.
fn bucket(address: Option<IpAddr>) -> String {
    match address.map(|a| a.to_canonical()) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        None => "-".to_owned(),
    }
}

/// Seconds still to wait after `tries`, free for the first `free`, doubling up to `max`.
fn wait(tries: Option<&Tries>, free: u32, max: i64, now: i64) -> i64 {
    match tries {
        Some(t) if t.count >= free => {
            let delay = (1i64 << (t.count - free).min(20)).min(max);
            (t.at + delay - now).max(0)
        }
        _ => 0,
    }
}

fn prune<K>(map: &mut HashMap<K, Tries>, now: i64) {
    if map.len() > MAX_ENTRIES {
        map.retain(|_, t| now - t.at < WINDOW_SECS.max(MAX_DELAY_SECS));
    }
}

fn count<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Tries>, key: K, now: i64) {
    prune(map, now);
    let t = map.entry(key).or_insert(Tries { count: 0, at: now });
    t.count = t.count.saturating_add(1);
    t.at = now;
}

impl SignInThrottle {
    /// Counts a try for `id` from `address` at `now` (unix seconds), unless it must wait.
    ///
    /// # Errors
    /// 429 `rate_limited` with `retry_after` (seconds); nothing is counted then.
    pub fn reserve(&self, id: &str, address: Option<IpAddr>, now: i64) -> Result<(), ApiError> {
        let (id, from) = (id.to_lowercase(), bucket(address));
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(a) = c.addresses.get(&from) {
            let ends = a.at + WINDOW_SECS;
            if a.count >= ADDRESS_FAILURES && now < ends {
                return Err(too_many(ends - now));
            }
        }
        let pair = (id.clone(), from);
        let wait = wait(c.pairs.get(&pair), FREE_TRIES, MAX_DELAY_SECS, now).max(wait(
            c.ids.get(&id),
            FREE_TRIES_PER_ID,
            MAX_ID_DELAY_SECS,
            now,
        ));
        if wait > 0 {
            return Err(too_many(wait));
        }
        count(&mut c.pairs, pair, now);
        count(&mut c.ids, id, now);
        Ok(())
    }

    /// Records that the reserved try failed: it counts towards its address's window.
    pub fn failed(&self, address: Option<IpAddr>, now: i64) {
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        prune(&mut c.addresses, now);
        let a = c
            .addresses
            .entry(bucket(address))
            .or_insert(Tries { count: 0, at: now });
        if now - a.at >= WINDOW_SECS {
            *a = Tries { count: 0, at: now };
        }
        a.count = a.count.saturating_add(1);
    }

    /// Records that the reserved try succeeded: the id's counts start again.
    pub fn succeeded(&self, id: &str, address: Option<IpAddr>) {
        let id = id.to_lowercase();
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        c.pairs.remove(&(id.clone(), bucket(address)));
        c.ids.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::{SignInThrottle, ADDRESS_FAILURES, FREE_TRIES, FREE_TRIES_PER_ID};
    use std::net::IpAddr;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("ip"))
    }

    #[test]
    fn an_id_slows_down_for_the_address_that_fails_and_a_success_resets_it() {
        let t = SignInThrottle::default();
        let (me, stranger) = (ip("198.51.100.1"), ip("203.0.113.9"));
        for _ in 0..FREE_TRIES {
            t.reserve("alice", stranger, 100).expect("free tries");
            t.failed(stranger, 100);
        }
        let e = t.reserve("ALICE", stranger, 100).expect_err("slowed down");
        assert_eq!(e.extra["retry_after"], 1);
        assert!(
            t.reserve("alice", me, 100).is_ok(),
            "the owner is not slowed by a stranger"
        );
        t.succeeded("alice", me);
        t.reserve("alice", stranger, 101).expect("after the delay");
        t.failed(stranger, 101);
        assert_eq!(
            t.reserve("alice", stranger, 102).expect_err("2 s").extra["retry_after"],
            1
        );
    }

    #[test]
    fn tries_sent_at_once_are_counted_before_they_are_checked() {
        let t = SignInThrottle::default();
        let passed = (0..10)
            .filter(|_| t.reserve("bob", ip("198.51.100.2"), 50).is_ok())
            .count();
        assert_eq!(passed, FREE_TRIES as usize);
    }

    #[test]
    fn many_addresses_slow_one_id_down_too() {
        let t = SignInThrottle::default();
        for n in 0..FREE_TRIES_PER_ID {
            let from = ip(&format!("192.0.2.{n}"));
            t.reserve("carol", from, 10).expect("spread out");
            t.failed(from, 10);
        }
        assert!(t.reserve("carol", ip("192.0.2.250"), 10).is_err());
        assert!(t.reserve("carol", ip("192.0.2.250"), 11).is_ok());
    }

    #[test]
    fn an_address_spraying_many_ids_gets_429_for_the_window_and_ipv6_counts_by_64() {
        let t = SignInThrottle::default();
        for n in 0..ADDRESS_FAILURES {
            // Every address of one /64 is one.
            let from = ip(&format!("2001:db8:1:2::{n:x}"));
            t.reserve(&format!("id{n}"), from, 10).expect("new ids");
            t.failed(from, 10);
        }
        assert!(t.reserve("fresh", ip("2001:db8:1:2:ffff::1"), 11).is_err());
        assert!(t.reserve("fresh", ip("2001:db8:1:3::1"), 11).is_ok());
        let later = 10 + super::WINDOW_SECS;
        assert!(t.reserve("fresh2", ip("2001:db8:1:2::1"), later).is_ok());
    }
}
