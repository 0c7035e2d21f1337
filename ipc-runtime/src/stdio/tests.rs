//! `serve_io` over in-memory pipes, with a hand-written two-channel service.

use crate::ConnectionEvent;
use futures_util::{SinkExt, StreamExt as _};
use serde_json::Value;
use tokio::io::{DuplexStream, ReadHalf, WriteHalf};
use tokio_util::bytes::Bytes;
use tokio_util::codec::{FramedRead, FramedWrite, LengthDelimitedCodec};

use super::serve_io;
use crate::caller::Caller;
use crate::server::Server;
use crate::service::{
    ChannelDescriptor, ChannelKind, DecodeError, HandlerFuture, Service, ServiceDescriptor,
    decode_args, encode_value,
};

static DESCRIPTOR: ServiceDescriptor = ServiceDescriptor {
    name: "Test",
    channels: &[
        ChannelDescriptor {
            name: "t:echo",
            method: "echo",
            kind: ChannelKind::Invoke,
            allow_origins: &["app://main"],
            allow_subframes: false,
            timeout_ms: None,
            stream_window: None,
        },
        ChannelDescriptor {
            name: "t:hang",
            method: "hang",
            kind: ChannelKind::Invoke,
            allow_origins: &["app://main"],
            allow_subframes: false,
            timeout_ms: None,
            stream_window: None,
        },
    ],
};

struct TestService;

impl Service for TestService {
    fn descriptor(&self) -> &'static ServiceDescriptor {
        &DESCRIPTOR
    }

    fn dispatch(
        &self,
        channel: usize,
        caller: Caller,
        payload: &str,
    ) -> Result<HandlerFuture, DecodeError> {
        let (text,): (String,) = decode_args(payload)?;
        Ok(match channel {
            0 => Box::pin(async move { encode_value(&format!("{text} from {}", caller.origin())) }),
            _ => Box::pin(std::future::pending()),
        })
    }
}

struct Parent {
    to_child: FramedWrite<WriteHalf<DuplexStream>, LengthDelimitedCodec>,
    from_child: FramedRead<ReadHalf<DuplexStream>, LengthDelimitedCodec>,
}

impl Parent {
    async fn send_raw(&mut self, body: &[u8]) {
        self.to_child
            .send(Bytes::copy_from_slice(body))
            .await
            .unwrap();
    }

    async fn send(&mut self, frame: &Value) {
        self.send_raw(frame.to_string().as_bytes()).await;
    }

    /// An invoke in a text frame, as the Electron glue sends it.
    async fn invoke(&mut self, caller: u64, id: u64, channel: &str, arg: &str) {
        let text =
            serde_json::json!({"kind": "invoke", "id": id, "channel": channel, "payload": [arg]});
        self.send_raw(&text_frame(caller, &text.to_string())).await;
    }

    /// The same invoke in the JSON `message` frame.
    async fn invoke_json(&mut self, caller: u64, id: u64, channel: &str, arg: &str) {
        let text =
            serde_json::json!({"kind": "invoke", "id": id, "channel": channel, "payload": [arg]});
        self.send(
            &serde_json::json!({"op": "message", "caller": caller, "text": text.to_string()}),
        )
        .await;
    }

    async fn eof(&mut self) {
        SinkExt::<Bytes>::close(&mut self.to_child).await.unwrap();
    }

    /// The next frame as JSON; a text frame becomes `{"op":"message","caller":K,"text":<envelope>}`.
    async fn next(&mut self) -> Value {
        let body = self.from_child.next().await.expect("child closed").unwrap();
        if body.first() == Some(&1) {
            let caller = u64::from_be_bytes(body[1..9].try_into().unwrap());
            let text: Value = serde_json::from_slice(&body[9..]).unwrap();
            return serde_json::json!({"op": "message", "caller": caller, "text": text});
        }
        serde_json::from_slice(&body).unwrap()
    }
}

fn start(
    server: Server,
) -> (
    Parent,
    tokio::task::JoinHandle<Result<(), super::StdioError>>,
) {
    start_with_pipes(server, 64 * 1024)
}

/// [`start`] with pipes that hold `capacity` bytes each way.
fn start_with_pipes(
    server: Server,
    capacity: usize,
) -> (
    Parent,
    tokio::task::JoinHandle<Result<(), super::StdioError>>,
) {
    let (parent, child) = tokio::io::duplex(capacity);
    let (child_read, child_write) = tokio::io::split(child);
    let (parent_read, parent_write) = tokio::io::split(parent);
    let session = tokio::spawn(serve_io(server, child_read, child_write));
    let parent = Parent {
        to_child: FramedWrite::new(parent_write, LengthDelimitedCodec::new()),
        from_child: FramedRead::new(parent_read, LengthDelimitedCodec::new()),
    };
    (parent, session)
}

/// `[1][caller: u64 BE][envelope]`.
fn text_frame(caller: u64, text: &str) -> Vec<u8> {
    let mut body = vec![1];
    body.extend_from_slice(&caller.to_be_bytes());
    body.extend_from_slice(text.as_bytes());
    body
}

fn open(caller: u64, origin: &str) -> Value {
    serde_json::json!({"op": "open", "caller": caller, "origin": origin, "topFrame": true})
}

#[tokio::test]
async fn routes_replies_refuses_bad_frames_and_ends_on_eof() {
    let (mut parent, session) = start(Server::new(TestService));
    parent.send(&open(1, "app://main")).await;
    parent.send(&open(2, "https://evil.example")).await;

    parent.invoke(1, 10, "t:echo", "hi").await;
    let reply = parent.next().await;
    assert_eq!(reply["op"], "message");
    assert_eq!(reply["caller"], 1);
    assert_eq!(reply["text"]["kind"], "reply");
    assert_eq!(reply["text"]["id"], 10);
    assert_eq!(reply["text"]["payload"], "hi from app://main");

    parent.invoke(2, 10, "t:echo", "hi").await;
    let denied = parent.next().await;
    assert_eq!(denied["caller"], 2);
    assert_eq!(denied["text"]["kind"], "error");
    assert_eq!(denied["text"]["error"]["kind"], "denied");

    parent.send_raw(b"{not json").await;
    let error = parent.next().await;
    assert_eq!(error["op"], "error");
    assert!(error.get("caller").is_none());

    parent.invoke(99, 1, "t:echo", "hi").await;
    let unknown = parent.next().await;
    assert_eq!(unknown["op"], "error");
    assert_eq!(unknown["caller"], 99);
    assert_eq!(unknown["id"], 1, "the refused call is named: {unknown}");
    assert_eq!(unknown["error"]["kind"], "protocol");

    parent.send(&open(1, "app://main")).await;
    let reused = parent.next().await;
    assert_eq!(reused["op"], "error");
    assert_eq!(reused["caller"], 1);

    // A text frame whose envelope is not UTF-8: its renderer gets a `protocol` error, by id when it has one.
    let mut not_utf8 = text_frame(
        1,
        r#"{"kind":"invoke","id":13,"channel":"t:echo","payload":[""#,
    );
    not_utf8.extend_from_slice(b"\xff\"]}");
    parent.send_raw(&not_utf8).await;
    let not_utf8_error = parent.next().await;
    assert_eq!(not_utf8_error["op"], "message");
    assert_eq!(not_utf8_error["caller"], 1);
    assert_eq!(not_utf8_error["text"]["id"], 13, "{not_utf8_error}");
    assert_eq!(not_utf8_error["text"]["error"]["kind"], "protocol");

    // The JSON `message` frame carries an envelope just as well; the reply is a text frame either way.
    parent.invoke_json(1, 12, "t:echo", "json").await;
    let reply = parent.next().await;
    assert_eq!(reply["caller"], 1);
    assert_eq!(reply["text"]["payload"], "json from app://main");

    // Still serving after all of that.
    parent.invoke(1, 11, "t:echo", "again").await;
    assert_eq!(
        parent.next().await["text"]["payload"],
        "again from app://main"
    );

    // EOF: both callers get `closed`, then the output ends and the session returns Ok.
    parent.eof().await;
    let mut closed = vec![parent.next().await, parent.next().await];
    closed.sort_by_key(|f| f["caller"].as_u64());
    assert_eq!(
        closed,
        [
            serde_json::json!({"op": "closed", "caller": 1}),
            serde_json::json!({"op": "closed", "caller": 2})
        ]
    );
    assert!(parent.from_child.next().await.is_none());
    session.await.unwrap().unwrap();
}

/// A `validate` reaches the connection like any envelope; this hand-written service cannot validate, so it
/// is refused with its id (a generated one answers it: `tests/tests/stdio_catalogue.rs`).
#[tokio::test]
async fn a_validate_for_a_service_that_cannot_validate_is_refused_with_its_id() {
    let (mut parent, session) = start(Server::new(TestService));
    parent.send(&open(1, "app://main")).await;
    let validate = r#"{"kind":"validate","id":4,"channel":"t:echo","payload":["x"]}"#;
    parent.send_raw(&text_frame(1, validate)).await;
    let refused = parent.next().await;
    assert_eq!(refused["caller"], 1, "{refused}");
    assert_eq!(refused["text"]["id"], 4, "{refused}");
    assert_eq!(refused["text"]["error"]["kind"], "protocol", "{refused}");
    // The checks come first: an unknown channel is that, whatever the service can do.
    let unknown = r#"{"kind":"validate","id":5,"channel":"t:nope","payload":["x"]}"#;
    parent.send_raw(&text_frame(1, unknown)).await;
    let refused = parent.next().await;
    assert_eq!(
        refused["text"]["error"]["kind"], "unknown_channel",
        "{refused}"
    );
    parent.invoke(1, 6, "t:echo", "still").await;
    assert_eq!(
        parent.next().await["text"]["payload"],
        "still from app://main"
    );
    parent.eof().await;
    assert_eq!(parent.next().await["op"], "closed");
    session.await.unwrap().unwrap();
}

#[tokio::test]
async fn close_cancels_in_flight_invokes_before_closed() {
    let (mut parent, session) = start(Server::new(TestService));
    parent.send(&open(5, "app://main")).await;
    parent.invoke(5, 1, "t:hang", "x").await;
    // A reply on the same caller proves the hanging invoke was admitted before the close.
    parent.invoke(5, 2, "t:echo", "y").await;
    assert_eq!(parent.next().await["text"]["id"], 2);
    parent
        .send(&serde_json::json!({"op": "close", "caller": 5}))
        .await;
    let cancelled = parent.next().await;
    assert_eq!(cancelled["caller"], 5);
    assert_eq!(cancelled["text"]["id"], 1);
    assert_eq!(cancelled["text"]["error"]["kind"], "cancelled");
    assert_eq!(
        parent.next().await,
        serde_json::json!({"op": "closed", "caller": 5})
    );
    parent.invoke(5, 3, "t:echo", "z").await;
    assert_eq!(parent.next().await["op"], "error");
    drop(parent);
    // The output is gone too, so the session may end with a write error or Ok; it must end.
    let _ = session.await.unwrap();
}

#[tokio::test]
async fn oversized_frames_are_skipped() {
    let limits = crate::Limits {
        max_message_bytes: 16,
        ..crate::Limits::default()
    };
    let (mut parent, session) = start(Server::builder(TestService).limits(limits).build());
    parent.send_raw(&vec![b' '; 4096]).await;
    let error = parent.next().await;
    assert_eq!(error["op"], "error");
    assert!(
        error["message"].as_str().unwrap().contains("4096"),
        "{error}"
    );
    parent.send(&open(1, "app://main")).await;
    parent.invoke(1, 1, "t:echo", "a").await;
    // Over the runtime's envelope limit but within the frame limit: a typed `too_large` for the renderer.
    assert_eq!(parent.next().await["text"]["error"]["kind"], "too_large");
    parent.eof().await;
    assert_eq!(parent.next().await["op"], "closed");
    session.await.unwrap().unwrap();
}

/// A frame over the frame limit is skipped, but its first bytes still name its caller and call: an open
/// caller's call gets the `too_large` envelope an oversized envelope gets, in every frame form; a key that is
/// not open gets an `error` frame naming both.
#[tokio::test]
async fn an_oversized_frame_is_answered_to_the_call_it_carries() {
    let limits = crate::Limits {
        max_message_bytes: 128,
        ..crate::Limits::default()
    };
    // The frame limit: 2 × 128 + 1 KiB; the envelopes below are 2 KB.
    let (mut parent, session) = start(Server::builder(TestService).limits(limits).build());
    parent.send(&open(1, "app://main")).await;
    let big = "x".repeat(2000);
    // In the bridges' field order, which is what the first bytes are read for (`json!` sorts the keys).
    let invoke = |id: u64| {
        format!(r#"{{"kind":"invoke","id":{id},"channel":"t:echo","payload":["{big}"]}}"#)
    };

    let text = text_frame(1, &invoke(5));
    parent.send_raw(&text).await;
    assert_eq!(
        parent.next().await,
        serde_json::json!({"op": "message", "caller": 1, "text": {"kind": "error", "id": 5,
            "error": {"kind": "too_large", "size": text.len() - 9, "limit": 128}}})
    );

    let validate = invoke(6).replacen("invoke", "validate", 1);
    parent.send_raw(&text_frame(1, &validate)).await;
    let answer = parent.next().await;
    assert_eq!(answer["text"]["id"], 6, "{answer}");
    assert_eq!(answer["text"]["error"]["kind"], "too_large", "{answer}");

    let escaped = serde_json::to_string(&invoke(7)).unwrap();
    let message = format!(r#"{{"op":"message","caller":1,"text":{escaped}}}"#);
    parent.send_raw(message.as_bytes()).await;
    let answer = parent.next().await;
    assert_eq!(answer["caller"], 1, "{answer}");
    assert_eq!(answer["text"]["id"], 7, "{answer}");
    assert_eq!(answer["text"]["error"]["kind"], "too_large", "{answer}");

    let binary = crate::binary::frame::encode(&invoke(8), &[]);
    let mut body = vec![0];
    body.extend_from_slice(&1u64.to_be_bytes());
    body.extend_from_slice(&binary);
    parent.send_raw(&body).await;
    let answer = parent.next().await;
    assert_eq!(answer["text"]["id"], 8, "{answer}");
    assert_eq!(answer["text"]["error"]["kind"], "too_large", "{answer}");

    // A running call's id is not this refusal's to settle: answered without it.
    parent.invoke(1, 9, "t:hang", "x").await;
    parent.send_raw(&text_frame(1, &invoke(9))).await;
    let answer = parent.next().await;
    assert_eq!(answer["text"]["kind"], "error", "{answer}");
    assert_eq!(answer["text"]["id"], serde_json::Value::Null, "{answer}");

    // A key that is not open: an `error` frame with the key, the id and the typed refusal.
    parent.send_raw(&text_frame(4, &invoke(10))).await;
    let refused = parent.next().await;
    assert_eq!(refused["op"], "error", "{refused}");
    assert_eq!(refused["caller"], 4, "{refused}");
    assert_eq!(refused["id"], 10, "{refused}");
    assert_eq!(refused["error"]["kind"], "too_large", "{refused}");

    parent.invoke(1, 11, "t:echo", "ok").await;
    assert_eq!(parent.next().await["text"]["payload"], "ok from app://main");
    parent.eof().await;
    assert_eq!(parent.next().await["text"]["error"]["kind"], "cancelled");
    assert_eq!(parent.next().await["op"], "closed");
    session.await.unwrap().unwrap();
}

#[tokio::test]
async fn observer_sees_opens_closes_and_eof() {
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = events.clone();
    let host = super::StdioHost::new(Server::new(TestService))
        .on_connection(move |event| seen.lock().unwrap().push(event));
    let (parent, child) = tokio::io::duplex(64 * 1024);
    let (child_read, child_write) = tokio::io::split(child);
    let (parent_read, parent_write) = tokio::io::split(parent);
    let session = tokio::spawn(host.serve_io(child_read, child_write));
    let mut parent = Parent {
        to_child: FramedWrite::new(parent_write, LengthDelimitedCodec::new()),
        from_child: FramedRead::new(parent_read, LengthDelimitedCodec::new()),
    };
    parent.send(&open(1, "app://main")).await;
    parent.send(&open(2, "app://other")).await;
    parent
        .send(&serde_json::json!({"op": "close", "caller": 1}))
        .await;
    assert_eq!(parent.next().await["op"], "closed");
    parent.eof().await;
    while parent.from_child.next().await.is_some() {}
    session.await.unwrap().unwrap();

    let events = events.lock().unwrap().clone();
    let ids: Vec<_> = events
        .iter()
        .map(|event| match event {
            ConnectionEvent::Connected { id, .. } | ConnectionEvent::Disconnected { id } => *id,
        })
        .collect();
    assert_eq!(events.len(), 4, "{events:?}");
    assert_eq!(
        events[0],
        ConnectionEvent::Connected {
            id: ids[0],
            origin: "app://main".to_owned()
        }
    );
    assert_eq!(
        events[1],
        ConnectionEvent::Connected {
            id: ids[1],
            origin: "app://other".to_owned()
        }
    );
    assert_ne!(ids[0], ids[1]);
    // Closed explicitly, then the other one at EOF.
    assert_eq!(events[2], ConnectionEvent::Disconnected { id: ids[0] });
    assert_eq!(events[3], ConnectionEvent::Disconnected { id: ids[1] });
}

/// A parent that stops reading stops the child: its pipe fills, each caller's queue fills, the child stops
/// reading its input, and the parent's own writes wait. Once the parent reads again, every reply arrives, in
/// order for each caller, and each caller's `closed` comes after its last reply.
#[tokio::test]
async fn a_parent_that_stops_reading_holds_the_child_back_and_loses_nothing() {
    const CALLERS: u64 = 3;
    const CALLS: u64 = 200;
    let server = Server::builder(TestService)
        .limits(crate::Limits {
            outbound_queue: 4,
            ..crate::Limits::default()
        })
        .build();
    let (
        Parent {
            mut to_child,
            mut from_child,
        },
        session,
    ) = start_with_pipes(server, 2048);
    let writer = tokio::spawn(async move {
        for caller in 1..=CALLERS {
            let frame = open(caller, "app://main").to_string();
            to_child.send(Bytes::from(frame)).await.unwrap();
        }
        for id in 0..CALLS {
            for caller in 1..=CALLERS {
                let text = serde_json::json!({"kind": "invoke", "id": id, "channel": "t:echo", "payload": [id.to_string()]});
                to_child
                    .send(Bytes::from(text_frame(caller, &text.to_string())))
                    .await
                    .unwrap();
            }
        }
        SinkExt::<Bytes>::close(&mut to_child).await.unwrap();
    });
    // Nobody reads for a while: the writer above must be held back (the child stopped reading).
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(
        !writer.is_finished(),
        "the child kept reading with its output full"
    );

    let callers = usize::try_from(CALLERS).unwrap();
    let mut next_id = vec![0u64; callers];
    let mut closed = vec![false; callers];
    while let Some(body) = from_child.next().await {
        let body = body.unwrap();
        if body.first() == Some(&1) {
            let caller = u64::from_be_bytes(body[1..9].try_into().unwrap());
            let reply: Value = serde_json::from_slice(&body[9..]).unwrap();
            let slot = usize::try_from(caller - 1).unwrap();
            assert!(
                !closed[slot],
                "a reply for caller {caller} after its `closed`"
            );
            assert_eq!(reply["id"], next_id[slot], "caller {caller}: {reply}");
            assert_eq!(
                reply["payload"],
                format!("{} from app://main", next_id[slot])
            );
            next_id[slot] += 1;
        } else {
            let frame: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(frame["op"], "closed", "{frame}");
            closed[usize::try_from(frame["caller"].as_u64().unwrap() - 1).unwrap()] = true;
        }
    }
    assert_eq!(next_id, vec![CALLS; callers]);
    assert_eq!(closed, vec![true; callers]);
    writer.await.unwrap();
    session.await.unwrap().unwrap();
}
