//! The main side of a stream: the credit a renderer granted, shared by the handler's [`crate::Sink`] (which
//! spends it) and the connection (which adds what `credit` frames grant). Every host uses this one state
//! machine; hosts only move the frames.
//!
//! Items are counted one each; bytes are the lengths of an item's `Bytes` attachments (JSON is not
//! counted). Byte credit is signed: an item larger than the whole byte window may go when the full window
//! is available (nothing else outstanding), which leaves the credit below zero until the renderer grants
//! that item's bytes back. So progress is always possible, and at most one such item is ever outstanding.

use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

use crate::envelope::Grant;
use crate::error::IpcError;

/// Most items a renderer may have granted and not yet received.
pub(crate) const MAX_ITEMS: u64 = 1 << 20;
/// Most attachment bytes a renderer may have granted and not yet received (1 GiB).
pub(crate) const MAX_BYTES: u64 = 1 << 30;
const MAX_BYTES_SIGNED: i64 = 1 << 30;

/// Refuses an initial credit over the caps.
pub(crate) fn check_outstanding(grant: Grant) -> Result<(), String> {
    if grant.items > MAX_ITEMS || grant.bytes > MAX_BYTES {
        return Err(over_cap());
    }
    Ok(())
}

fn over_cap() -> String {
    format!("stream credit may not exceed {MAX_ITEMS} items or {MAX_BYTES} bytes outstanding")
}

struct State {
    items: u64,
    bytes: i64,
    /// The initial byte credit: an item larger than this may go only when all of it is available.
    window: i64,
    /// Why the stream must end, when something other than its handler ended it (bad credit, an item that
    /// could not be encoded). The first reason wins.
    failure: Option<IpcError<()>>,
    /// Set just before the end frame is queued: from then on nothing is sent, so no item can follow it
    /// (a sink handed to another task may outlive the handler).
    ended: bool,
}

/// What [`Credit::spend`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spend {
    Sent,
    /// Not enough credit: wait for [`Credit::added`] and try again.
    Wait,
    /// The stream is over.
    Ended,
}

/// One running stream's credit.
pub(crate) struct Credit {
    state: Mutex<State>,
    /// Woken when credit is added. One waiter at most: the sink, whose `send` takes `&mut self`.
    added: Notify,
}

impl Credit {
    pub(crate) fn new(initial: Grant) -> Self {
        // Both within the caps (checked when the envelope was read), so they fit an `i64`.
        let bytes = i64::try_from(initial.bytes).unwrap_or(i64::MAX);
        Self {
            state: Mutex::new(State {
                items: initial.items,
                bytes,
                window: bytes,
                failure: None,
                ended: false,
            }),
            added: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a renderer's grant. Refuses (and adds nothing) when the outstanding credit would pass the caps.
    pub(crate) fn grant(&self, grant: Grant) -> Result<(), String> {
        let mut state = self.lock();
        let items = state.items.saturating_add(grant.items);
        let bytes = i64::try_from(grant.bytes)
            .ok()
            .and_then(|b| state.bytes.checked_add(b));
        let bytes = match bytes {
            Some(bytes) if items <= MAX_ITEMS && bytes <= MAX_BYTES_SIGNED => bytes,
            _ => return Err(over_cap()),
        };
        state.items = items;
        state.bytes = bytes;
        drop(state);
        self.added.notify_one();
        Ok(())
    }

    /// Takes the credit for one item with `bytes` of attachments, if there is enough, and calls `send`
    /// (which must not block) under the same lock that [`Credit::end`] takes, so no item is sent after the
    /// end frame is queued.
    pub(crate) fn spend(&self, bytes: u64, send: impl FnOnce()) -> Spend {
        let mut state = self.lock();
        if state.ended {
            return Spend::Ended;
        }
        let size = i64::try_from(bytes).unwrap_or(i64::MAX);
        let fits =
            state.items > 0 && (bytes == 0 || size <= state.bytes || state.bytes >= state.window);
        if !fits {
            return Spend::Wait;
        }
        state.items -= 1;
        state.bytes = state.bytes.saturating_sub(size);
        send();
        Spend::Sent
    }

    /// The stream is ending: nothing more is sent. Returns why it must end, if something other than its
    /// handler ended it.
    pub(crate) fn end(&self) -> Option<IpcError<()>> {
        let mut state = self.lock();
        state.ended = true;
        state.failure.clone()
    }

    /// Waits until credit is added after the last [`Credit::take`] that failed (no wake-up is lost: a grant
    /// while nobody waits is kept for the next wait).
    pub(crate) async fn added(&self) {
        self.added.notified().await;
    }

    /// Records why the stream must end (the first reason wins); the caller cancels the stream's token.
    pub(crate) fn fail(&self, error: IpcError<()>) {
        self.lock().failure.get_or_insert(error);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credit(items: u64, bytes: u64) -> Credit {
        Credit::new(Grant { items, bytes })
    }

    impl Credit {
        fn take(&self, bytes: u64) -> bool {
            self.spend(bytes, || ()) == Spend::Sent
        }
    }

    #[test]
    fn nothing_is_sent_once_the_stream_ended() {
        let c = credit(5, 0);
        c.fail(IpcError::Cancelled);
        c.fail(IpcError::Protocol {
            message: "later".to_owned(),
        });
        assert_eq!(c.end(), Some(IpcError::Cancelled), "the first reason wins");
        let mut sent = false;
        assert_eq!(c.spend(0, || sent = true), Spend::Ended);
        assert!(!sent);
    }

    #[test]
    fn items_are_spent_one_each_and_granted_back() {
        let c = credit(2, 0);
        assert!(c.take(0));
        assert!(c.take(0));
        assert!(!c.take(0));
        c.grant(Grant { items: 1, bytes: 0 }).unwrap();
        assert!(c.take(0));
        assert!(!c.take(0));
    }

    #[test]
    fn bytes_items_stay_within_the_byte_credit() {
        let c = credit(10, 100);
        assert!(c.take(60));
        assert!(!c.take(60), "60 more would pass the 100-byte window");
        assert!(c.take(40));
        c.grant(Grant {
            items: 0,
            bytes: 60,
        })
        .unwrap();
        assert!(c.take(60));
    }

    #[test]
    fn an_item_larger_than_the_window_goes_only_when_nothing_is_outstanding() {
        let c = credit(10, 100);
        assert!(c.take(10));
        assert!(!c.take(500), "10 bytes are outstanding");
        c.grant(Grant {
            items: 0,
            bytes: 10,
        })
        .unwrap();
        assert!(c.take(500));
        assert!(!c.take(1), "the big item's bytes are outstanding");
        c.grant(Grant {
            items: 0,
            bytes: 500,
        })
        .unwrap();
        assert!(c.take(100));
    }

    #[test]
    fn credit_over_the_caps_is_refused_and_adds_nothing() {
        let c = credit(MAX_ITEMS, 0);
        assert!(c.grant(Grant { items: 1, bytes: 0 }).is_err());
        assert!(
            c.grant(Grant {
                items: 0,
                bytes: MAX_BYTES + 1
            })
            .is_err()
        );
        assert!(
            check_outstanding(Grant {
                items: MAX_ITEMS + 1,
                bytes: 0
            })
            .is_err()
        );
        assert!(c.take(0));
        assert!(c.grant(Grant { items: 1, bytes: 0 }).is_ok());
    }
}
