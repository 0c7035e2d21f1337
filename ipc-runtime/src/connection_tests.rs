//! The inline first poll keeps the spawned path's guarantees: a handler that panics, or whose future panics
//! when dropped, costs only its own call, and the connection keeps serving.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
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
        stream_window: None,
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

// A call's cancellation token is made only when asked for. Whenever it is asked for, and whenever that
// happens, it must behave as if it had always existed: cancelled before a finished handler is dropped,
// cancelled for anyone asking after the call, and the one a `cancel` cancels.

static TOKENS: ServiceDescriptor = ServiceDescriptor {
    name: "Tokens",
    channels: &[
        invoke("t:ask"),
        invoke("t:ask_on_drop"),
        invoke("t:ask_and_wait"),
    ],
};

/// What the handlers saw: for each dropped handler, whether its token was cancelled by then.
#[derive(Default)]
struct Seen {
    cancelled_at_drop: Mutex<Vec<bool>>,
    callers: Mutex<Vec<Caller>>,
}

/// A handler that keeps a clone of its caller, asks for its token on its first poll (`ask`), and is ready
/// then unless it `waits` (forever). When dropped, it records whether the token was cancelled.
struct Probe {
    caller: Caller,
    seen: Arc<Seen>,
    ask: bool,
    waits: bool,
}

impl Future for Probe {
    type Output = HandlerOutcome;

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<HandlerOutcome> {
        if self.ask {
            let _ = self.caller.cancellation();
        }
        self.seen.callers.lock().unwrap().push(self.caller.clone());
        if self.waits {
            Poll::Pending
        } else {
            Poll::Ready(encode_value(&"done"))
        }
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        let cancelled = self.caller.cancellation().is_cancelled();
        self.seen.cancelled_at_drop.lock().unwrap().push(cancelled);
    }
}

struct Tokens(Arc<Seen>);

impl Service for Tokens {
    fn descriptor(&self) -> &'static ServiceDescriptor {
        &TOKENS
    }

    fn dispatch(
        &self,
        channel: usize,
        caller: Caller,
        _: &str,
    ) -> Result<HandlerFuture, DecodeError> {
        Ok(Box::pin(Probe {
            caller,
            seen: self.0.clone(),
            ask: channel != 1,
            waits: channel == 2,
        }))
    }
}

#[tokio::test]
async fn a_token_asked_for_at_any_time_is_cancelled_once_the_call_ends() {
    let seen = Arc::new(Seen::default());
    let server = Server::new(Tokens(seen.clone()));
    let (tx, mut rx) = server.connect_raw("app://main", true);
    for (id, channel) in [(1, "t:ask"), (2, "t:ask_on_drop")] {
        assert_eq!(
            exchange(&tx, &mut rx, id, channel).await,
            json!({"kind": "reply", "id": id, "payload": "done"})
        );
    }
    assert_eq!(*seen.cancelled_at_drop.lock().unwrap(), [true, true]);
    // Clones kept past the call: the one whose token was made during the call, and one asking only now.
    let callers = seen.callers.lock().unwrap().clone();
    assert_eq!(callers.len(), 2);
    assert!(callers.iter().all(|c| c.cancellation().is_cancelled()));
}

#[tokio::test]
async fn a_cancel_cancels_the_token_the_handler_made() {
    let seen = Arc::new(Seen::default());
    let server = Server::new(Tokens(seen.clone()));
    let (tx, mut rx) = server.connect_raw("app://main", true);
    let invoke = json!({"kind": "invoke", "id": 7, "channel": "t:ask_and_wait", "payload": []});
    tx.send(invoke.to_string()).await.unwrap();
    tx.send(r#"{"kind":"cancel","id":7}"#.to_owned())
        .await
        .unwrap();
    let Some(OutboundFrame::Text(reply)) = rx.recv().await else {
        panic!("expected a text reply");
    };
    assert_eq!(
        serde_json::from_str::<Value>(&reply).unwrap(),
        json!({"kind": "error", "id": 7, "error": {"kind": "cancelled"}})
    );
    let caller = seen.callers.lock().unwrap()[0].clone();
    assert!(caller.cancellation().is_cancelled());
    assert_eq!(*seen.cancelled_at_drop.lock().unwrap(), [true]);
}
