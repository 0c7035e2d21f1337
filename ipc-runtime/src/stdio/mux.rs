//! The multiplexer: one runtime [`Connection`] per open caller key, inbound frames routed to it, and its
//! outbound queue handed to the session's single writer.

use std::collections::HashSet;

use tokio::sync::mpsc;
use tokio_util::bytes::Bytes;

use super::frame::{CallerKey, ChildFrame, JsonFrame, ParentFrame};
use super::refused::{self, Named};
use super::writer::ToWriter;
use crate::connection::Connection;
use crate::envelope::too_large;
use crate::error::{IpcError, Never};
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
                    self.refuse(Some(caller), None, &format!("no open caller {caller}"))
                        .await
                }
            }
            Err(message) => self.refuse(None, None, &message).await,
        }
    }

    /// Refuses a frame over the frame limit (`max_frame`) from what its first bytes (`head`) name: to an
    /// open caller, as the `too_large` error envelope its connection gives an oversized envelope (with the
    /// call's id when it could be read); otherwise as an `error` frame with the caller and id it named.
    pub(crate) async fn oversized(&self, len: u64, head: &[u8], max_frame: usize) -> bool {
        let Named { caller, id, size } = refused::oversized(head, len);
        let limit = self.server.limits().max_message_bytes;
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        if let Some(connection) = caller.and_then(|caller| self.callers.get(&caller)) {
            connection.refuse_unread(id, &too_large(size, limit)).await;
            return true;
        }
        if caller.is_some_and(|caller| self.refused.contains(&caller)) {
            tracing::debug!(caller, "oversized frame for a refused caller dropped");
            return true;
        }
        let message = format!("frame of {len} bytes exceeds the limit of {max_frame}");
        self.refuse_with(caller, id, &message, &too_large(size, limit))
            .await
    }

    /// Hands one envelope to `caller`'s connection.
    async fn deliver(&self, caller: CallerKey, envelope: Envelope) -> bool {
        let Some(connection) = self.callers.get(&caller) else {
            if self.refused.contains(&caller) {
                tracing::debug!(caller, "envelope for a refused caller dropped");
                return true;
            }
            let id = match &envelope {
                Envelope::Text(text) => refused::envelope_id(text),
                Envelope::Binary(message) => refused::binary_envelope_id(message),
            };
            return self
                .refuse(Some(caller), id, &format!("no open caller {caller}"))
                .await;
        };
        match envelope {
            Envelope::Text(text) => {
                let Ok(text) = std::str::from_utf8(&text) else {
                    // Its renderer is answered like for any envelope it cannot read, by id if it has one.
                    let error = IpcError::Protocol {
                        message: format!("the text frame for caller {caller} is not UTF-8"),
                    };
                    connection
                        .refuse_unread(refused::envelope_id(&text), &error)
                        .await;
                    return true;
                };
                connection.receive(text).await;
            }
            Envelope::Binary(message) => connection.receive_binary(message).await,
        }
        true
    }

    /// Tells the parent a frame was refused (`protocol`), naming the caller and call id it carried.
    async fn refuse(&self, caller: Option<CallerKey>, id: Option<u64>, message: &str) -> bool {
        let error = IpcError::Protocol {
            message: message.to_owned(),
        };
        self.refuse_with(caller, id, message, &error).await
    }

    async fn refuse_with(
        &self,
        caller: Option<CallerKey>,
        id: Option<u64>,
        message: &str,
        error: &IpcError<Never>,
    ) -> bool {
        if crate::logging::STDIO_FRAME_REFUSED.admit() {
            tracing::warn!(caller, id, reason = %escaped(message), "stdio frame refused");
        }
        let frame = ChildFrame::Error {
            caller,
            id,
            message,
            error,
        }
        .encode();
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
                    None,
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
