//! Webhook delivery settings (DESIGN.md *Webhooks*, docs/webhooks.md): the retry
//! schedule, each attempt's timeout, the poll interval, the concurrency, and the origins
//! on the operator's own network that test endpoints may name.

use super::error::ConfigError;
use super::file::FileConfig;
use super::layer::layered;

/// Webhook delivery (DESIGN.md *Webhooks*, docs/webhooks.md).
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Waits after the first attempt, the second, …; after the last, the delivery is
    /// `failed`. Each wait gets ±10 % jitter.
    pub retry_schedule: Vec<std::time::Duration>,
    /// How long an attempt may take (connect, send, answer's headers).
    pub timeout: std::time::Duration,
    /// How often to look for due deliveries when not woken by a commit of this process.
    pub poll: std::time::Duration,
    /// Deliveries in flight at once, per process.
    pub concurrency: usize,
    /// Exact origins (`http://127.0.0.1:8123`) that webhook endpoints may name although
    /// they are not public addresses: the demo's own shop, or a receiver of the operator's
    /// on a test-only instance (`serve` refuses them beside any live key). Operator
    /// configuration, never merchant input.
    pub private_origins: Vec<String>,
}

/// The default schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 20 h — about
/// three days (71 h 35 min) from the first attempt to the last.
pub const DEFAULT_RETRY_SCHEDULE: &str = "5s,5m,30m,2h,5h,10h,14h,20h,20h";

/// `50ms`, `5s`, `5m`, `2h` or `1d` as a duration.
fn duration(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = text.split_at(split);
    let n: u64 = n.parse().ok()?;
    let ms = match unit {
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    Some(std::time::Duration::from_millis(n.checked_mul(ms)?))
}

/// A comma-separated retry schedule such as [`DEFAULT_RETRY_SCHEDULE`].
///
/// # Errors
/// [`ConfigError::Invalid`] naming the entry that is not a duration.
pub fn retry_schedule(text: &str) -> Result<Vec<std::time::Duration>, ConfigError> {
    text.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            duration(p).ok_or_else(|| {
                ConfigError::Invalid(format!(
                    "webhook_retry_schedule: {p:?} is not a duration; write e.g. \"5s,5m,30m,2h\" (ms, s, m, h, d)"
                ))
            })
        })
        .collect()
}

/// The delivery settings of `file`, each overridden by its environment variable.
///
/// # Errors
/// [`ConfigError::Invalid`] naming the variable or the schedule entry to fix.
pub fn settings(file: &FileConfig) -> Result<WebhookSettings, ConfigError> {
    let schedule = layered(
        None,
        "BC_WEBHOOK_RETRY_SCHEDULE",
        file.webhook_retry_schedule.clone(),
    )?
    .unwrap_or_else(|| DEFAULT_RETRY_SCHEDULE.to_owned());
    let ms = |v: Option<u64>, default: u64| {
        std::time::Duration::from_millis(v.unwrap_or(default).max(1))
    };
    Ok(WebhookSettings {
        retry_schedule: retry_schedule(&schedule)?,
        timeout: ms(
            layered(None, "BC_WEBHOOK_TIMEOUT_MS", file.webhook_timeout_ms)?,
            10_000,
        ),
        poll: ms(
            layered(None, "BC_WEBHOOK_POLL_MS", file.webhook_poll_ms)?,
            1000,
        ),
        concurrency: layered(None, "BC_WEBHOOK_CONCURRENCY", file.webhook_concurrency)?
            .unwrap_or(16)
            .max(1),
        private_origins: super::layer::list(
            "BC_WEBHOOK_PRIVATE_ORIGINS",
            file.webhook_private_origins.clone(),
        )
        .into_iter()
        .filter(|o| !o.is_empty())
        .collect(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_retry_schedule_lasts_about_three_days() {
        let schedule = super::retry_schedule(super::DEFAULT_RETRY_SCHEDULE).expect("parses");
        let total: std::time::Duration = schedule.iter().sum();
        assert!(total.as_secs() > 70 * 3600 && total.as_secs() <= 72 * 3600);
        assert_eq!(
            super::retry_schedule("50ms, 1s").expect("parses"),
            [
                std::time::Duration::from_millis(50),
                std::time::Duration::from_secs(1)
            ]
        );
        assert!(super::retry_schedule("5 minutes").is_err());
    }
}
