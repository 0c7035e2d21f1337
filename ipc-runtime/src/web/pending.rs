//! Sockets that are upgraded but have not said hello yet. They live in a small pool of their own, apart from
//! the connection slots (which only a valid hello takes), so that silent sockets cannot lock pages out: when
//! the pool is full, a new socket evicts the one waiting longest. A page sends its hello right after the
//! upgrade, so it is in and out of the pool before a flood of silent sockets can push it out.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use tokio_util::sync::CancellationToken;

/// The pool; cheap to clone (shared).
#[derive(Debug, Clone)]
pub(crate) struct PendingPool {
    inner: Arc<Mutex<Waiting>>,
    max: usize,
}

#[derive(Debug, Default)]
struct Waiting {
    next_id: u64,
    /// Oldest first; each socket's token is cancelled when it is evicted.
    queue: VecDeque<(u64, CancellationToken)>,
}

/// One socket's place in the pool, left when dropped (hello answered, socket gone or upgrade failed).
#[derive(Debug)]
pub(crate) struct PendingEntry {
    pool: Arc<Mutex<Waiting>>,
    id: u64,
    /// Cancelled when a newer socket took this one's place.
    pub(crate) evicted: CancellationToken,
}

impl PendingPool {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            inner: Arc::default(),
            max,
        }
    }

    /// Enters a new socket, evicting the oldest waiting one if the pool is full.
    pub(crate) fn enter(&self) -> PendingEntry {
        let mut waiting = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        while waiting.queue.len() >= self.max {
            if let Some((_, oldest)) = waiting.queue.pop_front() {
                oldest.cancel();
            }
        }
        let id = waiting.next_id;
        waiting.next_id += 1;
        let evicted = CancellationToken::new();
        waiting.queue.push_back((id, evicted.clone()));
        PendingEntry {
            pool: self.inner.clone(),
            id,
            evicted,
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .queue
            .len()
    }
}

impl PendingEntry {
    /// Leaves the pool now (the hello was answered); dropping the entry does the same.
    pub(crate) fn leave(&self) {
        let mut waiting = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(at) = waiting.queue.iter().position(|(id, _)| *id == self.id) {
            waiting.queue.remove(at);
        }
    }
}

impl Drop for PendingEntry {
    fn drop(&mut self) {
        self.leave();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_pool_evicts_the_oldest_and_leaving_frees_a_place() {
        let pool = PendingPool::new(2);
        let first = pool.enter();
        let second = pool.enter();
        assert_eq!(pool.len(), 2);
        let third = pool.enter();
        assert!(first.evicted.is_cancelled());
        assert!(!second.evicted.is_cancelled() && !third.evicted.is_cancelled());
        assert_eq!(pool.len(), 2);
        // The evicted socket leaving later does not take anyone else's place with it.
        drop(first);
        assert_eq!(pool.len(), 2);
        second.leave();
        assert_eq!(pool.len(), 1);
        drop(second);
        assert_eq!(pool.len(), 1);
        let fourth = pool.enter();
        assert!(!third.evicted.is_cancelled() && !fourth.evicted.is_cancelled());
    }
}
