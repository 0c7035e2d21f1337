//! Hostile and malformed input on the wire: each gets a typed error, nothing reaches a handler, and the
//! connection keeps serving.

use std::sync::Arc;

use ipc_runtime::{Limits, OutboundFrame, Server};
use ipc_tests::app::{AppIpcService, RecordingApp};
use serde_json::{Value, json};
use tokio::sync::mpsc;

struct Raw {
    handler: Arc<RecordingApp>,
    tx: mpsc::Sender<String>,
    rx: mpsc::Receiver<OutboundFrame>,
}

fn connect(origin: &str, top_frame: bool) -> Raw {
    connect_with(origin, top_frame, Limits::default())
}

fn connect_with(origin: &str, top_frame: bool, limits: Limits) -> Raw {
    let handler = Arc::new(RecordingApp::default());
    let server = Server::builder(AppIpcService::from_arc(handler.clone()))
        .limits(limits)
        .build();
    let (tx, rx) = server.connect_raw(origin, top_frame);
    Raw { handler, tx, rx }
}

impl Raw {
    async fn send(&self, text: impl Into<String>) {
        self.tx.send(text.into()).await.unwrap();
    }

    async fn next(&mut self) -> Value {
        let OutboundFrame::Text(text) = self.rx.recv().await.expect("connection open") else {
            panic!("a text envelope was expected");
        };
        serde_json::from_str(&text).unwrap()
    }

    /// Sends `text` and returns the single answer.
    async fn exchange(&mut self, text: impl Into<String>) -> Value {
        self.send(text).await;
        self.next().await
    }

    /// Proves the connection still serves: a valid invoke gets its reply.
    async fn still_serves(&mut self) {
        let reply = self
            .exchange(
                r#"{"kind":"invoke","id":9999,"channel":"app_ipc:open_file","payload":["/ok"]}"#,
            )
            .await;
        assert_eq!(
            reply,
            json!({"kind": "reply", "id": 9999, "payload": "contents of /ok"})
        );
    }

    fn handler_untouched(&self) {
        assert!(
            self.handler.titles.lock().unwrap().is_empty(),
            "no bad message may reach a handler"
        );
    }
}

fn kind(error: &Value) -> &str {
    error["error"]["kind"].as_str().unwrap_or("<none>")
}

#[tokio::test]
async fn malformed_envelopes_get_protocol_errors() {
    let mut raw = connect("app://main", true);
    let cases = [
        "not json",
        "[1,2,3]",
        "{}",
        r#"{"kind":"launch","channel":"x"}"#,
        r#"{"kind":"send","channel":"app_ipc:set_title"}"#,
        r#"{"kind":"send","id":1,"channel":"app_ipc:set_title","payload":["t"]}"#,
        r#"{"kind":"invoke","channel":"app_ipc:open_file","payload":["/x"]}"#,
        r#"{"kind":"invoke","id":-1,"channel":"app_ipc:open_file","payload":["/x"]}"#,
        r#"{"kind":"invoke","id":1,"channel":"app_ipc:open_file","payload":["/x"],"extra":true}"#,
        r#"{"kind":"reply","id":1,"payload":null}"#,
        r#"{"kind":"event","channel":"app_ipc:update_counter","payload":[1]}"#,
        r#"{"kind":"cancel"}"#,
    ];
    for case in cases {
        let answer = raw.exchange(case).await;
        assert_eq!(answer["kind"], "error", "{case}");
        assert_eq!(kind(&answer), "protocol", "{case}: {answer}");
    }
    raw.still_serves().await;
}

/// The runtime reads envelopes in the bridges' exact shape without validating the payload first (its typed
/// decode does that). A malformed payload there must still get exactly the strict parser's answer: the same
/// error, with no id, as the same text with a trailing space (which only the strict path reads).
#[tokio::test]
async fn malformed_payloads_in_the_bridges_shape_get_the_strict_answer() {
    let mut raw = connect("app://main", true);
    let cases = [
        r#"{"kind":"invoke","id":1,"channel":"app_ipc:open_file","payload":["/x",]}"#,
        r#"{"kind":"invoke","id":2,"channel":"app_ipc:open_file","payload":["\x"]}"#,
        r#"{"kind":"invoke","id":3,"channel":"app_ipc:open_file","payload":[tru]}"#,
        r#"{"kind":"invoke","id":4,"channel":"app_ipc:open_file","payload":[1,}}"#,
        r#"{"kind":"invoke","id":5,"channel":"app_ipc:nope","payload":[1,}}"#,
        r#"{"kind":"invoke","id":6,"channel":"app_ipc:set_title","payload":[1,]}"#,
        r#"{"kind":"send","channel":"app_ipc:set_title","payload":["t",]}"#,
        r#"{"kind":"send","channel":"app_ipc:set_title","payload":01}"#,
    ];
    for case in cases {
        let fast = raw.exchange(case).await;
        let strict = raw.exchange(format!("{case} ")).await;
        assert_eq!(fast, strict, "{case}");
        assert_eq!(fast["id"], Value::Null, "{case}");
        assert_eq!(kind(&fast), "protocol", "{case}: {fast}");
    }
    raw.handler_untouched();
    raw.still_serves().await;
}

/// Envelopes that start in the bridges' shape but go on differently after the payload (whitespace, a
/// repeated or unknown key): whatever the fast path takes for the payload, the answer is the one the strict
/// path gives the same text (a trailing space sends it there).
#[tokio::test]
async fn envelopes_that_go_on_after_the_payload_get_the_strict_answer() {
    let mut raw = connect("app://main", true);
    let cases = [
        // Read as valid envelopes by the strict parser: the call runs with the strict payload.
        r#"{"kind":"invoke","id":1,"channel":"app_ipc:open_file","payload":["/a"], "timeoutMs":5000}"#,
        r#"{"kind":"invoke","id":2,"channel":"app_ipc:open_file","payload":["/b"] ,"timeoutMs" : 5000 }"#,
        r#"{"kind":"invoke","id":3,"channel":"app_ipc:open_file","payload":["/c"]	}"#,
        // Refused by the strict parser, and so here.
        r#"{"kind":"invoke","id":4,"channel":"app_ipc:open_file","payload":["/d"],"id":5}"#,
        r#"{"kind":"invoke","id":6,"channel":"app_ipc:open_file","payload":["/e"],"extra":1}"#,
        r#"{"kind":"invoke","id":7,"channel":"app_ipc:open_file","payload":["/f"],"timeoutMs":"5"}"#,
    ];
    for (i, case) in cases.into_iter().enumerate() {
        let fast = raw.exchange(case).await;
        let strict = raw.exchange(format!("{case} ")).await;
        assert_eq!(fast, strict, "{case}");
        if i < 3 {
            assert_eq!(fast["kind"], "reply", "{case}: {fast}");
            assert!(
                fast["payload"]
                    .as_str()
                    .unwrap()
                    .starts_with("contents of /")
            );
        } else {
            assert_eq!(kind(&fast), "protocol", "{case}: {fast}");
        }
    }
    raw.still_serves().await;
}

#[tokio::test]
async fn payloads_are_decoded_strictly() {
    let mut raw = connect("app://main", true);
    let cases = [
        (
            r#"{"kind":"invoke","id":1,"channel":"app_ipc:open_file","payload":[42]}"#,
            "wrong type",
        ),
        (
            r#"{"kind":"invoke","id":2,"channel":"app_ipc:open_file","payload":[]}"#,
            "missing argument",
        ),
        (
            r#"{"kind":"invoke","id":3,"channel":"app_ipc:open_file","payload":["/a","/b"]}"#,
            "extra argument",
        ),
        (
            r#"{"kind":"invoke","id":4,"channel":"app_ipc:open_file","payload":{"path":"/a"}}"#,
            "object instead of array",
        ),
        (
            r#"{"kind":"invoke","id":5,"channel":"app_ipc:slow","payload":[-5]}"#,
            "negative u32",
        ),
        (
            r#"{"kind":"invoke","id":6,"channel":"app_ipc:slow","payload":[5000000000]}"#,
            "u32 overflow",
        ),
        (
            r#"{"kind":"invoke","id":7,"channel":"app_ipc:explode","payload":[null]}"#,
            "argument to a no-argument channel",
        ),
    ];
    for (case, why) in cases {
        let answer = raw.exchange(case).await;
        assert_eq!(kind(&answer), "invalid_input", "{why}: {answer}");
        assert!(
            answer["id"].is_u64(),
            "{why}: the error must settle the call"
        );
    }
    raw.still_serves().await;
}

#[tokio::test]
async fn unknown_channels_and_wrong_kinds_are_refused() {
    let mut raw = connect("app://main", true);
    let answer = raw
        .exchange(r#"{"kind":"invoke","id":1,"channel":"app_ipc:nope","payload":[]}"#)
        .await;
    assert_eq!(
        answer,
        json!({"kind":"error","id":1,"error":{"kind":"unknown_channel","channel":"app_ipc:nope"}})
    );
    // A send channel invoked, and an event channel invoked: both unknown as invokes.
    let answer = raw
        .exchange(r#"{"kind":"invoke","id":2,"channel":"app_ipc:set_title","payload":["x"]}"#)
        .await;
    assert_eq!(kind(&answer), "unknown_channel");
    let answer = raw
        .exchange(r#"{"kind":"invoke","id":3,"channel":"app_ipc:update_counter","payload":[1]}"#)
        .await;
    assert_eq!(kind(&answer), "unknown_channel");
    raw.handler_untouched();
    raw.still_serves().await;
}

#[tokio::test]
async fn origins_are_checked_before_decoding() {
    let mut raw = connect("https://evil.example", true);
    // Even an undecodable payload is answered with `denied`: the origin check comes first.
    let answer = raw
        .exchange(r#"{"kind":"invoke","id":1,"channel":"app_ipc:open_file","payload":"garbage"}"#)
        .await;
    assert_eq!(
        answer,
        json!({"kind":"error","id":1,"error":{"kind":"denied","channel":"app_ipc:open_file","origin":"https://evil.example"}})
    );
    let answer = raw
        .exchange(r#"{"kind":"send","channel":"app_ipc:set_title","payload":["pwned"]}"#)
        .await;
    assert_eq!(
        answer["id"],
        Value::Null,
        "a refused send is answered without an id"
    );
    assert_eq!(kind(&answer), "denied");
    raw.handler_untouched();
}

#[tokio::test]
async fn origin_matching_is_exact() {
    for origin in [
        "app://main.evil",
        "app://mai",
        "APP://main",
        "app://main/",
        "",
        "null",
    ] {
        let mut raw = connect(origin, true);
        let answer = raw
            .exchange(r#"{"kind":"invoke","id":1,"channel":"app_ipc:open_file","payload":["/x"]}"#)
            .await;
        assert_eq!(kind(&answer), "denied", "{origin:?}");
    }
}

#[tokio::test]
async fn method_allowlists_override_the_trait_list() {
    let mut main = connect("app://main", true);
    let answer = main
        .exchange(r#"{"kind":"invoke","id":1,"channel":"app_ipc:settings_only","payload":[]}"#)
        .await;
    assert_eq!(kind(&answer), "denied");
    let mut settings = connect("app://settings", true);
    let answer = settings
        .exchange(r#"{"kind":"invoke","id":1,"channel":"app_ipc:settings_only","payload":[]}"#)
        .await;
    assert_eq!(
        answer,
        json!({"kind":"reply","id":1,"payload":"app://settings"})
    );
}

#[tokio::test]
async fn subframes_are_refused_unless_the_channel_opts_in() {
    let mut frame = connect("app://main", false);
    let answer = frame
        .exchange(r#"{"kind":"invoke","id":1,"channel":"app_ipc:open_file","payload":["/x"]}"#)
        .await;
    assert_eq!(kind(&answer), "denied");
    let answer = frame
        .exchange(r#"{"kind":"invoke","id":2,"channel":"app_ipc:frame_friendly","payload":[]}"#)
        .await;
    assert_eq!(answer, json!({"kind":"reply","id":2,"payload":true}));
}

#[tokio::test]
async fn oversized_messages_are_refused_before_parsing_and_settle_their_call() {
    let limits = Limits {
        max_message_bytes: 256,
        ..Limits::default()
    };
    let mut raw = connect_with("app://main", true, limits);
    let big = "x".repeat(1_000);
    let message =
        format!(r#"{{"kind":"invoke","id":77,"channel":"app_ipc:open_file","payload":["{big}"]}}"#);
    let size = message.len();
    let answer = raw.exchange(message).await;
    assert_eq!(answer["id"], 77);
    assert_eq!(
        answer["error"],
        json!({"kind":"too_large","size":size,"limit":256})
    );
    let answer = raw
        .exchange(format!(
            r#"{{"kind":"send","channel":"app_ipc:set_title","payload":["{big}"]}}"#
        ))
        .await;
    assert_eq!(answer["id"], Value::Null);
    assert_eq!(kind(&answer), "too_large");
    raw.handler_untouched();
    raw.still_serves().await;
}

#[tokio::test]
async fn duplicate_ids_do_not_disturb_the_running_call() {
    let mut raw = connect("app://main", true);
    raw.send(r#"{"kind":"invoke","id":5,"channel":"app_ipc:slow","payload":[30]}"#)
        .await;
    let answer = raw
        .exchange(r#"{"kind":"invoke","id":5,"channel":"app_ipc:slow","payload":[1]}"#)
        .await;
    assert_eq!(
        answer["id"],
        Value::Null,
        "the duplicate's error must not settle call 5"
    );
    assert_eq!(kind(&answer), "protocol");
    assert_eq!(
        raw.next().await,
        json!({"kind":"reply","id":5,"payload":30})
    );
}

#[tokio::test]
async fn too_many_calls_in_flight_are_refused_with_their_id() {
    let limits = Limits {
        max_in_flight: 2,
        ..Limits::default()
    };
    let mut raw = connect_with("app://main", true, limits);
    raw.send(r#"{"kind":"invoke","id":1,"channel":"app_ipc:slow","payload":[40]}"#)
        .await;
    raw.send(r#"{"kind":"invoke","id":2,"channel":"app_ipc:slow","payload":[40]}"#)
        .await;
    let answer = raw
        .exchange(r#"{"kind":"invoke","id":3,"channel":"app_ipc:slow","payload":[1]}"#)
        .await;
    assert_eq!(answer["id"], 3);
    assert_eq!(kind(&answer), "protocol");
    let mut replies = vec![
        raw.next().await["id"].as_u64(),
        raw.next().await["id"].as_u64(),
    ];
    replies.sort_unstable();
    assert_eq!(replies, vec![Some(1), Some(2)]);
}

#[tokio::test]
async fn cancel_for_an_unknown_id_is_ignored() {
    let mut raw = connect("app://main", true);
    raw.send(r#"{"kind":"cancel","id":12345}"#).await;
    raw.still_serves().await;
}

#[tokio::test]
async fn a_wire_cancel_stops_the_handler() {
    let mut raw = connect("app://main", true);
    raw.send(r#"{"kind":"invoke","id":8,"channel":"app_ipc:slow","payload":[10000]}"#)
        .await;
    raw.send(r#"{"kind":"invoke","id":9,"channel":"app_ipc:open_file","payload":[""]}"#)
        .await;
    assert_eq!(raw.next().await["id"], 9, "the invoke is running");
    let answer = raw.exchange(r#"{"kind":"cancel","id":8}"#).await;
    assert_eq!(
        answer,
        json!({"kind":"error","id":8,"error":{"kind":"cancelled"}})
    );
    assert_eq!(*raw.handler.cancelled.lock().unwrap(), vec![10000]);
}
