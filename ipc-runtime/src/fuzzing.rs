//! Entry points for the fuzz targets in `fuzz/`: the decoders are crate-private, so they are reached
//! through these functions. Not a public API: names and signatures may change in any release.

use tokio_util::bytes::Bytes;

use crate::binary::frame;
use crate::encode::Payload;
use crate::envelope::{
    Inbound, Limits, encode_cancel, encode_credit, encode_invoke, encode_send, encode_stream,
    encode_validate,
};

#[cfg(feature = "stdio")]
pub use crate::stdio::fuzzing::decode_frames;

/// Parses `text` as a renderer -> main envelope under `limits`. An accepted envelope is encoded again the
/// way the Rust client writes it and must parse back to the same message (the two sides agree).
pub fn parse_envelope(text: &str, limits: &Limits) -> bool {
    let Ok(inbound) = Inbound::parse(text, limits) else {
        return false;
    };
    let again = match &inbound {
        Inbound::Send { channel, payload } => encode_send(channel, Payload::Text(payload)),
        Inbound::Invoke {
            id,
            channel,
            payload,
            timeout_ms,
        } => encode_invoke(*id, channel, Payload::Text(payload), *timeout_ms),
        Inbound::Cancel { id } => encode_cancel(*id),
        Inbound::Stream {
            id,
            channel,
            payload,
            timeout_ms,
            credit,
        } => encode_stream(*id, channel, Payload::Text(payload), *timeout_ms, *credit),
        // Bad amounts are read as such (the stream they name ends); only good ones have one encoding.
        Inbound::Credit { id, grant } => match grant {
            Ok(grant) => encode_credit(*id, *grant),
            Err(_) => return true,
        },
        Inbound::Validate {
            id,
            channel,
            payload,
        } => encode_validate(*id, channel, Payload::Text(payload)),
    };
    let unbounded = Limits {
        max_message_bytes: usize::MAX,
        ..*limits
    };
    let reparsed = Inbound::parse(&again, &unbounded).expect("a re-encoded envelope parses");
    assert_eq!(
        format!("{inbound:?}"),
        format!("{reparsed:?}"),
        "re-encoding changed the message"
    );
    true
}

/// Decodes `message` as a binary message (envelope plus attachments). An accepted one is encoded again and
/// must come out byte for byte the same (the layout has exactly one encoding).
pub fn decode_binary(message: &[u8]) -> bool {
    let message = Bytes::copy_from_slice(message);
    let Ok(decoded) = frame::decode(&message) else {
        return false;
    };
    let (envelope, attachments) = decoded.into_parts();
    let envelope = std::str::from_utf8(&envelope).expect("decode checked the envelope is UTF-8");
    assert_eq!(frame::encoded_len(envelope, &attachments), message.len());
    let encoded = crate::BinaryMessage::encode(envelope, &attachments);
    assert_eq!(encoded.len(), message.len());
    assert_eq!(
        encoded.to_bytes(),
        message,
        "re-encoding changed the message"
    );
    let decoded = encoded
        .decode()
        .expect("a message the runtime built decodes");
    assert_eq!(
        decoded.attachments, attachments,
        "decoding its chunks changed the attachments"
    );
    true
}
