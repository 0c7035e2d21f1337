//! Notifications about callers that a host admitted (a socket that passed the handshake, a stdio caller
//! key the parent opened), for the main side's own bookkeeping (a list of open windows, a broker's peer
//! list). They carry ids, never the connection.

use std::fmt;
use std::sync::Arc;

use crate::caller::CallerId;

/// A renderer connected or went away.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionEvent {
    /// The renderer was admitted (web: it presented the token; stdio: the parent opened its key); its
    /// messages now reach the service as `id`.
    Connected { id: CallerId, origin: String },
    /// It went away (socket closed, key closed, reload, shutdown). Its handlers are cancelled and `id` is
    /// no longer reachable; it is never reused.
    Disconnected { id: CallerId },
}

#[derive(Clone)]
pub(crate) struct Observer(Arc<dyn Fn(ConnectionEvent) + Send + Sync>);

impl Observer {
    pub(crate) fn new(f: impl Fn(ConnectionEvent) + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    pub(crate) fn notify(&self, event: ConnectionEvent) {
        (self.0)(event);
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Observer(..)")
    }
}
