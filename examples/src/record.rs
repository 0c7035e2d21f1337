//! What the main side did, as typed records. The example prints them as JSON lines on stdout, so that
//! end-to-end tests can assert on the Rust side as well as on the page.

use std::fmt;
use std::io::Write;
use std::sync::Arc;

use ipc_runtime::CallerId;
use serde::Serialize;

/// Who an event was sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    All,
    One(CallerId),
}

/// One thing the main side did or decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    Connected {
        caller: CallerId,
        origin: String,
    },
    Disconnected {
        caller: CallerId,
    },
    Title {
        caller: CallerId,
        title: String,
    },
    FileOpened {
        caller: CallerId,
        name: String,
        bytes: u32,
    },
    FileRefused {
        caller: CallerId,
        name: String,
        error: String,
    },
    CounterSent {
        to: Audience,
        delta: i32,
        delivered: usize,
    },
    CounterValue {
        caller: CallerId,
        value: i32,
    },
    PeerMessage {
        from: CallerId,
        to: CallerId,
        text: String,
    },
    PeerRefused {
        from: CallerId,
        to: CallerId,
        error: String,
    },
    JobStarted {
        caller: CallerId,
        label: String,
    },
    JobFinished {
        caller: CallerId,
        label: String,
    },
    JobCancelled {
        caller: CallerId,
        label: String,
    },
}

/// Where records go. Cheap to clone.
#[derive(Clone)]
pub struct Recorder(Arc<dyn Fn(Record) + Send + Sync>);

impl Recorder {
    pub fn new(sink: impl Fn(Record) + Send + Sync + 'static) -> Self {
        Self(Arc::new(sink))
    }

    /// One JSON object per line on stdout, flushed at once so a reader sees it before the next step.
    pub fn stdout() -> Self {
        Self::new(|record| write_line(&mut std::io::stdout().lock(), &record))
    }

    /// The same on stderr, for a process whose stdout carries frames (the stdio host).
    pub fn stderr() -> Self {
        Self::new(|record| write_line(&mut std::io::stderr().lock(), &record))
    }

    pub fn record(&self, record: Record) {
        (self.0)(record);
    }
}

fn write_line(out: &mut impl Write, record: &Record) {
    let line = serde_json::to_string(record).expect("records serialise");
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Recorder(..)")
    }
}
