//! Entry points for the fuzz targets in `fuzz/`: the decoders are crate-private, so they are reached
//! through these functions. Not a public API: names and signatures may change in any release.

use serde_json::value::RawValue;

use crate::envelope::{Inbound, Limits, encode_cancel, encode_invoke, encode_send};

#[cfg(feature = "stdio")]
pub use crate::stdio::fuzzing::decode_frames;

/// Parses `text` as a renderer -> main envelope under `limits`. An accepted envelope is encoded again the
/// way the Rust client writes it and must parse back to the same message (the two sides agree).
pub fn parse_envelope(text: &str, limits: &Limits) -> bool {
    let Ok(inbound) = Inbound::parse(text, limits) else {
        return false;
    };
    let again = match &inbound {
        Inbound::Send { channel, payload } => encode_send(channel, raw(payload)),
        Inbound::Invoke {
            id,
            channel,
            payload,
            timeout_ms,
        } => encode_invoke(*id, channel, raw(payload), *timeout_ms),
        Inbound::Cancel { id } => encode_cancel(*id),
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

fn raw(payload: &str) -> &RawValue {
    serde_json::from_str(payload).expect("a parsed payload is valid JSON")
}
