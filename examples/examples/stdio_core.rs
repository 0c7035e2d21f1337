//! The Rust core of an Electron app, served to the main process over framed stdio (the `stdio` host).
//!
//! `cargo run -p ipc-examples --example stdio_core` and write frames to its stdin; see
//! `ipc_runtime::stdio` for the protocol. Electron's main-process glue spawns it with `stdio: "pipe"`,
//! sends `open` / `message` / `close` for each window, and routes the child's frames back. Logs go to
//! stderr (`RUST_LOG` sets the level); stdout carries frames only. EOF on stdin ends it with exit code 0.

use std::process::ExitCode;
use std::time::Duration;

use ipc_runtime::{Bytes, Caller, Server, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Why `parse` refused its input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ParseFailure {
    NotANumber { text: String },
}

/// What `configure` takes. `retries` may be left out: serde's default fills it in, so a renderer that omits
/// it still gets a decoded value (and a main-process handler the canonical arguments, `retries: 0`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub name: String,
    #[serde(default)]
    pub retries: u32,
}

/// A small surface to exercise the host with.
/// Its TypeScript (including the Electron host's files) goes to `tests/electron/bindings`, where the Electron
/// checks use it against this very binary.
#[channels(
    allow_origins = ["app://main"],
    namespace = "core",
    export_to = "../tests/electron/bindings"
)]
pub trait CoreIpc {
    /// Echoes `text` with who asked: the caller's runtime id and verified origin.
    #[invoke]
    async fn echo(&self, caller: Caller, text: String) -> String;

    /// Waits for `ms` milliseconds, or until the call is cancelled (renderer closed or aborted).
    #[invoke(timeout_ms = 600_000)]
    async fn sleep(&self, caller: Caller, ms: u32) -> u32;

    /// Main -> renderer: sent once per `echo` and per `note`, and by `echo_later` (to iframes too).
    #[event(allow_subframes)]
    fn echoed(text: String);

    /// Renderer -> main, one-way: answered by an `echoed` event to the sender.
    #[send]
    async fn note(&self, caller: Caller, text: String);

    /// Parses a number; fails with a typed error otherwise.
    #[invoke]
    async fn parse(&self, caller: Caller, text: String) -> Result<u32, ParseFailure>;

    /// Accepts calls from iframes too: answers whether the caller is the top frame.
    #[invoke(allow_subframes)]
    async fn whoami(&self, caller: Caller) -> String;

    /// Binary data both ways (attachments, `Uint8Array` in TypeScript): the bytes reversed.
    #[invoke]
    async fn reverse_bytes(&self, caller: Caller, data: Bytes) -> Bytes;

    /// The settings as the core decoded them (a `retries` left out is 0).
    #[invoke]
    async fn configure(&self, caller: Caller, settings: Settings) -> Settings;

    /// Accepts iframes too: sends `echoed(text)` to the caller `ms` milliseconds later, unless it closed.
    #[send(allow_subframes)]
    async fn echo_later(&self, caller: Caller, ms: u32, text: String);
}

struct Core;

impl CoreIpc for Core {
    async fn echo(&self, caller: Caller, text: String) -> String {
        CoreIpcEvents::new(caller.emitter())
            .echoed(text.clone())
            .ok();
        format!("{text} (caller {} from {})", caller.id(), caller.origin())
    }

    async fn sleep(&self, _caller: Caller, ms: u32) -> u32 {
        tokio::time::sleep(Duration::from_millis(u64::from(ms))).await;
        ms
    }

    async fn note(&self, caller: Caller, text: String) {
        CoreIpcEvents::new(caller.emitter())
            .echoed(format!("noted {text}"))
            .ok();
    }

    async fn parse(&self, _caller: Caller, text: String) -> Result<u32, ParseFailure> {
        text.trim()
            .parse()
            .map_err(|_| ParseFailure::NotANumber { text })
    }

    async fn whoami(&self, caller: Caller) -> String {
        format!("caller {} from {}", caller.id(), caller.origin())
    }

    async fn reverse_bytes(&self, _caller: Caller, data: Bytes) -> Bytes {
        let mut bytes = data.to_vec();
        bytes.reverse();
        bytes.into()
    }

    async fn configure(&self, _caller: Caller, settings: Settings) -> Settings {
        settings
    }

    async fn echo_later(&self, caller: Caller, ms: u32, text: String) {
        // The handler is dropped when its caller closes (a navigation, a reload): nothing is sent then.
        tokio::time::sleep(Duration::from_millis(u64::from(ms))).await;
        CoreIpcEvents::new(caller.emitter()).echoed(text).ok();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let _logs = ipc_examples::logging::init();
    let server = Server::new(CoreIpcService::new(Core));
    tracing::info!("stdio_core serving on stdin/stdout");
    match ipc_runtime::stdio::serve(server).await {
        Ok(()) => {
            tracing::info!("stdin closed; exiting");
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!(%error, "stdio_core failed");
            ExitCode::FAILURE
        }
    }
}
