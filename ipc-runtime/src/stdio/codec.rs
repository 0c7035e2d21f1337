//! Reading the framing: a 4-byte big-endian length prefix, then that many bytes of body. Unlike tokio-util's
//! `LengthDelimitedCodec`, a frame longer than the limit is skipped (its bytes are read and dropped) and
//! reported as [`Inbound::Oversized`] with the first [`PEEK`] bytes of its body, so that one bad frame does
//! not end the stream and its refusal can still name the caller and call it came from. (The writer, which
//! frames envelopes without an intermediate copy, is `writer.rs`.)

use std::io;

use tokio_util::bytes::{Buf as _, BytesMut};
use tokio_util::codec::Decoder;

/// Bytes of the length prefix.
const HEAD: usize = 4;

/// Bytes of an oversized body kept to read its caller key and call id from: enough for the envelope
/// frame's head and an envelope's `{"kind":"validate","id":<u64>,`, also escaped in a JSON `message` frame.
pub(crate) const PEEK: usize = 128;

/// One decoded parent -> child frame.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Inbound {
    /// A frame within the limit: its body.
    Frame(BytesMut),
    /// A frame of `len` bytes, over the limit: the first [`PEEK`] bytes of its body (all of them, for a
    /// shorter one); the rest is skipped.
    Oversized { len: u64, head: BytesMut },
}

/// Length-prefixed frames, inbound ones limited to `max_frame` bytes.
#[derive(Debug)]
pub(crate) struct FrameCodec {
    max_frame: usize,
    state: State,
}

#[derive(Debug, Clone, Copy)]
enum State {
    /// Waiting for a length prefix.
    Head,
    /// Waiting for a body of this many bytes.
    Body(usize),
    /// Waiting for the first [`PEEK`] bytes of an oversized body of this many bytes.
    Peek(u64),
    /// Dropping this many more bytes of an oversized body.
    Discard(u64),
}

impl FrameCodec {
    pub(crate) fn new(max_frame: usize) -> Self {
        Self {
            max_frame,
            state: State::Head,
        }
    }
}

impl Decoder for FrameCodec {
    type Item = Inbound;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<Inbound>> {
        loop {
            match self.state {
                State::Discard(left) => {
                    let skip = usize::try_from(left).map_or(src.len(), |l| l.min(src.len()));
                    src.advance(skip);
                    let left = left - skip as u64;
                    if left > 0 {
                        self.state = State::Discard(left);
                        return Ok(None);
                    }
                    self.state = State::Head;
                }
                State::Head => {
                    if src.len() < HEAD {
                        src.reserve(HEAD);
                        return Ok(None);
                    }
                    let len = src.get_u32();
                    match usize::try_from(len) {
                        Ok(len) if len <= self.max_frame => {
                            src.reserve(len);
                            self.state = State::Body(len);
                        }
                        _ => self.state = State::Peek(u64::from(len)),
                    }
                }
                State::Peek(len) => {
                    let peek = usize::try_from(len).map_or(PEEK, |len| len.min(PEEK));
                    if src.len() < peek {
                        src.reserve(peek - src.len());
                        return Ok(None);
                    }
                    let head = src.split_to(peek);
                    self.state = State::Discard(len - peek as u64);
                    return Ok(Some(Inbound::Oversized { len, head }));
                }
                State::Body(len) => {
                    if src.len() < len {
                        return Ok(None);
                    }
                    self.state = State::Head;
                    return Ok(Some(Inbound::Frame(src.split_to(len))));
                }
            }
        }
    }

    /// The input ended: only between frames is that a clean close. (The default `decode_eof` only looks
    /// at the buffer, which is empty right after a length prefix or inside a skipped body.)
    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<Inbound>> {
        if let Some(frame) = self.decode(src)? {
            return Ok(Some(frame));
        }
        if let State::Peek(len) = self.state {
            // The oversized frame is refused with what there is of its head; the next call reports the end.
            let head = src.split();
            self.state = State::Discard(len - head.len() as u64);
            return Ok(Some(Inbound::Oversized { len, head }));
        }
        let missing = match self.state {
            State::Head if src.is_empty() => return Ok(None),
            State::Head => format!("inside a length prefix ({} of {HEAD} bytes)", src.len()),
            State::Body(len) => format!("inside a frame ({} of {len} bytes)", src.len()),
            // Not reached: the head is handed out first, above.
            State::Peek(len) => format!("inside an oversized frame ({len} bytes short)"),
            State::Discard(left) => format!("inside an oversized frame ({left} bytes short)"),
        };
        Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("the input ended {missing}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(body.len()).unwrap().to_be_bytes().to_vec();
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn decodes_whole_and_split_frames() {
        let mut codec = FrameCodec::new(16);
        let mut src = BytesMut::new();
        let bytes = [framed(b"hello"), framed(b"world")].concat();
        src.extend_from_slice(&bytes[..7]);
        assert_eq!(codec.decode(&mut src).unwrap(), None);
        src.extend_from_slice(&bytes[7..]);
        assert_eq!(
            codec.decode(&mut src).unwrap(),
            Some(Inbound::Frame(BytesMut::from(&b"hello"[..])))
        );
        assert_eq!(
            codec.decode(&mut src).unwrap(),
            Some(Inbound::Frame(BytesMut::from(&b"world"[..])))
        );
        assert_eq!(codec.decode(&mut src).unwrap(), None);
    }

    #[test]
    fn skips_an_oversized_frame_and_keeps_decoding() {
        let mut codec = FrameCodec::new(4);
        let mut src = BytesMut::new();
        let bytes = [framed(b"too long"), framed(b"ok")].concat();
        // The oversized body arrives in pieces: reported once all of it (it is shorter than `PEEK`) is in.
        src.extend_from_slice(&bytes[..6]);
        assert_eq!(codec.decode(&mut src).unwrap(), None);
        src.extend_from_slice(&bytes[6..]);
        assert_eq!(
            codec.decode(&mut src).unwrap(),
            Some(Inbound::Oversized {
                len: 8,
                head: BytesMut::from(&b"too long"[..])
            })
        );
        assert_eq!(
            codec.decode(&mut src).unwrap(),
            Some(Inbound::Frame(BytesMut::from(&b"ok"[..])))
        );
    }

    /// Only the head of a long oversized body is ever buffered: it is reported as soon as `PEEK` bytes are
    /// in, and the rest is dropped as it arrives.
    #[test]
    fn keeps_only_the_head_of_a_long_oversized_body() {
        let mut codec = FrameCodec::new(16);
        let body: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let bytes = [framed(&body), framed(b"next")].concat();
        let mut src = BytesMut::new();
        let mut seen = Vec::new();
        for piece in bytes.chunks(100) {
            src.extend_from_slice(piece);
            while let Some(frame) = codec.decode(&mut src).unwrap() {
                seen.push(frame);
            }
            assert!(src.len() <= PEEK + 100, "{} bytes buffered", src.len());
        }
        assert_eq!(
            seen,
            [
                Inbound::Oversized {
                    len: 10_000,
                    head: BytesMut::from(&body[..PEEK])
                },
                Inbound::Frame(BytesMut::from(&b"next"[..]))
            ]
        );
    }

    fn end_of_input(codec: &mut FrameCodec, bytes: &[u8]) -> io::Result<Vec<Inbound>> {
        let mut src = BytesMut::from(bytes);
        let mut frames = Vec::new();
        while let Some(frame) = codec.decode(&mut src)? {
            frames.push(frame);
        }
        while let Some(frame) = codec.decode_eof(&mut src)? {
            frames.push(frame);
        }
        Ok(frames)
    }

    #[test]
    fn the_input_ending_between_frames_is_a_clean_close() {
        let frames = end_of_input(&mut FrameCodec::new(16), &framed(b"hello")).unwrap();
        assert_eq!(frames, [Inbound::Frame(BytesMut::from(&b"hello"[..]))]);
        assert!(
            end_of_input(&mut FrameCodec::new(16), b"")
                .unwrap()
                .is_empty()
        );
    }

    /// Input ending before an oversized frame's head is complete: the frame is still refused, with what
    /// there is of its head, and then the end is an error.
    #[test]
    fn the_input_ending_inside_an_oversized_head_refuses_the_frame_first() {
        let mut codec = FrameCodec::new(4);
        let mut src = BytesMut::from(&framed(&[b'x'; 200])[..54]);
        assert_eq!(codec.decode(&mut src).unwrap(), None);
        assert_eq!(
            codec.decode_eof(&mut src).unwrap(),
            Some(Inbound::Oversized {
                len: 200,
                head: BytesMut::from(&[b'x'; 50][..])
            })
        );
        let error = codec.decode_eof(&mut src).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the input ended inside an oversized frame (150 bytes short)"
        );
    }

    #[test]
    fn the_input_ending_inside_a_frame_is_an_error() {
        for (max, bytes, says) in [
            // Right after a length prefix: nothing of the body is buffered.
            (16, &framed(b"hello")[..4], "inside a frame (0 of 5 bytes)"),
            (16, &framed(b"hello")[..6], "inside a frame (2 of 5 bytes)"),
            (16, &[0u8, 0][..], "inside a length prefix (2 of 4 bytes)"),
            // Inside an oversized body being skipped.
            (
                4,
                &framed(b"too long")[..4],
                "inside an oversized frame (8 bytes short)",
            ),
            (
                4,
                &framed(b"too long")[..9],
                "inside an oversized frame (3 bytes short)",
            ),
        ] {
            let error = end_of_input(&mut FrameCodec::new(max), bytes).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof, "{bytes:?}");
            assert_eq!(error.to_string(), format!("the input ended {says}"));
        }
    }
}
