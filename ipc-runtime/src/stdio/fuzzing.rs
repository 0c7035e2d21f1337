//! Entry point for the stdio frame fuzz target (`fuzz/`). Not a public API.

use tokio_util::bytes::BytesMut;
use tokio_util::codec::Decoder as _;

use super::codec::{FrameCodec, Inbound, PEEK};
use super::frame::ParentFrame;

/// Feeds `data` to the inbound frame decoder in chunks of `chunk` bytes (as a pipe would deliver them) and
/// parses every frame body it yields. Returns the number of frames (kept and skipped). Panics if a frame
/// over `max_frame` is ever handed out, which is the decoder's one promise.
pub fn decode_frames(data: &[u8], max_frame: usize, chunk: usize) -> usize {
    let mut codec = FrameCodec::new(max_frame);
    let mut src = BytesMut::new();
    let mut frames = 0;
    for piece in data.chunks(chunk.max(1)) {
        src.extend_from_slice(piece);
        while let Some(item) = codec.decode(&mut src).expect("the decoder never fails") {
            frames += 1;
            match item {
                Inbound::Frame(body) => {
                    assert!(body.len() <= max_frame, "frame over the limit handed out");
                    let _ = ParentFrame::parse(&body.freeze());
                }
                Inbound::Oversized { len, head } => {
                    assert!(len > max_frame as u64, "in-limit frame reported oversized");
                    assert!(
                        head.len() <= PEEK,
                        "more than the head of an oversized frame kept"
                    );
                    let _ = super::refused::oversized(&head, len);
                }
            }
        }
    }
    frames
}
