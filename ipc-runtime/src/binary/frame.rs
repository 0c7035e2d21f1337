//! The layout of one message that carries attachments (a binary WebSocket message; the body of a binary
//! stdio frame after its caller key). All integers are big-endian `u32`:
//!
//! ```text
//! [envelope length E][E bytes: the JSON envelope, UTF-8]
//! [attachment count N][N lengths L0..LN-1][L0 bytes]...[LN-1 bytes]
//! ```
//!
//! The envelope is the same JSON as a text message, with `{"$bin": i}` where attachment `i` goes. Decoding
//! slices the received buffer: attachments are not copied.

use tokio_util::bytes::{BufMut as _, Bytes, BytesMut};

/// More attachments than this in one message is refused (each costs a slice and a placeholder).
pub(crate) const MAX_ATTACHMENTS: usize = 4096;

/// Why a binary message could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FrameError {
    #[error("binary message truncated: {0}")]
    Truncated(&'static str),
    #[error("binary message has {0} attachments (at most {MAX_ATTACHMENTS})")]
    TooManyAttachments(usize),
    #[error("binary message envelope is not UTF-8")]
    NotUtf8,
    #[error("binary message has {0} bytes after its last attachment")]
    TrailingBytes(usize),
}

/// A decoded binary message: the envelope text and its attachments, slices of the received buffer (or the
/// message's own chunks), never copies.
#[derive(Debug)]
pub(crate) struct Decoded {
    envelope: Bytes,
    pub(crate) attachments: Vec<Bytes>,
}

impl Decoded {
    #[cfg(test)]
    pub(crate) fn envelope(&self) -> &str {
        // Checked in `decode`.
        std::str::from_utf8(&self.envelope).unwrap_or_default()
    }

    /// The envelope text (checked UTF-8) and the attachments.
    pub(crate) fn into_parts(self) -> (Bytes, Vec<Bytes>) {
        (self.envelope, self.attachments)
    }
}

/// Total size of the encoded message.
pub(crate) fn encoded_len(envelope: &str, attachments: &[Bytes]) -> usize {
    head_len(envelope, attachments) + attachments.iter().map(Bytes::len).sum::<usize>()
}

/// Size of everything before the first attachment.
fn head_len(envelope: &str, attachments: &[Bytes]) -> usize {
    8 + envelope.len() + 4 * attachments.len()
}

fn length(n: usize) -> u32 {
    u32::try_from(n).expect("message parts are bounded by the size limits, far below 4 GiB")
}

/// Everything before the first attachment: the envelope with its length, the count and the lengths.
pub(crate) fn encode_head(envelope: &str, attachments: &[Bytes]) -> Bytes {
    let mut out = BytesMut::with_capacity(head_len(envelope, attachments));
    out.put_u32(length(envelope.len()));
    out.put_slice(envelope.as_bytes());
    out.put_u32(length(attachments.len()));
    for attachment in attachments {
        out.put_u32(length(attachment.len()));
    }
    out.freeze()
}

fn take_u32(buf: &[u8], at: &mut usize, what: &'static str) -> Result<usize, FrameError> {
    let bytes = buf.get(*at..*at + 4).ok_or(FrameError::Truncated(what))?;
    *at += 4;
    Ok(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize)
}

/// What comes before the attachments, read and checked.
struct Head {
    envelope: Bytes,
    lengths: Vec<usize>,
    /// Where the first attachment starts.
    end: usize,
}

fn read_head(message: &Bytes) -> Result<Head, FrameError> {
    let mut at = 0;
    let envelope_len = take_u32(message, &mut at, "envelope length")?;
    if message.len() - at < envelope_len {
        return Err(FrameError::Truncated("envelope"));
    }
    let envelope = message.slice(at..at + envelope_len);
    std::str::from_utf8(&envelope).map_err(|_| FrameError::NotUtf8)?;
    at += envelope_len;
    let count = take_u32(message, &mut at, "attachment count")?;
    if count > MAX_ATTACHMENTS {
        return Err(FrameError::TooManyAttachments(count));
    }
    let mut lengths = Vec::with_capacity(count);
    for _ in 0..count {
        lengths.push(take_u32(message, &mut at, "attachment lengths")?);
    }
    Ok(Head {
        envelope,
        lengths,
        end: at,
    })
}

/// Decodes a message received as one buffer; the attachments are slices of it.
pub(crate) fn decode(message: &Bytes) -> Result<Decoded, FrameError> {
    let Head {
        envelope,
        lengths,
        mut end,
    } = read_head(message)?;
    let mut attachments = Vec::with_capacity(lengths.len());
    for len in lengths {
        if message.len() - end < len {
            return Err(FrameError::Truncated("attachment"));
        }
        attachments.push(message.slice(end..end + len));
        end += len;
    }
    if end != message.len() {
        return Err(FrameError::TrailingBytes(message.len() - end));
    }
    Ok(Decoded {
        envelope,
        attachments,
    })
}

/// Decodes a message held as its head and then one chunk per attachment (as [`encode_head`]'s callers
/// build it); the attachments are the chunks themselves.
pub(crate) fn decode_chunks(head: &Bytes, attachments: &[Bytes]) -> Result<Decoded, FrameError> {
    let Head {
        envelope,
        lengths,
        end,
    } = read_head(head)?;
    if end != head.len() {
        return Err(FrameError::TrailingBytes(head.len() - end));
    }
    let lengths_match = lengths.len() == attachments.len()
        && lengths
            .iter()
            .zip(attachments)
            .all(|(len, attachment)| *len == attachment.len());
    if !lengths_match {
        return Err(FrameError::Truncated("attachment"));
    }
    Ok(Decoded {
        envelope,
        attachments: attachments.to_vec(),
    })
}

/// The whole message in one buffer, for tests (the runtime builds [`super::BinaryMessage`]s).
#[cfg(test)]
pub(crate) fn encode(envelope: &str, attachments: &[Bytes]) -> Bytes {
    let mut out = BytesMut::with_capacity(encoded_len(envelope, attachments));
    out.put_slice(&encode_head(envelope, attachments));
    for attachment in attachments {
        out.put_slice(attachment);
    }
    out.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_without_copying_attachments() {
        let parts = [
            Bytes::from_static(b"hello"),
            Bytes::new(),
            Bytes::from(vec![0; 70_000]),
        ];
        let message = encode(r#"{"kind":"send"}"#, &parts);
        assert_eq!(message.len(), encoded_len(r#"{"kind":"send"}"#, &parts));
        let decoded = decode(&message).unwrap();
        assert_eq!(decoded.envelope(), r#"{"kind":"send"}"#);
        assert_eq!(decoded.attachments, parts);
        // A slice of the received buffer, not a copy.
        let start = decoded.attachments[0].as_ptr() as usize;
        let range = message.as_ptr() as usize..message.as_ptr() as usize + message.len();
        assert!(range.contains(&start));
    }

    #[test]
    fn refuses_malformed_messages() {
        let good = encode("{}", &[Bytes::from_static(b"abc")]);
        for cut in 0..good.len() {
            assert!(
                decode(&good.slice(..cut)).is_err(),
                "prefix of {cut} bytes accepted"
            );
        }
        let mut trailing = BytesMut::from(&good[..]);
        trailing.put_u8(0);
        assert_eq!(
            decode(&trailing.freeze()).unwrap_err(),
            FrameError::TrailingBytes(1)
        );
        let mut many = BytesMut::new();
        many.put_u32(2);
        many.put_slice(b"{}");
        many.put_u32(u32::MAX);
        assert!(matches!(
            decode(&many.freeze()).unwrap_err(),
            FrameError::TooManyAttachments(_)
        ));
        let mut not_utf8 = BytesMut::new();
        not_utf8.put_u32(1);
        not_utf8.put_u8(0xff);
        not_utf8.put_u32(0);
        assert_eq!(decode(&not_utf8.freeze()).unwrap_err(), FrameError::NotUtf8);
    }
}
