//! One upgraded WebSocket: handshake, then text frames in to a [`Connection`], outbound frames out.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt as _, StreamExt as _};
use tokio::sync::{OwnedSemaphorePermit, mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::handshake::{WELCOME, close_code, verify_hello};
use super::token::Token;
use crate::connection::Connection;
use crate::emitter::OutboundFrame;
use crate::envelope::encode_error;
use crate::observer::{ConnectionEvent, Observer};
use crate::server::Server;

/// Everything a socket needs; built per accepted upgrade.
pub(crate) struct Session {
    pub(crate) server: Server,
    pub(crate) token: Token,
    /// The origin the service's policy sees (already checked against the `Origin` header).
    pub(crate) origin: String,
    pub(crate) peer: SocketAddr,
    pub(crate) hello_timeout: Duration,
    pub(crate) shutdown: CancellationToken,
    pub(crate) observer: Option<Observer>,
    /// Held for the socket's lifetime: one slot of the connection cap.
    pub(crate) permit: OwnedSemaphorePermit,
}

/// How long a closing socket may take to flush its close frame.
const CLOSE_GRACE: Duration = Duration::from_secs(5);

type Sink = SplitSink<WebSocket, Message>;
type Stream = SplitStream<WebSocket>;

/// Why a socket was refused at its hello: an optional text message for the page (a typed error envelope),
/// then the close frame.
struct Refusal {
    notice: Option<String>,
    close: CloseFrame,
}

impl From<CloseFrame> for Refusal {
    fn from(close: CloseFrame) -> Self {
        Self {
            notice: None,
            close,
        }
    }
}

fn close(code: u16, reason: &str) -> CloseFrame {
    CloseFrame {
        code,
        reason: Utf8Bytes::from(reason),
    }
}

impl Session {
    pub(crate) async fn run(self, socket: WebSocket) {
        let (mut sink, mut stream) = socket.split();
        let top_frame = match self.handshake(&mut stream).await {
            Ok(top_frame) => top_frame,
            Err(refusal) => {
                // Best effort: the page learns why from the notice and the close frame; the socket ends
                // either way.
                if let Some(notice) = refusal.notice {
                    let _ = sink.send(Message::Text(Utf8Bytes::from(notice))).await;
                }
                let _ = sink.send(Message::Close(Some(refusal.close))).await;
                return;
            }
        };
        if sink
            .send(Message::Text(Utf8Bytes::from_static(WELCOME)))
            .await
            .is_err()
        {
            return;
        }
        let (outbound, frames) = mpsc::channel(self.server.limits().outbound_queue);
        let connection = self.server.connect(&self.origin, top_frame, outbound);
        let id = connection.id();
        tracing::info!(caller = %id, origin = %self.origin, peer = %self.peer, "web page connected");
        if let Some(observer) = &self.observer {
            observer.notify(ConnectionEvent::Connected {
                id,
                origin: self.origin.clone(),
            });
        }
        let (closing, close_requested) = oneshot::channel();
        let writer = tokio::spawn(write_frames(sink, frames, close_requested));
        let close_frame = self.read_frames(&mut stream, &connection).await;
        // Dropping the connection cancels its running handlers and removes it from the event hub.
        drop(connection);
        let reason = close_frame.as_ref().map(|f| f.reason.to_string());
        let _ = closing.send(close_frame);
        // A peer that stopped reading must not hold its slot forever with an unsent close frame.
        let mut writer = writer;
        if tokio::time::timeout(CLOSE_GRACE, &mut writer)
            .await
            .is_err()
        {
            writer.abort();
        }
        // The slot is free before anyone hears that the page is gone, so a reconnect right after the
        // notification is not refused by the connection cap.
        drop(self.permit);
        tracing::info!(caller = %id, reason, "web page disconnected");
        if let Some(observer) = &self.observer {
            observer.notify(ConnectionEvent::Disconnected { id });
        }
    }

    async fn handshake(&self, stream: &mut Stream) -> Result<bool, Refusal> {
        let first = tokio::select! {
            () = self.shutdown.cancelled() => return Err(close(close_code::GOING_AWAY, "server shutting down").into()),
            first = tokio::time::timeout(self.hello_timeout, stream.next()) => first,
        };
        let refused = |code, reason: &str| {
            tracing::warn!(origin = %self.origin, peer = %self.peer, code, reason, "web socket refused at hello");
            Refusal::from(close(code, reason))
        };
        let text = match first {
            Err(_) => {
                return Err(refused(
                    close_code::HELLO_TIMEOUT,
                    "no hello received in time",
                ));
            }
            Ok(None | Some(Err(_))) => {
                return Err(refused(close_code::BAD_HELLO, "closed before hello"));
            }
            Ok(Some(Ok(Message::Text(text)))) => text,
            Ok(Some(Ok(_))) => {
                return Err(refused(
                    close_code::BAD_HELLO,
                    "expected a text hello first",
                ));
            }
        };
        let greeting =
            verify_hello(text.as_str(), &self.token).map_err(|r| refused(r.code, r.reason))?;
        if let Err(error) = self
            .server
            .check_fingerprint(greeting.fingerprint.as_deref())
        {
            // `error`'s text quotes the page's fingerprint as a Rust string literal: escaped, one line.
            tracing::warn!(origin = %self.origin, peer = %self.peer, %error, "web socket refused at hello");
            return Err(Refusal {
                notice: Some(encode_error(None, &error)),
                close: close(close_code::VERSION_MISMATCH, "version mismatch"),
            });
        }
        Ok(greeting.top_frame)
    }

    /// Feeds text and binary messages to the connection until the socket ends; returns the close frame to send, if any.
    async fn read_frames(
        &self,
        stream: &mut Stream,
        connection: &Connection,
    ) -> Option<CloseFrame> {
        loop {
            let message = tokio::select! {
                () = self.shutdown.cancelled() => return Some(close(close_code::GOING_AWAY, "server shutting down")),
                message = stream.next() => message,
            };
            match message {
                None | Some(Ok(Message::Close(_))) => return None,
                Some(Ok(Message::Text(text))) => connection.receive(text.as_str()).await,
                Some(Ok(Message::Binary(message))) => connection.receive_binary(message).await,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Err(error)) => return too_big(&error).map(|reason| {
                    tracing::warn!(caller = %connection.id(), %reason, "web socket closed: message too big");
                    close(close_code::TOO_BIG, &reason)
                }),
            }
        }
    }
}

/// The reason text when a read failed because a message passed the socket's hard size cap.
fn too_big(error: &axum::Error) -> Option<String> {
    let source = std::error::Error::source(error)?;
    match source.downcast_ref::<tungstenite::Error>()? {
        tungstenite::Error::Capacity(tungstenite::error::CapacityError::MessageTooLong {
            size,
            max_size,
        }) => Some(format!(
            "message of {size} bytes exceeds the {max_size} byte limit"
        )),
        _ => None,
    }
}

/// Writes outbound frames in order. A separate task, so that a handler waiting on a full outbound queue
/// never blocks the reader (which is what drains nothing: the writer does).
async fn write_frames(
    mut sink: Sink,
    mut frames: mpsc::Receiver<OutboundFrame>,
    close_requested: oneshot::Receiver<Option<CloseFrame>>,
) {
    let mut close_requested = std::pin::pin!(close_requested);
    loop {
        tokio::select! {
            biased;
            close = &mut close_requested => {
                match close {
                    Ok(Some(frame)) => {
                        let _ = sink.send(Message::Close(Some(frame))).await;
                    }
                    _ => {
                        let _ = sink.close().await;
                    }
                }
                return;
            }
            frame = frames.recv() => {
                let message = match frame {
                    Some(OutboundFrame::Text(text)) => Message::Text(Utf8Bytes::from(text)),
                    Some(OutboundFrame::Binary(message)) => Message::Binary(message.to_bytes()),
                    None => return,
                };
                if sink.send(message).await.is_err() {
                    return;
                }
            }
        }
    }
}
