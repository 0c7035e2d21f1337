//! The multiplexer: one runtime [`Connection`] per open caller key, inbound frames routed to it, its
//! outbound envelopes wrapped with the key and queued for the single writer.

use std::collections::{HashMap, HashSet};

use tokio::sync::mpsc;
use tokio_util::bytes::Bytes;

use super::frame::{CallerKey, ChildFrame, JsonFrame, ParentFrame, encode_binary};
use crate::connection::Connection;
use crate::emitter::OutboundFrame;
use crate::observer::{ConnectionEvent, Observer};
use crate::server::Server;

/// The open callers of one stdio session.
pub(crate) struct Mux {
    server: Server,
    callers: HashMap<CallerKey, Connection>,
    /// Every key ever opened: keys are single-use, so a late `closed` can never be taken for a new caller.
    used: HashSet<CallerKey>,
    writer: mpsc::Sender<Bytes>,
    observer: Option<Observer>,
}

impl Mux {
    pub(crate) fn new(
        server: Server,
        writer: mpsc::Sender<Bytes>,
        observer: Option<Observer>,
    ) -> Self {
        Self {
            server,
            callers: HashMap::new(),
            used: HashSet::new(),
            writer,
            observer,
        }
    }

    fn notify(&self, event: ConnectionEvent) {
        if let Some(observer) = &self.observer {
            observer.notify(event);
        }
    }

    /// Handles one frame body. Returns `false` once the writer is gone (nothing more can be answered).
    pub(crate) async fn handle(&mut self, body: Bytes) -> bool {
        match ParentFrame::parse(&body) {
            Ok(ParentFrame::Json(JsonFrame::Open {
                caller,
                origin,
                top_frame,
            })) => self.open(caller, &origin, top_frame).await,
            Ok(ParentFrame::Json(JsonFrame::Message { caller, text })) => {
                match self.callers.get(&caller) {
                    Some(connection) => {
                        connection.receive(&text).await;
                        true
                    }
                    None => self.no_caller(caller).await,
                }
            }
            Ok(ParentFrame::Binary { caller, message }) => match self.callers.get(&caller) {
                Some(connection) => {
                    connection.receive_binary(message).await;
                    true
                }
                None => self.no_caller(caller).await,
            },
            Ok(ParentFrame::Json(JsonFrame::Close { caller })) => {
                if let Some(connection) = self.callers.remove(&caller) {
                    tracing::debug!(caller, id = %connection.id(), "stdio caller closed");
                    let id = connection.id();
                    // Cancels its running handlers; its forwarder sends `closed` once they have ended.
                    drop(connection);
                    self.notify(ConnectionEvent::Disconnected { id });
                    true
                } else {
                    self.refuse(Some(caller), &format!("no open caller {caller}"))
                        .await
                }
            }
            Err(message) => self.refuse(None, &message).await,
        }
    }

    async fn no_caller(&self, caller: CallerKey) -> bool {
        self.refuse(Some(caller), &format!("no open caller {caller}"))
            .await
    }

    /// Tells the parent a frame was refused.
    pub(crate) async fn refuse(&self, caller: Option<CallerKey>, message: &str) -> bool {
        tracing::warn!(caller, message, "stdio frame refused");
        let frame = ChildFrame::Error { caller, message }.encode();
        self.writer.send(frame).await.is_ok()
    }

    async fn open(&mut self, caller: CallerKey, origin: &str, top_frame: bool) -> bool {
        if !self.used.insert(caller) {
            return self
                .refuse(
                    Some(caller),
                    &format!("caller key {caller} was already used; keys are single-use"),
                )
                .await;
        }
        let (outbound, frames) = mpsc::channel(self.server.limits().outbound_queue);
        let connection = self.server.connect(origin, top_frame, outbound);
        tracing::debug!(caller, id = %connection.id(), origin, top_frame, "stdio caller opened");
        tokio::spawn(forward(caller, frames, self.writer.clone()));
        self.notify(ConnectionEvent::Connected {
            id: connection.id(),
            origin: origin.to_owned(),
        });
        self.callers.insert(caller, connection);
        true
    }
}

impl Drop for Mux {
    /// The session ended (EOF or a broken pipe): every caller still open goes away with it.
    fn drop(&mut self) {
        let callers = std::mem::take(&mut self.callers);
        for (_, connection) in callers {
            let id = connection.id();
            drop(connection);
            self.notify(ConnectionEvent::Disconnected { id });
        }
    }
}

/// Wraps one caller's outbound envelopes until every sender is gone (the connection was dropped and all
/// of its handlers ended), then reports `closed`.
async fn forward(
    caller: CallerKey,
    mut frames: mpsc::Receiver<OutboundFrame>,
    writer: mpsc::Sender<Bytes>,
) {
    while let Some(frame) = frames.recv().await {
        let frame = match frame {
            OutboundFrame::Text(text) => ChildFrame::Message {
                caller,
                text: &text,
            }
            .encode(),
            OutboundFrame::Binary(message) => encode_binary(caller, &message),
        };
        if writer.send(frame).await.is_err() {
            return;
        }
    }
    let _ = writer.send(ChildFrame::Closed { caller }.encode()).await;
}
