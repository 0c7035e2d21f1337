//! A handler for `AppIpc` that records every call it gets, for tests that must prove no bad input reached
//! a handler, and that counts its live handler futures, for tests that must prove none leaked.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ipc_runtime::Caller;

use crate::app::{AppIpc, OpenError};

/// Records `channel(args)` for every handler run and counts handler futures not yet dropped.
#[derive(Debug, Default)]
pub struct Recorder {
    calls: Mutex<Vec<String>>,
    /// Load tests only count: a million recorded strings would dwarf the memory being measured.
    count_only: bool,
    runs: AtomicUsize,
    live: AtomicUsize,
}

impl Recorder {
    /// A recorder that counts runs without keeping their arguments.
    pub fn counting() -> Self {
        Self {
            count_only: true,
            ..Self::default()
        }
    }

    /// Handler runs so far.
    pub fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }

    /// Every call seen so far, in arrival order.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    /// Handler futures started and not yet dropped (finished, timed out, cancelled or unwound).
    pub fn live(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }

    fn enter(&self, call: impl FnOnce() -> String) -> Live<'_> {
        if !self.count_only {
            self.calls.lock().unwrap().push(call());
        }
        self.runs.fetch_add(1, Ordering::SeqCst);
        self.live.fetch_add(1, Ordering::SeqCst);
        Live(&self.live)
    }
}

/// Decrements the live count when the handler future is dropped, however it ends.
struct Live<'a>(&'a AtomicUsize);

impl Drop for Live<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl AppIpc for Recorder {
    async fn set_title(&self, _caller: Caller, title: String) {
        let _live = self.enter(|| format!("set_title({title})"));
    }

    async fn open_file(&self, _caller: Caller, path: String) -> Result<Option<String>, OpenError> {
        let _live = self.enter(|| format!("open_file({path})"));
        match path.as_str() {
            "/secret" => Err(OpenError::PermissionDenied),
            // `/wait/<ms>/...`: takes that long (for deadline tests), then echoes the path.
            p if p.starts_with("/wait/") => {
                let ms = p[6..].split('/').next().and_then(|ms| ms.parse().ok());
                let ms = ms.unwrap_or(0);
                tokio::time::sleep(Duration::from_millis(ms)).await;
                Ok(Some(path))
            }
            _ => Ok(Some(format!("contents of {path}"))),
        }
    }

    async fn counter_value(&self, _caller: Caller, value: i32) {
        let _live = self.enter(|| format!("counter_value({value})"));
    }

    async fn slow(&self, _caller: Caller, millis: u32) -> u32 {
        let _live = self.enter(|| format!("slow({millis})"));
        if millis == u32::MAX {
            // Never finishes: only a deadline, a cancel or a disconnect ends it.
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(Duration::from_millis(u64::from(millis))).await;
        millis
    }

    async fn explode(&self, _caller: Caller) {
        let _live = self.enter(|| "explode()".to_owned());
        panic!("boom");
    }

    async fn settings_only(&self, caller: Caller) -> String {
        let _live = self.enter(|| "settings_only()".to_owned());
        caller.origin().to_owned()
    }

    async fn frame_friendly(&self, _caller: Caller) -> bool {
        let _live = self.enter(|| "frame_friendly()".to_owned());
        true
    }
}
