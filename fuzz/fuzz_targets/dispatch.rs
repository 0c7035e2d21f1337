//! The generated dispatch of a sample trait, served through the in-memory host's raw connection.
//!
//! Input: messages separated by `\n`; one starting with byte 0 is sent as a binary message (the rest),
//! any other as text. Checked for every input: each answer is a JSON `reply`, `error` or stream `item`,
//! every answer with an id answers an invoke, stream or validate with that id (and no id is answered more
//! often than it was sent; an `item` only for an id sent as a stream), and no handler runs for a channel the
//! origin may not call.
#![no_main]

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use ipc_runtime::{Bytes, Caller, Limits, OutboundFrame, Server, Sink, channels};
use libfuzzer_sys::fuzz_target;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Overflow;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Shape {
    Circle { radius: f64 },
    Polygon(Vec<(f64, f64)>),
    Empty,
}

#[channels(allow_origins = ["app://main"])]
pub trait FuzzIpc {
    #[send]
    async fn note(&self, caller: Caller, text: String, level: u8);

    #[invoke]
    async fn echo(&self, caller: Caller, text: String) -> String;

    #[invoke]
    async fn add(&self, caller: Caller, a: i32, b: i32) -> Result<i32, Overflow>;

    #[invoke]
    async fn area(&self, caller: Caller, shape: Shape) -> f64;

    #[invoke(allow_subframes)]
    async fn count(
        &self,
        caller: Caller,
        items: Vec<Option<u32>>,
        flags: HashMap<String, bool>,
    ) -> usize;

    #[invoke]
    async fn blob(&self, caller: Caller, name: String, data: Bytes) -> Bytes;

    #[invoke(allow_origins = ["app://settings"])]
    async fn secret(&self, caller: Caller) -> String;

    #[stream(window = 2)]
    async fn ticks(&self, caller: Caller, n: u8, out: Sink<u8>) -> u8;
}

/// Counts handler runs; `secret` must never run for the `app://main` caller this target uses.
#[derive(Default)]
struct Handler {
    runs: AtomicUsize,
}

impl FuzzIpc for Handler {
    async fn note(&self, _caller: Caller, _text: String, _level: u8) {
        self.runs.fetch_add(1, Ordering::Relaxed);
    }
    async fn echo(&self, _caller: Caller, text: String) -> String {
        self.runs.fetch_add(1, Ordering::Relaxed);
        text
    }
    async fn add(&self, _caller: Caller, a: i32, b: i32) -> Result<i32, Overflow> {
        self.runs.fetch_add(1, Ordering::Relaxed);
        a.checked_add(b).ok_or(Overflow)
    }
    async fn area(&self, _caller: Caller, shape: Shape) -> f64 {
        self.runs.fetch_add(1, Ordering::Relaxed);
        match shape {
            Shape::Circle { radius } => radius * radius * 3.0,
            Shape::Polygon(points) => points.len() as f64,
            Shape::Empty => 0.0,
        }
    }
    async fn count(
        &self,
        _caller: Caller,
        items: Vec<Option<u32>>,
        flags: HashMap<String, bool>,
    ) -> usize {
        self.runs.fetch_add(1, Ordering::Relaxed);
        items.len() + flags.len()
    }
    async fn blob(&self, _caller: Caller, _name: String, data: Bytes) -> Bytes {
        self.runs.fetch_add(1, Ordering::Relaxed);
        data
    }
    async fn ticks(&self, _caller: Caller, n: u8, mut out: Sink<u8>) -> u8 {
        self.runs.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if out.send(i).await.is_err() {
                return i;
            }
        }
        n
    }
    async fn secret(&self, caller: Caller) -> String {
        panic!(
            "denied channel reached its handler from {}",
            caller.origin()
        );
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime")
    })
}

/// Invoke and validate ids in the messages, counted the way the runtime reads them: an oversized text
/// message by the id its first bytes name (it is never parsed), any other by its parsed `id` when its kind
/// is `invoke` or `validate`.
fn invoke_ids(frames: &[OutboundFrame], max_message_bytes: usize) -> HashMap<u64, usize> {
    let mut ids = HashMap::new();
    for frame in frames {
        let id = match frame {
            OutboundFrame::Text(text) if text.len() > max_message_bytes => {
                leading_id(text.as_bytes())
            }
            OutboundFrame::Text(text) => parsed_invoke_id(text.as_bytes()),
            // A binary message's envelope follows its 4-byte length; a generous guess suffices here.
            OutboundFrame::Binary(message) => {
                parsed_invoke_id(message.to_bytes().get(4..).unwrap_or_default())
            }
        };
        if let Some(id) = id {
            *ids.entry(id).or_default() += 1;
        }
    }
    ids
}

/// An envelope's kind and id, with every other field skipped unvalidated, as the runtime's own envelope
/// parser skips a payload (so `1E400`, a number `serde_json::Value` refuses as out of range, still counts).
#[derive(Deserialize)]
struct Head {
    kind: String,
    id: Option<u64>,
    #[serde(default, rename = "channel")]
    _channel: Option<IgnoredAny>,
    #[serde(default, rename = "payload")]
    _payload: Option<IgnoredAny>,
    #[serde(default, rename = "timeoutMs")]
    _timeout_ms: Option<IgnoredAny>,
    #[serde(default, rename = "error")]
    _error: Option<IgnoredAny>,
}

fn parsed_invoke_id(text: &[u8]) -> Option<u64> {
    let head = serde_json::Deserializer::from_slice(text)
        .into_iter::<Head>()
        .next()?
        .ok()?;
    if head.kind == "invoke" || head.kind == "stream" || head.kind == "validate" {
        head.id
    } else {
        None
    }
}

fn leading_id(text: &[u8]) -> Option<u64> {
    let rest = text
        .strip_prefix(br#"{"kind":"invoke","id":"#)
        .or_else(|| text.strip_prefix(br#"{"kind":"stream","id":"#))
        .or_else(|| text.strip_prefix(br#"{"kind":"validate","id":"#))?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let frames: Vec<OutboundFrame> = rest
        .split(|b| *b == b'\n')
        .map(|m| match m.split_first() {
            Some((0, binary)) => OutboundFrame::Binary(binary.to_vec().into()),
            _ => OutboundFrame::Text(String::from_utf8_lossy(m).into_owned()),
        })
        .collect();
    let limits = Limits {
        max_message_bytes: 512,
        max_in_flight: 4,
        outbound_queue: 1024,
    };
    let sent = invoke_ids(&frames, limits.max_message_bytes);
    runtime().block_on(async {
        let server = Server::builder(FuzzIpcService::new(Handler::default()))
            .limits(limits)
            .build();
        let (tx, mut rx) = server.connect_frames("app://main", flags & 1 == 0);
        for frame in frames {
            tx.send(frame).await.expect("connection open");
        }
        // Closing the input ends the connection: running calls are cancelled and every sender goes away.
        drop(tx);
        let mut answered: HashMap<u64, usize> = HashMap::new();
        while let Some(frame) = rx.recv().await {
            let text = match frame {
                OutboundFrame::Text(text) => text,
                // A reply carrying attachments: its envelope is what is checked here.
                OutboundFrame::Binary(message) => {
                    let message = message.to_bytes();
                    let len = u32::from_be_bytes(message[..4].try_into().unwrap()) as usize;
                    String::from_utf8(message[4..4 + len].to_vec()).expect("UTF-8 envelope")
                }
            };
            let value: Value = serde_json::from_str(&text).expect("answers are JSON");
            let kind = value["kind"].as_str().expect("answers have a kind");
            if kind == "item" {
                let id = value["id"].as_u64().expect("an item has a numeric id");
                assert!(sent.contains_key(&id), "an item for id {id}, never sent: {text}");
                continue;
            }
            assert!(
                kind == "reply" || kind == "error",
                "unexpected answer {text}"
            );
            match value.get("id") {
                Some(id) => {
                    let id = id.as_u64().expect("numeric id");
                    let n = answered.entry(id).or_default();
                    *n += 1;
                    assert!(
                        *n <= sent.get(&id).copied().unwrap_or(0),
                        "id {id} answered more often than invoked: {text}"
                    );
                }
                None => assert_eq!(kind, "error", "a reply without id: {text}"),
            }
        }
        assert_eq!(
            server.events().connected(),
            0,
            "the connection unregistered"
        );
    });
});
