//! Binary payloads through the full runtime path: `Bytes` never travels as an array of numbers, comes back
//! intact at every size, and bad binary messages are refused without reaching a handler.

mod support;

use ipc_runtime::{Attachment, Bytes, IpcError, OutboundFrame, Server};
use ipc_tests::blob::{BlobError, BlobIpcClient, BlobIpcService, Blobs, Chunk};
use serde_json::{Value, json};

fn server() -> Server {
    Server::new(BlobIpcService::new(Blobs))
}

fn pattern(len: usize) -> Bytes {
    (0..len)
        .map(|i| u8::try_from(i % 251).unwrap())
        .collect::<Vec<u8>>()
        .into()
}

#[tokio::test]
async fn bytes_round_trip_at_every_size() {
    let server = Server::builder(BlobIpcService::new(Blobs))
        .limits(ipc_runtime::Limits {
            max_message_bytes: 32 * 1024 * 1024,
            ..ipc_runtime::Limits::default()
        })
        .build();
    let client = BlobIpcClient::connect_in_memory(&server, "app://main");
    for len in [0, 1, 255, 64 * 1024, 1024 * 1024, 16 * 1024 * 1024] {
        let data = pattern(len);
        let reversed = client.reverse(data.clone()).await.unwrap();
        let mut expected = data.to_vec();
        expected.reverse();
        assert_eq!(reversed.len(), len);
        assert!(
            reversed[..] == expected[..],
            "{len} bytes came back changed"
        );
    }
}

#[tokio::test]
async fn bytes_in_nested_results_errors_and_events() {
    let server = server();
    let client = BlobIpcClient::connect_in_memory(&server, "app://main");
    let chunks = client.chunk(pattern(10), 4).await.unwrap();
    assert_eq!(
        chunks,
        [
            Chunk {
                index: 0,
                data: pattern(10)[..4].to_vec().into()
            },
            Chunk {
                index: 1,
                data: pattern(10)[4..8].to_vec().into()
            },
            Chunk {
                index: 2,
                data: pattern(10)[8..].to_vec().into()
            },
        ]
    );
    assert_eq!(
        client.text(Bytes::from_static(b"hi")).await,
        Ok("hi".to_owned())
    );
    assert_eq!(
        client
            .text(Bytes::from_static(b"\xff\xfe\xfd\xfc\xfb"))
            .await,
        Err(IpcError::Handler {
            error: BlobError::NotText {
                head: Bytes::from_static(b"\xff\xfe\xfd\xfc")
            }
        })
    );
    assert_eq!(
        client.text(Bytes::new()).await,
        Err(IpcError::Handler {
            error: BlobError::Empty
        })
    );
    let mut stored = client.on_stored();
    client.store("a".to_owned(), pattern(3)).await.unwrap();
    assert_eq!(stored.next().await, Some(("a".to_owned(), pattern(3))));
}

/// In memory an attachment is handed along, never copied: the event carries the very buffer the caller sent,
/// through the call's binary message, the handler and the event's binary message.
#[tokio::test]
async fn in_memory_attachments_are_shared_not_copied() {
    let server = server();
    let client = BlobIpcClient::connect_in_memory(&server, "app://main");
    let mut stored = client.on_stored();
    let data = pattern(1024 * 1024);
    client.store("big".to_owned(), data.clone()).await.unwrap();
    let (name, received) = stored.next().await.unwrap();
    assert_eq!(name, "big");
    assert!(received == data, "the bytes changed");
    assert_eq!(
        received.as_ptr(),
        data.as_ptr(),
        "the attachment was copied on the way"
    );
}

/// Reads one frame from a raw connection.
async fn next(rx: &mut tokio::sync::mpsc::Receiver<OutboundFrame>) -> OutboundFrame {
    rx.recv().await.expect("connection open")
}

fn text(frame: OutboundFrame) -> Value {
    match frame {
        OutboundFrame::Text(text) => serde_json::from_str(&text).unwrap(),
        OutboundFrame::Binary(_) => panic!("expected a text frame"),
    }
}

fn binary(envelope: &str, attachments: &[&[u8]]) -> Attachment {
    support::binary_message(envelope, attachments).into()
}

#[tokio::test]
async fn on_the_wire_bytes_are_attachments_not_numbers() {
    let server = server();
    let (tx, mut rx) = server.connect_frames("app://main", true);
    let invoke = r#"{"kind":"invoke","id":1,"channel":"blob_ipc:reverse","payload":[{"$bin":0}]}"#;
    tx.send(OutboundFrame::Binary(binary(invoke, &[b"abc"]).into()))
        .await
        .unwrap();
    let OutboundFrame::Binary(reply) = next(&mut rx).await else {
        panic!("a reply with bytes must be a binary message");
    };
    assert_eq!(
        reply.to_bytes(),
        binary(r#"{"kind":"reply","id":1,"payload":{"$bin":0}}"#, &[b"cba"])
    );
}

#[tokio::test]
async fn bad_binary_messages_are_refused_and_the_connection_keeps_serving() {
    let server = server();
    let (tx, mut rx) = server.connect_frames("app://main", true);
    let reverse = |id: u32, payload: &str| {
        format!(r#"{{"kind":"invoke","id":{id},"channel":"blob_ipc:reverse","payload":{payload}}}"#)
    };
    let cases: Vec<(Attachment, &str)> = vec![
        // Truncated in the middle of an attachment.
        (
            binary(&reverse(1, r#"[{"$bin":0}]"#), &[b"abc"]).slice(..20),
            "protocol",
        ),
        // A placeholder naming an attachment that is not there.
        (
            binary(&reverse(2, r#"[{"$bin":1}]"#), &[b"abc"]),
            "invalid_input",
        ),
        // Two placeholders for one attachment.
        (
            binary(&reverse(3, r#"[{"$bin":0},{"$bin":0}]"#), &[b"abc"]),
            "invalid_input",
        ),
        // An attachment nothing refers to.
        (
            binary(&reverse(4, r#"[{"$bin":0}]"#), &[b"abc", b"extra"]),
            "invalid_input",
        ),
        // Not an envelope at all.
        (binary("not json", &[]), "protocol"),
        // Invalid UTF-8 in the envelope.
        (
            Attachment::from_static(b"\x00\x00\x00\x01\xff\x00\x00\x00\x00"),
            "protocol",
        ),
    ];
    for (message, kind) in cases {
        tx.send(OutboundFrame::Binary(message.clone().into()))
            .await
            .unwrap();
        let answer = text(next(&mut rx).await);
        assert_eq!(answer["kind"], "error", "{message:?}: {answer}");
        assert_eq!(answer["error"]["kind"], kind, "{message:?}: {answer}");
    }
    // A placeholder in a text message has no attachment to claim.
    tx.send(OutboundFrame::Text(reverse(5, r#"[{"$bin":0}]"#)))
        .await
        .unwrap();
    assert_eq!(text(next(&mut rx).await)["error"]["kind"], "invalid_input");
    // Arrays of numbers still decode (a client without binary support), and the connection serves on.
    tx.send(OutboundFrame::Text(reverse(6, "[[1,2,3]]")))
        .await
        .unwrap();
    let OutboundFrame::Binary(reply) = next(&mut rx).await else {
        panic!("the reply carries bytes");
    };
    assert_eq!(
        reply.to_bytes(),
        binary(
            r#"{"kind":"reply","id":6,"payload":{"$bin":0}}"#,
            &[&[3, 2, 1]]
        )
    );
}

#[tokio::test]
async fn binary_messages_count_against_the_size_limit() {
    let limit = 1024;
    let server = Server::builder(BlobIpcService::new(Blobs))
        .limits(ipc_runtime::Limits {
            max_message_bytes: limit,
            ..ipc_runtime::Limits::default()
        })
        .build();
    let (tx, mut rx) = server.connect_frames("app://main", true);
    let big = vec![0_u8; limit];
    let invoke = r#"{"kind":"invoke","id":1,"channel":"blob_ipc:reverse","payload":[{"$bin":0}]}"#;
    tx.send(OutboundFrame::Binary(binary(invoke, &[&big]).into()))
        .await
        .unwrap();
    let answer = text(next(&mut rx).await);
    assert_eq!(answer["error"]["kind"], "too_large", "{answer}");
    assert_eq!(answer["error"]["limit"], json!(limit));
}
