//! The bad-input catalogue over the stdio host (`serve_io` on in-memory pipes, the code path the child
//! process runs): broken framing, broken frames and misuse of caller keys. Each case gets its refusal
//! frame, no handler runs, and the session keeps serving; the last case ends it mid-frame.

use std::sync::Arc;

use futures_util::{SinkExt as _, StreamExt as _};
use ipc_runtime::stdio::{StdioError, serve_io};
use ipc_runtime::{Limits, Server};
use ipc_tests::app::{AppIpcSchema, AppIpcService};
use ipc_tests::recording::Recorder;
use serde_json::{Value, json};
use tokio::io::{AsyncWriteExt as _, DuplexStream, ReadHalf, WriteHalf};
use tokio::task::JoinHandle;
use tokio_util::bytes::Bytes;
use tokio_util::codec::{FramedRead, FramedWrite, LengthDelimitedCodec};

struct Parent {
    handler: Arc<Recorder>,
    to_child: FramedWrite<WriteHalf<DuplexStream>, LengthDelimitedCodec>,
    from_child: FramedRead<ReadHalf<DuplexStream>, LengthDelimitedCodec>,
    session: JoinHandle<Result<(), StdioError>>,
}

impl Parent {
    fn start() -> Self {
        let handler = Arc::new(Recorder::default());
        // Frames above 2 × 512 + 1 KiB = 2048 bytes are skipped by the framing itself.
        let limits = Limits {
            max_message_bytes: 512,
            ..Limits::default()
        };
        let server = Server::builder(AppIpcService::from_arc(handler.clone()))
            .limits(limits)
            .build();
        let (parent, child) = tokio::io::duplex(64 * 1024);
        let (child_read, child_write) = tokio::io::split(child);
        let (parent_read, parent_write) = tokio::io::split(parent);
        Self {
            handler,
            to_child: FramedWrite::new(parent_write, LengthDelimitedCodec::new()),
            from_child: FramedRead::new(parent_read, LengthDelimitedCodec::new()),
            session: tokio::spawn(serve_io(server, child_read, child_write)),
        }
    }

    async fn send_raw(&mut self, body: &[u8]) {
        self.to_child
            .send(Bytes::copy_from_slice(body))
            .await
            .unwrap();
    }

    async fn send(&mut self, frame: &Value) {
        self.send_raw(frame.to_string().as_bytes()).await;
    }

    /// One envelope in a text frame, as the Electron glue sends it.
    async fn message(&mut self, caller: u64, text: &str) {
        self.send_raw(&text_frame(caller, text.as_bytes())).await;
    }

    /// The same in the JSON `message` frame.
    async fn json_message(&mut self, caller: u64, text: &str) {
        self.send(&json!({"op": "message", "caller": caller, "text": text}))
            .await;
    }

    /// The next frame as JSON; a text frame becomes `{"op":"message","caller":K,"text":<envelope>}`.
    async fn next(&mut self) -> Value {
        let body = self.from_child.next().await.expect("child open").unwrap();
        if body.first() == Some(&1) {
            let caller = u64::from_be_bytes(body[1..9].try_into().unwrap());
            let text: Value = serde_json::from_slice(&body[9..]).expect("envelope JSON");
            return json!({"op": "message", "caller": caller, "text": text});
        }
        serde_json::from_slice(&body).expect("JSON frame")
    }

    /// The frame answering a bad input: an `error` frame naming `caller` (or none) and no call.
    async fn refused(&mut self, caller: Option<u64>, name: &str) {
        self.refused_call(caller, None, name).await;
    }

    /// The frame answering a bad input: an `error` frame naming `caller` and call `id` (or none), with a
    /// typed error to settle that call with. Returns the error.
    async fn refused_call(&mut self, caller: Option<u64>, id: Option<u64>, name: &str) -> Value {
        let frame = self.next().await;
        assert_eq!(frame["op"], "error", "{name}: {frame}");
        assert_eq!(frame["caller"].as_u64(), caller, "{name}: {frame}");
        assert_eq!(frame["id"].as_u64(), id, "{name}: {frame}");
        assert!(frame["message"].is_string(), "{name}: {frame}");
        assert!(frame["error"]["kind"].is_string(), "{name}: {frame}");
        frame["error"].clone()
    }

    /// Caller 1 still gets a reply, and nothing but that probe ever reached a handler.
    async fn still_serves(&mut self, name: &str, probe_id: u64) {
        let text =
            json!({"kind":"invoke","id":probe_id,"channel":"app_ipc:open_file","payload":["/ok"]});
        self.message(1, &text.to_string()).await;
        let frame = self.next().await;
        assert_eq!(frame["caller"], 1, "{name}: {frame}");
        assert_eq!(frame["text"]["kind"], "reply", "{name}: {frame}");
        assert_eq!(frame["text"]["id"], probe_id, "{name}: {frame}");
        assert!(
            self.handler.calls().iter().all(|c| c == "open_file(/ok)"),
            "{name}: {:?}",
            self.handler.calls()
        );
    }
}

/// `[1][caller: u64 BE][envelope]`.
fn text_frame(caller: u64, envelope: &[u8]) -> Vec<u8> {
    [&[1u8][..], &caller.to_be_bytes(), envelope].concat()
}

fn open(caller: u64) -> Value {
    json!({
        "op": "open",
        "caller": caller,
        "origin": "app://main",
        "topFrame": true,
        "fingerprint": AppIpcSchema::fingerprint(),
    })
}

#[tokio::test]
async fn unreadable_frames_are_refused_without_a_caller_and_the_session_goes_on() {
    let mut parent = Parent::start();
    parent.send(&open(1)).await;
    let cases: [(&str, Vec<u8>); 11] = [
        ("empty frame", vec![]),
        ("not JSON", b"hello".to_vec()),
        ("invalid UTF-8", b"\xff\xfe{}".to_vec()),
        (
            "truncated JSON",
            br#"{"op":"message","caller":1,"te"#.to_vec(),
        ),
        ("unknown op", br#"{"op":"launch","caller":1}"#.to_vec()),
        (
            "missing field",
            br#"{"op":"open","caller":2,"origin":"app://main"}"#.to_vec(),
        ),
        (
            "caller of the wrong type",
            br#"{"op":"close","caller":"1"}"#.to_vec(),
        ),
        (
            "extra field",
            br#"{"op":"close","caller":1,"force":true}"#.to_vec(),
        ),
        (
            "lone surrogate in the text",
            br#"{"op":"message","caller":1,"text":"\ud800"}"#.to_vec(),
        ),
        ("binary frame without a caller key", vec![0, 0, 0, 1]),
        ("text frame without a caller key", vec![1, 0, 0, 1]),
    ];
    for (i, (name, body)) in cases.into_iter().enumerate() {
        parent.send_raw(&body).await;
        parent.refused(None, name).await;
        parent.still_serves(name, i as u64).await;
    }
}

#[tokio::test]
async fn an_oversized_frame_is_skipped_whole_and_the_next_frame_is_read() {
    let mut parent = Parent::start();
    parent.send(&open(1)).await;
    // Keys sorted (as `json!` writes them): the frame's head names no caller.
    let big = json!({"op":"message","caller":1,"text":"x".repeat(5_000)});
    parent.send(&big).await;
    parent.refused(None, "oversized frame").await;
    parent.still_serves("oversized frame", 1).await;
}

/// Over the frame limit (2 × 512 + 1 KiB here), a frame is skipped unread, but the caller key and invoke id
/// in its first bytes still get the call its answer: the `too_large` error envelope for an open caller, an
/// `error` frame naming both for a key that is not open.
#[tokio::test]
async fn an_oversized_frame_still_settles_the_call_it_carries() {
    let mut parent = Parent::start();
    parent.send(&open(1)).await;
    let invoke = format!(
        r#"{{"kind":"invoke","id":21,"channel":"app_ipc:open_file","payload":["{}"]}}"#,
        "x".repeat(5_000)
    );
    parent.message(1, &invoke).await;
    let frame = parent.next().await;
    assert_eq!(
        frame,
        json!({"op": "message", "caller": 1, "text": {"kind": "error", "id": 21,
            "error": {"kind": "too_large", "size": invoke.len(), "limit": 512}}})
    );
    let escaped = serde_json::to_string(&invoke).unwrap();
    let message = format!(r#"{{"op":"message","caller":1,"text":{escaped}}}"#);
    parent.send_raw(message.as_bytes()).await;
    let frame = parent.next().await;
    assert_eq!(frame["text"]["id"], 21, "{frame}");
    assert_eq!(frame["text"]["error"]["kind"], "too_large", "{frame}");

    parent.message(8, &invoke).await;
    let error = parent
        .refused_call(Some(8), Some(21), "oversized invoke for a key never opened")
        .await;
    assert_eq!(error["kind"], "too_large");
    parent.still_serves("oversized invoke", 2).await;
}

#[tokio::test]
async fn misused_caller_keys_are_refused_with_the_key() {
    let mut parent = Parent::start();
    parent.send(&open(1)).await;
    let invoke = r#"{"kind":"invoke","id":5,"channel":"app_ipc:open_file","payload":["/bad"]}"#;

    parent.json_message(7, invoke).await;
    parent
        .refused_call(Some(7), Some(5), "JSON message for a key never opened")
        .await;

    parent.send(&json!({"op":"close","caller":7})).await;
    parent.refused(Some(7), "close of a key never opened").await;

    parent.send(&open(1)).await;
    parent.refused(Some(1), "open of a key already open").await;

    parent
        .send_raw(&[[0u8].as_slice(), &7u64.to_be_bytes(), &[0, 0, 0, 0]].concat())
        .await;
    parent
        .refused(Some(7), "binary message for a key never opened")
        .await;

    parent.send_raw(&text_frame(7, invoke.as_bytes())).await;
    parent
        .refused_call(Some(7), Some(5), "text message for a key never opened")
        .await;

    // Not UTF-8, for an open caller: its renderer gets the `protocol` error (no call named here).
    parent.send_raw(&text_frame(1, b"{\"kind\":\xff}")).await;
    let frame = parent.next().await;
    assert_eq!(
        frame,
        json!({"op": "message", "caller": 1, "text": {"kind": "error",
            "error": {"kind": "protocol", "message": "the text frame for caller 1 is not UTF-8"}}})
    );

    // An invoke after its renderer disconnected: the key is closed for good.
    parent.send(&open(2)).await;
    parent.send(&json!({"op":"close","caller":2})).await;
    assert_eq!(parent.next().await, json!({"op":"closed","caller":2}));
    parent.message(2, invoke).await;
    parent
        .refused_call(Some(2), Some(5), "invoke after disconnect")
        .await;
    parent.send(&open(2)).await;
    parent.refused(Some(2), "reopen of a closed key").await;

    parent.still_serves("misused keys", 1).await;
}

#[tokio::test]
async fn an_open_with_another_or_no_fingerprint_is_refused_typed_and_its_key_stays_dead() {
    let mut parent = Parent::start();
    parent.send(&open(1)).await;
    let expected = AppIpcSchema::fingerprint();
    let invoke = r#"{"kind":"invoke","id":5,"channel":"app_ipc:open_file","payload":["/stale"]}"#;
    for (caller, fingerprint) in [(2, Some("0123456789abcdef")), (3, None)] {
        let mut frame = open(caller);
        match fingerprint {
            Some(stale) => frame["fingerprint"] = json!(stale),
            None => {
                frame.as_object_mut().unwrap().remove("fingerprint");
            }
        }
        parent.send(&frame).await;
        assert_eq!(
            parent.next().await,
            json!({"op": "refused", "caller": caller, "error": {
                "kind": "version_mismatch",
                "traitName": "AppIpc",
                "expected": expected,
                "actual": fingerprint,
            }})
        );
        // The key never became a caller: its envelopes reach no handler and are not answered (the parent
        // has its answer), its close is accepted quietly, and it cannot be reopened.
        parent.message(caller, invoke).await;
        parent.json_message(caller, invoke).await;
        parent.send(&json!({"op": "close", "caller": caller})).await;
        parent.send(&open(caller)).await;
        parent
            .refused(Some(caller), "reopen of a refused key")
            .await;
    }
    parent.still_serves("refused fingerprints", 1).await;
    assert_eq!(parent.handler.live(), 0);
}

#[tokio::test]
async fn a_bad_envelope_or_binary_message_is_answered_to_its_renderer_only() {
    let mut parent = Parent::start();
    parent.send(&open(1)).await;
    parent.send(&open(2)).await;
    parent
        .message(
            2,
            r#"{"kind":"invoke","id":3,"channel":"app_ipc:nope","payload":[]}"#,
        )
        .await;
    let frame = parent.next().await;
    assert_eq!(frame["caller"], 2);
    assert_eq!(
        frame["text"],
        json!({"kind":"error","id":3,"error":{"kind":"unknown_channel","channel":"app_ipc:nope"}})
    );

    // A binary message whose envelope length runs past its end.
    let truncated = [[0u8].as_slice(), &2u64.to_be_bytes(), &[0, 0, 0, 99], b"{}"].concat();
    parent.send_raw(&truncated).await;
    let frame = parent.next().await;
    assert_eq!(frame["caller"], 2, "{frame}");
    assert_eq!(frame["text"]["kind"], "error", "{frame}");
    assert_eq!(frame["text"]["error"]["kind"], "protocol", "{frame}");
    parent.still_serves("bad envelope", 1).await;
}

/// The stdio core answers `validate` envelopes, text or JSON `message` frames alike, to their caller: the
/// arguments as the handler would get them, or the invoke's refusal. No handler runs.
#[tokio::test]
async fn a_validate_is_answered_with_the_normalized_arguments_and_runs_no_handler() {
    let mut parent = Parent::start();
    parent.send(&open(1)).await;
    parent.send(&open(2)).await;
    parent
        .message(
            2,
            r#"{"kind":"validate","id":1,"channel":"app_ipc:open_file","payload":[ "/ab" ]}"#,
        )
        .await;
    assert_eq!(
        parent.next().await,
        json!({"op": "message", "caller": 2, "text": {"kind": "reply", "id": 1, "payload": ["/ab"]}})
    );
    parent
        .json_message(
            1,
            r#"{"kind":"validate","id":2,"channel":"app_ipc:set_title","payload":[7]}"#,
        )
        .await;
    let frame = parent.next().await;
    assert_eq!(frame["caller"], 1, "{frame}");
    assert_eq!(frame["text"]["id"], 2, "{frame}");
    assert_eq!(frame["text"]["error"]["kind"], "invalid_input", "{frame}");
    parent
        .message(
            1,
            r#"{"kind":"validate","id":3,"channel":"app_ipc:update_counter","payload":[1]}"#,
        )
        .await;
    let frame = parent.next().await;
    assert_eq!(frame["text"]["error"]["kind"], "unknown_channel", "{frame}");
    assert!(
        parent.handler.calls().is_empty(),
        "{:?}",
        parent.handler.calls()
    );
    parent.still_serves("validate", 4).await;
}

#[tokio::test]
async fn input_ending_inside_a_frame_ends_the_session_with_a_read_error() {
    let mut parent = Parent::start();
    parent.send(&open(1)).await;
    parent.still_serves("before", 1).await;
    // A length prefix promising 100 bytes, 3 bytes of body, then EOF.
    let inner = parent.to_child.get_mut();
    inner
        .write_all(&[0, 0, 0, 100, b'{', b'"', b'o'])
        .await
        .unwrap();
    inner.shutdown().await.unwrap();
    let result = (&mut parent.session).await.unwrap();
    assert!(matches!(result, Err(StdioError::Read(_))), "{result:?}");
    assert_eq!(parent.handler.live(), 0, "every handler has ended");
}
