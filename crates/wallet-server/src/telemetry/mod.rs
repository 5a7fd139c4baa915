//! What an operator reads: structured logs and the counters at `GET /metrics`.

pub mod logs;
pub mod metrics;
