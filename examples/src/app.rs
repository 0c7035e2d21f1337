//! The main side of the demo: [`DemoApp`] implements every channel of [`DemoIpc`].

use std::sync::Arc;

use ipc_runtime::{Caller, CallerId, EmitError, EventHub};
use tokio::sync::Notify;

use crate::broker::Broker;
use crate::demo::{DemoIpc, DemoIpcEvents, FileEntry, FileError, OpenedFile, PeerError};
use crate::files::Folder;
use crate::record::{Audience, Record, Recorder};

/// Longest window title the main side applies, in characters.
const MAX_TITLE_CHARS: usize = 80;

/// Handler state. Holds the event hub so the main side can push events from anywhere (the console, the
/// broker), not only in reply to a call.
#[derive(Debug)]
pub struct DemoApp {
    folder: Folder,
    hub: EventHub,
    recorder: Recorder,
    broker: Broker,
    jobs: Notify,
}

impl DemoApp {
    pub fn new(folder: Folder, hub: EventHub, recorder: Recorder) -> Arc<Self> {
        Arc::new(Self {
            folder,
            hub,
            recorder,
            broker: Broker::default(),
            jobs: Notify::new(),
        })
    }

    pub fn hub(&self) -> &EventHub {
        &self.hub
    }

    pub fn folder(&self) -> &Folder {
        &self.folder
    }

    /// Pattern 3: the main side changes the counter, in every window or in one.
    pub fn bump_counter(&self, delta: i32, to: Audience) -> Result<usize, EmitError> {
        let emitter = match to {
            Audience::All => self.hub.broadcast(),
            Audience::One(id) => self.hub.to(id),
        };
        let delivered = DemoIpcEvents::new(emitter).update_counter(delta)?;
        self.recorder.record(Record::CounterSent {
            to,
            delta,
            delivered,
        });
        Ok(delivered)
    }

    /// Finishes every running `long_job`.
    pub fn finish_jobs(&self) {
        self.jobs.notify_waiters();
    }

    /// A page passed the web host's handshake.
    pub fn connected(&self, id: CallerId, origin: String) {
        self.recorder
            .record(Record::Connected { caller: id, origin });
        let peers = self.broker.join(id);
        self.announce(peers);
    }

    /// A page's socket closed; the runtime has already cancelled its handlers.
    pub fn disconnected(&self, id: CallerId) {
        self.recorder.record(Record::Disconnected { caller: id });
        let peers = self.broker.leave(id);
        self.announce(peers);
    }

    fn announce(&self, peers: Vec<CallerId>) {
        // Nobody listening is fine: the list is also available through `peers()`.
        let _ = DemoIpcEvents::new(self.hub.broadcast()).peers_changed(peers);
    }
}

impl DemoIpc for DemoApp {
    async fn set_title(&self, caller: Caller, title: String) {
        let title: String = title.trim().chars().take(MAX_TITLE_CHARS).collect();
        self.recorder.record(Record::Title {
            caller: caller.id(),
            title: title.clone(),
        });
        if let Err(error) = DemoIpcEvents::new(caller.emitter()).window_title(title) {
            tracing::warn!(caller = %caller.id(), %error, "could not apply the window title");
        }
    }

    async fn list_files(&self, _caller: Caller) -> Result<Vec<FileEntry>, FileError> {
        self.folder.list()
    }

    async fn choose_file(&self, _caller: Caller) -> Result<Option<String>, FileError> {
        // A dialog needs a window, which only a desktop host's main process has (see examples/electron).
        Err(FileError::NoDialog)
    }

    async fn open_file(&self, caller: Caller, name: String) -> Result<OpenedFile, FileError> {
        let result = self.folder.open(&name);
        let record = match &result {
            Ok(file) => Record::FileOpened {
                caller: caller.id(),
                name,
                bytes: file.bytes,
            },
            Err(error) => Record::FileRefused {
                caller: caller.id(),
                name,
                error: format!("{error:?}"),
            },
        };
        self.recorder.record(record);
        result
    }

    async fn counter_value(&self, caller: Caller, value: i32) {
        self.recorder.record(Record::CounterValue {
            caller: caller.id(),
            value,
        });
    }

    async fn whoami(&self, caller: Caller) -> CallerId {
        caller.id()
    }

    async fn peers(&self, _caller: Caller) -> Vec<CallerId> {
        self.broker.list()
    }

    async fn message_peer(
        &self,
        caller: Caller,
        to: CallerId,
        text: String,
    ) -> Result<(), PeerError> {
        let from = caller.id();
        let decision = self.broker.check(from, to, &text).and_then(|()| {
            // The peer may have closed since the check; the hub is the final word.
            DemoIpcEvents::new(self.hub.to(to))
                .peer_message(from, text.clone())
                .map(drop)
                .map_err(|_| PeerError::NotConnected { id: to })
        });
        match &decision {
            Ok(()) => self.recorder.record(Record::PeerMessage { from, to, text }),
            Err(error) => self.recorder.record(Record::PeerRefused {
                from,
                to,
                error: format!("{error:?}"),
            }),
        }
        decision
    }

    async fn long_job(&self, caller: Caller, label: String) -> String {
        // Register for `finish` before announcing the job, so that a `finish` typed right after the record
        // cannot be missed.
        let finished = self.jobs.notified();
        self.recorder.record(Record::JobStarted {
            caller: caller.id(),
            label: label.clone(),
        });
        let guard = JobGuard {
            recorder: &self.recorder,
            caller: caller.id(),
            label,
            done: false,
        };
        finished.await;
        guard.finish()
    }
}

/// Records how a job ended. The runtime drops a handler's future when its caller cancels or disconnects,
/// so "cancelled" is recorded on drop.
struct JobGuard<'a> {
    recorder: &'a Recorder,
    caller: CallerId,
    label: String,
    done: bool,
}

impl JobGuard<'_> {
    fn finish(mut self) -> String {
        self.done = true;
        self.recorder.record(Record::JobFinished {
            caller: self.caller,
            label: self.label.clone(),
        });
        format!("{} finished", self.label)
    }
}

impl Drop for JobGuard<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.recorder.record(Record::JobCancelled {
                caller: self.caller,
                label: self.label.clone(),
            });
        }
    }
}
