//! The web host (feature `web`): any browser as the renderer, over a loopback WebSocket.
//!
//! One process serves the renderer's static files and `/ws`. A socket is accepted only if
//! - the request's `Host` names this host and its `Origin` is one this host serves (or was explicitly
//!   allowed): a page on another site cannot connect, whatever it knows;
//! - its first message is a hello carrying the per-run token from the printed URL's fragment;
//! - fewer than the connection cap have said hello (sockets still waiting for theirs have a small pool of
//!   their own, so they cannot take the pages' places).
//!
//! After that, each socket is one [`crate::Connection`] with its own [`crate::CallerId`]; the service's
//! origin policy, size limit and decoding apply per message exactly as on every other host. Handlers see a
//! [`crate::Caller`], never the socket. Closing the socket (reload, tab closed) cancels its handlers and
//! unregisters it; its id is never reused.
//!
//! The browser side is the generated `ipc-web.ts` module: `connectWeb(createXxxApi)` returns the same typed
//! API object the Electron preload exposes.

mod bind;
mod config;
mod files;
mod guard;
mod handshake;
mod host;
mod idle;
mod pending;
mod serve;
mod socket;
mod token;

pub use crate::observer::ConnectionEvent;
pub use config::{DEFAULT_CONTENT_SECURITY_POLICY, WebHostBuilder, WebHostError};
pub use handshake::close_code;
pub use host::{SOCKET_PATH, WebHost};
pub use token::Token;
