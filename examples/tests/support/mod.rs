//! Shared harness of the web host's Rust tests: the demo on a real loopback socket, a record log to wait
//! on, and a small WebSocket client (tokio-tungstenite) that speaks the wire protocol directly.

#![allow(dead_code, unreachable_pub)] // Each test file uses its own subset.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt as _, StreamExt as _};
use ipc_examples::demo::DemoIpcSchema;
use ipc_examples::record::{Record, Recorder};
use ipc_examples::web::{self, Options, WebApp};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What the demo's handlers recorded, in order; tests wait for records instead of sleeping.
#[derive(Clone, Default)]
pub struct Records {
    log: Arc<Mutex<Vec<Record>>>,
    changed: Arc<Notify>,
}

impl Records {
    pub fn recorder(&self) -> Recorder {
        let records = self.clone();
        Recorder::new(move |record| {
            records.log.lock().unwrap().push(record);
            records.changed.notify_waiters();
        })
    }

    pub fn mark(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    pub fn since(&self, mark: usize) -> Vec<Record> {
        self.log.lock().unwrap()[mark..].to_vec()
    }

    /// The first record from `mark` on that `matches`, waiting for it if needed.
    pub async fn wait_for(&self, mark: usize, matches: impl Fn(&Record) -> bool) -> Record {
        loop {
            let changed = self.changed.notified();
            if let Some(record) = self.log.lock().unwrap()[mark..].iter().find(|r| matches(r)) {
                return record.clone();
            }
            changed.await;
        }
    }
}

/// The fingerprint the demo's generated bindings carry, which its page presents in the hello.
pub fn demo_fingerprint() -> &'static str {
    DemoIpcSchema::fingerprint()
}

pub struct Demo {
    pub web: WebApp,
    pub records: Records,
    pub files: FilesDir,
}

/// Removes the test's folder when dropped.
pub struct FilesDir(pub PathBuf);

impl Drop for FilesDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A folder with known files, unique per test.
pub fn files_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ipc-web-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.txt"), "alpha").unwrap();
    dir
}

/// The demo exactly as `web_app` runs it, on a free loopback port.
pub async fn start(name: &str) -> Demo {
    start_with(name, |options| options).await
}

pub async fn start_with(name: &str, configure: impl FnOnce(Options) -> Options) -> Demo {
    let records = Records::default();
    let files = files_dir(name);
    let mut options = Options::new();
    options.files_dir.clone_from(&files);
    options.recorder = records.recorder();
    let web = web::start(configure(options))
        .await
        .expect("the demo starts");
    Demo {
        web,
        records,
        files: FilesDir(files),
    }
}

impl Demo {
    pub fn token(&self) -> String {
        self.web.host.token().reveal().to_owned()
    }

    /// Opens a socket as the demo's own page would (its Origin), without sending anything.
    pub async fn open(&self) -> Socket {
        let origin = self.web.host.origin().to_owned();
        self.open_as(Some(&origin)).await.expect("upgrade accepted")
    }

    pub async fn open_as(&self, origin: Option<&str>) -> Result<Socket, tungstenite::Error> {
        open(&self.web.host.socket_url(), origin, None).await
    }

    /// Opens a socket and completes the handshake; returns it with its caller id.
    pub async fn connect(&self) -> (Socket, u64) {
        let mut socket = self.open().await;
        send_json(
            &mut socket,
            &json!({"kind": "hello", "token": self.token(), "topFrame": true, "fingerprint": demo_fingerprint()}),
        )
        .await;
        assert_eq!(next_json(&mut socket).await, json!({"kind": "welcome"}));
        let id = invoke(&mut socket, 1, "demo:whoami", json!([])).await;
        (
            socket,
            id["payload"]
                .as_u64()
                .expect("whoami replies with a number"),
        )
    }
}

pub async fn open(
    url: &str,
    origin: Option<&str>,
    host: Option<&str>,
) -> Result<Socket, tungstenite::Error> {
    let mut request = url.into_client_request()?;
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("Origin", HeaderValue::from_str(origin).unwrap());
    }
    if let Some(host) = host {
        request
            .headers_mut()
            .insert("Host", HeaderValue::from_str(host).unwrap());
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
}

pub async fn send_text(socket: &mut Socket, text: impl Into<String>) {
    socket.send(Message::text(text.into())).await.expect("send");
}

pub async fn send_json(socket: &mut Socket, value: &Value) {
    send_text(socket, value.to_string()).await;
}

/// The next message, which must be JSON text.
pub async fn next_json(socket: &mut Socket) -> Value {
    loop {
        match socket.next().await.expect("socket open").expect("read") {
            Message::Text(text) => {
                return serde_json::from_str(text.as_str()).expect("JSON from the host");
            }
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}

/// Sends an invoke and returns its reply or error envelope (events arriving first are skipped).
pub async fn invoke(socket: &mut Socket, id: u64, channel: &str, payload: Value) -> Value {
    send_json(
        socket,
        &json!({"kind": "invoke", "id": id, "channel": channel, "payload": payload}),
    )
    .await;
    loop {
        let message = next_json(socket).await;
        if message["id"] == json!(id) {
            return message;
        }
        assert_eq!(message["kind"], "event", "unexpected frame {message}");
    }
}

/// Reads until the host closes the socket; returns its close frame.
pub async fn closed(socket: &mut Socket) -> Option<CloseFrame> {
    loop {
        match socket.next().await {
            Some(Ok(Message::Close(frame))) => return frame,
            Some(Ok(_)) => {}
            Some(Err(error)) => panic!("socket failed instead of closing: {error}"),
            None => return None,
        }
    }
}

/// The refusal of an upgrade: HTTP status and body text.
pub fn http_refusal(error: tungstenite::Error) -> (u16, String) {
    match error {
        tungstenite::Error::Http(response) => {
            let body = response
                .body()
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            (response.status().as_u16(), body)
        }
        other => panic!("expected an HTTP refusal, got {other}"),
    }
}
