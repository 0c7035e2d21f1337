//! This process's stdin and stdout as non-blocking streams that the runtime polls itself, when they are
//! pipes or sockets (what a parent's `stdio: "pipe"` gives a child).
//!
//! Why: `tokio::io::stdin()`/`stdout()` hand every read and write to a blocking-pool thread, which costs
//! about four cross-thread wake-ups per request/reply. Measured, that was 7-10x a raw pipe ping-pong of the
//! same bytes, while the IPC layer itself added little (BENCHMARKS.md, stdio host). Anything else (a
//! terminal, a file, a runtime without an IO driver, a non-Unix platform) keeps tokio's blocking stdio.
//!
//! `O_NONBLOCK` belongs to the open file description, which other processes may share, so it is cleared
//! again when the stream is dropped.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

pub(crate) type Reader = Box<dyn AsyncRead + Unpin + Send>;
pub(crate) type Writer = Box<dyn AsyncWrite + Unpin + Send>;

/// Stdin, polled directly when possible.
pub(crate) fn stdin() -> Reader {
    #[cfg(unix)]
    if let Some(reader) = unix::stdin() {
        return reader;
    }
    Box::new(tokio::io::stdin())
}

/// Stdout, polled directly when possible.
pub(crate) fn stdout() -> Writer {
    #[cfg(unix)]
    if let Some(writer) = unix::stdout() {
        return writer;
    }
    Box::new(tokio::io::stdout())
}

/// A stream that goes back to blocking mode when dropped.
#[cfg_attr(not(unix), allow(dead_code))]
trait Restore {
    fn restore(self);
}

/// Delegates reads and writes to `T`; restores blocking mode on drop. Shutting down only flushes, like
/// tokio's `Stdout`: the parent reads EOF when the process exits, not before.
#[cfg_attr(not(unix), allow(dead_code))]
struct Nonblocking<T: Restore>(Option<T>);

impl<T: Restore + Unpin> Nonblocking<T> {
    fn inner(&mut self) -> Pin<&mut T> {
        Pin::new(self.0.as_mut().expect("present until dropped"))
    }
}

impl<T: Restore> Drop for Nonblocking<T> {
    fn drop(&mut self) {
        if let Some(stream) = self.0.take() {
            stream.restore();
        }
    }
}

impl<T: Restore + AsyncRead + Unpin> AsyncRead for Nonblocking<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner().poll_read(cx, buf)
    }
}

impl<T: Restore + AsyncWrite + Unpin> AsyncWrite for Nonblocking<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner().poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner().poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner().poll_flush(cx)
    }
}

#[cfg(unix)]
mod unix {
    use std::fs::File;
    use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
    use std::os::unix::fs::FileTypeExt;
    use std::os::unix::net::UnixStream;
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use tokio::net::unix::pipe;

    use super::{Nonblocking, Reader, Restore, Writer};

    impl Restore for pipe::Receiver {
        fn restore(self) {
            let _ = self.into_blocking_fd();
        }
    }

    impl Restore for pipe::Sender {
        fn restore(self) {
            let _ = self.into_blocking_fd();
        }
    }

    impl Restore for tokio::net::UnixStream {
        fn restore(self) {
            let _ = self.into_std().and_then(|s| s.set_nonblocking(false));
        }
    }

    enum Stream {
        Pipe(OwnedFd),
        Socket(UnixStream),
    }

    /// A duplicate of `fd` if it is a pipe or a socket, and the runtime can poll it.
    fn classify(fd: BorrowedFd<'_>) -> Option<Stream> {
        let file = File::from(fd.try_clone_to_owned().ok()?);
        let kind = file.metadata().ok()?.file_type();
        if !io_driver_enabled() {
            return None;
        }
        if kind.is_fifo() {
            Some(Stream::Pipe(file.into()))
        } else if kind.is_socket() {
            Some(Stream::Socket(UnixStream::from(OwnedFd::from(file))))
        } else {
            None
        }
    }

    /// Registering a stream panics on a runtime built without `enable_io`; try it on a throwaway socket
    /// pair first, so that the real descriptors are never touched in that case.
    fn io_driver_enabled() -> bool {
        let Ok((probe, _)) = UnixStream::pair() else {
            return false;
        };
        probe.set_nonblocking(true).is_ok()
            && catch_unwind(AssertUnwindSafe(|| tokio::net::UnixStream::from_std(probe)))
                .is_ok_and(|stream| stream.is_ok())
    }

    fn socket(stream: UnixStream) -> Option<Nonblocking<tokio::net::UnixStream>> {
        // A second handle, to undo the mode change if registering fails.
        let undo = stream.try_clone().ok()?;
        stream.set_nonblocking(true).ok()?;
        if let Ok(stream) = tokio::net::UnixStream::from_std(stream) {
            Some(Nonblocking(Some(stream)))
        } else {
            let _ = undo.set_nonblocking(false);
            None
        }
    }

    pub(super) fn stdin() -> Option<Reader> {
        Some(match classify(std::io::stdin().as_fd())? {
            Stream::Pipe(fd) => {
                Box::new(Nonblocking(Some(pipe::Receiver::from_owned_fd(fd).ok()?)))
            }
            Stream::Socket(stream) => Box::new(socket(stream)?),
        })
    }

    pub(super) fn stdout() -> Option<Writer> {
        Some(match classify(std::io::stdout().as_fd())? {
            Stream::Pipe(fd) => Box::new(Nonblocking(Some(pipe::Sender::from_owned_fd(fd).ok()?))),
            Stream::Socket(stream) => Box::new(socket(stream)?),
        })
    }
}
