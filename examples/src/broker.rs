//! Pattern 4's main side: which renderers are connected, and whether one may message another. Renderers
//! never reach each other directly; they name a peer by id and the main side decides.

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

use ipc_runtime::CallerId;

use crate::demo::PeerError;

/// Longest message the broker forwards, in characters.
pub const MAX_MESSAGE_CHARS: u32 = 500;

#[derive(Debug, Default)]
pub struct Broker {
    peers: Mutex<BTreeSet<CallerId>>,
}

impl Broker {
    /// Adds a renderer; returns the new list.
    pub fn join(&self, id: CallerId) -> Vec<CallerId> {
        let mut peers = self.lock();
        peers.insert(id);
        peers.iter().copied().collect()
    }

    /// Removes a renderer; returns the new list.
    pub fn leave(&self, id: CallerId) -> Vec<CallerId> {
        let mut peers = self.lock();
        peers.remove(&id);
        peers.iter().copied().collect()
    }

    pub fn list(&self) -> Vec<CallerId> {
        self.lock().iter().copied().collect()
    }

    /// The broker's policy, checked before anything is forwarded.
    pub fn check(&self, from: CallerId, to: CallerId, text: &str) -> Result<(), PeerError> {
        if from == to {
            return Err(PeerError::ToSelf);
        }
        if text.trim().is_empty() {
            return Err(PeerError::Empty);
        }
        if text.chars().count() > MAX_MESSAGE_CHARS as usize {
            return Err(PeerError::TooLong {
                max: MAX_MESSAGE_CHARS,
            });
        }
        if !self.lock().contains(&to) {
            return Err(PeerError::NotConnected { id: to });
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeSet<CallerId>> {
        self.peers.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        let broker = Broker::default();
        let (a, b, gone) = (
            CallerId::from_raw(1),
            CallerId::from_raw(2),
            CallerId::from_raw(3),
        );
        broker.join(a);
        assert_eq!(broker.join(b), [a, b]);
        assert_eq!(broker.check(a, b, "hi"), Ok(()));
        assert_eq!(broker.check(a, a, "hi"), Err(PeerError::ToSelf));
        assert_eq!(broker.check(a, b, "  "), Err(PeerError::Empty));
        assert_eq!(
            broker.check(a, b, &"x".repeat(501)),
            Err(PeerError::TooLong { max: 500 })
        );
        assert_eq!(
            broker.check(a, gone, "hi"),
            Err(PeerError::NotConnected { id: gone })
        );
        assert_eq!(broker.leave(b), [a]);
        assert_eq!(
            broker.check(a, b, "hi"),
            Err(PeerError::NotConnected { id: b })
        );
    }
}
