//! Generated code compiles cleanly under the strictest lints a user might enable (clippy's run over
//! `--all-targets` in CI enforces the clippy groups named here).

#![deny(
    warnings,
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unused_qualifications
)]
#![deny(clippy::all, clippy::pedantic, clippy::nursery)]

use ipc_runtime::{Caller, channels};

/// A documented trait with every channel kind.
#[channels(allow_origins = ["app://main"], export = false)]
pub trait Linted {
    /// One-way.
    #[send]
    async fn note(&self, caller: Caller, text: String, level: u8);
    /// Two-way, fallible.
    #[invoke(timeout_ms = 1000)]
    async fn parse(&self, caller: Caller, text: String) -> Result<i32, String>;
    /// Two-way, no arguments.
    #[invoke]
    async fn ping(&self, caller: Caller);
    /// Main to renderer.
    #[event]
    fn tick(count: u32, label: String);
}

/// The handler.
#[derive(Debug)]
pub struct Handler;

impl Linted for Handler {
    async fn note(&self, _caller: Caller, _text: String, _level: u8) {}

    async fn parse(&self, _caller: Caller, text: String) -> Result<i32, String> {
        text.parse()
            .map_err(|e: std::num::ParseIntError| e.to_string())
    }

    async fn ping(&self, _caller: Caller) {}
}

#[tokio::test]
async fn strictly_linted_code_runs() {
    let server = ipc_runtime::Server::new(LintedService::new(Handler));
    let client = LintedClient::connect_in_memory(&server, "app://main");
    let mut ticks = client.on_tick();
    client.note("hi".to_owned(), 1).await.unwrap();
    assert_eq!(client.parse("12".to_owned()).await, Ok(12));
    assert!(
        client
            .parse("x".to_owned())
            .await
            .unwrap_err()
            .handler_error()
            .is_some()
    );
    client.ping().await.unwrap();
    LintedEvents::new(server.events().broadcast())
        .tick(3, "t".to_owned())
        .unwrap();
    assert_eq!(ticks.next().await, Some((3, "t".to_owned())));
}
