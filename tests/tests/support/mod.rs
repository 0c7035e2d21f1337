//! Shared by the load, fault, catalogue and binary tests: the sample app behind the real web host, a Rust
//! client for it over a real loopback WebSocket, a tiny deterministic random source, and a hand-written
//! binary message builder.

#![allow(dead_code, unreachable_pub)] // each test binary uses its own part

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use futures_util::{SinkExt as _, StreamExt as _};
use ipc_runtime::web::{WebHost, WebHostBuilder};
use ipc_runtime::{Client, ConnectionEvent, Limits, OutboundFrame, Server};
use ipc_tests::app::{AppIpcClient, AppIpcService};
use ipc_tests::recording::Recorder;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_util::bytes::Bytes;
use tokio_util::codec::{FramedRead, FramedWrite, LengthDelimitedCodec};

/// The sample app served by the web host, with its recording handler and a count of open connections.
pub struct WebApp {
    pub host: WebHost,
    pub handler: Arc<Recorder>,
    pub open: Arc<AtomicI64>,
}

pub async fn start_web(handler: Recorder, limits: Limits, max_connections: usize) -> WebApp {
    start_web_with(handler, limits, |builder| {
        builder.max_connections(max_connections)
    })
    .await
}

/// [`start_web`] with more of the host's settings changed by `configure`.
pub async fn start_web_with(
    handler: Recorder,
    limits: Limits,
    configure: impl FnOnce(WebHostBuilder) -> WebHostBuilder,
) -> WebApp {
    let handler = Arc::new(handler);
    let server = Server::builder(AppIpcService::from_arc(handler.clone()))
        .limits(limits)
        .build();
    let open = Arc::new(AtomicI64::new(0));
    let counter = open.clone();
    let host = configure(WebHost::builder(server).page_origin("app://main"))
        .on_connection(move |event| {
            let delta = match event {
                ConnectionEvent::Connected { .. } => 1,
                ConnectionEvent::Disconnected { .. } => -1,
                _ => 0,
            };
            counter.fetch_add(delta, Ordering::SeqCst);
        })
        .start()
        .await
        .expect("web host starts");
    WebApp {
        host,
        handler,
        open,
    }
}

/// A typed client over one WebSocket, and the task pumping it; aborting the task drops the socket
/// without a close frame (a crashed or killed renderer).
pub struct WebClient {
    pub client: AppIpcClient,
    pub pump: JoinHandle<()>,
}

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A socket that passed the handshake and is now a connection of the host.
pub async fn open_web(app: &WebApp) -> Socket {
    open_socket(&app.host).await
}

/// [`open_web`] for any web host.
pub async fn open_socket(host: &WebHost) -> Socket {
    let mut request = host.socket_url().into_client_request().unwrap();
    let origin = HeaderValue::from_str(host.origin()).unwrap();
    request.headers_mut().insert("Origin", origin);
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("upgrade");
    let hello = serde_json::json!({
        "kind": "hello",
        "token": host.token().reveal(),
        "topFrame": true,
        "fingerprint": host.server().fingerprint(),
    });
    socket.send(Message::text(hello.to_string())).await.unwrap();
    match socket.next().await {
        Some(Ok(Message::Text(text))) => assert_eq!(text.as_str(), r#"{"kind":"welcome"}"#),
        other => panic!("no welcome: {other:?}"),
    }
    socket
}

pub async fn connect_web(app: &WebApp) -> WebClient {
    let (client, pump) = web_client(&app.host).await;
    WebClient {
        client: AppIpcClient::new(client),
        pump,
    }
}

/// An untyped client of any web host over a real loopback WebSocket (wrap it in a generated client), and the
/// task pumping it.
pub async fn web_client(host: &WebHost) -> (Client, JoinHandle<()>) {
    let socket = open_socket(host).await;
    let (to_main, mut outbound) = mpsc::channel::<OutboundFrame>(1024);
    let (inbound, from_main) = mpsc::channel::<OutboundFrame>(1024);
    let pump = tokio::spawn(async move {
        let (mut sink, mut stream) = socket.split();
        let write = async {
            while let Some(frame) = outbound.recv().await {
                let message = match frame {
                    OutboundFrame::Text(text) => Message::text(text),
                    OutboundFrame::Binary(message) => Message::binary(message.to_bytes()),
                };
                if sink.send(message).await.is_err() {
                    break;
                }
            }
        };
        let read = async {
            while let Some(Ok(message)) = stream.next().await {
                let frame = match message {
                    Message::Text(text) => OutboundFrame::Text(text.as_str().to_owned()),
                    Message::Binary(bytes) => OutboundFrame::Binary(bytes.into()),
                    Message::Close(_) => break,
                    _ => continue,
                };
                if inbound.send(frame).await.is_err() {
                    break;
                }
            }
        };
        // Either direction ending ends the connection (dropping `inbound` fails the pending calls).
        tokio::select! { () = write => {}, () = read => {} }
    });
    (Client::new(to_main, from_main), pump)
}

/// An untyped client of `server` through the stdio host's protocol, as its parent process speaks it: the
/// session runs `serve_io` on in-memory pipes, and one caller key carries this client's envelopes as text and
/// binary frames. Control frames from the child are skipped. Returns the client and the pump task.
pub async fn stdio_client(server: Server) -> (Client, JoinHandle<()>) {
    const CALLER: u64 = 1;
    let fingerprint = server.fingerprint();
    let (parent, child) = tokio::io::duplex(256 * 1024);
    let (child_read, child_write) = tokio::io::split(child);
    let (parent_read, parent_write) = tokio::io::split(parent);
    let session = tokio::spawn(ipc_runtime::stdio::serve_io(
        server,
        child_read,
        child_write,
    ));
    let mut to_child = FramedWrite::new(parent_write, LengthDelimitedCodec::new());
    let mut from_child = FramedRead::new(parent_read, LengthDelimitedCodec::new());
    let open = serde_json::json!({
        "op": "open",
        "caller": CALLER,
        "origin": "app://main",
        "topFrame": true,
        "fingerprint": fingerprint,
    });
    to_child
        .send(Bytes::from(open.to_string()))
        .await
        .expect("open");
    let (to_main, mut outbound) = mpsc::channel::<OutboundFrame>(1024);
    let (inbound, from_main) = mpsc::channel::<OutboundFrame>(1024);
    let pump = tokio::spawn(async move {
        let write = async {
            while let Some(frame) = outbound.recv().await {
                let (kind, body) = match frame {
                    OutboundFrame::Text(text) => (1, Bytes::from(text)),
                    OutboundFrame::Binary(message) => (0, message.to_bytes()),
                };
                let mut framed = vec![kind];
                framed.extend_from_slice(&CALLER.to_be_bytes());
                framed.extend_from_slice(&body);
                if to_child.send(Bytes::from(framed)).await.is_err() {
                    break;
                }
            }
        };
        let read = async {
            while let Some(Ok(body)) = from_child.next().await {
                let frame = match body.first() {
                    Some(1) => OutboundFrame::Text(
                        String::from_utf8(body[9..].to_vec()).expect("the child writes UTF-8"),
                    ),
                    Some(0) => OutboundFrame::Binary(body.freeze().slice(9..).into()),
                    _ => continue,
                };
                if inbound.send(frame).await.is_err() {
                    break;
                }
            }
        };
        tokio::select! { () = write => {}, () = read => {} }
        session.abort();
    });
    (Client::new(to_main, from_main), pump)
}

/// xorshift64*: deterministic per seed, good enough to pick which calls to cancel.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// Peak resident set size of this process, from `/proc/self/status` (kB), if the platform has it.
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Waits until `done` holds, checking every millisecond; gives up (panics) after 10 s so that a leak fails
/// the test instead of hanging it. Not a timing assertion: it only bounds how long the test waits.
pub async fn settle(mut done: impl FnMut() -> bool) {
    for _ in 0..10_000 {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    assert!(done(), "did not settle within 10 s");
}

/// Tasks alive on the current tokio runtime (spawned and not yet finished or dropped).
pub fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// A binary message laid out by hand, independently of the runtime's encoder:
/// `[envelope length][envelope][count][lengths...][attachments...]`, big-endian u32s.
pub fn binary_message(envelope: &str, attachments: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&u32::try_from(envelope.len()).unwrap().to_be_bytes());
    out.extend_from_slice(envelope.as_bytes());
    out.extend_from_slice(&u32::try_from(attachments.len()).unwrap().to_be_bytes());
    for a in attachments {
        out.extend_from_slice(&u32::try_from(a.len()).unwrap().to_be_bytes());
    }
    for a in attachments {
        out.extend_from_slice(a);
    }
    out
}
