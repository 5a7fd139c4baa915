//! What an operator watches (docs/operations.md): counters and histograms recorded with
//! the `metrics` facade, rendered by `metrics-exporter-prometheus` in the Prometheus text
//! format at `GET /metrics`, behind the admin key. Labels are route templates
//! (`/v1/intents/{id}`), methods, statuses and transaction names: never an id, a key, a
//! shopper or an amount.
//!
//! Per process: each replica is scraped on its own and the operator sums. The gauges
//! read from the database (holds pending, webhook deliveries) are the same on every
//! replica: they are the database's, not the process's.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Upper bounds of the latency buckets, in seconds: a quote answers in milliseconds, a
/// payment with Argon2id in tens to hundreds, a saturated server in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// `http_request_duration_seconds`: one request, from its first byte read to its answer.
const REQUEST_SECONDS: &str = "http_request_duration_seconds";

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's recorder (once; later calls do nothing). Before it, every
/// recording is a no-op.
///
/// # Errors
/// When the exporter refuses the buckets or another recorder is installed.
pub fn install() -> Result<(), metrics_exporter_prometheus::BuildError> {
    if HANDLE.get().is_some() {
        return Ok(());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.to_owned()), &LATENCY_BUCKETS)?
        .install_recorder()?;
    let _ = HANDLE.set(handle);
    describe();
    Ok(())
}

fn describe() {
    metrics::describe_counter!(
        "http_requests_total",
        "HTTP requests answered, by method, route template and status"
    );
    metrics::describe_histogram!(
        REQUEST_SECONDS,
        metrics::Unit::Seconds,
        "HTTP request latency, by method and route template"
    );
    metrics::describe_counter!(
        "db_transaction_retries_total",
        "Transactions run again after a lost race, by transaction and SQLSTATE/SQLite code"
    );
    metrics::describe_gauge!(
        "password_checks_waiting",
        "Payment-password checks waiting for an Argon2id worker in this process"
    );
    metrics::describe_gauge!(
        "password_checks_running",
        "Payment-password checks running on an Argon2id worker in this process"
    );
}

/// Middleware: counts every answer and records its latency, labelled with the matched
/// route's template (`unmatched` for a 404 route), so that no id lands in a label.
pub async fn track(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let elapsed = start.elapsed().as_secs_f64();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(REQUEST_SECONDS, "method" => method, "route" => route).record(elapsed);
    response
}

/// A transaction (`what`) lost a race with `code` and runs again.
pub fn transaction_retried(what: &'static str, code: &str) {
    metrics::counter!("db_transaction_retries_total", "transaction" => what, "code" => code.to_owned())
        .increment(1);
}

/// What happened to a payment-password check, for the `password_checks_*` gauges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCheck {
    /// It waits for an Argon2id worker.
    Queued,
    /// It has one, or gave up waiting.
    Dequeued,
    /// Argon2id runs.
    Started,
    /// Argon2id is done.
    Finished,
}

/// Holds a password gauge up while it lives (a check dropped half-way moves it back too).
#[derive(Debug)]
#[must_use]
pub struct Gauged(PasswordCheck);

impl Drop for Gauged {
    fn drop(&mut self) {
        password_check(self.0);
    }
}

/// A check waits for a worker until the guard is dropped.
pub fn password_waiting() -> Gauged {
    password_check(PasswordCheck::Queued);
    Gauged(PasswordCheck::Dequeued)
}

/// A check runs Argon2id until the guard is dropped.
pub fn password_running() -> Gauged {
    password_check(PasswordCheck::Started);
    Gauged(PasswordCheck::Finished)
}

/// Moves the password gauges for `event`.
fn password_check(event: PasswordCheck) {
    let waiting = metrics::gauge!("password_checks_waiting");
    let running = metrics::gauge!("password_checks_running");
    match event {
        PasswordCheck::Queued => waiting.increment(1),
        PasswordCheck::Dequeued => waiting.decrement(1),
        PasswordCheck::Started => running.increment(1),
        PasswordCheck::Finished => running.decrement(1),
    }
}

/// One gauge read from the database when `/metrics` is scraped (`crate::store::gauges`).
pub struct Gauge {
    /// The metric's name, e.g. `holds_pending`.
    pub name: &'static str,
    /// Its `# HELP` line.
    pub help: &'static str,
    /// Its value now.
    pub value: i64,
}

/// The text at `GET /metrics`: the process's counters, then `gauges` (the database's,
/// read now), in the Prometheus text format.
#[must_use]
pub fn render(gauges: &[Gauge]) -> String {
    let mut text = HANDLE
        .get()
        .map(PrometheusHandle::render)
        .unwrap_or_default();
    for Gauge { name, help, value } in gauges {
        text.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
        ));
    }
    text
}
