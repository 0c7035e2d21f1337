//! Logging setup shared by the example binaries.

use std::io::IsTerminal as _;

/// Logs to stderr (stdout carries the example's own output, or stdio frames), at `RUST_LOG` or `info`, with
/// colours only when stderr is a terminal.
pub fn init() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
