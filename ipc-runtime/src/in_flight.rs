//! The `invoke` calls one connection is running, and each call's cancellation token.
//!
//! A call's token is made only when something asks for it: the handler (through
//! [`crate::Caller::cancellation`]) or the connection, when the handler does not finish on its first poll
//! and has to be watched for a `cancel`, its deadline or a disconnect. Most handlers finish on their first
//! poll without asking, and then no token is made at all (a child token costs an allocation and several
//! lock round trips on the connection's token). Whoever asks first makes it; everyone else gets a clone.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio_util::sync::CancellationToken;

use crate::connection::stream::Credit;
use crate::hash::FastMap;

struct Entry {
    generation: u64,
    token: Option<CancellationToken>,
    /// A stream's credit, which `credit` frames add to.
    stream: Option<Arc<Credit>>,
}

/// Why a call was not admitted.
pub(crate) enum Refused {
    /// The id names a call that is still running.
    Duplicate,
    /// The connection already runs its maximum number of calls.
    Busy,
}

pub(crate) struct InFlight {
    entries: Mutex<FastMap<u64, Entry>>,
    generation: AtomicU64,
    /// The connection's token: every call's token is its child, so closing the connection cancels them all.
    closed: CancellationToken,
}

impl InFlight {
    pub(crate) fn new(closed: CancellationToken) -> Self {
        Self {
            entries: Mutex::default(),
            generation: AtomicU64::new(0),
            closed,
        }
    }

    fn lock(&self) -> MutexGuard<'_, FastMap<u64, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    pub(crate) fn contains(&self, id: u64) -> bool {
        self.lock().contains_key(&id)
    }

    /// Registers call `id`; returns its generation, which tells it apart from a later call reusing the id.
    pub(crate) fn admit(&self, id: u64, max: usize) -> Result<u64, Refused> {
        self.admit_call(id, max, None)
    }

    /// [`InFlight::admit`] for a stream, with its credit.
    pub(crate) fn admit_stream(
        &self,
        id: u64,
        max: usize,
        credit: Arc<Credit>,
    ) -> Result<u64, Refused> {
        self.admit_call(id, max, Some(credit))
    }

    /// The credit of running stream `id`; `None` when no stream of that id is running.
    pub(crate) fn stream(&self, id: u64) -> Option<Arc<Credit>> {
        self.lock().get(&id)?.stream.clone()
    }

    fn admit_call(&self, id: u64, max: usize, stream: Option<Arc<Credit>>) -> Result<u64, Refused> {
        let mut entries = self.lock();
        if entries.contains_key(&id) {
            return Err(Refused::Duplicate);
        }
        if entries.len() >= max {
            return Err(Refused::Busy);
        }
        let generation = self.generation.fetch_add(1, Ordering::Relaxed);
        let token = None;
        entries.insert(
            id,
            Entry {
                generation,
                token,
                stream,
            },
        );
        Ok(generation)
    }

    /// The token of call `id` of `generation`, made on first use. Once that call is over, a cancelled
    /// token: whoever asks late (a clone of the caller kept past the call) must see it cancelled.
    pub(crate) fn token(&self, id: u64, generation: u64) -> CancellationToken {
        let mut entries = self.lock();
        match entries.get_mut(&id) {
            Some(entry) if entry.generation == generation => entry
                .token
                .get_or_insert_with(|| self.closed.child_token())
                .clone(),
            _ => {
                drop(entries);
                let over = CancellationToken::new();
                over.cancel();
                over
            }
        }
    }

    /// Cancels call `id` (a `cancel` from the caller). False if no such call is running.
    pub(crate) fn cancel(&self, id: u64) -> bool {
        let mut entries = self.lock();
        let Some(entry) = entries.get_mut(&id) else {
            return false;
        };
        entry
            .token
            .get_or_insert_with(|| self.closed.child_token())
            .cancel();
        true
    }

    /// Removes call `id` if it is still the one of `generation`, and returns its token if one was made
    /// (the caller cancels it). From here on [`InFlight::token`] hands out cancelled tokens for it.
    pub(crate) fn end(&self, id: u64, generation: u64) -> Option<CancellationToken> {
        let mut entries = self.lock();
        if entries.get(&id)?.generation != generation {
            return None;
        }
        entries.remove(&id)?.token
    }
}
