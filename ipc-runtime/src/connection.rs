//! One connected caller: checks, decodes and dispatches its messages, tracks its in-flight invokes.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::bytes::Bytes;
use tokio_util::sync::CancellationToken;

use crate::binary::{BinaryMessage, frame_for, scope};
use crate::caller::{CallToken, Caller, CallerId};
use crate::emitter::OutboundFrame;
use crate::envelope::{
    Grant, Inbound, Refusal, encode_error, encode_handler_error, encode_reply, saturate_ms,
    too_large,
};
use crate::error::IpcError;
use crate::in_flight::{InFlight, Refused};
use crate::logging::escaped;
use crate::panic::{CatchUnwind, panic_message};
use crate::scan;
use crate::server::Shared;
use crate::service::{ChannelDescriptor, ChannelKind, HandlerOutcome, Outcome};
use crate::sink::RawSink;
use stream::Credit;

mod direct;
pub(crate) mod stream;
mod validate;

/// A caller connected through some host. The host feeds each inbound message to [`Connection::receive`] and
/// drops (or [`Connection::close`]s) the connection when the transport closes: that cancels every handler still
/// running for it and unregisters it from the event hub.
pub struct Connection {
    shared: Arc<Shared>,
    id: CallerId,
    origin: Arc<str>,
    top_frame: bool,
    outbound: mpsc::Sender<OutboundFrame>,
    in_flight: Arc<InFlight>,
    closed: CancellationToken,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("id", &self.id)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// How a call's envelope was read.
enum Source<'a> {
    /// On the fast path, payload not yet validated: the text, to re-read strictly if the call is refused.
    Unchecked(&'a str),
    /// Parsed strictly; the binary attachments that came with it (none for text).
    Checked(Vec<Bytes>),
}

/// Whether a message read on the fast path must be read again, strictly.
#[must_use]
enum Handled {
    Done,
    ReadStrictly,
}

enum Finished<O = HandlerOutcome> {
    Outcome(O),
    Timeout(u32),
    Cancelled,
    Panicked,
    /// Ended by something other than its handler (a stream's bad credit): this error is the answer.
    Failed(IpcError<()>),
}

/// How a running call is tracked: an invoke or a stream by its in-flight slot (where its token is made on
/// first use), a `send` by a token of its own.
enum Tracking {
    Invoke {
        id: u64,
        generation: u64,
        /// A stream's credit.
        stream: Option<Arc<Credit>>,
    },
    Send(CancellationToken),
}

impl Tracking {
    fn id(&self) -> Option<u64> {
        match self {
            Self::Invoke { id, .. } => Some(*id),
            Self::Send(_) => None,
        }
    }

    /// The token the handler's [`Caller`] hands out.
    fn caller_token(&self, in_flight: &Arc<InFlight>) -> CallToken {
        match self {
            Self::Invoke { id, generation, .. } => {
                CallToken::on_first_use(in_flight.clone(), *id, *generation)
            }
            Self::Send(token) => CallToken::Made(token.clone()),
        }
    }

    /// The token to watch while the handler runs on its own task (made now if the handler did not ask).
    fn watch(&self, in_flight: &InFlight) -> CancellationToken {
        match self {
            Self::Invoke { id, generation, .. } => in_flight.token(*id, *generation),
            Self::Send(token) => token.clone(),
        }
    }

    /// Frees the call's slot. Returns its token, if one was made, for the caller to cancel.
    fn end(self, in_flight: &InFlight) -> Option<CancellationToken> {
        match self {
            Self::Invoke { id, generation, .. } => in_flight.end(id, generation),
            Self::Send(token) => Some(token),
        }
    }

    /// How the call ended: as its handler says, unless something else ended a stream first. For a stream,
    /// also closes its credit: no item goes after this, so none can follow the end frame.
    fn finished<O>(&self, finished: Finished<O>) -> Finished<O> {
        match self {
            Self::Invoke {
                stream: Some(credit),
                ..
            } => credit.end().map_or(finished, Finished::Failed),
            _ => finished,
        }
    }
}

impl Connection {
    pub(crate) fn new(
        shared: Arc<Shared>,
        id: CallerId,
        origin: Arc<str>,
        top_frame: bool,
        outbound: mpsc::Sender<OutboundFrame>,
    ) -> Self {
        let closed = CancellationToken::new();
        Self {
            shared,
            id,
            origin,
            top_frame,
            outbound,
            in_flight: Arc::new(InFlight::new(closed.clone())),
            closed,
        }
    }

    pub fn id(&self) -> CallerId {
        self.id
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Number of `invoke` calls currently running for this connection.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Handles one inbound message. Errors are answered on the outbound queue (an `error` envelope with the
    /// invoke's id, or with no id when the message was a `send` or could not be read); they never end the
    /// connection. Waits only when the outbound queue is full, which pushes back on a flooding renderer.
    pub async fn receive(&self, text: &str) {
        match self.fast_path(text) {
            Some(inbound) => {
                if let Handled::ReadStrictly = self.handle(inbound, Source::Unchecked(text)).await {
                    self.receive_checked(text, Vec::new()).await;
                }
            }
            None => self.receive_checked(text, Vec::new()).await,
        }
    }

    /// Handles one binary message: an envelope with attachments (see [`crate::Bytes`]). The size limit
    /// covers the whole message; a message that cannot be read is refused like unreadable text.
    pub async fn receive_binary(&self, message: Bytes) {
        self.receive_binary_message(message.into()).await;
    }

    async fn receive_binary_message(&self, message: BinaryMessage) {
        let limit = self.shared.limits.max_message_bytes;
        if message.len() > limit {
            return self
                .refuse(None, "<envelope>", &too_large(message.len(), limit))
                .await;
        }
        match message.decode() {
            Ok(decoded) => {
                let (envelope, attachments) = decoded.into_parts();
                let text = std::str::from_utf8(&envelope).unwrap_or_default();
                self.receive_checked(text, attachments).await;
            }
            Err(e) => {
                let error = IpcError::Protocol {
                    message: e.to_string(),
                };
                self.refuse(None, "<envelope>", &error).await;
            }
        }
    }

    /// Handles one message of either kind.
    pub async fn receive_frame(&self, frame: OutboundFrame) {
        match frame {
            OutboundFrame::Text(text) => self.receive(&text).await,
            OutboundFrame::Binary(message) => self.receive_binary_message(message).await,
        }
    }

    /// The strict path: the whole envelope is parsed and validated before anything else.
    async fn receive_checked(&self, text: &str, attachments: Vec<Bytes>) {
        let inbound = match Inbound::parse(text, &self.shared.limits) {
            Ok(inbound) => inbound,
            Err(Refusal { id, error }) => return self.refuse(id, "<envelope>", &error).await,
        };
        // Only a fast-path read can ask to be read strictly.
        let _ = self.handle(inbound, Source::Checked(attachments)).await;
    }

    /// Starts a call, or cancels one.
    async fn handle(&self, inbound: Inbound<'_>, source: Source<'_>) -> Handled {
        match inbound {
            Inbound::Send { channel, payload } => {
                let call = Call::new(None, channel, ChannelKind::Send, payload);
                self.start(call, source).await
            }
            Inbound::Invoke {
                id,
                channel,
                payload,
                timeout_ms,
            } => {
                let mut call = Call::new(Some(id), channel, ChannelKind::Invoke, payload);
                call.timeout_ms = timeout_ms;
                self.start(call, source).await
            }
            Inbound::Stream {
                id,
                channel,
                payload,
                timeout_ms,
                credit,
            } => {
                let mut call = Call::new(Some(id), channel, ChannelKind::Stream, payload);
                call.timeout_ms = timeout_ms;
                call.credit = Some(credit);
                self.start(call, source).await
            }
            Inbound::Credit { id, grant } => {
                self.grant(id, grant);
                Handled::Done
            }
            Inbound::Validate {
                id,
                channel,
                payload,
            } => match source {
                Source::Checked(attachments) => {
                    self.validate(id, channel, payload, attachments).await;
                    Handled::Done
                }
                // The fast path reads no `validate` (see `scan.rs`); should it ever, the strict read decides.
                Source::Unchecked(_) => Handled::ReadStrictly,
            },
            Inbound::Cancel { id } => {
                if !self.in_flight.cancel(id) {
                    tracing::debug!(caller = %self.id, id, "cancel for a call that is not running; ignored");
                }
                Handled::Done
            }
        }
    }

    /// Cancels every running handler of this connection and unregisters it. Same as dropping it.
    pub fn close(self) {}

    /// The bridges' own envelope shape, read without validating the payload first: only for services whose
    /// dispatch decodes strictly (which then validates it). The size limit applies first, as on the strict path.
    fn fast_path<'a>(&self, text: &'a str) -> Option<Inbound<'a>> {
        if !self.shared.strict_decode || text.len() > self.shared.limits.max_message_bytes {
            return None;
        }
        scan::inbound(text)
    }

    /// Adds a renderer's credit to stream `id`. Credit for a stream that is not running is dropped; bad
    /// credit ends the stream with `protocol`.
    fn grant(&self, id: u64, grant: Result<Grant, String>) {
        let Some(credit) = self.in_flight.stream(id) else {
            if crate::logging::MESSAGE_REFUSED.admit() {
                tracing::warn!(caller = %self.id, id, "credit for a stream that is not running; dropped");
            }
            return;
        };
        if let Err(message) = grant.and_then(|grant| credit.grant(grant)) {
            if crate::logging::MESSAGE_REFUSED.admit() {
                tracing::warn!(caller = %self.id, id, error = %escaped(&message), "bad stream credit; the stream ends");
            }
            credit.fail(IpcError::Protocol { message });
            self.in_flight.cancel(id);
        }
    }

    async fn start(&self, call: Call<'_>, source: Source<'_>) -> Handled {
        let Call {
            id,
            channel,
            kind,
            payload,
            timeout_ms,
            credit,
        } = call;
        let (unchecked, attachments) = match source {
            Source::Unchecked(text) => (Some(text), Vec::new()),
            Source::Checked(attachments) => (None, attachments),
        };
        let (index, descriptor) = match self.check(channel, kind) {
            Ok(found) => found,
            Err(error) => {
                return self
                    .refuse_call(unchecked, payload, id, channel, &error)
                    .await;
            }
        };
        let stream = credit.map(|credit| Arc::new(Credit::new(credit)));
        let tracking = match id {
            Some(id) => match self.admit(id, stream.clone()) {
                Ok(generation) => Tracking::Invoke {
                    id,
                    generation,
                    stream,
                },
                Err((id, error)) => {
                    return self
                        .refuse_call(unchecked, payload, id, channel, &error)
                        .await;
                }
            },
            None => Tracking::Send(self.closed.child_token()),
        };
        let caller = self.caller(&tracking);
        let dispatch = || match &tracking {
            Tracking::Invoke {
                id,
                generation,
                stream: Some(credit),
            } => {
                let token = self.in_flight.token(*id, *generation);
                let sink = RawSink::new(*id, credit.clone(), self.outbound.clone(), token);
                self.shared
                    .service
                    .dispatch_stream(index, caller, payload, sink)
            }
            _ => self.shared.service.dispatch(index, caller, payload),
        };
        let dispatched = if attachments.is_empty() {
            dispatch()
        } else {
            // Placeholders in the payload claim their attachments while it is decoded.
            scope::providing(&attachments, scope::Json::Text(payload), dispatch)
        };
        let future = match dispatched {
            Ok(future) => future,
            Err(e) => {
                if let Some(token) = tracking.end(&self.in_flight) {
                    token.cancel();
                }
                let error = IpcError::InvalidInput {
                    channel: descriptor.name.to_owned(),
                    message: e.to_string(),
                };
                return self
                    .refuse_call(unchecked, payload, id, channel, &error)
                    .await;
            }
        };
        let timeout_ms = self.timeout_ms(timeout_ms, descriptor);
        let mut handler = CatchUnwind(future);
        // First poll inline: most handlers finish without waiting, and then the call needs no task, timer,
        // wake-up or (unless the handler asked for it) cancellation token. Only a handler that is still
        // pending moves to its own task, so the connection keeps serving (and can receive a `cancel`) while
        // it runs. A cancel cannot arrive during this poll: this is the task that reads them.
        let first = poll_once(&mut handler).await;
        if let Poll::Ready(result) = first {
            let finished = tracking.finished(settle(result));
            let reply_to = tracking.id();
            // The slot goes first: from here on, a caller asking for its token gets a cancelled one.
            end_call(tracking.end(&self.in_flight).as_ref(), handler);
            if let Some(frame) = answer(self.id, reply_to, descriptor.name, finished) {
                let _ = self.outbound.send(frame).await;
            }
            return Handled::Done;
        }
        let deadline = deadline_after(timeout_ms);
        let token = tracking.watch(&self.in_flight);
        let outbound = self.outbound.clone();
        let in_flight = self.in_flight.clone();
        let caller_id = self.id;
        tokio::spawn(async move {
            let finished = tracking.finished(run(&mut handler, deadline, timeout_ms, &token).await);
            end_call(Some(&token), handler);
            let reply_to = tracking.id();
            // The token is cancelled already.
            let _ = tracking.end(&in_flight);
            if let Some(frame) = answer(caller_id, reply_to, descriptor.name, finished) {
                // The receiver is gone only when the connection closed; nobody is waiting for the reply then.
                let _ = outbound.send(frame).await;
            }
        });
        Handled::Done
    }

    /// The [`Caller`] a handler of this connection gets.
    fn caller(&self, tracking: &Tracking) -> Caller {
        Caller::new(
            self.id,
            self.origin.clone(),
            self.shared.hub.to(self.id),
            tracking.caller_token(&self.in_flight),
        )
    }

    /// A call's deadline: the caller's, else the channel's, else the server's default.
    fn timeout_ms(&self, asked: Option<u32>, descriptor: &ChannelDescriptor) -> u32 {
        asked
            .or(descriptor.timeout_ms)
            .unwrap_or_else(|| saturate_ms(self.shared.default_timeout))
    }

    /// Kind and origin checks, before anything of the payload is decoded. Returns the channel's index and
    /// descriptor.
    fn check(
        &self,
        channel: &str,
        kind: ChannelKind,
    ) -> Result<(usize, &'static ChannelDescriptor), IpcError<()>> {
        self.check_kind(channel, |found| found == kind)
    }

    /// [`Connection::check`] for a channel of any kind `accepts`.
    fn check_kind(
        &self,
        channel: &str,
        accepts: impl Fn(ChannelKind) -> bool,
    ) -> Result<(usize, &'static ChannelDescriptor), IpcError<()>> {
        let unknown = || IpcError::UnknownChannel {
            channel: channel.to_owned(),
        };
        let index = *self.shared.channel_index.get(channel).ok_or_else(unknown)?;
        let descriptor = &self.shared.descriptor.channels[index];
        if !accepts(descriptor.kind) {
            return Err(unknown());
        }
        if !descriptor.allows_origin(&self.origin)
            || !(self.top_frame || descriptor.allow_subframes)
        {
            return Err(IpcError::Denied {
                channel: descriptor.name.to_owned(),
                origin: self.origin.to_string(),
            });
        }
        Ok((index, descriptor))
    }

    /// Takes an in-flight slot for invoke or stream `id`; on refusal, the id to answer with (if any) and
    /// the error.
    fn admit(
        &self,
        id: u64,
        stream: Option<Arc<Credit>>,
    ) -> Result<u64, (Option<u64>, IpcError<()>)> {
        let max = self.shared.limits.max_in_flight;
        let admitted = match stream {
            Some(credit) => self.in_flight.admit_stream(id, max, credit),
            None => self.in_flight.admit(id, max),
        };
        admitted.map_err(|refused| match refused {
            // Answering with this id would settle the *running* call with someone else's error.
            Refused::Duplicate => (
                None,
                IpcError::Protocol {
                    message: format!("request id {id} is already in flight on this connection"),
                },
            ),
            Refused::Busy => (
                Some(id),
                IpcError::Protocol {
                    message: format!("more than {max} calls in flight; request {id} refused"),
                },
            ),
        })
    }

    /// Refuses a call. If its envelope came from the fast path (`unchecked`), the text is read strictly
    /// first, so the renderer gets exactly the strict path's answer: the strict refusal when the envelope is
    /// malformed, and a strict re-read when the strict parser finds another payload than the fast path's
    /// slice (the envelope went on after the payload).
    async fn refuse_call(
        &self,
        unchecked: Option<&str>,
        payload: &str,
        id: Option<u64>,
        channel: &str,
        error: &IpcError<()>,
    ) -> Handled {
        if let Some(text) = unchecked {
            match Inbound::parse(text, &self.shared.limits) {
                Err(refusal) => {
                    self.refuse(refusal.id, "<envelope>", &refusal.error).await;
                    return Handled::Done;
                }
                Ok(strict) if !strict.payload().is_some_and(|p| same_slice(p, payload)) => {
                    return Handled::ReadStrictly;
                }
                Ok(_) => {}
            }
        }
        self.refuse(id, channel, error).await;
        Handled::Done
    }

    /// Refuses a message its host could not hand over (over the host's own frame limit, text that is not
    /// UTF-8), with the id the host read from its first bytes: answered like a refused envelope.
    #[cfg(feature = "stdio")]
    pub(crate) async fn refuse_unread(&self, id: Option<u64>, error: &IpcError<()>) {
        self.refuse(id, "<envelope>", error).await;
    }

    async fn refuse(&self, id: Option<u64>, channel: &str, error: &IpcError<()>) {
        // An id that names a running call is not this message's to settle (a malformed, misrouted or denied
        // invoke reusing it): answering with it would end that call with this refusal.
        let id = id.filter(|&id| !self.in_flight.contains(id));
        if crate::logging::MESSAGE_REFUSED.admit() {
            tracing::warn!(caller = %self.id, origin = %escaped(&self.origin), channel, id, error = %escaped(error), "message refused");
        }
        let _ = self
            .outbound
            .send(OutboundFrame::Text(encode_error(id, error)))
            .await;
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.closed.cancel();
        self.shared.hub.registry.unregister(self.id);
    }
}

/// A call as read from its envelope.
struct Call<'a> {
    id: Option<u64>,
    channel: &'a str,
    kind: ChannelKind,
    payload: &'a str,
    timeout_ms: Option<u32>,
    /// A stream's initial credit.
    credit: Option<Grant>,
}

impl<'a> Call<'a> {
    fn new(id: Option<u64>, channel: &'a str, kind: ChannelKind, payload: &'a str) -> Self {
        Self {
            id,
            channel,
            kind,
            payload,
            timeout_ms: None,
            credit: None,
        }
    }
}

/// Polls a handler once, on the calling task, and says whether it finished.
fn poll_once<F: Future + Unpin>(
    handler: &mut CatchUnwind<F>,
) -> impl Future<Output = Poll<<CatchUnwind<F> as Future>::Output>> + '_ {
    std::future::poll_fn(move |cx| Poll::Ready(Pin::new(&mut *handler).poll(cx)))
}

/// When a call given `timeout_ms` from now must end.
fn deadline_after(timeout_ms: u32) -> Instant {
    Instant::now() + Duration::from_millis(u64::from(timeout_ms))
}

/// Drives a handler that did not finish on its first poll, until it ends, passes `deadline`, or is cancelled.
/// The caller ends the call ([`end_call`]) afterwards.
async fn run<F: Future + Unpin>(
    handler: &mut CatchUnwind<F>,
    deadline: Instant,
    timeout_ms: u32,
    cancel: &CancellationToken,
) -> Finished<F::Output> {
    tokio::select! {
        biased;
        () = cancel.cancelled() => Finished::Cancelled,
        result = tokio::time::timeout_at(deadline, handler) => match result {
            Err(_) => Finished::Timeout(timeout_ms),
            Ok(result) => settle(result),
        },
    }
}

fn settle<O>(result: Result<O, Box<dyn Any + Send>>) -> Finished<O> {
    match result {
        Ok(outcome) => Finished::Outcome(outcome),
        Err(payload) => {
            tracing::error!(panic = panic_message(payload.as_ref()), "handler panicked");
            Finished::Panicked
        }
    }
}

/// The call is over: tell anything the handler spawned *before* its future is dropped, so that drop guards
/// inside the handler already see the token cancelled. No token: nobody asked for one, nobody watches it.
fn end_call<F>(cancel: Option<&CancellationToken>, handler: CatchUnwind<F>) {
    if let Some(cancel) = cancel {
        cancel.cancel();
    }
    // A drop guard that panics must not take the connection's task (which may have polled it inline) down.
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| drop(handler))) {
        tracing::error!(
            panic = panic_message(payload.as_ref()),
            "handler panicked while dropped"
        );
    }
}

/// The reply frame of an invoke (`id`); a `send`'s outcome (no id) is only logged.
fn answer(
    caller: CallerId,
    id: Option<u64>,
    channel: &str,
    finished: Finished,
) -> Option<OutboundFrame> {
    let Some(id) = id else {
        log_send_outcome(caller, channel, &finished);
        return None;
    };
    Some(reply_frame(caller, channel, id, finished))
}

fn reply_frame(caller: CallerId, channel: &str, id: u64, finished: Finished) -> OutboundFrame {
    let internal = |message: &str| IpcError::<()>::Internal {
        message: message.to_owned(),
    };
    let text = match finished {
        Finished::Outcome(HandlerOutcome::Reply(value)) => {
            let (payload, attachments) = value.into_parts();
            return frame_for(encode_reply(id, payload), &attachments);
        }
        Finished::Outcome(HandlerOutcome::HandlerError(error)) => {
            let (error, attachments) = error.into_parts();
            return frame_for(encode_handler_error(id, error), &attachments);
        }
        Finished::Outcome(HandlerOutcome::Internal(detail)) => {
            tracing::error!(%caller, channel, id, detail, "handler result could not be encoded");
            encode_error(
                Some(id),
                &internal("the handler's result could not be encoded"),
            )
        }
        Finished::Timeout(timeout_ms) => {
            encode_error(Some(id), &IpcError::<()>::Timeout { timeout_ms })
        }
        Finished::Cancelled => encode_error(Some(id), &IpcError::<()>::Cancelled),
        Finished::Panicked => encode_error(Some(id), &internal("the handler panicked")),
        Finished::Failed(error) => encode_error(Some(id), &error),
    };
    OutboundFrame::Text(text)
}

fn log_send_outcome<O: Outcome>(caller: CallerId, channel: &str, finished: &Finished<O>) {
    match finished {
        Finished::Outcome(outcome) if !outcome.is_failure() => {}
        Finished::Cancelled | Finished::Failed(_) => {}
        Finished::Outcome(_) => tracing::error!(%caller, channel, "send handler failed"),
        Finished::Timeout(ms) => {
            tracing::warn!(%caller, channel, ms, "send handler passed its deadline and was dropped");
        }
        Finished::Panicked => tracing::error!(%caller, channel, "send handler panicked"),
    }
}

/// Whether the strict parser's `payload` is the fast path's slice `fast` of the same text: the same start and
/// length, once the whitespace the fast path may keep around the value is trimmed.
fn same_slice(strict: &str, fast: &str) -> bool {
    let fast = scan::trim_json_whitespace(fast);
    strict.as_ptr() == fast.as_ptr() && strict.len() == fast.len()
}

#[cfg(test)]
#[path = "connection_tests.rs"]
mod tests;
