//! A typed-call client over any message transport: request ids, reply correlation, deadlines, cancellation
//! and event subscriptions. The macro wraps it in `<Trait>Client`, so tests call handlers exactly the way a
//! renderer does (encode -> transport -> origin check -> decode -> handler -> encode -> back).
//! A direct client ([`crate::Server::connect_direct`]) hands its calls to the connection as values instead.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::ops::Range;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use tokio_util::bytes::Bytes;

use crate::binary::scope::{self, Json};
use crate::binary::{Encoded, frame_for};
use crate::connection::Connection;
use crate::emitter::OutboundFrame;
use crate::envelope::{Kind, RawEnvelope, encode_cancel, encode_invoke, encode_send, saturate_ms};
use crate::error::{IpcError, Never};
use crate::hash::FastMap;
use crate::scan;
use crate::service::{DirectOutcome, DirectValue};

mod stream;

pub use stream::StreamCall;
use stream::StreamEvent;

// Errors are read through `serde_json::Value`: the enum is internally tagged, and serde cannot hand a
// `RawValue` through the buffering that tagged enums need.
type Reply = Result<ReplyText, IpcError<serde_json::Value>>;

/// A reply's payload, left inside the frame it arrived in: the frame is moved to the caller, not copied.
struct ReplyText {
    frame: String,
    /// Where the payload is in `frame`; `None` when the reply had none (read as `null`).
    payload: Option<Range<usize>>,
    /// False when the frame was read on the fast path: only its typed decode validates the payload.
    checked: bool,
}

impl ReplyText {
    fn payload(&self) -> &str {
        self.payload
            .clone()
            .map_or("null", |range| &self.frame[range])
    }
}
/// What a call's waiter receives: the reply (or error) and the attachments its placeholders name.
struct Answer {
    reply: Reply,
    attachments: Vec<Bytes>,
}

impl From<Reply> for Answer {
    fn from(reply: Reply) -> Self {
        Self {
            reply,
            attachments: Vec::new(),
        }
    }
}

/// One event's payload and its attachments.
type EventPayload = (Box<RawValue>, Vec<Bytes>);
type EventSinks = HashMap<String, Vec<mpsc::UnboundedSender<EventPayload>>>;

/// A call's entry in the pending table.
enum Slot {
    /// Waiting for its reply.
    Waiting(oneshot::Sender<Answer>),
    /// Its reply, read on the fast path, went to the caller, which is decoding it. Replies that arrive
    /// meanwhile queue here: if that reply turns out to be malformed (which the strict reader would have
    /// ignored), the next one is the call's.
    Checking(VecDeque<Answer>),
}

#[derive(Default)]
struct Pending {
    calls: Mutex<FastMap<u64, Slot>>,
    events: Mutex<EventSinks>,
    refusals: Mutex<Vec<mpsc::UnboundedSender<IpcError<serde_json::Value>>>>,
    /// Running streams: their items, then their end.
    streams: Mutex<FastMap<u64, mpsc::UnboundedSender<StreamEvent>>>,
    /// Set (under the `calls` lock) when the reader ended: no reply can come any more.
    closed: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

struct Inner {
    outbound: mpsc::Sender<OutboundFrame>,
    next_id: AtomicU64,
    pending: Arc<Pending>,
    /// Set for a direct client ([`crate::Server::connect_direct`]): calls go to the connection as values.
    direct: Option<Arc<Connection>>,
}

/// The untyped core of every generated client. Cheap to clone; all clones share one connection.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("in_flight", &self.in_flight())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client that writes envelopes to `outbound` and reads the main side's frames from `inbound`.
    /// Spawns a reader task on the current tokio runtime; when `inbound` ends, every pending call fails with
    /// [`IpcError::Disconnected`] and every subscription ends.
    pub fn new(
        outbound: mpsc::Sender<OutboundFrame>,
        inbound: mpsc::Receiver<OutboundFrame>,
    ) -> Self {
        Self::with_direct(outbound, inbound, None)
    }

    /// A client whose calls go to `direct` as values, when given; messages still use the transport.
    pub(crate) fn with_direct(
        outbound: mpsc::Sender<OutboundFrame>,
        inbound: mpsc::Receiver<OutboundFrame>,
        direct: Option<Arc<Connection>>,
    ) -> Self {
        let pending = Arc::new(Pending::default());
        tokio::spawn(read_loop(inbound, pending.clone()));
        Self {
            inner: Arc::new(Inner {
                outbound,
                next_id: AtomicU64::new(1),
                pending,
                direct,
            }),
        }
    }

    /// Whether calls skip encoding ([`crate::Server::connect_direct`]).
    pub fn is_direct(&self) -> bool {
        self.inner.direct.is_some()
    }

    /// Calls awaiting a reply. For a direct client: its invokes running on the main side.
    pub fn in_flight(&self) -> usize {
        match &self.inner.direct {
            Some(connection) => connection.in_flight(),
            None => lock(&self.inner.pending.calls).len(),
        }
    }

    /// Sends a message exactly as given, bypassing the typed layer. For tests of hostile or malformed input.
    pub async fn send_raw(&self, text: impl Into<String>) -> Result<(), IpcError<Never>> {
        self.send_frame(OutboundFrame::Text(text.into())).await
    }

    /// Sends a binary message exactly as given (see [`crate::Bytes`] for the layout). For tests.
    pub async fn send_raw_binary(&self, message: Bytes) -> Result<(), IpcError<Never>> {
        self.send_frame(OutboundFrame::Binary(message.into())).await
    }

    async fn send_frame(&self, frame: OutboundFrame) -> Result<(), IpcError<Never>> {
        self.inner
            .outbound
            .send(frame)
            .await
            .map_err(|_| IpcError::Disconnected)
    }

    /// Errors the main side sent without a request id: refused `send`s and unreadable messages.
    pub fn refusals(&self) -> mpsc::UnboundedReceiver<IpcError<serde_json::Value>> {
        let (tx, rx) = mpsc::unbounded_channel();
        lock(&self.inner.pending.refusals).push(tx);
        rx
    }

    #[doc(hidden)]
    pub async fn __send(
        &self,
        channel: &'static str,
        args: Result<Encoded, serde_json::Error>,
    ) -> Result<(), IpcError<Never>> {
        let (payload, attachments) = args.map_err(|e| encode_failure(channel, &e))?.into_parts();
        self.send_frame(frame_for(encode_send(channel, payload), &attachments))
            .await
    }

    #[doc(hidden)]
    pub fn __invoke<T, E>(
        &self,
        channel: &'static str,
        args: Result<Encoded, serde_json::Error>,
    ) -> Call<T, E> {
        self.call(channel, Args::Encoded(args.map_err(|e| e.to_string())))
    }

    /// An invoke with its argument tuple as a value; only for a client that [`Client::is_direct`].
    #[doc(hidden)]
    pub fn __invoke_direct<T, E, A: Send + 'static>(
        &self,
        channel: &'static str,
        args: A,
    ) -> Call<T, E> {
        self.call(channel, Args::Direct(Box::new(args)))
    }

    fn call<T, E>(&self, channel: &'static str, args: Args) -> Call<T, E> {
        Call {
            client: self.clone(),
            channel,
            args,
            timeout: None,
            cancel: None,
            _types: PhantomData,
        }
    }

    /// A `send` with its argument tuple as a value; only for a client that [`Client::is_direct`].
    #[doc(hidden)]
    pub async fn __send_direct<A: Send + 'static>(
        &self,
        channel: &'static str,
        args: A,
    ) -> Result<(), IpcError<Never>> {
        let Some(connection) = &self.inner.direct else {
            return Err(not_direct());
        };
        connection
            .send_direct(channel, Box::new(args))
            .await
            .map_err(without_handler_error)
    }

    #[doc(hidden)]
    pub fn __subscribe<T>(
        &self,
        channel: &'static str,
        decode: fn(&str) -> Result<T, crate::DecodeError>,
    ) -> Subscription<T> {
        let (tx, rx) = mpsc::unbounded_channel();
        lock(&self.inner.pending.events)
            .entry(channel.to_owned())
            .or_default()
            .push(tx);
        Subscription {
            channel,
            receiver: rx,
            decode,
        }
    }
}

fn not_direct<E>() -> IpcError<E> {
    IpcError::Protocol {
        message: "this client encodes its calls; it cannot hand over values".to_owned(),
    }
}

/// A runtime error, which never carries a handler's error, typed for any channel.
fn without_handler_error<E>(error: IpcError<()>) -> IpcError<E> {
    error.map_handler(|()| unreachable!("the runtime's own errors carry no handler error"))
}

fn encode_failure<E>(channel: &str, error: &serde_json::Error) -> IpcError<E> {
    IpcError::InvalidInput {
        channel: channel.to_owned(),
        message: format!("arguments could not be encoded: {error}"),
    }
}

async fn read_loop(mut inbound: mpsc::Receiver<OutboundFrame>, pending: Arc<Pending>) {
    while let Some(received) = inbound.recv().await {
        match received {
            OutboundFrame::Text(text) => route(text, Vec::new(), &pending),
            OutboundFrame::Binary(message) => match message.decode() {
                Ok(decoded) => {
                    let (envelope, attachments) = decoded.into_parts();
                    let text = String::from_utf8_lossy(&envelope).into_owned();
                    route(text, attachments, &pending);
                }
                Err(error) => {
                    tracing::warn!(error = %crate::logging::escaped(&error), "client received an unreadable binary message; ignored");
                }
            },
        }
    }
    // Dropping the reply senders wakes every waiting call with `Disconnected`; dropping the event senders
    // ends every subscription.
    {
        let mut calls = lock(&pending.calls);
        pending.closed.store(true, Ordering::Relaxed);
        calls.clear();
    }
    lock(&pending.streams).clear();
    lock(&pending.events).clear();
    lock(&pending.refusals).clear();
}

fn route(text: String, attachments: Vec<Bytes>, pending: &Pending) {
    if let Some((id, payload)) = scan::reply(&text) {
        let payload = Some(offset_in(&text, payload));
        let reply = ReplyText {
            frame: text,
            payload,
            checked: false,
        };
        let reply = Ok(reply);
        return complete(pending, id, Answer { reply, attachments });
    }
    let Ok(envelope) = serde_json::from_str::<RawEnvelope<'_>>(&text) else {
        tracing::warn!("client received an unreadable frame; ignored");
        return;
    };
    match (envelope.kind, envelope.id) {
        (Kind::Reply, Some(id)) => {
            let payload = envelope.payload.map(|raw| offset_in(&text, raw.get()));
            let reply = Ok(ReplyText {
                frame: text,
                payload,
                checked: true,
            });
            complete(pending, id, Answer { reply, attachments });
        }
        (Kind::Error, id) => {
            let error = envelope
                .error
                .and_then(|e| serde_json::from_str::<IpcError<serde_json::Value>>(e.get()).ok())
                .unwrap_or_else(|| IpcError::Protocol {
                    message: "the main side sent an unreadable error".to_owned(),
                });
            if let Some(id) = id {
                let reply = Err(error);
                complete(pending, id, Answer { reply, attachments });
            } else {
                lock(&pending.refusals).retain(|tx| tx.send(error.clone()).is_ok());
            }
        }
        (Kind::Item, Some(id)) => {
            let payload = envelope.payload.map(|raw| offset_in(&text, raw.get()));
            let item = StreamEvent::Item {
                frame: text,
                payload,
                attachments,
            };
            if let Some(stream) = lock(&pending.streams).get(&id) {
                // The receiver is gone only when the stream call was dropped; it sent its cancel then.
                let _ = stream.send(item);
            }
        }
        (Kind::Event, _) => {
            let (Some(channel), Some(payload)) = (envelope.channel, envelope.payload) else {
                return;
            };
            if let Some(sinks) = lock(&pending.events).get_mut(channel) {
                sinks.retain(|tx| tx.send((payload.to_owned(), attachments.clone())).is_ok());
            }
        }
        _ => tracing::warn!(?envelope.kind, "client received an unexpected envelope; ignored"),
    }
}

/// Where `part`, a slice of `text`, lies in it: the distance between the two pointers.
fn offset_in(text: &str, part: &str) -> Range<usize> {
    let start = part.as_ptr() as usize - text.as_ptr() as usize;
    start..start + part.len()
}

fn complete(pending: &Pending, id: u64, answer: Answer) {
    let unchecked = matches!(&answer.reply, Ok(reply) if !reply.checked);
    let mut calls = lock(&pending.calls);
    let slot = match calls.get_mut(&id) {
        // The end of a stream, or a reply to an id that is not pending (cancelled, timed out locally, never
        // sent), which is dropped.
        None => {
            drop(calls);
            if let Some(stream) = lock(&pending.streams).remove(&id) {
                let _ = stream.send(StreamEvent::End(answer));
            }
            return;
        }
        Some(Slot::Checking(later)) => return later.push_back(answer),
        // The caller still has to find out whether an unchecked reply is readable: keep its place.
        Some(Slot::Waiting(_)) if unchecked => calls.insert(id, Slot::Checking(VecDeque::new())),
        Some(Slot::Waiting(_)) => calls.remove(&id),
    };
    drop(calls);
    if let Some(Slot::Waiting(tx)) = slot {
        let _ = tx.send(answer);
    }
}

/// An `invoke` call being prepared. Set options, then `.await` it.
///
/// Dropping the future before it completes cancels the call on the main side (the handler is dropped).
#[must_use = "a Call does nothing until it is awaited"]
pub struct Call<T, E> {
    client: Client,
    channel: &'static str,
    args: Args,
    timeout: Option<Duration>,
    cancel: Option<CancellationToken>,
    _types: PhantomData<fn() -> (T, E)>,
}

impl<T, E> fmt::Debug for Call<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("channel", &self.channel)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<T, E> Call<T, E> {
    /// Overrides the channel's declared deadline for this call (enforced on both sides).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Cancels the call when `token` is cancelled; the call then fails with [`IpcError::Cancelled`].
    pub fn cancel_on(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }
}

impl<T, E> IntoFuture for Call<T, E>
where
    T: DeserializeOwned + Send + 'static,
    E: DeserializeOwned + Send + 'static,
{
    type Output = Result<T, IpcError<E>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        let Self {
            client,
            channel,
            args,
            timeout,
            cancel,
            _types,
        } = self;
        let call = CallParts {
            client,
            channel,
            timeout,
            cancel,
        };
        // Two futures, so that the common (encoded) one is no larger for the direct one's sake.
        match args {
            Args::Encoded(args) => Box::pin(call.run_encoded(args)),
            Args::Direct(args) => Box::pin(call.run_direct(args)),
        }
    }
}

/// Removes the pending entry and tells the main side to stop, unless the call completed.
struct PendingGuard {
    client: Client,
    id: u64,
    completed: bool,
}

impl Drop for PendingGuard {
    fn drop(&mut self) {
        if !self.completed {
            lock(&self.client.inner.pending.calls).remove(&self.id);
            // Best effort: if the queue is full or closed, the main side's deadline still ends the handler.
            let cancel = OutboundFrame::Text(encode_cancel(self.id));
            let _ = self.client.inner.outbound.try_send(cancel);
        }
    }
}

/// A call's arguments: encoded for the wire, or the argument tuple itself for a direct call.
enum Args {
    Encoded(Result<Encoded, String>),
    Direct(DirectValue),
}

/// A call's target and options, once it is awaited.
struct CallParts {
    client: Client,
    channel: &'static str,
    timeout: Option<Duration>,
    cancel: Option<CancellationToken>,
}

impl CallParts {
    async fn run_encoded<T: DeserializeOwned, E: DeserializeOwned>(
        self,
        args: Result<Encoded, String>,
    ) -> Result<T, IpcError<E>> {
        let channel = self.channel;
        let args = args.map_err(|message| IpcError::InvalidInput {
            channel: channel.to_owned(),
            message: format!("arguments could not be encoded: {message}"),
        })?;
        let inner = &self.client.inner;
        let id = inner.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        lock(&inner.pending.calls).insert(id, Slot::Waiting(tx));
        let mut guard = PendingGuard {
            client: self.client.clone(),
            id,
            completed: false,
        };
        let timeout_ms = self.timeout.map(saturate_ms);
        let (payload, attachments) = args.into_parts();
        let message = frame_for(
            encode_invoke(id, channel, payload, timeout_ms),
            &attachments,
        );
        if inner.outbound.send(message).await.is_err() {
            guard.completed = true;
            lock(&inner.pending.calls).remove(&id);
            return Err(IpcError::Disconnected);
        }
        // No token, no cancellation future: creating and polling one would cost a node and a waiter per call.
        let cancelled = async {
            match &self.cancel {
                Some(token) => token.cancelled().await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(cancelled);
        let deadline = async {
            match self.timeout {
                Some(timeout) => tokio::time::sleep(timeout).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(deadline);
        let mut rx = rx;
        let mut queued = None;
        loop {
            let answer = if let Some(answer) = queued.take() {
                answer
            } else {
                tokio::select! {
                    answer = &mut rx => {
                        guard.completed = true;
                        answer.unwrap_or_else(|_| Answer::from(Err(IpcError::Disconnected)))
                    }
                    () = &mut cancelled => return Err(IpcError::Cancelled),
                    () = &mut deadline => return Err(IpcError::Timeout { timeout_ms: timeout_ms.unwrap_or(0) }),
                }
            };
            let unchecked = matches!(&answer.reply, Ok(reply) if !reply.checked);
            if let Some(result) = decode_reply(channel, answer) {
                if unchecked {
                    // The slot the reader kept while the reply was checked.
                    lock(&inner.pending.calls).remove(&id);
                }
                return result;
            }
            // The reply frame was unreadable after all; the strict reader would have ignored it, so wait on.
            tracing::warn!("client received an unreadable frame; ignored");
            let mut calls = lock(&inner.pending.calls);
            if inner.pending.closed.load(Ordering::Relaxed) {
                return Err(IpcError::Disconnected);
            }
            if let Some(Slot::Checking(later)) = calls.get_mut(&id) {
                queued = later.pop_front();
            }
            if queued.is_none() {
                let (tx, next) = oneshot::channel();
                calls.insert(id, Slot::Waiting(tx));
                guard.completed = false;
                rx = next;
            }
        }
    }
}

impl CallParts {
    async fn run_direct<T: 'static, E: 'static>(self, args: DirectValue) -> Result<T, IpcError<E>> {
        let inner = &self.client.inner;
        let Some(connection) = &inner.direct else {
            return Err(not_direct());
        };
        let id = inner.next_id.fetch_add(1, Ordering::Relaxed);
        let timeout_ms = self.timeout.map(saturate_ms);
        let call = connection.invoke_direct(id, self.channel, args, timeout_ms);
        // Returning early drops the call, which cancels the handler.
        let outcome = match &self.cancel {
            None => call.await,
            Some(token) => tokio::select! {
                biased;
                () = token.cancelled() => return Err(IpcError::Cancelled),
                outcome = call => outcome,
            },
        };
        let mismatch = |what: &str| IpcError::Protocol {
            message: format!(
                "the {what} of channel {:?} is not of its declared type",
                self.channel
            ),
        };
        match outcome.map_err(without_handler_error)? {
            DirectOutcome::Reply(value) => {
                value.downcast().map(|v| *v).map_err(|_| mismatch("reply"))
            }
            DirectOutcome::HandlerError(error) => match error.downcast() {
                Ok(error) => Err(IpcError::Handler { error: *error }),
                Err(_) => Err(mismatch("error")),
            },
        }
    }
}

/// The payload the strict reader finds in a reply `frame` (`null` when it has none), or `None` when the
/// strict reader would ignore the frame.
fn strict_reply_payload(frame: &str) -> Option<&str> {
    let envelope = serde_json::from_str::<RawEnvelope<'_>>(frame).ok()?;
    matches!((envelope.kind, envelope.id), (Kind::Reply, Some(_)))
        .then(|| envelope.payload.map_or("null", |raw| raw.get()))
}

/// The call's result, or `None` when a reply read on the fast path turns out to be malformed JSON: the
/// strict reader ignores such a frame, so the call keeps waiting.
fn decode_reply<T: DeserializeOwned, E: DeserializeOwned>(
    channel: &str,
    answer: Answer,
) -> Option<Result<T, IpcError<E>>> {
    let mismatch = |what: &str, e: &serde_json::Error| IpcError::Protocol {
        message: format!("the {what} of channel {channel:?} did not match its declared type: {e}"),
    };
    let Answer { reply, attachments } = answer;
    Some(match reply {
        Ok(reply) => {
            let payload = reply.payload();
            match with_attachments(&attachments, Json::Text(payload), || {
                serde_json::from_str(payload)
            }) {
                Ok(value) => Ok(value),
                Err(e) if reply.checked => Err(mismatch("reply", &e)),
                // A fast-path payload that does not decode is read again the strict way, which may find a
                // different payload (the frame went on after it) or none at all (the frame is malformed).
                Err(_) => {
                    let payload = strict_reply_payload(&reply.frame)?;
                    with_attachments(&attachments, Json::Text(payload), || {
                        serde_json::from_str(payload)
                    })
                    .map_err(|e| mismatch("reply", &e))
                }
            }
        }
        Err(IpcError::Handler { error }) => {
            let decoded = with_attachments(&attachments, Json::Value(&error), || {
                serde::Deserialize::deserialize(&error)
            });
            match decoded {
                Ok(error) => Err(IpcError::Handler { error }),
                Err(e) => Err(mismatch("error", &e)),
            }
        }
        Err(other) => Err(other.map_handler(|_| unreachable!("handler errors are matched above"))),
    })
}

/// Runs a decode of `json` with `attachments` available to its placeholders (none: nothing to install).
fn with_attachments<T, E: From<scope::Mismatch>>(
    attachments: &[Bytes],
    json: Json<'_>,
    decode: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    if attachments.is_empty() {
        decode()
    } else {
        scope::providing(attachments, json, decode)
    }
}

/// A stream of one event channel's payloads. Dropping it unsubscribes.
pub struct Subscription<T> {
    channel: &'static str,
    receiver: mpsc::UnboundedReceiver<EventPayload>,
    decode: fn(&str) -> Result<T, crate::DecodeError>,
}

impl<T> fmt::Debug for Subscription<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

impl<T> Subscription<T> {
    /// The next event, or `None` once the connection closed. Payloads that do not match the declared type
    /// (a main side built from a different trait version) are logged and skipped.
    pub async fn next(&mut self) -> Option<T> {
        loop {
            let (raw, attachments) = self.receiver.recv().await?;
            match with_attachments(&attachments, Json::Text(raw.get()), || {
                (self.decode)(raw.get())
            }) {
                Ok(value) => return Some(value),
                Err(e) => {
                    tracing::warn!(channel = self.channel, error = %crate::logging::escaped(&e), "event payload did not decode; skipped");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client over bare channels, and a call to channel `c` whose invoke frame has been sent.
    async fn calling() -> (
        tokio::task::JoinHandle<Result<u32, IpcError<Never>>>,
        mpsc::Sender<OutboundFrame>,
    ) {
        let (to_main, mut from_client) = mpsc::channel(8);
        let (to_client, from_main) = mpsc::channel(8);
        let client = Client::new(to_main, from_main);
        let args = crate::binary::encode_payload(&[(); 0]);
        let call = tokio::spawn(client.__invoke::<u32, Never>("c", args).into_future());
        let invoke = from_client.recv().await.expect("invoke sent");
        assert_eq!(
            invoke,
            frame(r#"{"kind":"invoke","id":1,"channel":"c","payload":[]}"#)
        );
        (call, to_client)
    }

    fn frame(text: &str) -> OutboundFrame {
        OutboundFrame::Text(text.to_owned())
    }

    #[tokio::test]
    async fn a_malformed_reply_is_ignored_and_the_call_waits_on() {
        let (call, main) = calling().await;
        main.send(frame(r#"{"kind":"reply","id":1,"payload":[1,}"#))
            .await
            .unwrap();
        main.send(frame(r#"{"kind":"reply","id":1,"payload":7}"#))
            .await
            .unwrap();
        assert_eq!(call.await.unwrap(), Ok(7));
    }

    #[tokio::test]
    async fn a_reply_that_goes_on_after_its_payload_is_read_strictly() {
        let (call, main) = calling().await;
        // The fast path's payload is `7,"channel":"c"`, which does not decode; the strict reader's is `7`.
        main.send(frame(
            r#"{"kind":"reply","id":1,"payload":7,"channel":"c"}"#,
        ))
        .await
        .unwrap();
        assert_eq!(call.await.unwrap(), Ok(7));
    }

    #[tokio::test]
    async fn a_malformed_reply_then_disconnect_fails_the_call() {
        let (call, main) = calling().await;
        main.send(frame(r#"{"kind":"reply","id":1,"payload":tru}"#))
            .await
            .unwrap();
        drop(main);
        assert_eq!(call.await.unwrap(), Err(IpcError::Disconnected));
    }

    #[tokio::test]
    async fn a_well_formed_reply_of_the_wrong_type_is_a_protocol_error() {
        let (call, main) = calling().await;
        main.send(frame(r#"{"kind":"reply","id":1,"payload":"seven"}"#))
            .await
            .unwrap();
        let result = call.await.unwrap();
        assert!(
            matches!(result, Err(IpcError::Protocol { .. })),
            "{result:?}"
        );
    }
}
