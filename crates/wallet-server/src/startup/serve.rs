//! Serving connections with hyper's own limits: a connection cap, a cap per client
//! address, a header read timeout (which also closes idle keep-alive connections) and a
//! graceful shutdown that lets requests in flight finish. The body deadline and the
//! whole-request timeout are layers (`router::router`).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt as _;

/// The limits of a connection.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// Connections open at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// Connections one client address may hold; more are closed at once, so that one
    /// client cannot take every slot of `max_connections`.
    pub per_client: usize,
    /// Addresses without the per-client cap: the operator's TLS proxies, which carry
    /// every client's connections.
    pub proxies: Vec<IpAddr>,
    /// Time to receive a request's headers (and the longest a keep-alive connection
    /// stays idle), in seconds.
    pub header_timeout_secs: u64,
    /// Time requests in flight get to finish after a shutdown signal, in seconds.
    pub drain_secs: u64,
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests in flight
/// finish (at most `drain_secs`).
///
/// # Errors
/// Never for one connection's failure (logged); only when accepting fails for good.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_client: Arc<Mutex<HashMap<IpAddr, usize>>> = Arc::default();
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(limits.header_timeout_secs.max(1)));
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        let Ok(slot) = slot else { break };
        let table = per_client.clone();
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let exempt = limits.proxies.contains(&remote.ip());
        let Some(client) = ClientSlot::take(&table, remote.ip(), limits.per_client, exempt) else {
            tracing::debug!(client = %remote.ip(), "connection refused: the client holds too many");
            continue;
        };
        let service =
            app.clone()
                .map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                    req.extensions_mut()
                        .insert(ConnectInfo::<SocketAddr>(remote));
                    req
                });
        let conn = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _slots = (slot, client);
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(limits.drain_secs)) => {
            tracing::warn!("requests still running after {} s; stopping anyway", limits.drain_secs);
        }
    }
    Ok(())
}

/// One connection of a client address, counted until it is dropped.
struct ClientSlot {
    table: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

impl ClientSlot {
    /// A slot for `ip`, unless it holds `cap` connections already (`exempt`: no cap).
    fn take(
        table: &Arc<Mutex<HashMap<IpAddr, usize>>>,
        ip: IpAddr,
        cap: usize,
        exempt: bool,
    ) -> Option<ClientSlot> {
        let mut counts = table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let held = counts.entry(ip).or_insert(0);
        if *held >= cap && !exempt {
            return None;
        }
        *held += 1;
        Some(ClientSlot {
            table: table.clone(),
            ip,
        })
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut counts = self
            .table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(held) = counts.get_mut(&self.ip) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}
