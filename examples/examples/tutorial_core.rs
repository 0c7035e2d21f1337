//! The Rust core behind pages written exactly as in Electron's IPC tutorial (`tests/electron/tutorial/`): the
//! trait keeps the tutorial's channel names and exposes itself as `window.electronAPI`, so the tutorial's
//! `renderer.js` files run unchanged against the generated preload. Served over framed stdio (the `stdio`
//! host), like `stdio_core`; its TypeScript goes to `tests/electron/tutorial/bindings`.
//!
//! `cargo run -p ipc-examples --example tutorial_core -- STATE_DIR`. As in the tutorial's app, `set-title` and
//! `dialog:openFile` need Electron's window and dialog, so the main process implements them (main-process
//! handlers, see `tests/electron/tutorial.test.ts`); the Rust bodies below serve hosts without Electron. The
//! core keeps the logic: each value the page reports on `counter-value` is logged and appended to
//! `STATE_DIR/counter-values`. Without `STATE_DIR` it only logs.

use std::path::PathBuf;
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

/// The tutorial's main-side logic that needs no Electron API.
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
    // Under Electron the main process handles these two (a window and a dialog are its); here there is neither.
    async fn set_title(&self, _caller: Caller, title: String) {
        tracing::info!(title = %ipc_runtime::logging::Escaped(&title), "set-title without a window");
    }

    async fn open_file(&self, _caller: Caller) -> Result<String, OpenFileError> {
        Err(OpenFileError::Cancelled)
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
