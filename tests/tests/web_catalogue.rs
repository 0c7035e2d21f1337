//! The bad-input catalogue over the real web host (loopback WebSocket): the cases `web_security.rs` does not
//! already cover. Each gets its typed error, reaches no handler, and the socket keeps serving.

mod support;

use futures_util::{SinkExt as _, StreamExt as _};
use ipc_runtime::Limits;
use ipc_tests::recording::Recorder;
use serde_json::{Value, json};
use support::{Socket, open_web, start_web};
use tokio_tungstenite::tungstenite::Message;

async fn send(socket: &mut Socket, message: Message) {
    socket.send(message).await.unwrap();
}

async fn next(socket: &mut Socket) -> Value {
    loop {
        match socket.next().await.expect("open").expect("read") {
            Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn binary(envelope: &str, attachments: &[&[u8]]) -> Message {
    Message::binary(support::binary_message(envelope, attachments))
}

fn with_tail(message: Message) -> Message {
    let mut bytes = message.into_data().to_vec();
    bytes.push(0);
    Message::binary(bytes)
}

#[tokio::test]
async fn catalogued_web_inputs_get_typed_errors_reach_no_handler_and_the_socket_stays() {
    let app = start_web(Recorder::default(), Limits::default(), 4).await;
    let mut socket = open_web(&app).await;
    let open_file = |id: u64, arg: &str| {
        format!(r#"{{"kind":"invoke","id":{id},"channel":"app_ipc:open_file","payload":[{arg}]}}"#)
    };
    let cases: Vec<(&str, Message, &str, Option<u64>)> = vec![
        (
            "a second hello",
            Message::text(
                json!({"kind":"hello","token":app.host.token().reveal(),"topFrame":true})
                    .to_string(),
            ),
            "protocol",
            None,
        ),
        (
            "a reply from the page",
            Message::text(r#"{"kind":"reply","id":3,"payload":1}"#),
            "protocol",
            None,
        ),
        (
            "binary message cut short",
            Message::binary(vec![0, 0, 0, 50, b'{']),
            "protocol",
            None,
        ),
        (
            "binary message with trailing bytes",
            with_tail(binary(&open_file(4, r#""/a""#), &[])),
            "protocol",
            None,
        ),
        (
            "binary envelope not UTF-8",
            Message::binary(vec![0, 0, 0, 2, 0xff, 0xfe, 0, 0, 0, 0]),
            "protocol",
            None,
        ),
        (
            "attachment where a string is expected",
            binary(&open_file(5, r#"{"$bin":0}"#), &[b"abc"]),
            "invalid_input",
            Some(5),
        ),
        (
            "attachment nobody refers to",
            binary(&open_file(6, r#""/a""#), &[b"abc"]),
            "invalid_input",
            Some(6),
        ),
        (
            "placeholder past the attachments",
            binary(&open_file(7, r#"{"$bin":3}"#), &[]),
            "invalid_input",
            Some(7),
        ),
    ];
    let count = cases.len();
    for (i, (name, message, kind, id)) in cases.into_iter().enumerate() {
        send(&mut socket, message).await;
        let answer = next(&mut socket).await;
        assert_eq!(answer["kind"], "error", "{name}: {answer}");
        assert_eq!(answer["error"]["kind"], kind, "{name}: {answer}");
        assert_eq!(answer["id"].as_u64(), id, "{name}: {answer}");
        let calls = app.handler.calls();
        assert!(
            calls.iter().all(|c| c == "open_file(/ok)"),
            "{name}: {calls:?}"
        );
        let probe = 1000 + i as u64;
        send(&mut socket, Message::text(open_file(probe, r#""/ok""#))).await;
        assert_eq!(
            next(&mut socket).await,
            json!({"kind":"reply","id":probe,"payload":"contents of /ok"}),
            "{name}"
        );
    }
    assert_eq!(app.handler.runs(), count, "only the probes ran");
}
