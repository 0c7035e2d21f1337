//! The multiplexer: one runtime [`Connection`] per open caller key, inbound frames routed to it, and its
//! outbound queue handed to the session's single writer.

use std::collections::HashSet;

use tokio::sync::mpsc;
use tokio_util::bytes::Bytes;

use super::frame::{CallerKey, ChildFrame, JsonFrame, ParentFrame};
use super::writer::ToWriter;
use crate::connection::Connection;
use crate::hash::FastMap;
use crate::logging::escaped;
use crate::observer::{ConnectionEvent, Observer};
use crate::server::Server;

/// One envelope from the parent: text (its UTF-8 not yet checked) or a binary message.
enum Envelope {
    Text(Bytes),
    Binary(Bytes),
}

/// The open callers of one stdio session.
pub(crate) struct Mux {
    server: Server,
    /// Looked up for every envelope. The keys come from the parent (the main process, which is trusted), so
    /// the cheap hasher is safe here.
    callers: FastMap<CallerKey, Connection>,
    /// Every key ever opened: keys are single-use, so a late `closed` can never be taken for a new caller.
    used: HashSet<CallerKey>,
    /// Keys whose `open` was refused (`refused` frame): their envelopes and `close` are dropped quietly, the
    /// parent already has the answer.
    refused: HashSet<CallerKey>,
    /// Whether a version mismatch was logged at warn level: once per session, not once per window.
    mismatch_logged: bool,
    writer: mpsc::Sender<ToWriter>,
    observer: Option<Observer>,
}

impl Mux {
    pub(crate) fn new(
        server: Server,
        writer: mpsc::Sender<ToWriter>,
        observer: Option<Observer>,
    ) -> Self {
        Self {
            server,
            callers: FastMap::default(),
            used: HashSet::new(),
            refused: HashSet::new(),
            mismatch_logged: false,
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
                fingerprint,
            })) => {
                self.open(caller, &origin, top_frame, fingerprint.as_deref())
                    .await
            }
            Ok(ParentFrame::Json(JsonFrame::Message { caller, text })) => {
                self.deliver(caller, Envelope::Text(Bytes::from(text)))
                    .await
            }
            Ok(ParentFrame::Text { caller, text }) => {
                self.deliver(caller, Envelope::Text(text)).await
            }
            Ok(ParentFrame::Binary { caller, message }) => {
                self.deliver(caller, Envelope::Binary(message)).await
            }
            Ok(ParentFrame::Json(JsonFrame::Close { caller })) => {
                if let Some(connection) = self.callers.remove(&caller) {
                    tracing::debug!(caller, id = %connection.id(), "stdio caller closed");
                    let id = connection.id();
                    // Cancels its running handlers; the writer sends `closed` once they have ended.
                    drop(connection);
                    self.notify(ConnectionEvent::Disconnected { id });
                    true
                } else if self.refused.remove(&caller) {
                    true
                } else {
                    self.refuse(Some(caller), &format!("no open caller {caller}"))
                        .await
                }
            }
            Err(message) => self.refuse(None, &message).await,
        }
    }

    /// Hands one envelope to `caller`'s connection.
    async fn deliver(&self, caller: CallerKey, envelope: Envelope) -> bool {
        let Some(connection) = self.callers.get(&caller) else {
            if self.refused.contains(&caller) {
                tracing::debug!(caller, "envelope for a refused caller dropped");
                return true;
            }
            return self
                .refuse(Some(caller), &format!("no open caller {caller}"))
                .await;
        };
        match envelope {
            Envelope::Text(text) => {
                let Ok(text) = std::str::from_utf8(&text) else {
                    let message = format!("the text frame for caller {caller} is not UTF-8");
                    return self.refuse(Some(caller), &message).await;
                };
                connection.receive(text).await;
            }
            Envelope::Binary(message) => connection.receive_binary(message).await,
        }
        true
    }

    /// Tells the parent a frame was refused.
    pub(crate) async fn refuse(&self, caller: Option<CallerKey>, message: &str) -> bool {
        if crate::logging::STDIO_FRAME_REFUSED.admit() {
            tracing::warn!(caller, reason = %escaped(message), "stdio frame refused");
        }
        let frame = ChildFrame::Error { caller, message }.encode();
        self.writer.send(ToWriter::Control(frame)).await.is_ok()
    }

    async fn open(
        &mut self,
        caller: CallerKey,
        origin: &str,
        top_frame: bool,
        fingerprint: Option<&str>,
    ) -> bool {
        if !self.used.insert(caller) {
            return self
                .refuse(
                    Some(caller),
                    &format!("caller key {caller} was already used; keys are single-use"),
                )
                .await;
        }
        if let Err(error) = self.server.check_fingerprint(fingerprint) {
            // `error`'s text quotes the parent's fingerprint as a Rust string literal: escaped, one line.
            if self.mismatch_logged {
                tracing::debug!(caller, error = %escaped(&error), "stdio caller refused");
            } else {
                self.mismatch_logged = true;
                tracing::warn!(caller, error = %escaped(&error), "stdio caller refused (later refusals are logged at debug)");
            }
            self.refused.insert(caller);
            let frame = ChildFrame::Refused {
                caller,
                error: &error,
            }
            .encode();
            return self.writer.send(ToWriter::Control(frame)).await.is_ok();
        }
        let (outbound, frames) = mpsc::channel(self.server.limits().outbound_queue);
        let connection = self.server.connect(origin, top_frame, outbound);
        tracing::debug!(caller, id = %connection.id(), origin = %escaped(origin), top_frame, "stdio caller opened");
        if self
            .writer
            .send(ToWriter::Caller(caller, frames))
            .await
            .is_err()
        {
            return false;
        }
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
