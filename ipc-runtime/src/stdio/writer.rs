//! The one writer of a stdio session. It polls every caller's outbound queue itself (no forwarding task per
//! caller, so a reply costs one task hop, not two) and frames each envelope straight into the pipe's write
//! buffer: the text is copied once, and a large binary message not at all. A caller's `closed` follows its
//! last envelope, once every sender of its queue is gone.

use std::io;
use std::pin::Pin;

use futures_util::stream::{self, SelectAll, Stream, StreamExt as _};
use futures_util::{FutureExt as _, SinkExt};
use tokio::io::{AsyncWrite, AsyncWriteExt as _};
use tokio::sync::mpsc;
use tokio_util::bytes::{BufMut as _, Bytes, BytesMut};
use tokio_util::codec::{Encoder, FramedWrite};

use super::frame::{BINARY_FRAME, CallerKey, ChildFrame, ENVELOPE_HEAD, TEXT_FRAME, envelope_head};
use super::serve::StdioError;
use crate::emitter::OutboundFrame;

/// Frames whose body is above this size skip the write buffer: copying megabytes of attachments into it
/// costs more than the extra write.
const DIRECT_WRITE_BYTES: usize = 64 * 1024;

/// Bytes of the length prefix.
const PREFIX: usize = 4;

/// What the session hands its writer.
pub(crate) enum ToWriter {
    /// A control frame body (`error`), written as it is.
    Control(Bytes),
    /// A newly opened caller's outbound queue: its envelopes are framed for that key as they come.
    Caller(CallerKey, mpsc::Receiver<OutboundFrame>),
}

/// Everything the writer waits on, merged.
enum Event {
    FromSession(ToWriter),
    Envelope(CallerKey, OutboundFrame),
    /// The caller's queue ended: the connection and every handler it started are gone.
    Ended(CallerKey),
}

type Source = Pin<Box<dyn Stream<Item = Event> + Send>>;

fn session_source(mut control: mpsc::Receiver<ToWriter>) -> Source {
    Box::pin(stream::poll_fn(move |cx| control.poll_recv(cx)).map(Event::FromSession))
}

fn caller_source(caller: CallerKey, mut frames: mpsc::Receiver<OutboundFrame>) -> Source {
    let envelopes = stream::poll_fn(move |cx| frames.poll_recv(cx))
        .map(move |frame| Event::Envelope(caller, frame));
    Box::pin(envelopes.chain(stream::once(async move { Event::Ended(caller) })))
}

/// One frame to write.
enum Outgoing {
    /// A whole JSON control frame body.
    Control(Bytes),
    /// An envelope for a caller: a text or a binary frame.
    Envelope(CallerKey, OutboundFrame),
}

impl Outgoing {
    /// The frame's tag and key (none for control frames), and the bytes after them: one slice, then chunks
    /// (a binary message's head and attachments, which are not joined).
    fn parts(&self) -> (Option<[u8; ENVELOPE_HEAD]>, &[u8], &[Bytes]) {
        match self {
            Self::Control(body) => (None, body, &[]),
            Self::Envelope(caller, OutboundFrame::Text(text)) => (
                Some(envelope_head(TEXT_FRAME, *caller)),
                text.as_bytes(),
                &[],
            ),
            Self::Envelope(caller, OutboundFrame::Binary(message)) => (
                Some(envelope_head(BINARY_FRAME, *caller)),
                &[],
                message.chunks(),
            ),
        }
    }

    /// Bytes after the head.
    fn rest_len(&self) -> usize {
        let (_, first, chunks) = self.parts();
        first.len() + chunks.iter().map(Bytes::len).sum::<usize>()
    }

    /// The length prefix and the head, ready to write.
    fn header(&self) -> io::Result<BytesMut> {
        let (head, _, _) = self.parts();
        let head = head.as_ref().map_or(&[][..], |head| &head[..]);
        let len = u32::try_from(head.len() + self.rest_len()).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "a frame cannot exceed 4 GiB (its length prefix is 32 bits)",
            )
        })?;
        let mut header = BytesMut::with_capacity(PREFIX + ENVELOPE_HEAD);
        header.put_u32(len);
        header.put_slice(head);
        Ok(header)
    }
}

/// Writes frames as `[u32 BE length][body]`.
struct ChildFrameEncoder;

impl Encoder<Outgoing> for ChildFrameEncoder {
    type Error = io::Error;

    fn encode(&mut self, item: Outgoing, dst: &mut BytesMut) -> io::Result<()> {
        let header = item.header()?;
        let (_, first, chunks) = item.parts();
        dst.reserve(header.len() + item.rest_len());
        dst.put_slice(&header);
        dst.put_slice(first);
        for chunk in chunks {
            dst.put_slice(chunk);
        }
        Ok(())
    }
}

type Sink<W> = FramedWrite<W, ChildFrameEncoder>;

/// Writes until the session (`control`'s sender) and every caller queue are gone, flushing whenever nothing
/// more is ready.
pub(crate) async fn write_frames<W>(
    writer: W,
    control: mpsc::Receiver<ToWriter>,
) -> Result<(), StdioError>
where
    W: AsyncWrite + Unpin,
{
    let mut sink = FramedWrite::new(writer, ChildFrameEncoder);
    let mut sources: SelectAll<Source> = SelectAll::new();
    sources.push(session_source(control));
    while let Some(event) = sources.next().await {
        handle(&mut sink, &mut sources, event).await?;
        while let Some(Some(event)) = sources.next().now_or_never() {
            handle(&mut sink, &mut sources, event).await?;
        }
        SinkExt::<Outgoing>::flush(&mut sink)
            .await
            .map_err(StdioError::Write)?;
    }
    SinkExt::<Outgoing>::close(&mut sink)
        .await
        .map_err(StdioError::Write)
}

async fn handle<W>(
    sink: &mut Sink<W>,
    sources: &mut SelectAll<Source>,
    event: Event,
) -> Result<(), StdioError>
where
    W: AsyncWrite + Unpin,
{
    match event {
        Event::FromSession(ToWriter::Caller(caller, frames)) => {
            sources.push(caller_source(caller, frames));
            Ok(())
        }
        Event::FromSession(ToWriter::Control(body)) => write(sink, Outgoing::Control(body)).await,
        Event::Envelope(caller, frame) => write(sink, Outgoing::Envelope(caller, frame)).await,
        Event::Ended(caller) => {
            let closed = ChildFrame::Closed { caller }.encode();
            write(sink, Outgoing::Control(closed)).await
        }
    }
}

async fn write<W>(sink: &mut Sink<W>, item: Outgoing) -> Result<(), StdioError>
where
    W: AsyncWrite + Unpin,
{
    if item.rest_len() <= DIRECT_WRITE_BYTES {
        return sink.feed(item).await.map_err(StdioError::Write);
    }
    // What is buffered goes first. Then, in order, small pieces gathered and big ones straight from where
    // they are to the pipe.
    SinkExt::<Outgoing>::flush(sink)
        .await
        .map_err(StdioError::Write)?;
    let mut gathered = item.header().map_err(StdioError::Write)?;
    let (_, first, chunks) = item.parts();
    let pipe = sink.get_mut();
    for piece in std::iter::once(first).chain(chunks.iter().map(|chunk| &chunk[..])) {
        if piece.len() <= DIRECT_WRITE_BYTES {
            gathered.put_slice(piece);
            continue;
        }
        pipe.write_all(&gathered).await.map_err(StdioError::Write)?;
        gathered.clear();
        pipe.write_all(piece).await.map_err(StdioError::Write)?;
    }
    pipe.write_all(&gathered).await.map_err(StdioError::Write)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frame bodies as the parent reads them.
    fn bodies(mut written: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while !written.is_empty() {
            let len = u32::from_be_bytes(written[..PREFIX].try_into().unwrap()) as usize;
            out.push(written[PREFIX..PREFIX + len].to_vec());
            written = &written[PREFIX + len..];
        }
        out
    }

    async fn written(send: impl AsyncFnOnce(mpsc::Sender<ToWriter>)) -> Vec<Vec<u8>> {
        let (to_writer, control) = mpsc::channel(8);
        let (writer, mut reader) = tokio::io::duplex(1 << 20);
        let task = tokio::spawn(write_frames(writer, control));
        send(to_writer).await;
        let mut received = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut received)
            .await
            .unwrap();
        task.await.unwrap().unwrap();
        bodies(&received)
    }

    fn text_frame(caller: CallerKey, text: &str) -> Vec<u8> {
        [&envelope_head(TEXT_FRAME, caller)[..], text.as_bytes()].concat()
    }

    #[tokio::test]
    async fn frames_envelopes_for_their_caller_and_closes_each_after_its_last() {
        let bodies = written(async |to_writer| {
            let (one, frames) = mpsc::channel(8);
            to_writer.send(ToWriter::Caller(1, frames)).await.unwrap();
            one.send(OutboundFrame::Text("a".to_owned())).await.unwrap();
            let message = Bytes::from_static(b"\x00\x01binary");
            one.send(OutboundFrame::Binary(message.into()))
                .await
                .unwrap();
            drop(one);
            let error = Bytes::from_static(br#"{"op":"error","message":"bad"}"#);
            to_writer.send(ToWriter::Control(error)).await.unwrap();
        })
        .await;
        let binary = [&envelope_head(BINARY_FRAME, 1)[..], b"\x00\x01binary"].concat();
        let closed = br#"{"op":"closed","caller":1}"#.to_vec();
        let error = br#"{"op":"error","message":"bad"}"#.to_vec();
        // The caller's frames keep their order and `closed` comes last; the control frame may come anywhere.
        let without_error: Vec<_> = bodies.iter().filter(|b| **b != error).cloned().collect();
        assert_eq!(without_error, [text_frame(1, "a"), binary, closed]);
        assert!(bodies.contains(&error));
    }

    #[tokio::test]
    async fn binary_messages_are_written_from_their_chunks_in_order() {
        let big = Bytes::from(vec![5; DIRECT_WRITE_BYTES * 2]);
        let small = Bytes::from_static(b"tiny");
        let messages = [
            crate::BinaryMessage::encode(r#"{"kind":"event"}"#, std::slice::from_ref(&small)),
            crate::BinaryMessage::encode(
                r#"{"kind":"reply"}"#,
                &[small.clone(), big.clone(), small],
            ),
            crate::BinaryMessage::encode(r#"{"kind":"reply"}"#, &[big]),
        ];
        let sent = messages.clone();
        let bodies = written(async move |to_writer| {
            let (caller, frames) = mpsc::channel(8);
            to_writer.send(ToWriter::Caller(4, frames)).await.unwrap();
            for (i, message) in sent.into_iter().enumerate() {
                caller.send(OutboundFrame::Binary(message)).await.unwrap();
                caller
                    .send(OutboundFrame::Text(i.to_string()))
                    .await
                    .unwrap();
            }
        })
        .await;
        let mut expected = Vec::new();
        for (i, message) in messages.iter().enumerate() {
            expected.push([&envelope_head(BINARY_FRAME, 4)[..], &message.to_bytes()].concat());
            expected.push(text_frame(4, &i.to_string()));
        }
        expected.push(br#"{"op":"closed","caller":4}"#.to_vec());
        assert!(bodies == expected);
    }

    #[tokio::test]
    async fn big_frames_bypass_the_buffer_and_keep_their_order() {
        let sizes = [10, DIRECT_WRITE_BYTES + 1, 3, 3 << 20, 0];
        let texts: Vec<String> = sizes
            .iter()
            .enumerate()
            .map(|(i, &len)| {
                char::from(b'a' + u8::try_from(i).unwrap())
                    .to_string()
                    .repeat(len)
            })
            .collect();
        let sent = texts.clone();
        let bodies = written(async move |to_writer| {
            let (caller, frames) = mpsc::channel(8);
            to_writer.send(ToWriter::Caller(9, frames)).await.unwrap();
            for text in sent {
                caller.send(OutboundFrame::Text(text)).await.unwrap();
            }
        })
        .await;
        let mut expected: Vec<_> = texts.iter().map(|text| text_frame(9, text)).collect();
        expected.push(br#"{"op":"closed","caller":9}"#.to_vec());
        assert!(bodies == expected);
    }
}
