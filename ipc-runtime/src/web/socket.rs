//! One upgraded WebSocket: handshake, then text frames in to a [`Connection`], outbound frames out.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt as _, StreamExt as _};
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::handshake::{WELCOME, close_code, verify_hello};
use super::pending::PendingEntry;
use super::token::Token;
use crate::CallerId;
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
    pub(crate) write_timeout: Duration,
    pub(crate) shutdown: CancellationToken,
    pub(crate) observer: Option<Observer>,
    /// The connection cap; a slot is taken once the hello passed and held for the socket's lifetime.
    pub(crate) slots: Arc<Semaphore>,
    pub(crate) max_connections: usize,
    /// This socket's place among those waiting for their hello, left once the hello is answered.
    pub(crate) pending: PendingEntry,
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
        let admitted = self.handshake(&mut stream).await.and_then(|top_frame| {
            let permit = self.slots.clone().try_acquire_owned().map_err(|_| {
                if crate::logging::CAP_REFUSED.admit() {
                    tracing::warn!(peer = %self.peer, max = self.max_connections, "web socket refused at hello: connection cap reached");
                }
                close(
                    close_code::TRY_AGAIN_LATER,
                    &format!("too many connections (at most {})", self.max_connections),
                )
            })?;
            Ok((top_frame, permit))
        });
        // Answered either way: the socket no longer waits for its hello.
        self.pending.leave();
        let (top_frame, permit) = match admitted {
            Ok(admitted) => admitted,
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
        tracing::info!(caller = %id, origin = %crate::logging::escaped(&self.origin), peer = %self.peer, "web page connected");
        if let Some(observer) = &self.observer {
            observer.notify(ConnectionEvent::Connected {
                id,
                origin: self.origin.clone(),
            });
        }
        let (closing, close_requested) = oneshot::channel();
        let (flushes, flush_requests) = mpsc::channel(1);
        let writer_gone = CancellationToken::new();
        let writer = tokio::spawn(
            Writer {
                sink,
                id,
                timeout: self.write_timeout,
                gone: writer_gone.clone(),
            }
            .run(frames, flush_requests, close_requested),
        );
        let close_frame = self
            .read_frames(&mut stream, &connection, &flushes, &writer_gone)
            .await;
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
        drop(permit);
        tracing::info!(caller = %id, reason, "web page disconnected");
        if let Some(observer) = &self.observer {
            observer.notify(ConnectionEvent::Disconnected { id });
        }
    }

    async fn handshake(&self, stream: &mut Stream) -> Result<bool, Refusal> {
        let refused = |code, reason: &str| {
            if crate::logging::HELLO_REFUSED.admit() {
                tracing::warn!(origin = %crate::logging::escaped(&self.origin), peer = %self.peer, code, reason, "web socket refused at hello");
            }
            Refusal::from(close(code, reason))
        };
        // In this order: a hello that has already arrived is read even if newer sockets pushed this one out
        // of the waiting pool meanwhile.
        let first = tokio::select! {
            biased;
            () = self.shutdown.cancelled() => return Err(close(close_code::GOING_AWAY, "server shutting down").into()),
            first = tokio::time::timeout(self.hello_timeout, stream.next()) => first,
            () = self.pending.evicted.cancelled() => {
                return Err(refused(close_code::HELLO_TIMEOUT, "no hello received before newer sockets needed the place"));
            }
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
            if crate::logging::HELLO_REFUSED.admit() {
                tracing::warn!(origin = %crate::logging::escaped(&self.origin), peer = %self.peer, error = %crate::logging::escaped(&error), "web socket refused at hello");
            }
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
        flushes: &mpsc::Sender<oneshot::Sender<()>>,
        writer_gone: &CancellationToken,
    ) -> Option<CloseFrame> {
        loop {
            let message = tokio::select! {
                () = self.shutdown.cancelled() => return Some(close(close_code::GOING_AWAY, "server shutting down")),
                // The writer gave up (the peer stopped reading, or the socket failed): nothing more can be sent.
                () = writer_gone.cancelled() => return None,
                message = stream.next() => message,
            };
            match message {
                None | Some(Ok(Message::Close(_))) => return None,
                Some(Ok(Message::Text(text))) => connection.receive(text.as_str()).await,
                Some(Ok(Message::Binary(message))) => connection.receive_binary(message).await,
                Some(Ok(Message::Ping(_))) => {
                    // tungstenite queued a pong, and would queue one per ping for as long as the peer does
                    // not read. Reading nothing more until it is written leaves a flood in the peer's
                    // own socket buffers; the writer closes a peer that stays blocked.
                    let (written, done) = oneshot::channel();
                    tokio::select! {
                        () = self.shutdown.cancelled() => return Some(close(close_code::GOING_AWAY, "server shutting down")),
                        pong = async { flushes.send(written).await.ok()?; done.await.ok() } => {
                            pong?;
                        }
                    }
                }
                Some(Ok(Message::Pong(_))) => {}
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
struct Writer {
    sink: Sink,
    id: CallerId,
    /// Longest a write may stay blocked by a peer that does not read.
    timeout: Duration,
    /// Cancelled when the writer stops, so the reader stops too.
    gone: CancellationToken,
}

impl Writer {
    async fn run(
        mut self,
        mut frames: mpsc::Receiver<OutboundFrame>,
        mut flushes: mpsc::Receiver<oneshot::Sender<()>>,
        close_requested: oneshot::Receiver<Option<CloseFrame>>,
    ) {
        let _gone = self.gone.clone().drop_guard();
        let mut close_requested = std::pin::pin!(close_requested);
        loop {
            tokio::select! {
                biased;
                close = &mut close_requested => {
                    match close {
                        Ok(Some(frame)) => {
                            let _ = self.sink.send(Message::Close(Some(frame))).await;
                        }
                        _ => {
                            let _ = self.sink.close().await;
                        }
                    }
                    return;
                }
                Some(written) = flushes.recv() => {
                    if !within_timeout(self.id, self.timeout, self.sink.flush()).await {
                        return;
                    }
                    let _ = written.send(());
                }
                frame = frames.recv() => {
                    let message = match frame {
                        Some(OutboundFrame::Text(text)) => Message::Text(Utf8Bytes::from(text)),
                        Some(OutboundFrame::Binary(message)) => Message::Binary(message.to_bytes()),
                        None => return,
                    };
                    if !within_timeout(self.id, self.timeout, self.sink.send(message)).await {
                        return;
                    }
                }
            }
        }
    }
}

/// Whether a write finished, successfully and before the peer had blocked it for `timeout`.
async fn within_timeout(
    id: CallerId,
    timeout: Duration,
    write: impl Future<Output = Result<(), axum::Error>>,
) -> bool {
    if let Ok(result) = tokio::time::timeout(timeout, write).await {
        return result.is_ok();
    }
    let timeout_ms = timeout.as_millis();
    tracing::warn!(caller = %id, timeout_ms, "web socket closed: the peer stopped reading");
    false
}
