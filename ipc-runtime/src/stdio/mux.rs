//! The multiplexer: one runtime [`Connection`] per open caller key, inbound frames routed to it, its
//! outbound envelopes wrapped with the key and queued for the single writer.

use std::collections::{HashMap, HashSet};

use tokio::sync::mpsc;
use tokio_util::bytes::Bytes;

use super::frame::{CallerKey, ChildFrame, ParentFrame};
use crate::connection::Connection;
use crate::emitter::OutboundFrame;
use crate::server::Server;

/// The open callers of one stdio session.
pub(crate) struct Mux {
    server: Server,
    callers: HashMap<CallerKey, Connection>,
    /// Every key ever opened: keys are single-use, so a late `closed` can never be taken for a new caller.
    used: HashSet<CallerKey>,
    writer: mpsc::Sender<Bytes>,
}

impl Mux {
    pub(crate) fn new(server: Server, writer: mpsc::Sender<Bytes>) -> Self {
        Self {
            server,
            callers: HashMap::new(),
            used: HashSet::new(),
            writer,
        }
    }

    /// Handles one frame body. Returns `false` once the writer is gone (nothing more can be answered).
    pub(crate) async fn handle(&mut self, body: &[u8]) -> bool {
        match ParentFrame::parse(body) {
            Ok(ParentFrame::Open {
                caller,
                origin,
                top_frame,
            }) => self.open(caller, &origin, top_frame).await,
            Ok(ParentFrame::Message { caller, text }) => match self.callers.get(&caller) {
                Some(connection) => {
                    connection.receive(&text).await;
                    true
                }
                None => {
                    self.refuse(Some(caller), &format!("no open caller {caller}"))
                        .await
                }
            },
            Ok(ParentFrame::Close { caller }) => {
                if let Some(connection) = self.callers.remove(&caller) {
                    tracing::debug!(caller, id = %connection.id(), "stdio caller closed");
                    // Cancels its running handlers; its forwarder sends `closed` once they have ended.
                    drop(connection);
                    true
                } else {
                    self.refuse(Some(caller), &format!("no open caller {caller}"))
                        .await
                }
            }
            Err(message) => self.refuse(None, &message).await,
        }
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
        self.callers.insert(caller, connection);
        true
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
        let OutboundFrame::Text(text) = frame;
        let frame = ChildFrame::Message {
            caller,
            text: &text,
        }
        .encode();
        if writer.send(frame).await.is_err() {
            return;
        }
    }
    let _ = writer.send(ChildFrame::Closed { caller }.encode()).await;
}
