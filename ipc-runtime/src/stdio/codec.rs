//! The framing: a 4-byte big-endian length prefix, then that many bytes of UTF-8 JSON.
//!
//! Writing uses [`LengthDelimitedCodec`]. Reading uses the same format with one thing it lacks: a frame
//! longer than the limit is skipped (its bytes are read and dropped) and reported as
//! [`Inbound::Oversized`], so that one bad frame does not end the stream.

use std::io;

use tokio_util::bytes::{Buf as _, BytesMut};
use tokio_util::codec::{Decoder, LengthDelimitedCodec};

/// Bytes of the length prefix.
const HEAD: usize = 4;

/// One decoded parent -> child frame.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Inbound {
    /// A frame within the limit: its body.
    Frame(BytesMut),
    /// A frame of `len` bytes, over the limit; its body is skipped.
    Oversized { len: u64 },
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

    /// The writer's codec: child -> parent frames are limited only by the 4-byte prefix.
    pub(crate) fn writer() -> LengthDelimitedCodec {
        LengthDelimitedCodec::builder()
            .length_field_length(HEAD)
            .big_endian()
            .max_frame_length(u32::MAX as usize)
            .new_codec()
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
                        _ => {
                            self.state = State::Discard(u64::from(len));
                            return Ok(Some(Inbound::Oversized {
                                len: u64::from(len),
                            }));
                        }
                    }
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
}

#[cfg(test)]
mod tests {
    use tokio_util::bytes::Bytes;
    use tokio_util::codec::Encoder as _;

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
        // The oversized body arrives in pieces.
        src.extend_from_slice(&bytes[..6]);
        assert_eq!(
            codec.decode(&mut src).unwrap(),
            Some(Inbound::Oversized { len: 8 })
        );
        assert_eq!(codec.decode(&mut src).unwrap(), None);
        src.extend_from_slice(&bytes[6..]);
        assert_eq!(
            codec.decode(&mut src).unwrap(),
            Some(Inbound::Frame(BytesMut::from(&b"ok"[..])))
        );
    }

    #[test]
    fn encodes_a_big_endian_prefix() {
        let mut dst = BytesMut::new();
        FrameCodec::writer()
            .encode(Bytes::from_static(b"abc"), &mut dst)
            .unwrap();
        assert_eq!(&dst[..], &[0, 0, 0, 3, b'a', b'b', b'c']);
    }

    #[test]
    fn reads_what_the_writer_writes() {
        let mut dst = BytesMut::new();
        let mut writer = FrameCodec::writer();
        for body in [&b""[..], b"a", b"0123456789"] {
            writer
                .encode(Bytes::copy_from_slice(body), &mut dst)
                .unwrap();
        }
        let mut codec = FrameCodec::new(10);
        let mut bodies = Vec::new();
        while let Some(Inbound::Frame(body)) = codec.decode(&mut dst).unwrap() {
            bodies.push(body.to_vec());
        }
        assert_eq!(
            bodies,
            [b"".to_vec(), b"a".to_vec(), b"0123456789".to_vec()]
        );
    }
}
