//! The trait from DESIGN.md: the four Electron tutorial patterns plus a typed error.

use std::sync::Mutex;
use std::time::Duration;

use ipc_runtime::{Caller, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Why a file could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum OpenError {
    NotFound { path: String },
    PermissionDenied,
}

/// The app's IPC surface.
#[channels(allow_origins = ["app://main", "http://127.0.0.1:5173"])]
pub trait AppIpc {
    /// Pattern 1: renderer -> main, one-way.
    #[send]
    async fn set_title(&self, caller: Caller, title: String);

    /// Pattern 2: renderer -> main, two-way.
    #[invoke(timeout_ms = 30000)]
    async fn open_file(&self, caller: Caller, path: String) -> Result<Option<String>, OpenError>;

    /// Pattern 3: main -> renderer.
    #[event]
    fn update_counter(value: i32);

    /// Pattern 3's optional reply.
    #[send]
    async fn counter_value(&self, caller: Caller, value: i32);

    /// Sleeps, watching its cancellation token: for deadline and cancellation tests.
    #[invoke(timeout_ms = 50)]
    async fn slow(&self, caller: Caller, millis: u32) -> u32;

    /// Panics: the runtime must turn this into an internal error and keep serving.
    #[invoke]
    async fn explode(&self, caller: Caller);

    /// Reachable only from one origin.
    #[invoke(allow_origins = ["app://settings"])]
    async fn settings_only(&self, caller: Caller) -> String;

    /// Accepts calls from iframes too.
    #[invoke(allow_subframes)]
    async fn frame_friendly(&self, caller: Caller) -> bool;
}

/// A handler that records what it saw, so tests can assert on the main side too.
#[derive(Debug, Default)]
pub struct RecordingApp {
    pub titles: Mutex<Vec<(u64, String)>>,
    pub counter_values: Mutex<Vec<i32>>,
    pub cancelled: Mutex<Vec<u32>>,
}

impl AppIpc for RecordingApp {
    async fn set_title(&self, caller: Caller, title: String) {
        self.titles.lock().unwrap().push((caller.id().get(), title));
    }

    async fn open_file(&self, _caller: Caller, path: String) -> Result<Option<String>, OpenError> {
        match path.as_str() {
            "" => Ok(None),
            "/secret" => Err(OpenError::PermissionDenied),
            p if p.starts_with("/missing") => Err(OpenError::NotFound { path }),
            p => Ok(Some(format!("contents of {p}"))),
        }
    }

    async fn counter_value(&self, _caller: Caller, value: i32) {
        self.counter_values.lock().unwrap().push(value);
    }

    async fn slow(&self, caller: Caller, millis: u32) -> u32 {
        let token = caller.cancellation().clone();
        let guard = CancelRecorder {
            app: self,
            millis,
            token,
        };
        tokio::time::sleep(Duration::from_millis(u64::from(millis))).await;
        std::mem::forget(guard);
        millis
    }

    async fn explode(&self, _caller: Caller) {
        panic!("boom");
    }

    async fn settings_only(&self, caller: Caller) -> String {
        caller.origin().to_owned()
    }

    async fn frame_friendly(&self, _caller: Caller) -> bool {
        true
    }
}

/// Records that a `slow` call was dropped before finishing (deadline or cancellation).
struct CancelRecorder<'a> {
    app: &'a RecordingApp,
    millis: u32,
    token: ipc_runtime::CancellationToken,
}

impl Drop for CancelRecorder<'_> {
    fn drop(&mut self) {
        assert!(
            self.token.is_cancelled(),
            "a dropped handler must see its token cancelled"
        );
        self.app.cancelled.lock().unwrap().push(self.millis);
    }
}
