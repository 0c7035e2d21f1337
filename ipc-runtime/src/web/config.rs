//! [`WebHostBuilder`]: what to serve, where, and under which limits.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use super::token::Token;
use crate::observer::{ConnectionEvent, Observer};
use crate::server::Server;

/// The `Content-Security-Policy` header sent with every response unless replaced: scripts, styles and the
/// socket from this host only, no plugins, no `<base>` rewriting, no framing by other origins.
pub const DEFAULT_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

/// Why a web host could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebHostError {
    /// The address is not loopback and [`WebHostBuilder::force_non_loopback`] was not called.
    #[error("{0}")]
    NonLoopback(String),
    #[error("could not bind {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("static folder {}: {source}", dir.display())]
    StaticDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("could not generate the access token: {0}")]
    Token(getrandom::Error),
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// Configures a [`super::WebHost`]. Start it with [`WebHostBuilder::start`].
#[derive(Debug)]
pub struct WebHostBuilder {
    pub(crate) server: Server,
    pub(crate) bind: SocketAddr,
    pub(crate) force_non_loopback: bool,
    pub(crate) static_dir: Option<PathBuf>,
    pub(crate) page_origin: Option<String>,
    pub(crate) extra_origins: Vec<String>,
    pub(crate) max_connections: usize,
    pub(crate) max_pending_hellos: usize,
    pub(crate) hello_timeout: Duration,
    pub(crate) http: HttpLimits,
    pub(crate) content_security_policy: Option<String>,
    pub(crate) write_timeout: Duration,
    pub(crate) token: Option<Token>,
    pub(crate) observer: Option<Observer>,
}

impl WebHostBuilder {
    pub(crate) fn new(server: Server) -> Self {
        Self {
            server,
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            force_non_loopback: false,
            static_dir: None,
            page_origin: None,
            extra_origins: Vec::new(),
            max_connections: 32,
            max_pending_hellos: 64,
            hello_timeout: Duration::from_secs(10),
            http: HttpLimits::default(),
            content_security_policy: Some(DEFAULT_CONTENT_SECURITY_POLICY.to_owned()),
            write_timeout: Duration::from_secs(30),
            token: None,
            observer: None,
        }
    }

    /// Address to listen on (default `127.0.0.1:0`: loopback, a free port). Non-loopback addresses are
    /// refused at start unless [`Self::force_non_loopback`] is set.
    #[must_use]
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Allows a non-loopback address. Anyone who can reach it and learns the token can call the service.
    #[must_use]
    pub fn force_non_loopback(mut self) -> Self {
        self.force_non_loopback = true;
        self
    }

    /// Serves this directory's files (`index.html` for `/`). Without it, only the socket is served.
    #[must_use]
    pub fn static_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.static_dir = Some(dir.into());
        self
    }

    /// The origin under which pages served by this host are checked against the service's `allow_origins`
    /// (for example `app://main`, the same name an Electron build would use). Needed when the port is
    /// picked at run time, since `allow_origins` is fixed at compile time. Without it the policy sees the
    /// browser's `Origin` value, such as `http://127.0.0.1:5173`.
    #[must_use]
    pub fn page_origin(mut self, origin: impl Into<String>) -> Self {
        self.page_origin = Some(origin.into());
        self
    }

    /// Also accepts sockets from this exact origin (a dev server on another port, say); the policy sees it
    /// unchanged. Pages there must still present the token.
    #[must_use]
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        self.extra_origins.push(origin.into());
        self
    }

    /// Most pages connected at once, counted from their accepted hello (default 32). While all are taken,
    /// upgrades get `503`; a hello that finds them taken is closed with 1013 (try again later).
    #[must_use]
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max;
        self
    }

    /// Most sockets waiting for their hello at once, apart from [`Self::max_connections`] (default 8). A
    /// socket opened while this many wait evicts the one waiting longest (closed with 4408), so sockets
    /// that never say hello cannot keep a page out.
    #[must_use]
    pub fn max_pending_hellos(mut self, max: usize) -> Self {
        self.max_pending_hellos = max;
        self
    }

    /// How long a new socket may take to send its hello (default 10 s).
    #[must_use]
    pub fn hello_timeout(mut self, timeout: Duration) -> Self {
        self.hello_timeout = timeout;
        self
    }

    /// How long a client may take to send a request's headers, counted from when the host starts waiting
    /// for them: on a new connection and after each response on a kept-alive one (default 10 s). Closes
    /// connections that trickle headers byte by byte or send nothing.
    #[must_use]
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.http.header_timeout = timeout;
        self
    }

    /// An HTTP connection on which no byte moves either way for this long is closed (default 30 s): an
    /// idle keep-alive connection, a stalled upload, a response the client stopped reading. A connection
    /// upgraded to a WebSocket is no longer subject to it.
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.http.idle_timeout = timeout;
        self
    }

    /// Most HTTP connections open at once (default 256); a WebSocket counts only until upgraded (sockets have
    /// [`Self::max_connections`]). Past it, new connections are closed at once; open ones keep being served.
    #[must_use]
    pub fn max_http_connections(mut self, max: usize) -> Self {
        self.http.max_connections = max;
        self
    }

    /// The `Content-Security-Policy` header sent with every response (default
    /// [`DEFAULT_CONTENT_SECURITY_POLICY`]); `None` sends none (a page's own `<meta>` policy still applies).
    #[must_use]
    pub fn content_security_policy(mut self, policy: Option<String>) -> Self {
        self.content_security_policy = policy;
        self
    }

    /// How long a write to a socket may stay blocked because the peer does not read (default 30 s); then
    /// the socket is closed. Until a pong has been written the socket's input is not read, so a peer that
    /// pings without reading fills its own buffers, never this process's memory.
    #[must_use]
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// Uses this token instead of a fresh random one (tests).
    #[must_use]
    pub fn token(mut self, token: Token) -> Self {
        self.token = Some(token);
        self
    }

    /// Called when a page passes the handshake and when its socket closes.
    #[must_use]
    pub fn on_connection(
        mut self,
        observer: impl Fn(ConnectionEvent) + Send + Sync + 'static,
    ) -> Self {
        self.observer = Some(Observer::new(observer));
        self
    }

    pub(crate) fn validate(&self) -> Result<(), WebHostError> {
        super::bind::check_bind(self.bind, self.force_non_loopback)
            .map_err(WebHostError::NonLoopback)?;
        if self.max_connections == 0 {
            return Err(WebHostError::Config(
                "max_connections must be at least 1".to_owned(),
            ));
        }
        if self.http.max_connections == 0 || u32::try_from(self.http.max_connections).is_err() {
            return Err(WebHostError::Config(
                "max_http_connections must be between 1 and 2^32 - 1".to_owned(),
            ));
        }
        if self.http.header_timeout.is_zero() || self.http.idle_timeout.is_zero() {
            return Err(WebHostError::Config(
                "header_timeout and idle_timeout must be longer than zero".to_owned(),
            ));
        }
        if let Some(policy) = &self.content_security_policy {
            axum::http::HeaderValue::from_str(policy).map_err(|_| {
                WebHostError::Config(format!(
                    "content_security_policy({policy:?}) is not a valid header value"
                ))
            })?;
        }
        if self.max_pending_hellos == 0 {
            return Err(WebHostError::Config(
                "max_pending_hellos must be at least 1".to_owned(),
            ));
        }
        if let Some(origin) = self
            .extra_origins
            .iter()
            .find(|o| o.is_empty() || o.as_str() == "null" || o.ends_with('/'))
        {
            return Err(WebHostError::Config(format!(
                "allow_origin({origin:?}): give an exact origin like http://127.0.0.1:5173"
            )));
        }
        Ok(())
    }
}

/// Limits on the HTTP connections that carry page loads and WebSocket upgrades.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HttpLimits {
    pub(crate) header_timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) max_connections: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_connections: 256,
        }
    }
}
