//! The demo app's IPC surface: the four tutorial patterns plus typed domain errors.

use ipc_runtime::{Caller, CallerId, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One file the main side offers to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileEntry {
    pub name: String,
    pub bytes: u32,
}

/// What the main side read from the picked file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpenedFile {
    pub name: String,
    pub bytes: u32,
    /// The start of the file as text (lossy UTF-8), for display.
    pub preview: String,
}

/// Why a file could not be listed or opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum FileError {
    /// The name is not in the folder the main side allows.
    NotFound { name: String },
    /// The name tried to leave the allowed folder (a path, `..`).
    OutsideFolder { name: String },
    /// The folder or file could not be read.
    Unreadable { reason: String },
    /// This host has no native file dialog (a browser tab): pick from the listing instead.
    NoDialog,
}

/// Why the main side refused to pass a message to another renderer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum PeerError {
    /// No renderer with that id is connected (it closed, reloaded, or never existed).
    NotConnected { id: CallerId },
    /// A renderer cannot message itself through the broker.
    ToSelf,
    /// Empty messages are not forwarded.
    Empty,
    /// The message is longer than the broker forwards.
    TooLong { max: u32 },
}

/// The demo's channels. Under the web host, its own pages are checked as `app://main`, the same origin an
/// Electron build would load them from.
#[channels(allow_origins = ["app://main"], namespace = "demo", export_to = "web/bindings")]
pub trait DemoIpc {
    /// Pattern 1 (renderer -> main, one-way): asks the main side to set this window's title.
    #[send]
    async fn set_title(&self, caller: Caller, title: String);

    /// The main side applies a window title (it owns the window, as in Electron's `win.setTitle`).
    #[event]
    fn window_title(title: String);

    /// Pattern 2 (renderer -> main, two-way): the files in the folder the main side may read.
    #[invoke]
    async fn list_files(&self, caller: Caller) -> Result<Vec<FileEntry>, FileError>;

    /// Pattern 2, as in the tutorial: a native "open file" dialog on the folder, answering the chosen file's
    /// name (`null` when cancelled). Under Electron the main process implements it (`dialog.showOpenDialog`);
    /// the Rust side, which has no window, answers `noDialog`.
    #[invoke]
    async fn choose_file(&self, caller: Caller) -> Result<Option<String>, FileError>;

    /// Pattern 2: opens the picked file. The main side only opens names from its own listing.
    #[invoke]
    async fn open_file(&self, caller: Caller, name: String) -> Result<OpenedFile, FileError>;

    /// Pattern 3 (main -> renderer): the main side changes the counter by `delta`.
    #[event]
    fn update_counter(delta: i32);

    /// Pattern 3's reply: the renderer reports the counter's new value.
    #[send]
    async fn counter_value(&self, caller: Caller, value: i32);

    /// Pattern 4 (renderer -> renderer through main): this renderer's id, to hand to others.
    #[invoke]
    async fn whoami(&self, caller: Caller) -> CallerId;

    /// Pattern 4: the renderers currently connected.
    #[invoke]
    async fn peers(&self, caller: Caller) -> Vec<CallerId>;

    /// Pattern 4: the set of connected renderers changed.
    #[event]
    fn peers_changed(peers: Vec<CallerId>);

    /// Pattern 4: asks the main side to forward `text` to renderer `to`; the main side decides.
    #[invoke]
    async fn message_peer(
        &self,
        caller: Caller,
        to: CallerId,
        text: String,
    ) -> Result<(), PeerError>;

    /// Pattern 4: a message another renderer sent through the main side.
    #[event]
    fn peer_message(from: CallerId, text: String);

    /// A long-running job: resolves when the main side finishes it (`finish` in the terminal). Cancel it
    /// with an `AbortSignal`; closing the page cancels it too.
    #[invoke(timeout_ms = 600000)]
    async fn long_job(&self, caller: Caller, label: String) -> String;
}
