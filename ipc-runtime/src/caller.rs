use std::fmt;
use std::sync::{Arc, OnceLock};

use tokio_util::sync::CancellationToken;

use crate::emitter::Emitter;
use crate::in_flight::InFlight;

/// Opaque identifier of one connected renderer (a window, a tab, a test client).
///
/// Ids are unique for the life of a [`crate::Server`] and never reused, so a stale id can never reach a
/// renderer that connected later (for example after a page reload).
///
/// It serialises as a plain number, so a renderer can name another renderer (the main side decides what to
/// do with that: see the renderer-to-renderer pattern).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct CallerId(pub(crate) u64);

impl ts_rs::TS for CallerId {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn name(_: &ts_rs::Config) -> String {
        "number".to_owned()
    }

    fn inline(_: &ts_rs::Config) -> String {
        "number".to_owned()
    }
}

impl CallerId {
    /// The numeric value, for logs and for handing to other renderers as an address.
    pub fn get(self) -> u64 {
        self.0
    }

    /// Rebuilds an id from its number (as received from a renderer). It addresses nobody unless a caller
    /// with that id is connected; emitting to it then fails with [`crate::EmitError::NotConnected`].
    pub fn from_raw(id: u64) -> Self {
        Self(id)
    }
}

impl fmt::Display for CallerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "caller#{}", self.0)
    }
}

/// What a handler knows about who called it. There is deliberately no way to reach the socket, window or
/// process behind it: only the capabilities below.
#[derive(Clone)]
pub struct Caller {
    id: CallerId,
    origin: Arc<str>,
    emitter: Emitter,
    cancellation: CallToken,
}

/// A call's cancellation token, or where it is made on first use.
#[derive(Clone)]
pub(crate) enum CallToken {
    Made(CancellationToken),
    /// An `invoke`'s token, made by its connection's in-flight table when first asked for (see
    /// [`crate::in_flight`]); every clone of the caller gets the same one.
    OnFirstUse {
        token: OnceLock<CancellationToken>,
        in_flight: Arc<InFlight>,
        id: u64,
        generation: u64,
    },
}

impl CallToken {
    pub(crate) fn on_first_use(in_flight: Arc<InFlight>, id: u64, generation: u64) -> Self {
        Self::OnFirstUse {
            token: OnceLock::new(),
            in_flight,
            id,
            generation,
        }
    }
}

impl Caller {
    pub(crate) fn new(
        id: CallerId,
        origin: Arc<str>,
        emitter: Emitter,
        cancellation: CallToken,
    ) -> Self {
        Self {
            id,
            origin,
            emitter,
            cancellation,
        }
    }

    /// The caller's id: stable for one connection, never reused.
    pub fn id(&self) -> CallerId {
        self.id
    }

    /// The origin the host verified for this caller (exact string, e.g. `app://main`).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// An emitter that delivers events to this caller only. Wrap it in the generated `<Trait>Events` type.
    pub fn emitter(&self) -> Emitter {
        self.emitter.clone()
    }

    /// Cancelled when the caller aborts the call, its deadline passes, or it disconnects. The handler's
    /// future is dropped at that point anyway; the token is for work it handed to other tasks or threads.
    pub fn cancellation(&self) -> &CancellationToken {
        match &self.cancellation {
            CallToken::Made(token) => token,
            CallToken::OnFirstUse {
                token,
                in_flight,
                id,
                generation,
            } => token.get_or_init(|| in_flight.token(*id, *generation)),
        }
    }
}

impl fmt::Debug for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Caller")
            .field("id", &self.id)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}
