//! The bad-input catalogue over the in-memory host: one named case per kind of hostile or malformed input.
//! Each case runs on a fresh connection whose handler records every call, and asserts the typed error (or
//! the silence, for inputs that are ignored), that no handler ran, and that the connection still serves.

use std::sync::Arc;

use ipc_runtime::{Client, IpcError, Limits, OutboundFrame, Server};
use ipc_tests::app::{AppIpcClient, AppIpcService};
use ipc_tests::recording::Recorder;
use serde_json::{Value, json};
use tokio::sync::mpsc;

const MAIN: &str = "app://main";
const PROBE: &str =
    r#"{"kind":"invoke","id":9999,"channel":"app_ipc:open_file","payload":["/ok"]}"#;

/// What a case must get back.
enum Expect {
    /// An `error` envelope of this kind, carrying this id (`None`: no id, the call could not be named).
    Error(&'static str, Option<u64>),
    /// Nothing at all: the next frame is the probe's reply.
    Silence,
}

struct Case {
    name: &'static str,
    origin: &'static str,
    top_frame: bool,
    input: String,
    expect: Expect,
}

fn case(name: &'static str, input: &str, expect: Expect) -> Case {
    Case {
        name,
        origin: MAIN,
        top_frame: true,
        input: input.to_owned(),
        expect,
    }
}

fn invoke(id: u64, channel: &str, payload: &str) -> String {
    format!(r#"{{"kind":"invoke","id":{id},"channel":"app_ipc:{channel}","payload":{payload}}}"#)
}

#[allow(clippy::too_many_lines)] // a table: one entry per case
fn catalogue() -> Vec<Case> {
    use Expect::{Error, Silence};
    let big = "x".repeat(600);
    vec![
        case("not json", "not json", Error("protocol", None)),
        case(
            "truncated envelope",
            r#"{"kind":"invoke","id":1,"chan"#,
            Error("protocol", None),
        ),
        case("empty message", "", Error("protocol", None)),
        case(
            "json array instead of object",
            "[1,2]",
            Error("protocol", None),
        ),
        case(
            "missing kind",
            r#"{"id":1,"channel":"app_ipc:open_file","payload":["/a"]}"#,
            Error("protocol", None),
        ),
        case(
            "unknown kind",
            r#"{"kind":"launch","id":1}"#,
            Error("protocol", None),
        ),
        case(
            "kind of wrong type",
            r#"{"kind":7,"id":1}"#,
            Error("protocol", None),
        ),
        case(
            "id as string",
            r#"{"kind":"invoke","id":"1","channel":"app_ipc:open_file","payload":["/a"]}"#,
            Error("protocol", None),
        ),
        case(
            "fractional id",
            r#"{"kind":"invoke","id":1.5,"channel":"app_ipc:open_file","payload":["/a"]}"#,
            Error("protocol", None),
        ),
        case(
            "id above u64",
            r#"{"kind":"invoke","id":18446744073709551616,"channel":"app_ipc:open_file","payload":["/a"]}"#,
            Error("protocol", None),
        ),
        case(
            "invoke without id",
            r#"{"kind":"invoke","channel":"app_ipc:open_file","payload":["/a"]}"#,
            Error("protocol", None),
        ),
        case(
            "invoke without payload",
            r#"{"kind":"invoke","id":3,"channel":"app_ipc:open_file"}"#,
            Error("protocol", Some(3)),
        ),
        case(
            "extra envelope field",
            r#"{"kind":"invoke","id":4,"channel":"app_ipc:open_file","payload":["/a"],"admin":true}"#,
            Error("protocol", None),
        ),
        case(
            "zero timeout",
            r#"{"kind":"invoke","id":5,"channel":"app_ipc:open_file","payload":["/a"],"timeoutMs":0}"#,
            Error("protocol", Some(5)),
        ),
        case(
            "renderer sends a reply (to an id never sent)",
            r#"{"kind":"reply","id":42,"payload":"x"}"#,
            Error("protocol", None),
        ),
        case(
            "renderer sends an event",
            r#"{"kind":"event","channel":"app_ipc:update_counter","payload":[1]}"#,
            Error("protocol", None),
        ),
        case(
            "renderer sends an error field",
            r#"{"kind":"invoke","id":6,"channel":"app_ipc:open_file","payload":["/a"],"error":{}}"#,
            Error("protocol", Some(6)),
        ),
        case(
            "send carrying an id",
            r#"{"kind":"send","id":7,"channel":"app_ipc:set_title","payload":["t"]}"#,
            Error("protocol", None),
        ),
        case(
            "cancel with a payload",
            r#"{"kind":"cancel","id":8,"payload":[]}"#,
            Error("protocol", None),
        ),
        case(
            "cancel for an unknown id",
            r#"{"kind":"cancel","id":123456}"#,
            Silence,
        ),
        case(
            "unknown channel",
            &invoke(9, "format_disk", "[]"),
            Error("unknown_channel", Some(9)),
        ),
        case(
            "send channel invoked",
            &invoke(10, "set_title", r#"["t"]"#),
            Error("unknown_channel", Some(10)),
        ),
        case(
            "event channel invoked",
            &invoke(11, "update_counter", "[1]"),
            Error("unknown_channel", Some(11)),
        ),
        case(
            "invoke channel sent to",
            r#"{"kind":"send","channel":"app_ipc:open_file","payload":["/a"]}"#,
            Error("unknown_channel", None),
        ),
        case(
            "wrong argument type",
            &invoke(12, "open_file", "[42]"),
            Error("invalid_input", Some(12)),
        ),
        case(
            "missing argument",
            &invoke(13, "open_file", "[]"),
            Error("invalid_input", Some(13)),
        ),
        case(
            "extra argument",
            &invoke(14, "open_file", r#"["/a","/b"]"#),
            Error("invalid_input", Some(14)),
        ),
        case(
            "payload object instead of array",
            &invoke(15, "open_file", r#"{"path":"/a"}"#),
            Error("invalid_input", Some(15)),
        ),
        case(
            "lone surrogate in a string argument",
            &invoke(16, "open_file", r#"["\ud800"]"#),
            Error("invalid_input", Some(16)),
        ),
        case(
            "negative value for u32",
            &invoke(17, "slow", "[-1]"),
            Error("invalid_input", Some(17)),
        ),
        case(
            "send with a bad argument",
            r#"{"kind":"send","channel":"app_ipc:set_title","payload":[{"t":1}]}"#,
            Error("invalid_input", None),
        ),
        case(
            "oversized invoke",
            &invoke(18, "open_file", &format!(r#"["{big}"]"#)),
            Error("too_large", Some(18)),
        ),
        // Never parsed, so answered with the id its first bytes name (seed from the `dispatch` fuzz target).
        case(
            "oversized invoke with a second id",
            &format!(
                r#"{{"kind":"invoke","id":22,"channel":"app_ipc:open_file","payload":["{big}"],"id":23}}"#
            ),
            Error("too_large", Some(22)),
        ),
        case(
            "oversized send",
            &format!(r#"{{"kind":"send","channel":"app_ipc:set_title","payload":["{big}"]}}"#),
            Error("too_large", None),
        ),
        Case {
            name: "foreign origin",
            origin: "https://evil.example",
            ..case(
                "",
                &invoke(19, "open_file", r#"["/a"]"#),
                Error("denied", Some(19)),
            )
        },
        Case {
            name: "foreign origin on a send",
            origin: "https://evil.example",
            ..case(
                "",
                r#"{"kind":"send","channel":"app_ipc:set_title","payload":["t"]}"#,
                Error("denied", None),
            )
        },
        Case {
            name: "origin outside the method's own list",
            ..case(
                "",
                &invoke(20, "settings_only", "[]"),
                Error("denied", Some(20)),
            )
        },
        Case {
            name: "subframe on a top-frame channel",
            top_frame: false,
            ..case(
                "",
                &invoke(21, "open_file", r#"["/a"]"#),
                Error("denied", Some(21)),
            )
        },
    ]
}

/// One connection driven at the wire level, with its recording handler.
struct Wire {
    handler: Arc<Recorder>,
    tx: mpsc::Sender<String>,
    rx: mpsc::Receiver<OutboundFrame>,
}

impl Wire {
    fn connect(origin: &str, top_frame: bool) -> Self {
        let handler = Arc::new(Recorder::default());
        let limits = Limits {
            max_message_bytes: 512,
            ..Limits::default()
        };
        let server = Server::builder(AppIpcService::from_arc(handler.clone()))
            .limits(limits)
            .build();
        let (tx, rx) = server.connect_raw(origin, top_frame);
        Self { handler, tx, rx }
    }

    async fn send(&self, text: impl Into<String>) {
        self.tx.send(text.into()).await.expect("connection open");
    }

    async fn exchange(&mut self, text: impl Into<String>) -> Value {
        self.send(text).await;
        self.next().await
    }

    async fn next(&mut self) -> Value {
        match self.rx.recv().await.expect("connection open") {
            OutboundFrame::Text(text) => serde_json::from_str(&text).expect("answers are JSON"),
            OutboundFrame::Binary(_) => panic!("no case here returns attachments"),
        }
    }
}

#[tokio::test]
async fn every_catalogued_input_gets_its_typed_error_and_reaches_no_handler() {
    let cases = catalogue();
    assert!(cases.len() >= 30, "the catalogue shrank to {}", cases.len());
    for case in cases {
        let name = case.name;
        let mut wire = Wire::connect(case.origin, case.top_frame);
        wire.send(case.input).await;
        if let Expect::Error(kind, id) = case.expect {
            let answer = wire.next().await;
            assert_eq!(answer["kind"], "error", "{name}: {answer}");
            assert_eq!(answer["error"]["kind"], kind, "{name}: {answer}");
            assert_eq!(answer["id"].as_u64(), id, "{name}: {answer}");
        }
        assert!(
            wire.handler.calls().is_empty(),
            "{name}: a handler ran: {:?}",
            wire.handler.calls()
        );
        // The connection survives (where the origin may call at all, the probe gets its reply).
        wire.send(PROBE).await;
        let answer = wire.next().await;
        assert_eq!(answer["id"], 9999, "{name}: {answer}");
        let served = case.origin == MAIN && case.top_frame;
        assert_eq!(
            answer["kind"],
            if served { "reply" } else { "error" },
            "{name}: {answer}"
        );
        let expected: Vec<String> = if served {
            vec!["open_file(/ok)".into()]
        } else {
            vec![]
        };
        assert_eq!(wire.handler.calls(), expected, "{name}");
    }
}

#[tokio::test]
async fn a_duplicate_in_flight_id_is_refused_and_a_finished_id_may_be_reused() {
    let mut wire = Wire::connect(MAIN, true);
    wire.send(invoke(5, "slow", "[30]")).await;
    wire.send(invoke(5, "open_file", r#"["/dup"]"#)).await;
    let refused = wire.next().await;
    assert_eq!(refused["error"]["kind"], "protocol");
    assert_eq!(
        refused["id"],
        Value::Null,
        "the refusal must not settle the running call 5"
    );
    assert_eq!(
        wire.next().await,
        json!({"kind":"reply","id":5,"payload":30})
    );
    // Id 5 is free again once its call has ended.
    wire.send(invoke(5, "open_file", r#"["/again"]"#)).await;
    assert_eq!(
        wire.next().await,
        json!({"kind":"reply","id":5,"payload":"contents of /again"})
    );
    assert_eq!(wire.handler.calls(), ["slow(30)", "open_file(/again)"]);
}

/// Regression (found by the `dispatch` fuzz target): a refused message that carried an id was answered
/// with that id even when it was not an invoke, or when the id belonged to a call still running; the
/// renderer's pending call with that id was then settled by someone else's refusal.
#[tokio::test]
async fn a_refusal_never_settles_a_running_call_that_has_its_id() {
    let mut wire = Wire::connect(MAIN, true);
    wire.send(invoke(5, "slow", "[40]")).await;
    let intruders = [
        r#"{"kind":"send","id":5,"channel":"app_ipc:set_title","payload":["t"]}"#.to_owned(),
        r#"{"kind":"send","id":5,"channel":"app_ipc:nope"}"#.to_owned(),
        r#"{"kind":"cancel","id":5,"payload":[]}"#.to_owned(),
        r#"{"kind":"reply","id":5,"payload":1}"#.to_owned(),
        r#"{"kind":"invoke","id":5,"channel":"app_ipc:open_file"}"#.to_owned(),
        invoke(5, "nope", "[]"),
        invoke(5, "settings_only", "[]"),
        invoke(5, "open_file", "[42]"),
    ];
    for intruder in &intruders {
        let answer = wire.exchange(intruder).await;
        assert_eq!(answer["kind"], "error", "{intruder}: {answer}");
        assert_eq!(
            answer["id"],
            Value::Null,
            "{intruder} settled call 5: {answer}"
        );
    }
    assert_eq!(
        wire.next().await,
        json!({"kind":"reply","id":5,"payload":40})
    );
    assert_eq!(wire.handler.calls(), ["slow(40)"]);
}

#[tokio::test]
async fn a_flood_of_refused_sends_is_answered_one_by_one_and_the_connection_survives() {
    const FLOOD: u64 = 5_000;
    let mut wire = Wire::connect("https://evil.example", true);
    let tx = wire.tx.clone();
    // Written while the answers are read: the runtime pushes back instead of queueing without bound.
    let writer = tokio::spawn(async move {
        for i in 0..FLOOD {
            let text =
                format!(r#"{{"kind":"send","channel":"app_ipc:set_title","payload":["{i}"]}}"#);
            tx.send(text).await.unwrap();
        }
    });
    for _ in 0..FLOOD {
        let answer = wire.next().await;
        assert_eq!(answer["error"]["kind"], "denied");
    }
    writer.await.unwrap();
    assert!(wire.handler.calls().is_empty());
    wire.send(invoke(1, "frame_friendly", "[]")).await;
    assert_eq!(
        wire.next().await["error"]["kind"],
        "denied",
        "still answering"
    );
}

#[tokio::test]
async fn a_flood_of_valid_sends_reaches_the_handler_exactly_once_each() {
    const FLOOD: usize = 5_000;
    let mut wire = Wire::connect(MAIN, true);
    for i in 0..FLOOD {
        wire.send(format!(
            r#"{{"kind":"send","channel":"app_ipc:counter_value","payload":[{i}]}}"#
        ))
        .await;
    }
    wire.send(PROBE).await;
    assert_eq!(wire.next().await["kind"], "reply");
    // Sends run as their own tasks: wait until every one has run, then compare as sets.
    while wire.handler.calls().len() < FLOOD + 1 {
        tokio::task::yield_now().await;
    }
    let mut seen = wire.handler.calls();
    seen.retain(|c| c.starts_with("counter_value"));
    seen.sort();
    let mut expected: Vec<String> = (0..FLOOD).map(|i| format!("counter_value({i})")).collect();
    expected.sort();
    assert_eq!(seen, expected);
}

/// A fake main side for the typed client: what it reads the client wrote, what it writes the client reads.
fn client_with_fake_main() -> (
    AppIpcClient,
    mpsc::Receiver<OutboundFrame>,
    mpsc::Sender<OutboundFrame>,
) {
    let (to_main, from_client) = mpsc::channel(16);
    let (to_client, from_main) = mpsc::channel(16);
    (
        AppIpcClient::new(Client::new(to_main, from_main)),
        from_client,
        to_client,
    )
}

#[tokio::test]
async fn the_client_ignores_replies_to_ids_it_never_sent() {
    let (client, mut main_rx, main_tx) = client_with_fake_main();
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.open_file("/a".to_owned()).await }
    });
    let Some(OutboundFrame::Text(request)) = main_rx.recv().await else {
        panic!("a text invoke");
    };
    let request: Value = serde_json::from_str(&request).unwrap();
    let id = request["id"].as_u64().unwrap();
    for stray in [
        json!({"kind":"reply","id":id + 1000,"payload":"stray"}),
        json!({"kind":"error","id":id + 1001,"error":{"kind":"cancelled"}}),
        json!({"kind":"reply","payload":"no id"}),
        json!({"kind":"launch"}),
    ] {
        main_tx
            .send(OutboundFrame::Text(stray.to_string()))
            .await
            .unwrap();
    }
    let own = json!({"kind":"reply","id":id,"payload":"mine"});
    main_tx
        .send(OutboundFrame::Text(own.to_string()))
        .await
        .unwrap();
    assert_eq!(call.await.unwrap(), Ok(Some("mine".to_owned())));
    assert_eq!(client.raw().in_flight(), 0);
}

#[tokio::test]
async fn invokes_after_disconnect_fail_with_disconnected() {
    let (client, main_rx, main_tx) = client_with_fake_main();
    drop((main_rx, main_tx));
    let result = client.open_file("/a".to_owned()).await;
    assert!(matches!(result, Err(IpcError::Disconnected)), "{result:?}");
    let result = client.set_title("t".to_owned()).await;
    assert!(matches!(result, Err(IpcError::Disconnected)), "{result:?}");
}
