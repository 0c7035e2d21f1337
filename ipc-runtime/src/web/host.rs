//! [`WebHost`]: binds, routes (`/ws` plus static files) and runs until shut down.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State, WebSocketUpgrade};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::bind::{Served, served};
use super::config::{WebHostBuilder, WebHostError};
use super::files::StaticFiles;
use super::guard::{OriginPolicy, Refused, check_host, check_origin};
use super::handshake::MAX_HELLO_BYTES;
use super::pending::PendingPool;
use super::socket::Session;
use super::token::Token;
use crate::emitter::EventHub;
use crate::observer::Observer;
use crate::server::Server;

/// Path of the WebSocket endpoint.
pub const SOCKET_PATH: &str = "/ws";

struct HostState {
    server: Server,
    token: Token,
    hosts: Vec<String>,
    policy: OriginPolicy,
    slots: Arc<Semaphore>,
    max_connections: usize,
    pending: PendingPool,
    socket_cap: usize,
    hello_timeout: Duration,
    write_timeout: Duration,
    shutdown: CancellationToken,
    observer: Option<Observer>,
    content_security_policy: Option<HeaderValue>,
}

/// A running web host: one process serving the renderer's files and the typed channels over a WebSocket,
/// on loopback. Pages authenticate with the token from [`WebHost::url`]'s fragment.
pub struct WebHost {
    local_addr: SocketAddr,
    served: Served,
    token: Token,
    server: Server,
    shutdown: CancellationToken,
    task: JoinHandle<std::io::Result<()>>,
}

impl fmt::Debug for WebHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebHost")
            .field("local_addr", &self.local_addr)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl WebHost {
    /// Configures a host for `server`.
    pub fn builder(server: Server) -> WebHostBuilder {
        WebHostBuilder::new(server)
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The URL to open, with the token in its fragment (which browsers never send to the server). Treat it
    /// as a secret: print it for the user, never log it.
    pub fn url(&self) -> String {
        format!("{}#token={}", self.served.base_url, self.token.reveal())
    }

    /// The page origin browsers send for this host (`http://127.0.0.1:PORT`).
    pub fn origin(&self) -> &str {
        &self.served.origins[0]
    }

    /// The WebSocket endpoint (`ws://127.0.0.1:PORT/ws`).
    pub fn socket_url(&self) -> String {
        format!("ws://{}{SOCKET_PATH}", self.served.hosts[0])
    }

    pub fn token(&self) -> &Token {
        &self.token
    }

    /// The hub for pushing events to connected pages.
    pub fn events(&self) -> EventHub {
        self.server.events()
    }

    pub fn server(&self) -> &Server {
        &self.server
    }

    /// Closes every socket (code 1001), stops accepting, and waits for the listener to finish.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.shutdown.cancel();
        self.task
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }
}

impl WebHostBuilder {
    /// Binds the address and starts serving in the background. Must be called inside a tokio runtime.
    pub async fn start(self) -> Result<WebHost, WebHostError> {
        self.validate()?;
        // Computed now (ts-rs runs at run time) rather than at the first page's hello.
        let _ = self.server.fingerprint();
        let token = match self.token {
            Some(token) => token,
            None => Token::generate().map_err(WebHostError::Token)?,
        };
        let listener = tokio::net::TcpListener::bind(self.bind)
            .await
            .map_err(|source| WebHostError::Bind {
                addr: self.bind,
                source,
            })?;
        let local_addr = listener.local_addr().map_err(|source| WebHostError::Bind {
            addr: self.bind,
            source,
        })?;
        let files = match &self.static_dir {
            Some(dir) => Some(
                StaticFiles::new(dir).map_err(|source| WebHostError::StaticDir {
                    dir: dir.clone(),
                    source,
                })?,
            ),
            None => None,
        };
        let content_security_policy =
            match &self.content_security_policy {
                Some(policy) => Some(HeaderValue::from_str(policy).map_err(|_| {
                    WebHostError::Config("invalid content_security_policy".to_owned())
                })?),
                None => None,
            };
        let served = served(local_addr);
        let shutdown = CancellationToken::new();
        // The socket layer's hard cap is twice the service's limit: a moderately oversized message still
        // reaches the runtime and gets a typed `too_large` refusal on a live connection; anything bigger is
        // never buffered whole and closes the socket with 1009.
        let limit = self.server.limits().max_message_bytes;
        let state = Arc::new(HostState {
            server: self.server.clone(),
            token: token.clone(),
            hosts: served.hosts.clone(),
            policy: OriginPolicy {
                served: served.origins.clone(),
                page_origin: self.page_origin,
                extra: self.extra_origins,
            },
            slots: Arc::new(Semaphore::new(self.max_connections)),
            max_connections: self.max_connections,
            pending: PendingPool::new(self.max_pending_hellos),
            socket_cap: limit.saturating_mul(2).max(MAX_HELLO_BYTES),
            hello_timeout: self.hello_timeout,
            write_timeout: self.write_timeout,
            shutdown: shutdown.clone(),
            observer: self.observer,
            content_security_policy,
        });
        let mut router = Router::new().route(SOCKET_PATH, get(upgrade));
        router = match files {
            Some(files) => router.fallback(move |request: Request| files.clone().respond(request)),
            None => {
                router.fallback(|| async { (StatusCode::NOT_FOUND, "no static files are served") })
            }
        };
        let app = router
            .layer(middleware::from_fn_with_state(
                state.clone(),
                guard_requests,
            ))
            .with_state(state);
        let task = tokio::spawn(super::serve::run(
            listener,
            app,
            self.http,
            shutdown.clone(),
        ));
        tracing::info!(%local_addr, token = %token, "web host listening");
        Ok(WebHost {
            local_addr,
            served,
            token,
            server: self.server,
            shutdown,
            task,
        })
    }
}

fn refuse(refused: Refused) -> Response {
    (refused.status, refused.reason).into_response()
}

/// Every request: `Host` must name this host (DNS rebinding), and responses get headers that keep the pages
/// out of foreign frames, sniffing and caches, and isolate them from other origins' windows and resources
/// (COOP/COEP: no `window.opener` handle across origins, no cross-origin resource loaded without consent;
/// as a side effect pages are `crossOriginIsolated`, with precise timers).
async fn guard_requests(
    State(state): State<Arc<HostState>>,
    request: Request,
    next: Next,
) -> Response {
    if let Err(refused) = check_host(request.headers(), &state.hosts) {
        if crate::logging::REQUEST_REFUSED.admit() {
            tracing::warn!(reason = %crate::logging::escaped(&refused.reason), path = %crate::logging::escaped(request.uri().path()), "request refused");
        }
        return refuse(refused);
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The page's `<meta>` policy only starts applying once the parser reaches it; the header covers the
    // whole document and every other response.
    if let Some(policy) = &state.content_security_policy {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy.clone());
    }
    for (name, value) in [
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-embedder-policy", "require-corp"),
        ("cross-origin-resource-policy", "same-origin"),
    ] {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    response
}

async fn upgrade(
    State(state): State<Arc<HostState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let origin = match check_origin(&headers, &state.policy) {
        Ok(origin) => origin,
        Err(refused) => {
            if crate::logging::UPGRADE_REFUSED.admit() {
                tracing::warn!(%peer, reason = %crate::logging::escaped(&refused.reason), "web socket refused at upgrade");
            }
            return refuse(refused);
        }
    };
    // The slot itself is taken at the hello: a socket that never says it holds none.
    if state.slots.available_permits() == 0 {
        if crate::logging::CAP_REFUSED.admit() {
            tracing::warn!(%peer, max = state.max_connections, "web socket refused: connection cap reached");
        }
        return refuse(Refused {
            status: StatusCode::SERVICE_UNAVAILABLE,
            reason: format!("too many connections (at most {})", state.max_connections),
        });
    }
    let session = Session {
        server: state.server.clone(),
        token: state.token.clone(),
        origin,
        peer,
        hello_timeout: state.hello_timeout,
        write_timeout: state.write_timeout,
        shutdown: state.shutdown.clone(),
        observer: state.observer.clone(),
        slots: state.slots.clone(),
        max_connections: state.max_connections,
        pending: state.pending.enter(),
    };
    // No `max_write_buffer_size`: tungstenite would refuse any frame larger than it, and replies have no
    // size limit. The write buffer holds at most one outbound message and one pong anyway: the writer waits
    // for each send, and the reader reads nothing while a pong is unwritten (socket.rs).
    ws.max_message_size(state.socket_cap)
        .max_frame_size(state.socket_cap)
        .on_upgrade(move |socket| session.run(socket))
}
