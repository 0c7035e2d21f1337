//! Where a `#[stream]` handler sends its items: [`Sink`], typed, over the untyped [`RawSink`].

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::binary::{Encoded, encode_payload, frame_for};
use crate::connection::stream::{Credit, Spend};
use crate::emitter::OutboundFrame;
use crate::envelope::encode_item;
use crate::error::IpcError;
use crate::service::{DirectOutcome, DirectValue, direct_value};

/// What a direct stream ([`crate::Server::connect_direct`]) hands its caller: items as values, then the end.
pub(crate) enum DirectEvent {
    Item(DirectValue),
    End(Result<DirectOutcome, IpcError<()>>),
}

/// Where a sink's items go.
enum Route {
    /// Encoded, as `item` frames on the connection's outbound queue.
    Wire(mpsc::Sender<OutboundFrame>),
    /// As values, to a caller in the same process.
    Direct(mpsc::UnboundedSender<DirectEvent>),
}

/// The stream is over: cancelled by the renderer, past its deadline, disconnected, ended for bad credit,
/// or its handler already returned. Nothing more can be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the stream is closed")]
pub struct SinkClosed;

/// The untyped sink of one running stream, wrapped by the generated code in a [`Sink`].
pub struct RawSink {
    id: u64,
    credit: Arc<Credit>,
    route: Route,
    /// The stream's own token: cancelled when it ends for any reason.
    token: CancellationToken,
}

impl fmt::Debug for RawSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawSink")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl RawSink {
    pub(crate) fn new(
        id: u64,
        credit: Arc<Credit>,
        outbound: mpsc::Sender<OutboundFrame>,
        token: CancellationToken,
    ) -> Self {
        Self {
            id,
            credit,
            route: Route::Wire(outbound),
            token,
        }
    }

    pub(crate) fn direct(
        id: u64,
        credit: Arc<Credit>,
        items: mpsc::UnboundedSender<DirectEvent>,
        token: CancellationToken,
    ) -> Self {
        Self {
            id,
            credit,
            route: Route::Direct(items),
            token,
        }
    }

    /// Sends one item of a direct stream once there is credit for it (values carry no byte count).
    async fn send_value(&mut self, item: DirectValue) -> Result<(), SinkClosed> {
        let Route::Direct(items) = &self.route else {
            return Err(SinkClosed);
        };
        let mut item = Some(item);
        loop {
            let spent = self.credit.spend(0, || {
                if let Some(item) = item.take() {
                    // The receiver is gone only when the caller dropped the stream; it is cancelled then.
                    let _ = items.send(DirectEvent::Item(item));
                }
            });
            match spent {
                Spend::Sent => return Ok(()),
                Spend::Ended => return Err(SinkClosed),
                Spend::Wait => {}
            }
            tokio::select! {
                biased;
                () = self.token.cancelled() => return Err(SinkClosed),
                () = self.credit.added() => {}
            }
        }
    }

    /// Sends one encoded item once there is credit for it. See [`Sink::send`] for cancel safety.
    async fn send_encoded(&mut self, item: Encoded) -> Result<(), SinkClosed> {
        let bytes: u64 = item
            .attachments()
            .iter()
            .map(|a| u64::try_from(a.len()).unwrap_or(u64::MAX))
            .fold(0, u64::saturating_add);
        let Route::Wire(outbound) = &self.route else {
            return Err(SinkClosed);
        };
        let (payload, attachments) = item.into_parts();
        let mut frame = Some(frame_for(encode_item(self.id, payload), &attachments));
        // A slot in the outbound queue first, then the credit and the send together (no `await` between
        // them), so a dropped future never spends credit without sending.
        loop {
            let permit = tokio::select! {
                biased;
                () = self.token.cancelled() => return Err(SinkClosed),
                permit = outbound.reserve() => permit.map_err(|_| SinkClosed)?,
            };
            let spent = self.credit.spend(bytes, || {
                if let Some(frame) = frame.take() {
                    permit.send(frame);
                }
            });
            match spent {
                Spend::Sent => return Ok(()),
                Spend::Ended => return Err(SinkClosed),
                Spend::Wait => {}
            }
            tokio::select! {
                biased;
                () = self.token.cancelled() => return Err(SinkClosed),
                () = self.credit.added() => {}
            }
        }
    }

    /// Ends the stream with `internal` (an item that could not be encoded).
    fn fail(&self, detail: &str) {
        tracing::error!(id = self.id, detail, "stream item could not be encoded");
        self.credit.fail(IpcError::Internal {
            message: "a stream item could not be encoded".to_owned(),
        });
        self.token.cancel();
    }
}

/// The sending half of a `#[stream]` channel: the handler's last parameter. Items reach the renderer in the
/// order they are sent, each exactly once, and only as fast as the renderer grants credit: that is the
/// stream's backpressure.
pub struct Sink<T> {
    raw: RawSink,
    _item: PhantomData<fn(T)>,
}

impl<T> fmt::Debug for Sink<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sink").field("raw", &self.raw).finish()
    }
}

impl<T: Serialize + Send + 'static> Sink<T> {
    #[doc(hidden)]
    pub fn __new(raw: RawSink) -> Self {
        Self {
            raw,
            _item: PhantomData,
        }
    }

    /// Sends `item`, waiting while the renderer has granted no credit for it. Fails with [`SinkClosed`] once
    /// the stream is over (cancelled, past its deadline, disconnected), and ends the stream with `internal`
    /// when `item` cannot be encoded. The item is encoded (or, for a direct caller, boxed) before the
    /// returned future first waits, so the future does not hold `item`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the returned future is dropped before it completes, the item is not sent and no
    /// credit is spent; sending it again later sends it once.
    pub fn send(&mut self, item: T) -> impl Future<Output = Result<(), SinkClosed>> + Send + '_ {
        enum Ready {
            Encoded(Encoded),
            Value(DirectValue),
            Failed,
        }
        let ready = match self.raw.route {
            Route::Direct(_) => Ready::Value(direct_value(item)),
            Route::Wire(_) => match encode_payload(&item) {
                Ok(encoded) => Ready::Encoded(encoded),
                Err(e) => {
                    self.raw.fail(&e.to_string());
                    Ready::Failed
                }
            },
        };
        async move {
            match ready {
                Ready::Encoded(encoded) => self.raw.send_encoded(encoded).await,
                Ready::Value(value) => self.raw.send_value(value).await,
                Ready::Failed => Err(SinkClosed),
            }
        }
    }

    /// Whether the stream is over, so that every [`Sink::send`] fails.
    pub fn is_closed(&self) -> bool {
        self.raw.token.is_cancelled()
    }

    /// Completes when the stream is over (for a handler that waits on something else meanwhile).
    pub async fn closed(&self) {
        self.raw.token.cancelled().await;
    }
}
