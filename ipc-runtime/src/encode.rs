//! Writers for the fixed-shape outbound envelopes (`invoke`, `reply`, handler `error`, `event`, `send`,
//! `cancel`, `validate`).
//!
//! They produce exactly the bytes serde produced for the same envelope structs (the unit tests in
//! `envelope.rs` compare the two). A payload serialized by [`Spaced::serialize`] has free room in front of
//! it, so the envelope is written around it in the same buffer: no second buffer, no copy of the payload
//! into it, no shrinking of the payload's own buffer. Field order and spelling are the wire format the
//! TypeScript bridge reads; do not change them.

use std::borrow::Cow;

use serde::Serialize;

/// Bytes kept free in front of a serialized payload for its envelope's prefix. Enough for every `reply`,
/// `error`, `event` and `send` prefix and for an `invoke` prefix with a channel name of up to 60 bytes; a
/// longer prefix is written into a new buffer instead (correct, just slower).
const HEADROOM: usize = 128;

/// Where a payload's JSON usually ends: serde's own starting capacity for a whole `to_string`.
const PAYLOAD_GUESS: usize = 128;

/// A payload's JSON with [`HEADROOM`] free bytes (spaces) in front of it.
#[derive(Debug)]
pub(crate) struct Spaced(Vec<u8>);

impl Spaced {
    pub(crate) fn serialize<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        let mut buf = Vec::with_capacity(HEADROOM + PAYLOAD_GUESS);
        buf.resize(HEADROOM, b' ');
        serde_json::to_writer(&mut buf, &crate::finite::Finite(value))?;
        Ok(Self(buf))
    }

    /// The JSON text, checked to be UTF-8 (`serde_json` writes nothing else).
    pub(crate) fn json(&self) -> &str {
        std::str::from_utf8(&self.0[HEADROOM..]).expect("serde_json writes UTF-8")
    }
}

/// The payload of an envelope being written.
#[derive(Debug)]
pub(crate) enum Payload<'a> {
    /// JSON text, copied into the envelope.
    Text(&'a str),
    /// A serialized payload; the envelope is written around it in place.
    Spaced(Spaced),
}

/// `prefix`, the payload, then `suffix`, as one string.
fn wrap(payload: Payload<'_>, prefix: &[&str], suffix: &[&str]) -> String {
    let head: usize = prefix.iter().map(|piece| piece.len()).sum();
    let json = match payload {
        Payload::Spaced(Spaced(mut buf)) if head <= HEADROOM => {
            let mut at = 0;
            for piece in prefix {
                buf[at..at + piece.len()].copy_from_slice(piece.as_bytes());
                at += piece.len();
            }
            // Close the gap between the prefix and the payload: one move of the payload, no allocation.
            buf.copy_within(HEADROOM.., head);
            buf.truncate(buf.len() - (HEADROOM - head));
            for piece in suffix {
                buf.extend_from_slice(piece.as_bytes());
            }
            // Valid by construction (serde_json's output and `&str` pieces); checking costs one pass.
            return String::from_utf8(buf)
                .expect("envelope pieces and serde_json output are UTF-8");
        }
        Payload::Spaced(ref spaced) => spaced.json(),
        Payload::Text(json) => json,
    };
    let tail: usize = suffix.iter().map(|piece| piece.len()).sum();
    let mut out = String::with_capacity(head + json.len() + tail);
    for piece in prefix {
        out.push_str(piece);
    }
    out.push_str(json);
    for piece in suffix {
        out.push_str(piece);
    }
    out
}

/// `,"channel":<name>,"payload":` in three pieces, the name in the middle (borrowed when it needs no
/// escaping, as channel names in practice do; its quotes then join the keys around it, so there are fewer
/// pieces to copy).
fn channel_and_payload_keys(channel: &str) -> [Cow<'_, str>; 3] {
    if channel
        .bytes()
        .all(|b| b >= 0x20 && b != b'"' && b != b'\\')
    {
        [
            r#","channel":""#.into(),
            channel.into(),
            r#"","payload":"#.into(),
        ]
    } else {
        let escaped = serde_json::to_string(channel).expect("strings always serialise");
        [
            r#","channel":"#.into(),
            escaped.into(),
            r#","payload":"#.into(),
        ]
    }
}

/// `{"kind":<kind>,"id":N,"channel":...,"payload":...` then `suffix`: the head every call-starting envelope
/// (`invoke`, `validate`, `stream`) shares.
fn call(kind: &str, id: u64, channel: &str, payload: Payload<'_>, suffix: &[&str]) -> String {
    let mut id_text = itoa::Buffer::new();
    let [channel_key, name, payload_key] = channel_and_payload_keys(channel);
    let prefix = [kind, id_text.format(id), &channel_key, &name, &payload_key];
    wrap(payload, &prefix, suffix)
}

pub(crate) fn invoke(
    id: u64,
    channel: &str,
    payload: Payload<'_>,
    timeout_ms: Option<u32>,
) -> String {
    const KIND: &str = r#"{"kind":"invoke","id":"#;
    let mut ms_text = itoa::Buffer::new();
    match timeout_ms {
        Some(ms) => call(
            KIND,
            id,
            channel,
            payload,
            &[r#","timeoutMs":"#, ms_text.format(ms), "}"],
        ),
        None => call(KIND, id, channel, payload, &["}"]),
    }
}

pub(crate) fn validate(id: u64, channel: &str, payload: Payload<'_>) -> String {
    call(r#"{"kind":"validate","id":"#, id, channel, payload, &["}"])
}

/// `{"kind":"stream","id":N,"channel":...,"payload":...,"timeoutMs"?:T,"credit":{"items":I,"bytes":B}}`.
pub(crate) fn stream(
    id: u64,
    channel: &str,
    payload: Payload<'_>,
    timeout_ms: Option<u32>,
    credit: crate::envelope::Grant,
) -> String {
    const KIND: &str = r#"{"kind":"stream","id":"#;
    let mut ms_text = itoa::Buffer::new();
    let mut items_text = itoa::Buffer::new();
    let mut bytes_text = itoa::Buffer::new();
    let credit = [
        r#","credit":{"items":"#,
        items_text.format(credit.items),
        r#","bytes":"#,
        bytes_text.format(credit.bytes),
        "}}",
    ];
    match timeout_ms {
        Some(ms) => {
            let mut suffix = vec![r#","timeoutMs":"#, ms_text.format(ms)];
            suffix.extend(credit);
            call(KIND, id, channel, payload, &suffix)
        }
        None => call(KIND, id, channel, payload, &credit),
    }
}

/// `{"kind":"item","id":N,"payload":...}`: one item of a stream.
pub(crate) fn item(id: u64, payload: Payload<'_>) -> String {
    let mut id_text = itoa::Buffer::new();
    wrap(
        payload,
        &[
            r#"{"kind":"item","id":"#,
            id_text.format(id),
            r#","payload":"#,
        ],
        &["}"],
    )
}

pub(crate) fn reply(id: u64, payload: Payload<'_>) -> String {
    let mut id_text = itoa::Buffer::new();
    wrap(
        payload,
        &[
            r#"{"kind":"reply","id":"#,
            id_text.format(id),
            r#","payload":"#,
        ],
        &["}"],
    )
}

/// The `error` envelope of a handler's own `Err` value (`IpcError::Handler`).
pub(crate) fn handler_error(id: u64, error: Payload<'_>) -> String {
    let mut id_text = itoa::Buffer::new();
    wrap(
        error,
        &[
            r#"{"kind":"error","id":"#,
            id_text.format(id),
            r#","error":{"kind":"handler","error":"#,
        ],
        &["}}"],
    )
}

/// `event` and `send`: a channel and a payload, no id.
pub(crate) fn channel_message(kind: &str, channel: &str, payload: Payload<'_>) -> String {
    let [channel_key, name, payload_key] = channel_and_payload_keys(channel);
    wrap(
        payload,
        &[
            r#"{"kind":""#,
            kind,
            "\"",
            &channel_key,
            &name,
            &payload_key,
        ],
        &["}"],
    )
}

pub(crate) fn cancel(id: u64) -> String {
    let mut id_text = itoa::Buffer::new();
    wrap(
        Payload::Text(""),
        &[r#"{"kind":"cancel","id":"#, id_text.format(id)],
        &["}"],
    )
}
