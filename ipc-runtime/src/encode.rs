//! Writers for the fixed-shape outbound envelopes (`invoke`, `reply`, `event`, `send`, `cancel`).
//!
//! They produce exactly the bytes serde produced for the same envelope structs (the unit tests compare
//! the two), but write into one string sized up front: no serializer state, no regrowth, one allocation.
//! Field order and spelling are the wire format the TypeScript bridge reads; do not change them.

use serde_json::value::RawValue;

/// Room for the fixed keys, an id and a timeout around the channel and payload.
const OVERHEAD: usize = 64;

fn start(kind: &str, extra: usize) -> String {
    let mut out = String::with_capacity(OVERHEAD + extra);
    out.push_str(r#"{"kind":""#);
    out.push_str(kind);
    out.push('"');
    out
}

fn push_u64(out: &mut String, key: &str, value: u64) {
    out.push_str(key);
    out.push_str(itoa::Buffer::new().format(value));
}

/// A JSON string. Channel names are plain identifiers in practice; anything else goes through serde.
fn push_str(out: &mut String, value: &str) {
    if value.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(value);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(value).expect("strings always serialise"));
    }
}

pub(crate) fn invoke(
    id: u64,
    channel: &str,
    payload: &RawValue,
    timeout_ms: Option<u32>,
) -> String {
    let payload = payload.get();
    let mut out = start("invoke", channel.len() + payload.len());
    push_u64(&mut out, r#","id":"#, id);
    out.push_str(r#","channel":"#);
    push_str(&mut out, channel);
    out.push_str(r#","payload":"#);
    out.push_str(payload);
    if let Some(ms) = timeout_ms {
        push_u64(&mut out, r#","timeoutMs":"#, u64::from(ms));
    }
    out.push('}');
    out
}

pub(crate) fn reply(id: u64, payload: &RawValue) -> String {
    let payload = payload.get();
    let mut out = start("reply", payload.len());
    push_u64(&mut out, r#","id":"#, id);
    out.push_str(r#","payload":"#);
    out.push_str(payload);
    out.push('}');
    out
}

/// `event` and `send`: a channel and a payload, no id.
pub(crate) fn channel_message(kind: &str, channel: &str, payload: &RawValue) -> String {
    let payload = payload.get();
    let mut out = start(kind, channel.len() + payload.len());
    out.push_str(r#","channel":"#);
    push_str(&mut out, channel);
    out.push_str(r#","payload":"#);
    out.push_str(payload);
    out.push('}');
    out
}

pub(crate) fn cancel(id: u64) -> String {
    let mut out = start("cancel", 0);
    push_u64(&mut out, r#","id":"#, id);
    out.push('}');
    out
}
