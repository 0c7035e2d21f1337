//! The client side of a stream: starts it, hands out its items in order, grants credit as they are
//! consumed, and gives its outcome, over the transport or (for a direct client) as values. Dropping a
//! running stream call cancels the stream.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde::de::DeserializeOwned;
use tokio::sync::mpsc::{self, error::TryRecvError};
use tokio_util::bytes::Bytes;

use super::{
    Answer, Args, Client, Json, decode_reply, encode_failure, lock, not_direct, with_attachments,
    without_handler_error,
};
use crate::binary::{Encoded, frame_for};
use crate::connection::stream::Credit;
use crate::emitter::OutboundFrame;
use crate::envelope::{Grant, encode_cancel, encode_credit, encode_stream, saturate_ms};
use crate::error::IpcError;
use crate::service::DirectOutcome;
use crate::sink::DirectEvent;

/// Initial byte credit for `Bytes` items unless set with [`StreamCall::bytes_window`]: 8 MiB.
pub(crate) const DEFAULT_BYTES_WINDOW: u64 = 8 * 1024 * 1024;

/// What the reader hands a running stream call.
pub(super) enum StreamEvent {
    Item {
        frame: String,
        /// Where the payload is in `frame`; `None` when the item had none (read as `null`).
        payload: Option<Range<usize>>,
        attachments: Vec<Bytes>,
    },
    End(Answer),
}

/// A typed stream call (the generated `<Trait>Client` method of a `#[stream]` channel): items of type `T`
/// from [`StreamCall::next`], in order, then the outcome from [`StreamCall::result`]. Starts on the first
/// `next` or `result`; set [`StreamCall::timeout`] or the windows before. Credit is granted as items are
/// consumed, every half window (and, for `Bytes` items, whenever the call has nothing left to read), so a
/// consumer that stops reading holds the producer back. Dropping a running call cancels the stream. On a
/// direct client ([`crate::Server::connect_direct`]) the items and the outcome are handed over as values.
#[must_use = "a StreamCall does nothing until `next` or `result` is awaited"]
pub struct StreamCall<T, R, E> {
    client: Client,
    channel: &'static str,
    args: Option<Args>,
    timeout: Option<Duration>,
    window: u32,
    bytes_window: u64,
    /// The stream's id once started.
    id: Option<u64>,
    events: Option<Source>,
    /// Consumed and not yet granted back.
    ungranted: Grant,
    outcome: Option<Result<R, IpcError<E>>>,
    _item: PhantomData<fn() -> T>,
}

/// Where a running stream call's items come from.
enum Source {
    /// The reader of the transport.
    Wire(mpsc::UnboundedReceiver<StreamEvent>),
    /// A direct stream: values from the handler's sink, and its credit to grant to.
    Direct {
        events: mpsc::UnboundedReceiver<DirectEvent>,
        credit: Arc<Credit>,
    },
}

/// The next thing a running stream call reads.
enum Next {
    Item {
        frame: String,
        payload: Option<Range<usize>>,
        attachments: Vec<Bytes>,
    },
    End(Answer),
    DirectItem(crate::service::DirectValue),
    DirectEnd(Result<DirectOutcome, IpcError<()>>),
    Closed,
}

impl<T, R, E> fmt::Debug for StreamCall<T, R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamCall")
            .field("channel", &self.channel)
            .field("id", &self.id)
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl Client {
    #[doc(hidden)]
    pub fn __stream<T, R, E>(
        &self,
        channel: &'static str,
        args: Result<Encoded, serde_json::Error>,
        window: u32,
    ) -> StreamCall<T, R, E> {
        self.stream_call(
            channel,
            Args::Encoded(args.map_err(|e| e.to_string())),
            window,
        )
    }

    #[doc(hidden)]
    pub fn __stream_direct<T, R, E, A: Send + 'static>(
        &self,
        channel: &'static str,
        args: A,
        window: u32,
    ) -> StreamCall<T, R, E> {
        self.stream_call(channel, Args::Direct(Box::new(args)), window)
    }

    fn stream_call<T, R, E>(
        &self,
        channel: &'static str,
        args: Args,
        window: u32,
    ) -> StreamCall<T, R, E> {
        StreamCall {
            client: self.clone(),
            channel,
            args: Some(args),
            timeout: None,
            window,
            bytes_window: DEFAULT_BYTES_WINDOW,
            id: None,
            events: None,
            ungranted: Grant::default(),
            outcome: None,
            _item: PhantomData,
        }
    }
}

impl<T, R, E> StreamCall<T, R, E> {
    /// The stream's deadline (the main side ends it with `timeout`); else the channel's or the server's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Items granted at the start and kept outstanding (default: the channel's `window`). At least 1.
    pub fn window(mut self, items: u32) -> Self {
        self.window = items.max(1);
        self
    }

    /// Attachment bytes granted at the start (default 8 MiB).
    pub fn bytes_window(mut self, bytes: u64) -> Self {
        self.bytes_window = bytes;
        self
    }

    fn end(&mut self, outcome: Result<R, IpcError<E>>) {
        self.events = None;
        self.outcome.get_or_insert(outcome);
    }

    async fn start(&mut self) {
        let Some(args) = self.args.take() else {
            return;
        };
        let args = match args {
            Args::Encoded(Ok(args)) => args,
            Args::Direct(args) => return self.start_direct(args),
            Args::Encoded(Err(message)) => {
                let error = serde_json::Error::io(std::io::Error::other(message));
                return self.end(Err(encode_failure(self.channel, &error)));
            }
        };
        let inner = &self.client.inner;
        let id = inner.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::unbounded_channel();
        {
            let mut streams = lock(&inner.pending.streams);
            // Set before the reader clears the table: a stream added after that would wait forever.
            if inner.pending.closed.load(Ordering::Relaxed) {
                drop(streams);
                return self.end(Err(IpcError::Disconnected));
            }
            streams.insert(id, tx);
        }
        self.id = Some(id);
        self.events = Some(Source::Wire(rx));
        let credit = self.initial_credit();
        let timeout_ms = self.timeout.map(saturate_ms);
        let (payload, attachments) = args.into_parts();
        let start = encode_stream(id, self.channel, payload, timeout_ms, credit);
        if inner
            .outbound
            .send(frame_for(start, &attachments))
            .await
            .is_err()
        {
            lock(&inner.pending.streams).remove(&id);
            self.end(Err(IpcError::Disconnected));
        }
    }

    fn initial_credit(&self) -> Grant {
        Grant {
            items: u64::from(self.window),
            bytes: self.bytes_window,
        }
    }

    /// Starts a direct stream: the handler's items arrive as values.
    fn start_direct(&mut self, args: crate::service::DirectValue) {
        let inner = &self.client.inner;
        let Some(connection) = &inner.direct else {
            return self.end(Err(not_direct()));
        };
        let id = inner.next_id.fetch_add(1, Ordering::Relaxed);
        let timeout_ms = self.timeout.map(saturate_ms);
        let credit = self.initial_credit();
        match connection.stream_direct(id, self.channel, args, timeout_ms, credit) {
            Ok((credit, events)) => {
                self.id = Some(id);
                self.events = Some(Source::Direct { events, credit });
            }
            Err(error) => self.end(Err(without_handler_error(error))),
        }
    }

    /// Grants back what was consumed since the last grant.
    async fn grant(&mut self, id: u64) {
        let grant = std::mem::take(&mut self.ungranted);
        if let Some(Source::Direct { credit, .. }) = &self.events {
            // Within the caps: it gives back only what the handler spent.
            let _ = credit.grant(grant);
            return;
        }
        let frame = OutboundFrame::Text(encode_credit(id, grant));
        // A closed transport shows as the stream's `disconnected` end.
        let _ = self.client.inner.outbound.send(frame).await;
    }

    /// The next thing to read, granting pending byte credit first when nothing is queued.
    async fn next_event(&mut self, id: u64) -> Option<Next> {
        let queued = match self.events.as_mut()? {
            Source::Wire(events) => events.try_recv().map(Next::from),
            Source::Direct { events, .. } => events.try_recv().map(Next::from),
        };
        let empty = match queued {
            Ok(next) => return Some(next),
            Err(TryRecvError::Disconnected) => return Some(Next::Closed),
            Err(TryRecvError::Empty) => true,
        };
        // A byte window can block the producer with less than half of it consumed (one large item
        // outstanding): nothing left to read, so grant now rather than wait forever.
        if empty && self.ungranted.bytes > 0 {
            self.grant(id).await;
        }
        Some(match self.events.as_mut()? {
            Source::Wire(events) => events.recv().await.map_or(Next::Closed, Next::from),
            Source::Direct { events, .. } => events.recv().await.map_or(Next::Closed, Next::from),
        })
    }

    fn half_window_consumed(&self) -> bool {
        self.ungranted.items >= u64::from((self.window / 2).max(1))
            || (self.bytes_window > 0 && self.ungranted.bytes >= (self.bytes_window / 2).max(1))
    }
}

impl<T, R, E> StreamCall<T, R, E>
where
    T: DeserializeOwned + 'static,
    R: DeserializeOwned + 'static,
    E: DeserializeOwned + 'static,
{
    /// The next item, in the order the handler sent them; `None` once the stream ended (then
    /// [`StreamCall::result`] gives how).
    pub async fn next(&mut self) -> Option<T> {
        if self.args.is_some() {
            self.start().await;
        }
        let id = self.id?;
        let event = self.next_event(id).await?;
        match event {
            Next::Closed => {
                self.end(Err(IpcError::Disconnected));
                None
            }
            Next::DirectEnd(end) => {
                let outcome = direct_outcome(self.channel, end);
                self.end(outcome);
                None
            }
            Next::DirectItem(value) => {
                if let Ok(item) = value.downcast::<T>() {
                    self.ungranted.items += 1;
                    if self.half_window_consumed() {
                        self.grant(id).await;
                    }
                    return Some(*item);
                }
                let message = format!(
                    "an item of channel {:?} is not of its declared type",
                    self.channel
                );
                self.cancel();
                self.end(Err(IpcError::Protocol { message }));
                None
            }
            Next::End(answer) => {
                let outcome = decode_reply(self.channel, answer).unwrap_or_else(|| {
                    Err(IpcError::Protocol {
                        message: "the main side ended the stream with an unreadable frame"
                            .to_owned(),
                    })
                });
                self.end(outcome);
                None
            }
            Next::Item {
                frame,
                payload,
                attachments,
            } => {
                let text = payload.map_or("null", |range| &frame[range]);
                let decoded = with_attachments(&attachments, Json::Text(text), || {
                    serde_json::from_str::<T>(text)
                });
                let bytes = attachments.iter().map(|a| a.len() as u64).sum::<u64>();
                match decoded {
                    Ok(item) => {
                        self.ungranted.items += 1;
                        self.ungranted.bytes += bytes;
                        if self.half_window_consumed() {
                            self.grant(id).await;
                        }
                        Some(item)
                    }
                    Err(e) => {
                        let message = format!(
                            "an item of channel {:?} did not match its declared type: {e}",
                            self.channel
                        );
                        self.cancel();
                        self.end(Err(IpcError::Protocol { message }));
                        None
                    }
                }
            }
        }
    }

    /// The stream's outcome, once every item is in: the handler's value, its typed error, or why the
    /// stream ended otherwise (`timeout`, `cancelled`, `internal` on a panic, `disconnected`). Items not
    /// read yet are read (and granted credit for) and dropped.
    pub async fn result(mut self) -> Result<R, IpcError<E>> {
        while self.next().await.is_some() {}
        self.outcome.take().unwrap_or(Err(IpcError::Disconnected))
    }
}

impl<T, R, E> StreamCall<T, R, E> {
    /// Stops a running stream: forgets it and tells the main side (best effort: if the queue is full or
    /// closed, the main side's deadline or disconnect still ends the handler).
    fn cancel(&mut self) {
        let Some(id) = self.id else { return };
        match &self.events {
            None => {}
            Some(Source::Direct { .. }) => {
                if let Some(connection) = &self.client.inner.direct {
                    connection.cancel_direct(id);
                }
            }
            Some(Source::Wire(_)) => {
                lock(&self.client.inner.pending.streams).remove(&id);
                let cancel = OutboundFrame::Text(encode_cancel(id));
                let _ = self.client.inner.outbound.try_send(cancel);
            }
        }
    }
}

impl<T, R, E> Drop for StreamCall<T, R, E> {
    fn drop(&mut self) {
        self.cancel();
    }
}

impl From<StreamEvent> for Next {
    fn from(event: StreamEvent) -> Self {
        match event {
            StreamEvent::Item {
                frame,
                payload,
                attachments,
            } => Self::Item {
                frame,
                payload,
                attachments,
            },
            StreamEvent::End(answer) => Self::End(answer),
        }
    }
}

impl From<DirectEvent> for Next {
    fn from(event: DirectEvent) -> Self {
        match event {
            DirectEvent::Item(value) => Self::DirectItem(value),
            DirectEvent::End(end) => Self::DirectEnd(end),
        }
    }
}

/// A direct stream's end, unboxed into its declared types.
fn direct_outcome<R: 'static, E: 'static>(
    channel: &str,
    end: Result<DirectOutcome, IpcError<()>>,
) -> Result<R, IpcError<E>> {
    let mismatch = |what: &str| IpcError::Protocol {
        message: format!("the {what} of channel {channel:?} is not of its declared type"),
    };
    match end.map_err(without_handler_error)? {
        DirectOutcome::Reply(value) => value.downcast().map(|v| *v).map_err(|_| mismatch("reply")),
        DirectOutcome::HandlerError(error) => match error.downcast() {
            Ok(error) => Err(IpcError::Handler { error: *error }),
            Err(_) => Err(mismatch("error")),
        },
    }
}
