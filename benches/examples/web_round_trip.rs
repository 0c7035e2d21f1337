//! Web host benchmark server: serves a benchmark trait through the web host and, in the same process, a
//! minimal raw WebSocket echo server (the baseline). The page in `benches/web` times both from real Chromium;
//! `bash benches/web/run.sh` builds everything, drives the page and prints the figures.
//!
//! Prints one JSON line: `{"url": "<page URL with token>", "echo": "ws://127.0.0.1:<port>"}`, then serves
//! until stdin closes.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use futures_util::{SinkExt as _, StreamExt as _};
use ipc_runtime::web::WebHost;
use ipc_runtime::{Bytes, Caller, Limits, Server, channels};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncReadExt as _;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use ts_rs::TS;

/// The same small payload as the in-process benchmarks: a few fields (66 bytes of JSON arguments).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Item {
    pub id: u32,
    pub name: String,
    pub tags: Vec<String>,
}

/// What the page calls. Its own origin is checked as `app://bench`.
#[channels(allow_origins = ["app://bench"], namespace = "bench", export_to = "web/bindings")]
pub trait WebBenchIpc {
    /// Returns the item unchanged.
    #[invoke]
    async fn echo(&self, caller: Caller, item: Item) -> Item;

    /// Returns the bytes unchanged (an attachment both ways).
    #[invoke]
    async fn echo_bytes(&self, caller: Caller, data: Bytes) -> Bytes;
}

struct Echo;

impl WebBenchIpc for Echo {
    async fn echo(&self, _caller: Caller, item: Item) -> Item {
        item
    }

    async fn echo_bytes(&self, _caller: Caller, data: Bytes) -> Bytes {
        data
    }
}

/// The baseline: every text or binary message is sent straight back, in order. No envelope, no dispatch.
async fn raw_echo_server() -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            // As the web host does.
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                // The same caps as the web host's socket (twice its message limit), for 16 MiB payloads.
                let config = WebSocketConfig::default()
                    .max_message_size(Some(64 << 20))
                    .max_frame_size(Some(64 << 20));
                let accepted =
                    tokio_tungstenite::accept_async_with_config(stream, Some(config)).await;
                let Ok(socket) = accepted else {
                    return;
                };
                let (mut to_page, mut from_page) = socket.split();
                while let Some(Ok(message)) = from_page.next().await {
                    if (message.is_text() || message.is_binary())
                        && to_page.send(message).await.is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    Ok(addr)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let public = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web/public");
    // Room for 1,000 pipelined calls from one page, and for 16 MiB payloads.
    let limits = Limits {
        max_in_flight: 2048,
        outbound_queue: 4096,
        max_message_bytes: 32 * 1024 * 1024,
    };
    let server = Server::builder(WebBenchIpcService::new(Echo))
        .limits(limits)
        .build();
    let echo = raw_echo_server().await?;
    // The page also opens the raw echo server's socket (the baseline), on another port than the host's own.
    let policy = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws://{echo}; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
    );
    let host = WebHost::builder(server)
        .bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .static_dir(public)
        .page_origin("app://bench")
        .content_security_policy(Some(policy))
        .start()
        .await?;
    println!(
        "{}",
        serde_json::json!({ "url": host.url(), "echo": format!("ws://{echo}") })
    );
    // Serve until the driver closes stdin.
    let mut sink = Vec::new();
    tokio::io::stdin().read_to_end(&mut sink).await?;
    host.shutdown().await?;
    Ok(())
}
