//! A stderr writer that never blocks its caller: lines go through a bounded queue to a thread of their own,
//! and a line that finds the queue full is dropped and counted. (tracing-appender's `non_blocking` does the
//! same but prints to stdout when it cannot shut down in time, which would corrupt a stdio core's frames.)

use std::io::{self, Write as _};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::time::Duration;

/// How long the end of `main` waits for the lines still queued to be written.
const FLUSH_AT_EXIT: Duration = Duration::from_secs(1);

enum Msg {
    Line(Vec<u8>),
    /// Everything queued before it is written: acknowledge on the sender.
    Flush(SyncSender<()>),
}

/// The writing end, a `tracing_subscriber` `MakeWriter` (each formatted event is one `write`).
#[derive(Clone, Debug)]
pub struct LossyStderr {
    queue: SyncSender<Msg>,
    dropped: Arc<AtomicU64>,
}

/// Dropped at the end of `main`: waits (at most a second) for the queued lines to be written.
#[must_use = "dropping the guard is what writes out the last lines"]
#[derive(Debug)]
pub struct LogGuard {
    queue: SyncSender<Msg>,
}

impl LossyStderr {
    /// Starts the writer thread; `lines` is how many lines may wait for stderr.
    pub fn start(lines: usize) -> (Self, LogGuard) {
        let (queue, lines) = mpsc::sync_channel(lines);
        // Without the thread, lines are dropped and counted: still never blocking.
        let _ = std::thread::Builder::new()
            .name("log-writer".to_owned())
            .spawn(move || write_lines(&lines));
        let guard = LogGuard {
            queue: queue.clone(),
        };
        let writer = Self {
            queue,
            dropped: Arc::default(),
        };
        (writer, guard)
    }

    /// Lines dropped so far because stderr was not keeping up.
    pub fn dropped_lines(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

fn write_lines(lines: &Receiver<Msg>) {
    let mut stderr = io::stderr();
    for msg in lines {
        match msg {
            // A failed write (stderr closed) loses that line only.
            Msg::Line(line) => drop(stderr.write_all(&line)),
            Msg::Flush(done) => drop(done.send(())),
        }
    }
}

impl io::Write for LossyStderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) =
            self.queue.try_send(Msg::Line(buf.to_vec()))
        {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LossyStderr {
    type Writer = Self;

    fn make_writer(&'a self) -> Self {
        self.clone()
    }
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        let (done, written) = mpsc::sync_channel(1);
        // A full queue means stderr is not being read: there is nothing to wait for.
        if self.queue.try_send(Msg::Flush(done)).is_ok() {
            let _ = written.recv_timeout(FLUSH_AT_EXIT);
        }
    }
}
