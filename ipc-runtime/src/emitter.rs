//! Main -> renderer delivery: the registry of connected callers and typed-event emitters over it.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc;

use crate::binary::{BinaryMessage, Encoded, frame_for};
use crate::caller::CallerId;
use crate::envelope::encode_event;
use crate::service::ChannelDescriptor;

/// One message on the wire, either way: what the main side sends a renderer, and what the in-memory host's
/// client sends the main side. Hosts turn it into a WebSocket message, a stdio frame, ...
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboundFrame {
    /// One JSON envelope.
    Text(String),
    /// One envelope with binary attachments, laid out as described in the `binary` module (a binary
    /// WebSocket message as it is), held in chunks so that the attachments are not copied into it.
    Binary(BinaryMessage),
}

pub(crate) struct Peer {
    pub(crate) origin: Arc<str>,
    pub(crate) top_frame: bool,
    pub(crate) outbound: mpsc::Sender<OutboundFrame>,
}

#[derive(Default)]
pub(crate) struct Registry {
    peers: Mutex<HashMap<CallerId, Peer>>,
    next_id: AtomicU64,
    dropped_events: AtomicU64,
}

impl Registry {
    pub(crate) fn register(&self, peer: Peer) -> CallerId {
        // Ids start at 1 and only grow: a reconnecting page always gets a fresh id.
        let id = CallerId(self.next_id.fetch_add(1, Ordering::Relaxed) + 1);
        self.lock().insert(id, peer);
        id
    }

    pub(crate) fn unregister(&self, id: CallerId) {
        self.lock().remove(&id);
    }

    pub(crate) fn count(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CallerId, Peer>> {
        // A panic while holding this lock cannot leave the map half-updated (single insert/remove calls).
        self.peers.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Why an event was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmitError {
    #[error("no connected caller with id {0}")]
    NotConnected(CallerId),
    #[error("{0} is not allowed to receive channel {1:?} (origin or frame not in its allowlist)")]
    NotAllowed(CallerId, &'static str),
    #[error("the outbound queue of {0} is full; the event was dropped")]
    QueueFull(CallerId),
    #[error("could not encode the event payload: {0}")]
    Encode(String),
}

/// Creates emitters. Cheap to clone; keep one in your handler state to push events from anywhere.
#[derive(Clone, Default)]
pub struct EventHub {
    pub(crate) registry: Arc<Registry>,
}

impl EventHub {
    /// A hub with no callers yet. Pass it to [`crate::ServerBuilder::event_hub`] so that the handler you
    /// build can hold it before the server exists.
    pub fn new() -> Self {
        Self::default()
    }

    /// An emitter that targets one caller.
    pub fn to(&self, caller: CallerId) -> Emitter {
        Emitter {
            registry: self.registry.clone(),
            target: Target::One(caller),
        }
    }

    /// An emitter that targets every connected caller whose origin may receive the channel.
    pub fn broadcast(&self) -> Emitter {
        Emitter {
            registry: self.registry.clone(),
            target: Target::All,
        }
    }

    /// Number of connected callers.
    pub fn connected(&self) -> usize {
        self.registry.count()
    }

    /// Events dropped because a caller's outbound queue was full (a renderer that stopped reading).
    pub fn dropped_events(&self) -> u64 {
        self.registry.dropped_events.load(Ordering::Relaxed)
    }
}

impl fmt::Debug for EventHub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventHub")
            .field("connected", &self.connected())
            .finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    One(CallerId),
    All,
}

/// Delivers events to one caller or to all. Wrap it in the generated `<Trait>Events` type for typed methods.
#[derive(Clone)]
pub struct Emitter {
    registry: Arc<Registry>,
    target: Target,
}

impl fmt::Debug for Emitter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emitter")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl Emitter {
    /// Sends an encoded event. Used by generated code; returns how many callers it was queued for.
    #[doc(hidden)]
    pub fn __emit(
        &self,
        channel: &'static ChannelDescriptor,
        payload: Result<Encoded, serde_json::Error>,
    ) -> Result<usize, EmitError> {
        let payload = payload.map_err(|e| EmitError::Encode(e.to_string()))?;
        // Encoded once; each subscriber's copy shares the text's or the binary message's buffer.
        let (payload, attachments) = payload.into_parts();
        let frame = frame_for(encode_event(channel.name, payload), &attachments);
        let peers = self.registry.lock();
        match self.target {
            Target::One(id) => {
                let peer = peers.get(&id).ok_or(EmitError::NotConnected(id))?;
                if !may_receive(channel, peer) {
                    return Err(EmitError::NotAllowed(id, channel.name));
                }
                self.deliver(id, peer, frame).map(|()| 1)
            }
            Target::All => Ok(peers
                .iter()
                .filter(|(_, peer)| may_receive(channel, peer))
                .filter(|(id, peer)| self.deliver(**id, peer, frame.clone()).is_ok())
                .count()),
        }
    }

    fn deliver(&self, id: CallerId, peer: &Peer, frame: OutboundFrame) -> Result<(), EmitError> {
        match peer.outbound.try_send(frame) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.registry.dropped_events.fetch_add(1, Ordering::Relaxed);
                if crate::logging::EVENT_DROPPED.admit() {
                    tracing::warn!(caller = %id, "outbound queue full; event dropped");
                }
                Err(EmitError::QueueFull(id))
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Err(EmitError::NotConnected(id)),
        }
    }
}

fn may_receive(channel: &ChannelDescriptor, peer: &Peer) -> bool {
    channel.allows_origin(&peer.origin) && (peer.top_frame || channel.allow_subframes)
}
