//! Starts the demo on the web host: the service, its limits, the page origin and the connection hooks.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use ipc_runtime::web::{ConnectionEvent, WebHost, WebHostError};
use ipc_runtime::{EventHub, Limits, Server};

use crate::app::DemoApp;
use crate::demo::DemoIpcService;
use crate::files::Folder;
use crate::record::Recorder;

/// The origin the demo's pages present to the channels' allowlist (see [`crate::demo::DemoIpc`]).
pub const PAGE_ORIGIN: &str = "app://main";

/// The demo's per-connection limits: small messages, a few calls at a time.
pub const LIMITS: Limits = Limits {
    max_message_bytes: 64 * 1024,
    max_in_flight: 64,
    outbound_queue: 256,
};

/// How to run the demo.
#[derive(Debug, Clone)]
pub struct Options {
    pub bind: SocketAddr,
    /// The compiled renderer (`web/public`).
    pub static_dir: PathBuf,
    /// The folder pattern 2 may read.
    pub files_dir: PathBuf,
    pub max_connections: usize,
    pub recorder: Recorder,
}

impl Options {
    /// Loopback on a free port, the committed renderer and sample files, records to stdout.
    pub fn new() -> Self {
        let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web");
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            static_dir: web.join("public"),
            files_dir: web.join("sample-files"),
            max_connections: 16,
            recorder: Recorder::stdout(),
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self::new()
    }
}

/// The running demo.
#[derive(Debug)]
pub struct WebApp {
    pub host: WebHost,
    pub app: Arc<DemoApp>,
}

/// Builds the service and starts the host.
pub async fn start(options: Options) -> Result<WebApp, WebHostError> {
    let hub = EventHub::new();
    let app = DemoApp::new(
        Folder::new(options.files_dir),
        hub.clone(),
        options.recorder,
    );
    let server = Server::builder(DemoIpcService::from_arc(app.clone()))
        .limits(LIMITS)
        .event_hub(hub)
        .build();
    let observer = app.clone();
    let host = WebHost::builder(server)
        .bind(options.bind)
        .static_dir(options.static_dir)
        .page_origin(PAGE_ORIGIN)
        .max_connections(options.max_connections)
        .on_connection(move |event| match event {
            ConnectionEvent::Connected { id, origin } => observer.connected(id, origin),
            ConnectionEvent::Disconnected { id } => observer.disconnected(id),
            _ => {}
        })
        .start()
        .await?;
    Ok(WebApp { host, app })
}
