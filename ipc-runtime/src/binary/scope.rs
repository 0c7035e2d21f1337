//! Where [`Bytes`](super::Bytes) values go while an envelope is encoded, and come from while one is decoded.
//!
//! serde gives a `Serialize` impl no context, so the encoder installs a collector in a thread-local for the
//! duration of one synchronous `serde_json` call; `Bytes::serialize` moves its buffer there (a reference
//! count, not a copy) and writes a placeholder. Decoding mirrors it. Scopes never span an `.await`.

use std::cell::RefCell;

use tokio_util::bytes::Bytes;

thread_local! {
    static OUTGOING: RefCell<Option<Vec<Bytes>>> = const { RefCell::new(None) };
    static INCOMING: RefCell<Option<Vec<Option<Bytes>>>> = const { RefCell::new(None) };
}

/// Runs `encode` with a collector installed; returns its result and the attachments it produced, in
/// placeholder order. Nested scopes keep their own lists.
pub(crate) fn collecting<T>(encode: impl FnOnce() -> T) -> (T, Vec<Bytes>) {
    let outer = OUTGOING.with(|slot| slot.replace(Some(Vec::new())));
    let result = encode();
    let attachments = OUTGOING
        .with(|slot| slot.replace(outer))
        .unwrap_or_default();
    (result, attachments)
}

/// Inside [`collecting`]: stores `bytes` and returns its placeholder index. Outside: `None`.
pub(super) fn attach(bytes: &Bytes) -> Option<usize> {
    OUTGOING.with(|slot| {
        slot.borrow_mut().as_mut().map(|list| {
            list.push(bytes.clone());
            list.len() - 1
        })
    })
}

/// Runs `decode` with `attachments` available to placeholders (each claimed one is a reference-counted
/// clone). Returns the result and how many attachments were never claimed (a sender that ships extra
/// buffers is refused by the caller).
pub(crate) fn providing<T>(attachments: &[Bytes], decode: impl FnOnce() -> T) -> (T, usize) {
    let outer =
        INCOMING.with(|slot| slot.replace(Some(attachments.iter().cloned().map(Some).collect())));
    let result = decode();
    let unclaimed = INCOMING
        .with(|slot| slot.replace(outer))
        .map_or(0, |list| list.iter().filter(|a| a.is_some()).count());
    (result, unclaimed)
}

/// Why a placeholder could not be resolved.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Claim {
    /// No attachments travel with this message (or we are not decoding an envelope).
    NoAttachments,
    /// The index is past the end of the attachments.
    Missing(usize),
    /// Two placeholders name the same attachment.
    Reused(usize),
}

/// Takes attachment `index` (each may be claimed once).
pub(super) fn claim(index: usize) -> Result<Bytes, Claim> {
    INCOMING.with(|slot| {
        let mut slot = slot.borrow_mut();
        let list = slot.as_mut().ok_or(Claim::NoAttachments)?;
        let entry = list.get_mut(index).ok_or(Claim::Missing(index))?;
        entry.take().ok_or(Claim::Reused(index))
    })
}
