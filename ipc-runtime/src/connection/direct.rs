//! Direct calls, from a caller in the same process ([`crate::Server::connect_direct`]): the same checks,
//! limits, deadlines and cancellation as a message off the wire, but the arguments, the reply and the
//! handler's error are handed over as values and never encoded.

use std::sync::Arc;
use std::task::Poll;

use tokio::sync::mpsc;

use super::stream::Credit;
use super::{
    CatchUnwind, Connection, Finished, Tracking, deadline_after, end_call, log_send_outcome,
    poll_once, run, settle,
};
use crate::envelope::Grant;
use crate::error::IpcError;
use crate::in_flight::InFlight;
use crate::service::{
    ChannelDescriptor, ChannelKind, DecodeError, DirectFuture, DirectOutcome, DirectValue,
};
use crate::sink::{DirectEvent, RawSink};

/// A direct call in progress. However it ends (the handler finishes, or the caller drops the call), its
/// in-flight slot is freed and its token cancelled before the handler is dropped.
struct DirectCall<'a> {
    in_flight: &'a InFlight,
    tracking: Option<Tracking>,
    handler: Option<CatchUnwind<DirectFuture>>,
}

impl Drop for DirectCall<'_> {
    fn drop(&mut self) {
        let token = self
            .tracking
            .take()
            .and_then(|tracking| tracking.end(self.in_flight));
        match self.handler.take() {
            Some(handler) => end_call(token.as_ref(), handler),
            None => {
                if let Some(token) = token {
                    token.cancel();
                }
            }
        }
    }
}

impl Connection {
    /// Runs invoke `id` on `channel` with `args` (the channel's argument tuple) and returns the handler's
    /// outcome. `id` shares the caller's id space with its wire invokes. Dropping the future cancels the call.
    pub(crate) async fn invoke_direct(
        &self,
        id: u64,
        channel: &str,
        args: DirectValue,
        timeout_ms: Option<u32>,
    ) -> Result<DirectOutcome, IpcError<()>> {
        let (index, descriptor) = self.check_direct(channel, ChannelKind::Invoke)?;
        let generation = self
            .admit(id, None)
            .map_err(|(_, error)| self.refused(channel, error))?;
        let tracking = Tracking::Invoke {
            id,
            generation,
            stream: None,
        };
        let caller = self.caller(&tracking);
        let mut call = DirectCall {
            in_flight: &self.in_flight,
            tracking: Some(tracking),
            handler: None,
        };
        let future = self
            .shared
            .service
            .dispatch_direct(index, caller, args)
            .map_err(|e| self.refused(channel, invalid_input(descriptor, &e)))?;
        let timeout_ms = self.timeout_ms(timeout_ms, descriptor);
        let handler = call.handler.insert(CatchUnwind(future));
        // First poll inline, as on the wire: a handler that finishes needs no token and no timer.
        let first = poll_once(handler).await;
        let finished = match first {
            Poll::Ready(result) => settle(result),
            Poll::Pending => {
                let deadline = deadline_after(timeout_ms);
                let token = self.in_flight.token(id, generation);
                run(handler, deadline, timeout_ms, &token).await
            }
        };
        drop(call);
        match finished {
            Finished::Outcome(outcome) => Ok(outcome),
            Finished::Timeout(timeout_ms) => Err(IpcError::Timeout { timeout_ms }),
            Finished::Cancelled => Err(IpcError::Cancelled),
            Finished::Panicked => Err(IpcError::Internal {
                message: "the handler panicked".to_owned(),
            }),
            Finished::Failed(error) => Err(error),
        }
    }

    /// Starts stream `id` on `channel` with `args` and `credit`, for a caller in the same process: the
    /// handler runs on a task of its own, its items and then its end arrive on the returned receiver, and
    /// the caller grants more credit through the returned [`Credit`]. `id` shares the caller's id space;
    /// [`Connection::cancel_direct`] cancels it.
    pub(crate) fn stream_direct(
        &self,
        id: u64,
        channel: &str,
        args: DirectValue,
        timeout_ms: Option<u32>,
        credit: Grant,
    ) -> Result<(Arc<Credit>, mpsc::UnboundedReceiver<DirectEvent>), IpcError<()>> {
        let (index, descriptor) = self.check_direct(channel, ChannelKind::Stream)?;
        super::stream::check_outstanding(credit)
            .map_err(|message| self.refused(channel, IpcError::Protocol { message }))?;
        let credit = Arc::new(Credit::new(credit));
        let generation = self
            .admit(id, Some(credit.clone()))
            .map_err(|(_, error)| self.refused(channel, error))?;
        let tracking = Tracking::Invoke {
            id,
            generation,
            stream: Some(credit.clone()),
        };
        let caller = self.caller(&tracking);
        let token = self.in_flight.token(id, generation);
        let (items, events) = mpsc::unbounded_channel();
        let sink = RawSink::direct(id, credit.clone(), items.clone(), token.clone());
        let future = match self
            .shared
            .service
            .dispatch_stream_direct(index, caller, args, sink)
        {
            Ok(future) => future,
            Err(e) => {
                if let Some(token) = tracking.end(&self.in_flight) {
                    token.cancel();
                }
                return Err(self.refused(channel, invalid_input(descriptor, &e)));
            }
        };
        let timeout_ms = self.timeout_ms(timeout_ms, descriptor);
        let deadline = deadline_after(timeout_ms);
        let in_flight = self.in_flight.clone();
        let mut handler = CatchUnwind(future);
        tokio::spawn(async move {
            let finished = tracking.finished(run(&mut handler, deadline, timeout_ms, &token).await);
            end_call(Some(&token), handler);
            let _ = tracking.end(&in_flight);
            let end = match finished {
                Finished::Outcome(outcome) => Ok(outcome),
                Finished::Timeout(timeout_ms) => Err(IpcError::Timeout { timeout_ms }),
                Finished::Cancelled => Err(IpcError::Cancelled),
                Finished::Panicked => Err(IpcError::Internal {
                    message: "the handler panicked".to_owned(),
                }),
                Finished::Failed(error) => Err(error),
            };
            // The receiver is gone only when the caller dropped the stream.
            let _ = items.send(DirectEvent::End(end));
        });
        Ok((credit, events))
    }

    /// Cancels the direct stream `id` (its caller dropped it).
    pub(crate) fn cancel_direct(&self, id: u64) {
        self.in_flight.cancel(id);
    }

    /// Starts `send` `channel` with `args`. Returns once the handler finished or, if it waits, once it runs
    /// on a task of its own (under the server's default deadline, as on the wire).
    pub(crate) async fn send_direct(
        &self,
        channel: &str,
        args: DirectValue,
    ) -> Result<(), IpcError<()>> {
        let (index, descriptor) = self.check_direct(channel, ChannelKind::Send)?;
        let token = self.closed.child_token();
        let caller = self.caller(&Tracking::Send(token.clone()));
        let future = match self.shared.service.dispatch_direct(index, caller, args) {
            Ok(future) => future,
            Err(e) => {
                token.cancel();
                return Err(self.refused(channel, invalid_input(descriptor, &e)));
            }
        };
        let mut handler = CatchUnwind(future);
        let first = poll_once(&mut handler).await;
        let caller_id = self.id;
        if let Poll::Ready(result) = first {
            log_send_outcome(caller_id, descriptor.name, &settle(result));
            end_call(Some(&token), handler);
            return Ok(());
        }
        let timeout_ms = self.timeout_ms(None, descriptor);
        let deadline = deadline_after(timeout_ms);
        tokio::spawn(async move {
            let finished = run(&mut handler, deadline, timeout_ms, &token).await;
            end_call(Some(&token), handler);
            log_send_outcome(caller_id, descriptor.name, &finished);
        });
        Ok(())
    }

    /// [`Connection::check`], logged like a refused message.
    fn check_direct(
        &self,
        channel: &str,
        kind: ChannelKind,
    ) -> Result<(usize, &'static ChannelDescriptor), IpcError<()>> {
        self.check(channel, kind)
            .map_err(|error| self.refused(channel, error))
    }

    fn refused(&self, channel: &str, error: IpcError<()>) -> IpcError<()> {
        tracing::warn!(caller = %self.id, origin = %crate::logging::escaped(&self.origin), channel, error = %crate::logging::escaped(&error), "direct call refused");
        error
    }
}

fn invalid_input(descriptor: &ChannelDescriptor, error: &DecodeError) -> IpcError<()> {
    IpcError::InvalidInput {
        channel: descriptor.name.to_owned(),
        message: error.to_string(),
    }
}
