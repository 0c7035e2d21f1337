//! An envelope with attachments as it is handed to a host: the layout of [`super::frame`], held as chunks
//! (the head, then each attachment) so that building one copies no attachment. A host that needs one buffer
//! (a WebSocket message) joins them; the stdio host writes them one after another.

use std::fmt;

use tokio_util::bytes::{Bytes, BytesMut};

use super::frame::{self, Decoded, FrameError};

/// One binary message (see [`crate::Bytes`] for the layout). Made from one received buffer
/// (`BinaryMessage::from(bytes)`), or by the runtime from an envelope and its attachments without copying
/// them. Two messages are equal when their bytes are, however they are chunked.
#[derive(Clone)]
pub struct BinaryMessage {
    /// One buffer as received, or the head followed by exactly one chunk per attachment.
    chunks: Vec<Bytes>,
}

impl BinaryMessage {
    /// The message for `envelope` and its attachments; the attachments are shared, not copied.
    pub(crate) fn encode(envelope: &str, attachments: &[Bytes]) -> Self {
        let mut chunks = Vec::with_capacity(1 + attachments.len());
        chunks.push(frame::encode_head(envelope, attachments));
        chunks.extend_from_slice(attachments);
        Self { chunks }
    }

    /// Size in bytes.
    pub fn len(&self) -> usize {
        self.chunks.iter().map(Bytes::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.iter().all(Bytes::is_empty)
    }

    /// The bytes, in order, in as many pieces as the message was built from.
    pub fn chunks(&self) -> &[Bytes] {
        &self.chunks
    }

    /// The bytes in one buffer: shared when the message is one chunk, joined (copied) otherwise.
    pub fn to_bytes(&self) -> Bytes {
        match &self.chunks[..] {
            [] => Bytes::new(),
            [one] => one.clone(),
            chunks => {
                let mut joined = BytesMut::with_capacity(self.len());
                for chunk in chunks {
                    joined.extend_from_slice(chunk);
                }
                joined.freeze()
            }
        }
    }

    /// The envelope and the attachments, which stay slices of the chunks.
    pub(crate) fn decode(&self) -> Result<Decoded, FrameError> {
        match &self.chunks[..] {
            [] => frame::decode(&Bytes::new()),
            [one] => frame::decode(one),
            [head, attachments @ ..] => frame::decode_chunks(head, attachments),
        }
    }
}

impl From<Bytes> for BinaryMessage {
    fn from(bytes: Bytes) -> Self {
        Self {
            chunks: vec![bytes],
        }
    }
}

impl From<Vec<u8>> for BinaryMessage {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl PartialEq for BinaryMessage {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.to_bytes() == other.to_bytes()
    }
}

impl Eq for BinaryMessage {}

impl fmt::Debug for BinaryMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BinaryMessage")
            .field("len", &self.len())
            .field("chunks", &self.chunks.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attachments() -> [Bytes; 3] {
        [
            Bytes::from_static(b"hello"),
            Bytes::new(),
            Bytes::from(vec![7; 70_000]),
        ]
    }

    #[test]
    fn chunks_share_the_attachments_and_join_to_the_one_buffer_layout() {
        let parts = attachments();
        let message = BinaryMessage::encode(r#"{"kind":"send"}"#, &parts);
        assert_eq!(message.chunks().len(), 4);
        assert_eq!(
            message.chunks()[3].as_ptr(),
            parts[2].as_ptr(),
            "not copied"
        );
        let joined = frame::encode(r#"{"kind":"send"}"#, &parts);
        assert_eq!(message.to_bytes(), joined);
        assert_eq!(message.len(), joined.len());
        assert_eq!(message, BinaryMessage::from(joined));
    }

    #[test]
    fn both_forms_decode_to_the_same_envelope_and_attachments() {
        let parts = attachments();
        let chunked = BinaryMessage::encode(r#"{"kind":"send"}"#, &parts);
        let joined = BinaryMessage::from(chunked.to_bytes());
        for message in [&chunked, &joined] {
            let decoded = message.decode().unwrap();
            assert_eq!(decoded.envelope(), r#"{"kind":"send"}"#);
            assert_eq!(decoded.attachments, parts);
        }
        let from_chunks = chunked.decode().unwrap();
        assert_eq!(from_chunks.attachments[2].as_ptr(), parts[2].as_ptr());
    }

    #[test]
    fn unreadable_messages_are_refused_in_either_form() {
        assert!(BinaryMessage::from(Bytes::new()).decode().is_err());
        assert!(BinaryMessage { chunks: Vec::new() }.decode().is_err());
        let parts = attachments();
        let good = BinaryMessage::encode("{}", &parts);
        // A head that announces other lengths than its chunks have.
        let mut wrong = good.clone();
        wrong.chunks[3] = Bytes::from_static(b"short");
        assert!(wrong.decode().is_err());
        let mut missing = good;
        missing.chunks.pop();
        assert!(missing.decode().is_err());
    }
}
