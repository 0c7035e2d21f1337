//! The session loop: reads frames, feeds the multiplexer, and writes frames from one writer task.

use futures_util::StreamExt as _;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio_util::codec::FramedRead;

use super::codec::{FrameCodec, Inbound};
use super::mux::Mux;
use super::pipes;
use super::writer::write_frames;
use crate::observer::{ConnectionEvent, Observer};
use crate::server::Server;

/// Headroom over twice the envelope limit, for the frame's own fields.
const FRAME_HEADROOM: usize = 1024;

/// Why a stdio session ended other than by EOF on its input.
#[derive(Debug, thiserror::Error)]
pub enum StdioError {
    /// Reading the input failed, or it ended in the middle of a frame.
    #[error("reading frames from the parent failed: {0}")]
    Read(#[source] std::io::Error),
    /// Writing the output failed (typically: the parent stopped reading it).
    #[error("writing frames to the parent failed: {0}")]
    Write(#[source] std::io::Error),
}

/// Serves `server` over this process's stdin and stdout until stdin reaches EOF. See the
/// [module docs](crate::stdio) for the protocol. Must run inside a tokio runtime.
pub async fn serve(server: Server) -> Result<(), StdioError> {
    StdioHost::new(server).serve().await
}

/// [`serve`] over any byte streams: frames are read from `reader` and written to `writer`.
pub async fn serve_io<R, W>(server: Server, reader: R, writer: W) -> Result<(), StdioError>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin + Send + 'static,
{
    StdioHost::new(server).serve_io(reader, writer).await
}

/// The stdio host with options; [`serve`] is `StdioHost::new(server).serve()`.
#[derive(Debug)]
pub struct StdioHost {
    server: Server,
    observer: Option<Observer>,
}

impl StdioHost {
    pub fn new(server: Server) -> Self {
        Self {
            server,
            observer: None,
        }
    }

    /// Called when the parent opens a caller key ([`ConnectionEvent::Connected`], with the origin the
    /// parent verified) and when that caller goes away (`close`, or EOF for every caller still open).
    #[must_use]
    pub fn on_connection(
        mut self,
        observer: impl Fn(ConnectionEvent) + Send + Sync + 'static,
    ) -> Self {
        self.observer = Some(Observer::new(observer));
        self
    }

    /// Serves over this process's stdin and stdout until stdin reaches EOF.
    pub async fn serve(self) -> Result<(), StdioError> {
        // As a task, the read loop runs on a worker of a multi-thread runtime, next to the tasks it wakes,
        // instead of on the thread that called `block_on` (a cross-thread wake-up per frame).
        let session = tokio::spawn(self.serve_io(pipes::stdin(), pipes::stdout()));
        match session.await {
            Ok(result) => result,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            // Cancelled: the runtime is shutting down.
            Err(error) => Err(StdioError::Read(std::io::Error::other(error))),
        }
    }

    /// Serves over any byte streams.
    pub async fn serve_io<R, W>(self, reader: R, writer: W) -> Result<(), StdioError>
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        run(self.server, self.observer, reader, writer).await
    }
}

async fn run<R, W>(
    server: Server,
    observer: Option<Observer>,
    reader: R,
    writer: W,
) -> Result<(), StdioError>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin + Send + 'static,
{
    // Computed now (ts-rs runs at run time) rather than at the first `open`.
    let _ = server.fingerprint();
    let limits = server.limits();
    let max_frame = limits
        .max_message_bytes
        .saturating_mul(2)
        .saturating_add(FRAME_HEADROOM);
    let (to_writer, frames) = mpsc::channel(limits.outbound_queue.max(1));
    let mut write_task = tokio::spawn(write_frames(writer, frames));
    let mut reader = FramedRead::new(reader, FrameCodec::new(max_frame));
    let mut mux = Mux::new(server, to_writer, observer);

    let read_result = loop {
        let next = tokio::select! {
            next = reader.next() => next,
            // The writer ends early only on a write error; nothing can be answered any more.
            result = &mut write_task => return finish_early(result),
        };
        let keep_going = match next {
            None => break Ok(()),
            Some(Err(error)) => break Err(StdioError::Read(error)),
            Some(Ok(Inbound::Frame(body))) => mux.handle(body.freeze()).await,
            Some(Ok(Inbound::Oversized { len, head })) => {
                mux.oversized(len, &head, max_frame).await
            }
        };
        if !keep_going {
            return finish_early(write_task.await);
        }
    };
    if let Err(error) = &read_result {
        tracing::error!(error = %crate::logging::escaped(error), "stdio input failed; shutting down");
    } else {
        tracing::debug!("stdio input closed; shutting down");
    }
    // Drops every connection (cancelling handlers) and the mux's writer handle; the writer task ends once
    // every caller's queue has ended and its last frames and `closed` are written.
    drop(mux);
    let write_result = flatten(write_task.await);
    read_result.and(write_result)
}

fn flatten(
    joined: Result<Result<(), StdioError>, tokio::task::JoinError>,
) -> Result<(), StdioError> {
    match joined {
        Ok(result) => result,
        // The writer task does not panic and is never aborted; if it did, the runtime is shutting down.
        Err(error) => Err(StdioError::Write(std::io::Error::other(error))),
    }
}

fn finish_early(
    joined: Result<Result<(), StdioError>, tokio::task::JoinError>,
) -> Result<(), StdioError> {
    let result = flatten(joined);
    if let Err(error) = &result {
        tracing::error!(error = %crate::logging::escaped(error), "stdio output failed; shutting down");
    }
    // The writer only returns Ok once every sender is gone, which cannot happen while the mux lives.
    result.and(Err(StdioError::Write(
        std::io::ErrorKind::BrokenPipe.into(),
    )))
}
