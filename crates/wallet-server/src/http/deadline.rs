//! A request body's whole deadline and minimum rate. tower-http's body timeout starts
//! again with every frame, so a client trickling a byte at a time held a connection (and
//! one of `max_connections`) for as long as it liked. Here the clock starts when the
//! handler first reads the body and never resets: the body must be complete within
//! `body_timeout_secs`, and after a grace period it must keep an average of at least
//! `body_min_bytes_per_sec`. Either failure ends the body with an error, which the
//! extractors answer with 400 (`crate::http::extract::read_body`).

use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// How long a body may take before its rate is checked.
const GRACE: Duration = Duration::from_secs(2);

/// The limits every request body gets ([`limit_bodies`]).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// The whole body within this.
    pub deadline: Duration,
    /// After [`GRACE`], at least this many bytes per second on average (0: no floor).
    pub min_bytes_per_sec: u64,
}

/// A body that fails once its deadline passes or its average rate falls below the floor.
struct DeadlineBody {
    inner: Body,
    limits: BodyLimits,
    /// Set on the first poll: a handler that never reads the body is not timed.
    clock: Option<(Instant, Pin<Box<Sleep>>)>,
    received: u64,
}

fn too_slow(why: &str) -> axum::Error {
    axum::Error::new(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        why.to_owned(),
    ))
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let deadline = this.limits.deadline;
        let (started, sleep) = this.clock.get_or_insert_with(|| {
            let now = Instant::now();
            (now, Box::pin(tokio::time::sleep_until(now + deadline)))
        });
        if sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(too_slow("the body did not arrive in time"))));
        }
        let started = *started;
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled {
            let len = frame.data_ref().map_or(0, Bytes::len);
            this.received = this.received.saturating_add(len as u64);
            let elapsed = started.elapsed();
            let floor = this.limits.min_bytes_per_sec;
            if floor > 0 && elapsed > GRACE && this.received < floor * elapsed.as_secs() {
                return Poll::Ready(Some(Err(too_slow("the body arrives too slowly"))));
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Middleware: every request's body gets `limits` (the configuration's
/// `body_timeout_secs` and `body_min_bytes_per_sec`).
pub async fn limit_bodies(State(limits): State<BodyLimits>, req: Request, next: Next) -> Response {
    let req = req.map(|inner| {
        Body::new(DeadlineBody {
            inner,
            limits,
            clock: None,
            received: 0,
        })
    });
    next.run(req).await
}
