//! The accept loop: each TCP connection served as HTTP/1.1 (with upgrades) under the header timeout, the idle
//! timeout and the connection cap, and accept failures (file descriptors run out) survived without a busy
//! loop or a log line per failure.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tower_service::Service as _;

use super::config::HttpLimits;
use super::idle::{self, Activity, Tracked};

/// How long to wait before accepting again after a failure such as running out of file descriptors.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// How long an HTTP connection may take to finish its current request once the host is shutting down.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Accepts until `stop` is cancelled, then lets open HTTP connections finish their current request.
pub(crate) async fn run(
    listener: TcpListener,
    router: Router,
    limits: HttpLimits,
    stop: CancellationToken,
) -> std::io::Result<()> {
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let mut trouble = Trouble::default();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stop.cancelled() => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) if is_per_connection(&error) => continue,
            Err(error) => {
                trouble.accept_failed(&error);
                tokio::select! {
                    () = tokio::time::sleep(ACCEPT_RETRY) => {}
                    () = stop.cancelled() => break,
                }
                continue;
            }
        };
        trouble.accepted();
        let Ok(permit) = open.clone().try_acquire_owned() else {
            trouble.over_cap(limits.max_connections);
            drop(stream);
            continue;
        };
        trouble.under_cap(open.available_permits(), limits.max_connections);
        tokio::spawn(connection(
            stream,
            peer,
            router.clone(),
            limits,
            stop.clone(),
            permit,
        ));
    }
    // Every permit back means every HTTP connection has ended (upgraded sockets close on `stop` themselves).
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = open.acquire_many(all).await;
    Ok(())
}

/// Errors about one connection that went away before it was accepted: nothing to wait for.
fn is_per_connection(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionRefused
    )
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: HttpLimits,
    stop: CancellationToken,
    _permit: OwnedSemaphorePermit,
) {
    // IPC messages are small and latency-bound: no Nagle delay waiting for the peer's ACK.
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "could not set TCP_NODELAY");
    }
    let activity = Activity::new();
    let io = TokioIo::new(Tracked::new(stream, activity.clone()));
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        router.clone().call(request)
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(io, service)
        .with_upgrades();
    tokio::pin!(conn);
    let mut stopping = false;
    let grace = tokio::time::sleep(Duration::MAX);
    tokio::pin!(grace);
    // The connection future ends when the connection closes or is handed to a WebSocket; only until then
    // does the idle clock apply.
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%peer, %error, "HTTP connection ended with an error");
                }
                return;
            }
            () = idle::expired(&activity, limits.idle_timeout) => {
                tracing::debug!(%peer, "HTTP connection idle, closed");
                return;
            }
            () = stop.cancelled(), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
                grace.as_mut().reset(Instant::now() + SHUTDOWN_GRACE);
            }
            () = &mut grace => return,
        }
    }
}

/// Accept failures this far apart belong to separate episodes (each logged once); closer ones, such as
/// the flapping while freed descriptors are taken again, to one.
const EPISODE_GAP: Duration = Duration::from_secs(5);

/// Logs the start of a run of accept failures or refusals at the cap once, and its end once with a count.
#[derive(Debug, Default)]
struct Trouble {
    failing: Option<Failing>,
    refusing: Option<u64>,
}

#[derive(Debug)]
struct Failing {
    since: Instant,
    last: Instant,
    count: u64,
}

impl Trouble {
    fn accept_failed(&mut self, error: &std::io::Error) {
        let now = Instant::now();
        if let Some(failing) = &mut self.failing {
            failing.count += 1;
            failing.last = now;
            return;
        }
        tracing::warn!(
            %error,
            retry_ms = ACCEPT_RETRY.as_millis(),
            "cannot accept HTTP connections (out of file descriptors?); open connections are still served, retrying"
        );
        self.failing = Some(Failing {
            since: now,
            last: now,
            count: 1,
        });
    }

    fn accepted(&mut self) {
        let Some(failing) = &self.failing else {
            return;
        };
        if failing.last.elapsed() < EPISODE_GAP {
            return;
        }
        tracing::info!(
            failures = failing.count,
            lasted_ms = (failing.last - failing.since).as_millis(),
            "accepting HTTP connections again"
        );
        self.failing = None;
    }

    fn over_cap(&mut self, max: usize) {
        if let Some(count) = &mut self.refusing {
            *count += 1;
            return;
        }
        tracing::warn!(
            max,
            "HTTP connection cap reached; closing new connections until some end"
        );
        self.refusing = Some(1);
    }

    /// Ends the run only once half the cap is free, so a flood held at the cap logs no more lines.
    fn under_cap(&mut self, free: usize, max: usize) {
        if free < max / 2 {
            return;
        }
        if let Some(refused) = self.refusing.take() {
            tracing::info!(refused, "HTTP connections well below the cap again");
        }
    }
}
