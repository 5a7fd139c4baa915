//! Sending again, with exponential backoff and jitter, what may not have reached the
//! backend or what the backend failed on (network errors, timeouts, 5xx).

use std::future::Future;

use gloo::timers::future::TimeoutFuture;

use super::http::Outcome;

/// How often and how patiently to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Sends in total, the first included.
    pub attempts: u32,
    pub base_delay_ms: u32,
    pub max_delay_ms: u32,
    pub timeout_ms: u32,
}

pub const RETRY: RetryPolicy = RetryPolicy {
    attempts: 4,
    base_delay_ms: 500,
    max_delay_ms: 8_000,
    timeout_ms: 15_000,
};

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first retry): exponential, capped,
    /// with "equal jitter" — half fixed, half random — so that many widgets that lost the
    /// network together do not come back in step.
    #[must_use]
    pub fn delay_ms(&self, retry: u32, jitter: u8) -> u32 {
        let exp = self
            .base_delay_ms
            .saturating_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX))
            .min(self.max_delay_ms);
        let half = exp / 2;
        half + half * u32::from(jitter) / 255
    }
}

/// Sends with `send(n)` (n counts from 0) until an answer is final or the attempts are
/// spent, sleeping with backoff in between.
pub async fn with_retries<F, Fut>(policy: RetryPolicy, mut send: F) -> Outcome
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let mut n = 0;
    loop {
        let outcome = send(n).await;
        n += 1;
        if !outcome.is_retryable() || n >= policy.attempts {
            return outcome;
        }
        let delay = policy.delay_ms(n - 1, crate::random::jitter_byte());
        TimeoutFuture::new(delay).await;
    }
}
