//! The inline first poll keeps the spawned path's guarantees: a handler that panics, or whose future panics
//! when dropped, costs only its own call, and the connection keeps serving.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde_json::{Value, json};

use crate::caller::Caller;
use crate::server::{OutboundFrame, Server};
use crate::service::{
    ChannelDescriptor, ChannelKind, DecodeError, HandlerFuture, HandlerOutcome, Service,
    ServiceDescriptor, encode_value,
};

const fn invoke(name: &'static str) -> ChannelDescriptor {
    ChannelDescriptor {
        name,
        method: name,
        kind: ChannelKind::Invoke,
        allow_origins: &["app://main"],
        allow_subframes: false,
        timeout_ms: None,
    }
}

static DESCRIPTOR: ServiceDescriptor = ServiceDescriptor {
    name: "Inline",
    channels: &[invoke("t:ok"), invoke("t:boom"), invoke("t:drop_bomb")],
};

/// Ready on its first poll, then panics when dropped.
struct DropBomb;

impl Future for DropBomb {
    type Output = HandlerOutcome;

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<HandlerOutcome> {
        Poll::Ready(encode_value(&"defused"))
    }
}

impl Drop for DropBomb {
    fn drop(&mut self) {
        panic!("drop bomb");
    }
}

struct Inline;

impl Service for Inline {
    fn descriptor(&self) -> &'static ServiceDescriptor {
        &DESCRIPTOR
    }

    fn dispatch(&self, channel: usize, _: Caller, _: &str) -> Result<HandlerFuture, DecodeError> {
        Ok(match channel {
            0 => Box::pin(async { encode_value(&"ok") }),
            1 => Box::pin(async { panic!("boom") }),
            _ => Box::pin(DropBomb),
        })
    }
}

async fn exchange(
    tx: &tokio::sync::mpsc::Sender<String>,
    rx: &mut tokio::sync::mpsc::Receiver<OutboundFrame>,
    id: u64,
    channel: &str,
) -> Value {
    let text = json!({"kind": "invoke", "id": id, "channel": channel, "payload": []});
    tx.send(text.to_string()).await.unwrap();
    match rx.recv().await.expect("connection serving") {
        OutboundFrame::Text(reply) => serde_json::from_str(&reply).unwrap(),
        other @ OutboundFrame::Binary(_) => panic!("expected a text frame, got {other:?}"),
    }
}

#[tokio::test]
async fn panics_in_or_after_an_inline_handler_cost_only_that_call() {
    let server = Server::new(Inline);
    let (tx, mut rx) = server.connect_raw("app://main", true);
    assert_eq!(
        exchange(&tx, &mut rx, 1, "t:boom").await,
        json!({"kind": "error", "id": 1, "error": {"kind": "internal", "message": "the handler panicked"}})
    );
    assert_eq!(
        exchange(&tx, &mut rx, 2, "t:drop_bomb").await,
        json!({"kind": "reply", "id": 2, "payload": "defused"})
    );
    assert_eq!(
        exchange(&tx, &mut rx, 3, "t:ok").await,
        json!({"kind": "reply", "id": 3, "payload": "ok"})
    );
}
