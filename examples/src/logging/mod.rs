//! Logging setup shared by the example binaries.

mod lossy;

use std::io::IsTerminal as _;
use std::time::Duration;

pub use lossy::{LogGuard, LossyStderr};

/// Log lines held while stderr is not taking them; past that, new lines are dropped (and counted).
const BUFFERED_LINES: usize = 16_384;
/// How often the count of dropped lines is checked and, when it grew, logged.
const DROP_REPORT_EVERY: Duration = Duration::from_secs(5);

/// Logs to stderr (stdout carries the example's own output, or stdio frames), at `RUST_LOG` or `info`, with
/// colours only when stderr is a terminal.
///
/// Lines are written by a thread of their own and never block the caller: when stderr is a pipe nobody reads
/// (a parent that ignores it), lines past [`BUFFERED_LINES`] are dropped instead of stopping the server, and
/// how many were dropped is logged once stderr takes lines again. Keep the guard until the end of `main`.
pub fn init() -> LogGuard {
    let (writer, guard) = LossyStderr::start(BUFFERED_LINES);
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer.clone())
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    report_drops(writer);
    guard
}

/// Logs how many lines were dropped since the last report (a report dropped itself is counted in the next).
fn report_drops(writer: LossyStderr) {
    let spawned = std::thread::Builder::new()
        .name("log-drops".to_owned())
        .spawn(move || {
            let mut reported = 0;
            loop {
                std::thread::sleep(DROP_REPORT_EVERY);
                let now = writer.dropped_lines();
                if now > reported {
                    tracing::warn!(
                        dropped = now - reported,
                        "log lines dropped: stderr was not read fast enough"
                    );
                    reported = now;
                }
            }
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "dropped log lines will not be reported");
    }
}
