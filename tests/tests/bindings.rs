//! Bindings that would lie about what `JSON.parse` yields, or clash with generated names, are refused with
//! a hint; good bindings render deterministically.

use ipc_runtime::ts::{self, Bindings, BindingsError};
use ipc_runtime::{Caller, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Hides a `u64` one level down, where the macro cannot see it.
#[derive(Debug, Serialize, Deserialize, TS)]
pub struct Stats {
    pub bytes: u64,
}

/// `export = false`: these traits exist to be refused, so no export test is generated for them.
#[channels(allow_origins = ["app://main"], export = false)]
pub trait Leaky {
    #[invoke]
    async fn stats(&self, caller: Caller) -> Stats;
}

/// Named like the bridge's own `IpcError` import.
#[derive(Debug, Serialize, Deserialize, TS)]
#[ts(rename = "IpcError")]
pub struct Clashing {
    pub reason: String,
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait Clashy {
    #[invoke]
    async fn fail(&self, caller: Caller) -> Result<(), Clashing>;
}

#[test]
fn nested_64_bit_integers_are_refused_with_a_hint() {
    let error = ts::render::<LeakySchema>().unwrap_err();
    assert!(matches!(error, BindingsError::Unrepresentable(_)));
    let message = error.to_string();
    assert!(
        message.starts_with("type `Stats` used by `Leaky`: 64-bit and 128-bit integers"),
        "{message}"
    );
    assert!(message.contains("#[ts(type = \"string\")]"), "{message}");
}

#[test]
fn payload_types_may_not_take_generated_names() {
    let error = ts::render::<ClashySchema>().unwrap_err();
    assert!(
        matches!(&error, BindingsError::Clash { trait_name, .. } if trait_name == "Clashy"),
        "{error}"
    );
    assert!(error.to_string().contains("`IpcError`"), "{error}");
}

#[test]
fn rendering_is_deterministic_and_matches_the_committed_file() {
    let first = ts::render::<ipc_tests::app::AppIpcSchema>().unwrap();
    let second = ts::render::<ipc_tests::app::AppIpcSchema>().unwrap();
    assert_eq!(first, second);
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bindings/AppIpc.ts"))
            .unwrap();
    assert_eq!(
        first, committed,
        "run `cargo test -p ipc-tests --lib` to regenerate tests/bindings"
    );
    assert_eq!(<ipc_tests::app::AppIpcSchema as Bindings>::NAME, "AppIpc");
}

#[test]
fn check_mode_reports_stale_files_without_writing() {
    let dir = std::env::temp_dir().join(format!("ipc-bindings-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let error = ts::export_to::<ipc_tests::app::AppIpcSchema>(&dir, true).unwrap_err();
    assert!(
        matches!(&error, BindingsError::Stale { files } if files.len() == 15),
        "{error}"
    );
    assert!(!dir.exists(), "check mode never writes");
    let report = ts::export_to::<ipc_tests::app::AppIpcSchema>(&dir, false).unwrap();
    // ipc-bridge, ipc-web, AppIpc, and the Electron host's ipc-electron, ipc-electron-main (with
    // ipc-electron-core, -stdio, -scheme, -frames, -callers and -handlers), AppIpc.preload (.ts and .cjs),
    // AppIpc.electron, AppIpc.main.
    assert_eq!(report.changed.len(), 15);
    let report = ts::export_to::<ipc_tests::app::AppIpcSchema>(&dir, true).unwrap();
    assert_eq!(report.unchanged.len(), 15);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[channels(allow_origins = ["app://main"], hosts = ["web"], export = false)]
pub trait WebOnly {
    #[invoke]
    async fn ping(&self, caller: Caller) -> String;
}

#[channels(allow_origins = ["app://main"], hosts = ["electron"], export = false)]
pub trait ElectronOnly {
    #[invoke]
    async fn ping(&self, caller: Caller) -> String;
}

#[channels(allow_origins = ["app://main"], hosts = ["electron", "web"], export = false)]
pub trait BothHosts {
    #[invoke]
    async fn ping(&self, caller: Caller) -> String;
}

/// Exports `B` into a fresh directory and lists the file names written there.
fn written<B: Bindings>(tag: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("ipc-hosts-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    ts::export_to::<B>(&dir, false).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    // Check mode looks only at the files of the hosts emitted: it passes with just those on disk.
    ts::export_to::<B>(&dir, true).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    names
}

#[test]
fn hosts_choose_the_files_written() {
    assert_eq!(
        written::<WebOnlySchema>("web"),
        ["WebOnly.ts", "ipc-bridge.ts", "ipc-web.ts"]
    );
    assert_eq!(
        written::<ElectronOnlySchema>("electron"),
        [
            "ElectronOnly.electron.ts",
            "ElectronOnly.main.ts",
            "ElectronOnly.preload.cjs",
            "ElectronOnly.preload.ts",
            "ElectronOnly.ts",
            "ipc-bridge.ts",
            "ipc-electron-callers.ts",
            "ipc-electron-core.ts",
            "ipc-electron-frames.ts",
            "ipc-electron-handlers.ts",
            "ipc-electron-main.ts",
            "ipc-electron-scheme.ts",
            "ipc-electron-stdio.ts",
            "ipc-electron.ts",
        ]
    );
    let both = written::<BothHostsSchema>("both");
    assert_eq!(both.len(), 15, "{both:?}");
    assert!(
        both.contains(&"ipc-web.ts".to_owned()) && both.contains(&"BothHosts.main.ts".to_owned())
    );
    assert_eq!(
        <BothHostsSchema as Bindings>::HOSTS,
        <ipc_tests::app::AppIpcSchema as Bindings>::HOSTS,
        "listing both hosts is the default"
    );
    assert_eq!(
        <WebOnlySchema as Bindings>::HOSTS,
        ts::Hosts {
            web: true,
            electron: false
        }
    );
}
