//! The session loop: reads frames, feeds the multiplexer, and writes frames from one writer task.

use futures_util::{SinkExt, StreamExt as _};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _};
use tokio::sync::mpsc;
use tokio_util::bytes::Bytes;
use tokio_util::codec::{FramedRead, FramedWrite, LengthDelimitedCodec};

use super::codec::{FrameCodec, Inbound};
use super::mux::Mux;
use super::pipes;
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
            Some(Ok(Inbound::Oversized { len })) => {
                let message = format!("frame of {len} bytes exceeds the limit of {max_frame}");
                mux.refuse(None, &message).await
            }
        };
        if !keep_going {
            return finish_early(write_task.await);
        }
    };
    if let Err(error) = &read_result {
        tracing::error!(%error, "stdio input failed; shutting down");
    } else {
        tracing::debug!("stdio input closed; shutting down");
    }
    // Drops every connection (cancelling handlers) and the mux's writer handle; the writer task ends once
    // every caller's forwarder has written its last frames and `closed`.
    drop(mux);
    let write_result = flatten(write_task.await);
    read_result.and(write_result)
}

async fn write_frame<W>(
    sink: &mut FramedWrite<W, LengthDelimitedCodec>,
    frame: Bytes,
) -> Result<(), StdioError>
where
    W: AsyncWrite + Unpin,
{
    if frame.len() <= DIRECT_WRITE_BYTES {
        return sink.feed(frame).await.map_err(StdioError::Write);
    }
    // What is buffered goes first, then the prefix and the body straight to the pipe, in order.
    SinkExt::<Bytes>::flush(sink)
        .await
        .map_err(StdioError::Write)?;
    let prefix = u32::try_from(frame.len())
        .map_err(|_| StdioError::Write(std::io::ErrorKind::InvalidInput.into()))?
        .to_be_bytes();
    let pipe = sink.get_mut();
    pipe.write_all(&prefix).await.map_err(StdioError::Write)?;
    pipe.write_all(&frame).await.map_err(StdioError::Write)
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
        tracing::error!(%error, "stdio output failed; shutting down");
    }
    // The writer only returns Ok once every sender is gone, which cannot happen while the mux lives.
    result.and(Err(StdioError::Write(
        std::io::ErrorKind::BrokenPipe.into(),
    )))
}

/// Frames above this size skip the sink's buffer: copying megabytes of attachments into it costs more than
/// the extra write.
const DIRECT_WRITE_BYTES: usize = 64 * 1024;

/// Writes queued frames, flushing whenever the queue runs empty. Returns when every sender is gone.
async fn write_frames<W>(writer: W, mut frames: mpsc::Receiver<Bytes>) -> Result<(), StdioError>
where
    W: AsyncWrite + Unpin,
{
    let mut sink = FramedWrite::new(writer, FrameCodec::writer());
    while let Some(frame) = frames.recv().await {
        write_frame(&mut sink, frame).await?;
        while let Ok(frame) = frames.try_recv() {
            write_frame(&mut sink, frame).await?;
        }
        SinkExt::<Bytes>::flush(&mut sink)
            .await
            .map_err(StdioError::Write)?;
    }
    SinkExt::<Bytes>::close(&mut sink)
        .await
        .map_err(StdioError::Write)
}

#[cfg(test)]
mod write_tests {
    use super::*;

    #[tokio::test]
    async fn big_frames_bypass_the_buffer_and_keep_their_order() {
        let (to_writer, frames) = mpsc::channel(8);
        let (writer, mut reader) = tokio::io::duplex(1 << 20);
        let task = tokio::spawn(write_frames(writer, frames));
        let sent: Vec<Bytes> = [10, DIRECT_WRITE_BYTES + 1, 3, 3 << 20, 0]
            .into_iter()
            .enumerate()
            .map(|(i, len)| Bytes::from(vec![u8::try_from(i).unwrap(); len]))
            .collect();
        for frame in &sent {
            to_writer.send(frame.clone()).await.unwrap();
        }
        drop(to_writer);
        let mut received = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut received)
            .await
            .unwrap();
        task.await.unwrap().unwrap();
        let mut at = 0;
        for frame in &sent {
            let len = u32::from_be_bytes(received[at..at + 4].try_into().unwrap()) as usize;
            assert_eq!(len, frame.len());
            assert!(received[at + 4..at + 4 + len] == frame[..]);
            at += 4 + len;
        }
        assert_eq!(at, received.len());
    }
}
