//! The Rust core behind pages written exactly as in Electron's IPC tutorial (`tests/electron/tutorial/`): the
//! trait keeps the tutorial's channel names and exposes itself as `window.electronAPI`, so the tutorial's
//! `renderer.js` files run unchanged against the generated preload. Served over framed stdio (the `stdio`
//! host), like `stdio_core`; its TypeScript goes to `tests/electron/tutorial/bindings`.
//!
//! `cargo run -p ipc-examples --example tutorial_core -- STATE_DIR`. A Rust core cannot reach Electron's
//! windows and dialogs, which the tutorial's `set-title` and `dialog:openFile` use, so this core plays both
//! with files in `STATE_DIR` (until those channels are main-process handlers): `dialog` holds the path the
//! next open dialog "returns" (missing or empty: the user cancelled), `title` receives each title set, and
//! `counter-values` gets one line per value the page reports back. Without `STATE_DIR` it only logs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ipc_runtime::{Caller, Server, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Why no file path came back from the open dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum OpenFileError {
    /// The user closed the dialog without choosing.
    Cancelled,
    /// The chosen path names no file.
    NotFound { path: String },
}

/// The four channels of Electron's IPC tutorial, with its channel names.
#[channels(
    allow_origins = ["app://main"],
    expose_as = "electronAPI",
    hosts = ["electron"],
    export_to = "../tests/electron/tutorial/bindings"
)]
pub trait ElectronAPI {
    /// Pattern 1, renderer to main (one-way): sets the window's title.
    #[send(name = "set-title")]
    async fn set_title(&self, caller: Caller, title: String);

    /// Pattern 2, renderer to main (two-way): opens a file dialog and answers the chosen file's path.
    #[invoke(name = "dialog:openFile")]
    async fn open_file(&self, caller: Caller) -> Result<String, OpenFileError>;

    /// Pattern 3, main to renderer: the amount to add to the page's counter (a menu's +1 and -1).
    #[event(name = "update-counter")]
    fn update_counter(value: i32);

    /// Pattern 3's optional reply: the counter's new value, reported back by the page.
    #[send(name = "counter-value")]
    async fn counter_value(&self, caller: Caller, value: i32);
}

/// Stands for the window and the dialog this core cannot reach (see the module documentation).
struct Tutorial {
    state: Option<PathBuf>,
}

impl Tutorial {
    fn record(&self, file: &str, line: &str) {
        let Some(dir) = &self.state else { return };
        let path = dir.join(file);
        let result = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, format!("{line}\n").as_bytes()));
        if let Err(error) = result {
            tracing::error!(%error, path = %path.display(), "could not record");
        }
    }
}

impl ElectronAPI for Tutorial {
    async fn set_title(&self, _caller: Caller, title: String) {
        tracing::info!(title = %ipc_runtime::logging::Escaped(&title), "set-title");
        self.record("title", &title);
    }

    async fn open_file(&self, _caller: Caller) -> Result<String, OpenFileError> {
        let chosen = self
            .state
            .as_deref()
            .and_then(|dir| std::fs::read_to_string(dir.join("dialog")).ok())
            .map(|text| text.trim().to_owned())
            .unwrap_or_default();
        if chosen.is_empty() {
            return Err(OpenFileError::Cancelled);
        }
        if !Path::new(&chosen).is_file() {
            return Err(OpenFileError::NotFound { path: chosen });
        }
        Ok(chosen)
    }

    async fn counter_value(&self, _caller: Caller, value: i32) {
        tracing::info!(value, "counter-value");
        self.record("counter-values", &value.to_string());
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let _logs = ipc_examples::logging::init();
    let state = std::env::args_os().nth(1).map(PathBuf::from);
    let server = Server::new(ElectronAPIService::new(Tutorial { state }));
    match ipc_runtime::stdio::serve(server).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "tutorial_core failed");
            ExitCode::FAILURE
        }
    }
}
