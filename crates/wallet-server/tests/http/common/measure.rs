//! What the benches share: knobs from the environment and the figures they print.
#![allow(clippy::float_arithmetic)]

use std::time::Duration;

/// The environment variable `name` as a number, or `default`.
pub fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// p-th percentile (0..=100) of sorted durations, nearest rank.
pub fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len()).div_ceil(100).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// `12.3 ms`.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// `45.6/s`: `count` over `elapsed`.
pub fn per_second(count: usize, elapsed: Duration) -> String {
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    format!("{:.1}/s", f64::from(count) / elapsed.as_secs_f64())
}

/// `machine: 2 cores, load average before the run: …`, the line each bench starts with.
#[must_use]
pub fn machine() -> String {
    format!(
        "machine: {} cores, load average before the run: {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    )
}
