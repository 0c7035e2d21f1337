//! Where [`Bytes`](super::Bytes) values go while an envelope is encoded, and come from while one is decoded.
//!
//! serde gives a `Serialize` impl no context, so the encoder installs a collector in a thread-local for the
//! duration of one synchronous `serde_json` call; `Bytes::serialize` moves its buffer there (a reference
//! count, not a copy) and writes a placeholder. Decoding mirrors it. Scopes never span an `.await`.
//!
//! Claiming an attachment does not take it: serde may try a placeholder more than once (an untagged enum
//! tries each variant in turn on the same buffered input, and a failed attempt's values are dropped), so a
//! claim only clones the buffer and marks it used. That placeholders and attachments match one to one is
//! checked once the whole decode has succeeded (see [`providing`]).

use std::cell::RefCell;

use serde::de::{self, Deserializer as _, MapAccess, SeqAccess, Visitor};
use tokio_util::bytes::Bytes;

use super::PLACEHOLDER_KEY;

/// The attachments of the message being decoded, and which of them some placeholder has claimed.
struct Incoming {
    attachments: Vec<Bytes>,
    claimed: Vec<bool>,
}

thread_local! {
    static OUTGOING: RefCell<Option<Vec<Bytes>>> = const { RefCell::new(None) };
    static INCOMING: RefCell<Option<Incoming>> = const { RefCell::new(None) };
}

/// Runs `encode` with a collector installed; returns its result and the attachments it produced, in
/// placeholder order. Nested scopes keep their own lists.
pub(crate) fn collecting<T>(encode: impl FnOnce() -> T) -> (T, Vec<Bytes>) {
    let outer = OUTGOING.with(|slot| slot.replace(Some(Vec::new())));
    let result = encode();
    let attachments = OUTGOING
        .with(|slot| slot.replace(outer))
        .unwrap_or_default();
    (result, attachments)
}

/// Inside [`collecting`]: stores `bytes` and returns its placeholder index. Outside: `None`.
pub(super) fn attach(bytes: &Bytes) -> Option<usize> {
    OUTGOING.with(|slot| {
        slot.borrow_mut().as_mut().map(|list| {
            list.push(bytes.clone());
            list.len() - 1
        })
    })
}

/// The JSON a decode reads, so that its placeholders can be counted.
#[derive(Clone, Copy)]
pub(crate) enum Json<'a> {
    Text(&'a str),
    Value(&'a serde_json::Value),
}

/// Placeholders and attachments of a message that decoded do not match one to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mismatch(String);

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Mismatch> for serde_json::Error {
    fn from(mismatch: Mismatch) -> Self {
        de::Error::custom(mismatch.0)
    }
}

impl From<Mismatch> for crate::DecodeError {
    fn from(mismatch: Mismatch) -> Self {
        Self::new(mismatch.0)
    }
}

impl From<Mismatch> for crate::NormalizeError {
    fn from(mismatch: Mismatch) -> Self {
        Self::Decode(mismatch.into())
    }
}

/// Runs `decode` (which reads `json`) with `attachments` available to its placeholders. When it succeeds,
/// every attachment must have been claimed and `json` must hold exactly one placeholder per attachment: a
/// sender that ships extra buffers, or names one buffer many times (which would multiply what a handler
/// sees without costing the sender anything), is refused. Nested scopes keep their own lists.
pub(crate) fn providing<T, E: From<Mismatch>>(
    attachments: &[Bytes],
    json: Json<'_>,
    decode: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    let incoming = Incoming {
        attachments: attachments.to_vec(),
        claimed: vec![false; attachments.len()],
    };
    let outer = INCOMING.with(|slot| slot.replace(Some(incoming)));
    let result = decode();
    let incoming = INCOMING.with(|slot| slot.replace(outer));
    let value = result?;
    let unclaimed = incoming.map_or(0, |i| i.claimed.iter().filter(|c| !**c).count());
    if unclaimed > 0 {
        return Err(Mismatch(format!(
            "{unclaimed} binary attachment(s) are not referred to by the payload"
        ))
        .into());
    }
    let placeholders = count_placeholders(json);
    if placeholders != attachments.len() {
        return Err(Mismatch(format!(
            "the payload has {placeholders} binary placeholders for {} attachment(s): each attachment is named once",
            attachments.len()
        ))
        .into());
    }
    Ok(value)
}

/// Why a placeholder could not be resolved.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Claim {
    /// No attachments travel with this message (or we are not decoding an envelope).
    NoAttachments,
    /// The index is past the end of the attachments.
    Missing(usize),
}

/// Attachment `index`, as a reference-counted clone; marks it claimed.
pub(super) fn claim(index: usize) -> Result<Bytes, Claim> {
    INCOMING.with(|slot| {
        let mut slot = slot.borrow_mut();
        let incoming = slot.as_mut().ok_or(Claim::NoAttachments)?;
        let bytes = incoming
            .attachments
            .get(index)
            .ok_or(Claim::Missing(index))?
            .clone();
        incoming.claimed[index] = true;
        Ok(bytes)
    })
}

/// How many objects in `json` are placeholders (have a `$bin` key). Malformed text counts what it
/// could read: it only runs after a decode of the same text succeeded.
fn count_placeholders(json: Json<'_>) -> usize {
    let mut count = 0;
    match json {
        Json::Text(text) => {
            let mut reader = serde_json::Deserializer::from_str(text);
            let _ = reader.deserialize_any(Counter(&mut count));
        }
        Json::Value(value) => count_in_value(value, &mut count),
    }
    count
}

fn count_in_value(value: &serde_json::Value, count: &mut usize) {
    match value {
        serde_json::Value::Array(items) => items.iter().for_each(|v| count_in_value(v, count)),
        serde_json::Value::Object(map) => {
            if map.contains_key(PLACEHOLDER_KEY) {
                *count += 1;
            }
            map.values().for_each(|v| count_in_value(v, count));
        }
        _ => {}
    }
}

/// Walks a JSON value, counting placeholders.
struct Counter<'c>(&'c mut usize);

impl<'de> de::DeserializeSeed<'de> for Counter<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Counter<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Counter(&mut *self.0))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut placeholder = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            placeholder |= key == PLACEHOLDER_KEY;
            map.next_value_seed(Counter(&mut *self.0))?;
        }
        *self.0 += usize::from(placeholder);
        Ok(())
    }
}
