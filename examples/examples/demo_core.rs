//! The demo's Rust core for Electron: the same [`DemoApp`] as `web_app`, served to Electron's main process
//! over framed stdio (see `examples/electron`, whose main process spawns this binary).
//!
//! `cargo build -p ipc-examples --example demo_core`, then `target/debug/examples/demo_core [--files DIR]`.
//! stdout carries frames only; what the main side does is written to stderr as JSON lines, with the logs.
//! EOF on stdin (the app quit) ends it with exit code 0.

use std::path::PathBuf;
use std::process::ExitCode;

use ipc_examples::app::DemoApp;
use ipc_examples::demo::DemoIpcService;
use ipc_examples::files::Folder;
use ipc_examples::record::Recorder;
use ipc_examples::web::LIMITS;
use ipc_runtime::stdio::StdioHost;
use ipc_runtime::{ConnectionEvent, EventHub, Server};

fn files_dir() -> Result<PathBuf, String> {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web/sample-files");
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--files" => dir = args.next().ok_or("--files needs a value")?.into(),
            other => {
                return Err(format!(
                    "unknown argument {other:?} (usage: demo_core [--files DIR])"
                ));
            }
        }
    }
    Ok(dir)
}

#[tokio::main]
async fn main() -> ExitCode {
    let _logs = ipc_examples::logging::init();
    let dir = match files_dir() {
        Ok(dir) => dir,
        Err(message) => {
            eprintln!("demo_core: {message}");
            return ExitCode::from(2);
        }
    };
    let hub = EventHub::new();
    let app = DemoApp::new(Folder::new(dir), hub.clone(), Recorder::stderr());
    let server = Server::builder(DemoIpcService::from_arc(app.clone()))
        .limits(LIMITS)
        .event_hub(hub)
        .build();
    // Each window the glue opens is a caller: the broker's peer list (pattern 4) follows them.
    let host = StdioHost::new(server).on_connection(move |event| match event {
        ConnectionEvent::Connected { id, origin } => app.connected(id, origin),
        ConnectionEvent::Disconnected { id } => app.disconnected(id),
        _ => {}
    });
    tracing::info!("demo_core serving on stdin/stdout");
    match host.serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "demo_core failed");
            ExitCode::FAILURE
        }
    }
}
