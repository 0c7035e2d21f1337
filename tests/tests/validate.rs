//! `validate` envelopes: every check and the strict decode of an `invoke`, no handler, and the decoded
//! arguments encoded again as the answer. Each refusal is the one an `invoke` gets, and the connection keeps
//! serving after each.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ipc_runtime::{Attachment, Bytes, Caller, Limits, OutboundFrame, Server, channels};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use ts_rs::TS;

/// A payload type with a defaulted field; unknown fields are ignored (serde's default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Form {
    pub name: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[channels(allow_origins = ["app://main"], namespace = "form", export = false)]
pub trait FormIpc {
    #[invoke]
    async fn submit(&self, caller: Caller, form: Form, note: Option<String>) -> u32;

    #[send]
    async fn log(&self, caller: Caller, line: String);

    #[invoke]
    async fn upload(&self, caller: Caller, name: String, data: Bytes) -> usize;

    #[invoke(allow_origins = ["app://settings"])]
    async fn settings(&self, caller: Caller) -> String;

    /// Waits `ms` milliseconds: keeps an id in flight.
    #[invoke]
    async fn hold(&self, caller: Caller, ms: u32) -> u32;

    #[invoke]
    async fn ping(&self, caller: Caller) -> bool;

    #[event]
    fn changed(value: u32);
}

/// Counts handler runs: a `validate` must never start one.
#[derive(Default)]
struct Counting {
    calls: AtomicUsize,
}

impl Counting {
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn ran(&self) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

impl FormIpc for Counting {
    async fn submit(&self, _caller: Caller, form: Form, _note: Option<String>) -> u32 {
        self.ran();
        u32::try_from(form.tags.len()).unwrap_or(u32::MAX)
    }
    async fn log(&self, _caller: Caller, _line: String) {
        self.ran();
    }
    async fn upload(&self, _caller: Caller, _name: String, data: Bytes) -> usize {
        self.ran();
        data.len()
    }
    async fn settings(&self, _caller: Caller) -> String {
        self.ran();
        "secret".to_owned()
    }
    async fn hold(&self, _caller: Caller, ms: u32) -> u32 {
        self.ran();
        tokio::time::sleep(Duration::from_millis(u64::from(ms))).await;
        ms
    }
    async fn ping(&self, _caller: Caller) -> bool {
        self.ran();
        true
    }
}

struct Raw {
    handler: Arc<Counting>,
    tx: mpsc::Sender<OutboundFrame>,
    rx: mpsc::Receiver<OutboundFrame>,
}

fn connect(origin: &str, top_frame: bool) -> Raw {
    connect_with(origin, top_frame, Limits::default())
}

fn connect_with(origin: &str, top_frame: bool, limits: Limits) -> Raw {
    let handler = Arc::new(Counting::default());
    let server = Server::builder(FormIpcService::from_arc(handler.clone()))
        .limits(limits)
        .build();
    let (tx, rx) = server.connect_frames(origin, top_frame);
    Raw { handler, tx, rx }
}

fn validate(id: u64, channel: &str, payload: &str) -> String {
    format!(r#"{{"kind":"validate","id":{id},"channel":"{channel}","payload":{payload}}}"#)
}

fn binary(envelope: &str, attachments: &[&[u8]]) -> OutboundFrame {
    OutboundFrame::Binary(Attachment::from(support::binary_message(envelope, attachments)).into())
}

impl Raw {
    async fn send(&self, text: impl Into<String>) {
        self.tx
            .send(OutboundFrame::Text(text.into()))
            .await
            .unwrap();
    }

    async fn next_frame(&mut self) -> OutboundFrame {
        tokio::time::timeout(Duration::from_secs(5), self.rx.recv())
            .await
            .expect("an answer in time")
            .expect("connection open")
    }

    async fn next(&mut self) -> Value {
        match self.next_frame().await {
            OutboundFrame::Text(text) => serde_json::from_str(&text).unwrap(),
            OutboundFrame::Binary(_) => panic!("a text envelope was expected"),
        }
    }

    async fn exchange(&mut self, text: impl Into<String>) -> Value {
        self.send(text).await;
        self.next().await
    }

    /// Proves the connection still serves after `case`: a validate gets its reply, and no handler ran.
    async fn still_serves(&mut self, case: &str) {
        let reply = self
            .exchange(validate(9999, "form:log", r#"["probe"]"#))
            .await;
        assert_eq!(
            reply,
            json!({"kind": "reply", "id": 9999, "payload": ["probe"]}),
            "after {case}"
        );
        assert_eq!(self.handler.calls(), 0, "a handler ran after {case}");
    }
}

fn error_kind(answer: &Value) -> &str {
    answer["error"]["kind"].as_str().unwrap_or("<none>")
}

#[tokio::test]
async fn the_reply_is_the_decoded_arguments_encoded_again() {
    let mut raw = connect("app://main", true);
    let cases = [
        // Unknown field dropped, serde default filled.
        (
            "form:submit",
            r#"[{"name":"Ada","extra":{"deep":[1,2]}},null]"#,
            json!([{"name": "Ada", "tags": []}, null]),
        ),
        // Whitespace and escapes are read, not kept.
        (
            "form:submit",
            r#" [ {"tags":["a"],"name":"\u0041da"} , "n\u00e9" ] "#,
            json!([{"name": "Ada", "tags": ["a"]}, "né"]),
        ),
        // A `send` channel validates too (its handler in the glue runs without answering the page).
        ("form:log", r#"["line"]"#, json!(["line"])),
        ("form:hold", "[5]", json!([5])),
        // No arguments: still a tuple, `[]`.
        ("form:ping", "[]", json!([])),
    ];
    for (i, (channel, payload, expected)) in cases.into_iter().enumerate() {
        let id = i as u64 + 1;
        let answer = raw.exchange(validate(id, channel, payload)).await;
        assert_eq!(
            answer,
            json!({"kind": "reply", "id": id, "payload": expected}),
            "{payload}"
        );
    }
    assert_eq!(raw.handler.calls(), 0, "validate never runs a handler");
    // The same arguments as an invoke do reach the handler: validation is the only difference.
    let invoke = r#"{"kind":"invoke","id":50,"channel":"form:submit","payload":[{"name":"Ada","tags":["x","y"]},null]}"#;
    assert_eq!(
        raw.exchange(invoke).await,
        json!({"kind": "reply", "id": 50, "payload": 2})
    );
    assert_eq!(raw.handler.calls(), 1);
}

#[tokio::test]
async fn a_wrong_shape_is_invalid_input_and_no_handler_runs() {
    let mut raw = connect("app://main", true);
    for (id, payload) in [
        (1, r#"[{"name":5},null]"#),
        (2, r#"[{"tags":[]},null]"#),
        (3, r#"[{"name":"Ada"}]"#),
        (4, r#"[{"name":"Ada"},null,"extra"]"#),
        (5, r#"{"name":"Ada"}"#),
        (6, r#"[{"name":"Ada"},7]"#),
    ] {
        let answer = raw.exchange(validate(id, "form:submit", payload)).await;
        assert_eq!(answer["kind"], "error", "{payload}: {answer}");
        assert_eq!(answer["id"], id, "{payload}: {answer}");
        assert_eq!(error_kind(&answer), "invalid_input", "{payload}: {answer}");
        assert_eq!(answer["error"]["channel"], "form:submit", "{payload}");
        raw.still_serves(payload).await;
    }
}

#[tokio::test]
async fn the_origin_and_sub_frame_policy_apply() {
    let mut foreign = connect("https://evil.example", true);
    let answer = foreign
        .exchange(validate(1, "form:submit", r#"[{"name":"x"},null]"#))
        .await;
    assert_eq!(error_kind(&answer), "denied", "{answer}");
    assert_eq!(answer["id"], 1);
    assert_eq!(answer["error"]["origin"], "https://evil.example");

    let mut main = connect("app://main", true);
    let answer = main.exchange(validate(2, "form:settings", "[]")).await;
    assert_eq!(error_kind(&answer), "denied", "{answer}");
    assert_eq!(answer["id"], 2);
    main.still_serves("a method's own allowlist").await;

    let mut iframe = connect("app://main", false);
    let answer = iframe.exchange(validate(3, "form:log", r#"["x"]"#)).await;
    assert_eq!(error_kind(&answer), "denied", "{answer}");
    // Denied before anything was decoded: a payload of the wrong shape gets the same answer.
    let answer = iframe.exchange(validate(4, "form:log", "[1,2,3]")).await;
    assert_eq!(error_kind(&answer), "denied", "{answer}");
    assert_eq!(iframe.handler.calls(), 0);
}

#[tokio::test]
async fn unknown_and_event_channels_are_unknown() {
    let mut raw = connect("app://main", true);
    for (id, channel) in [(1, "form:nope"), (2, "form:changed"), (3, "")] {
        let answer = raw.exchange(validate(id, channel, "[1]")).await;
        assert_eq!(
            answer,
            json!({"kind": "error", "id": id, "error": {"kind": "unknown_channel", "channel": channel}})
        );
        raw.still_serves(channel).await;
    }
}

#[tokio::test]
async fn malformed_and_oversized_validates_get_the_strict_refusals() {
    let limits = Limits {
        max_message_bytes: 256,
        ..Limits::default()
    };
    let mut raw = connect_with("app://main", true, limits);
    for (case, id) in [
        (
            r#"{"kind":"validate","channel":"form:log","payload":["x"]}"#,
            Value::Null,
        ),
        (r#"{"kind":"validate","id":1,"payload":["x"]}"#, json!(1)),
        (
            r#"{"kind":"validate","id":2,"channel":"form:log"}"#,
            json!(2),
        ),
        (
            r#"{"kind":"validate","id":3,"channel":"form:log","payload":["x"],"timeoutMs":5}"#,
            json!(3),
        ),
        (
            r#"{"kind":"validate","id":4,"channel":"form:log","payload":["x"],"extra":1}"#,
            Value::Null,
        ),
    ] {
        let answer = raw.exchange(case).await;
        assert_eq!(error_kind(&answer), "protocol", "{case}: {answer}");
        assert_eq!(answer["id"], id, "{case}: {answer}");
        raw.still_serves(case).await;
    }
    let big = validate(5, "form:log", &format!(r#"["{}"]"#, "x".repeat(300)));
    let answer = raw.exchange(&*big).await;
    assert_eq!(
        answer,
        json!({"kind": "error", "id": 5, "error": {"kind": "too_large", "size": big.len(), "limit": 256}})
    );
    raw.still_serves("an oversized validate").await;
}

#[tokio::test]
async fn bytes_arguments_come_back_as_attachments() {
    let mut raw = connect("app://main", true);
    let data: &[u8] = b"\x00\x01\xfe\xff";
    let envelope = validate(1, "form:upload", r#"["f",{"$bin":0}]"#);
    raw.tx.send(binary(&envelope, &[data])).await.unwrap();
    let OutboundFrame::Binary(reply) = raw.next_frame().await else {
        panic!("a reply carrying bytes is a binary message");
    };
    assert_eq!(
        reply.to_bytes(),
        support::binary_message(
            r#"{"kind":"reply","id":1,"payload":["f",{"$bin":0}]}"#,
            &[data]
        )
    );

    // An array of numbers (a client without binary support) is read as bytes and answered as an attachment,
    // as an invoke's handler would see it.
    raw.send(validate(2, "form:upload", r#"["g",[1,2,3]]"#))
        .await;
    let OutboundFrame::Binary(reply) = raw.next_frame().await else {
        panic!("a reply carrying bytes is a binary message");
    };
    assert_eq!(
        reply.to_bytes(),
        support::binary_message(
            r#"{"kind":"reply","id":2,"payload":["g",{"$bin":0}]}"#,
            &[&[1, 2, 3]]
        )
    );

    // Placeholders and attachments that do not match one to one are refused, as for an invoke.
    for (id, payload, attachments) in [
        (3, r#"["f",{"$bin":1}]"#, &[data][..]),
        (4, r#"["f",{"$bin":0}]"#, &[data, data][..]),
        (5, r#"["f",{"$bin":0}]"#, &[][..]),
    ] {
        let envelope = validate(id, "form:upload", payload);
        raw.tx.send(binary(&envelope, attachments)).await.unwrap();
        let answer = raw.next().await;
        assert_eq!(error_kind(&answer), "invalid_input", "{payload}: {answer}");
        assert_eq!(answer["id"], id);
        raw.still_serves(payload).await;
    }
}

#[tokio::test]
async fn ids_are_shared_with_invokes_in_flight() {
    let limits = Limits {
        max_in_flight: 2,
        ..Limits::default()
    };
    let mut raw = connect_with("app://main", true, limits);
    raw.send(r#"{"kind":"invoke","id":7,"channel":"form:hold","payload":[300]}"#)
        .await;
    // A validate reusing the running invoke's id is refused without that id, which would settle the invoke.
    let answer = raw.exchange(validate(7, "form:log", r#"["x"]"#)).await;
    assert_eq!(error_kind(&answer), "protocol", "{answer}");
    assert_eq!(answer["id"], Value::Null, "{answer}");
    // Even when it would be refused for something else: the id is not this message's to answer.
    let answer = raw.exchange(validate(7, "form:nope", "[]")).await;
    assert_eq!(error_kind(&answer), "unknown_channel", "{answer}");
    assert_eq!(answer["id"], Value::Null, "{answer}");

    // The cap counts invokes: with two running, a validate is one too many.
    raw.send(r#"{"kind":"invoke","id":8,"channel":"form:hold","payload":[300]}"#)
        .await;
    let answer = raw.exchange(validate(9, "form:log", r#"["x"]"#)).await;
    assert_eq!(error_kind(&answer), "protocol", "{answer}");
    assert_eq!(answer["id"], 9, "{answer}");

    // The running invokes were not disturbed.
    let mut replies = vec![raw.next().await, raw.next().await];
    replies.sort_by_key(|reply| reply["id"].as_u64());
    assert_eq!(
        replies,
        [
            json!({"kind": "reply", "id": 7, "payload": 300}),
            json!({"kind": "reply", "id": 8, "payload": 300}),
        ]
    );
    assert_eq!(raw.handler.calls(), 2);
    // A validate's id is free once it is answered: the same id twice in a row, then as an invoke.
    for _ in 0..2 {
        let answer = raw.exchange(validate(10, "form:hold", "[1]")).await;
        assert_eq!(answer, json!({"kind": "reply", "id": 10, "payload": [1]}));
    }
    let answer = raw
        .exchange(r#"{"kind":"invoke","id":10,"channel":"form:hold","payload":[1]}"#)
        .await;
    assert_eq!(answer, json!({"kind": "reply", "id": 10, "payload": 1}));
}
