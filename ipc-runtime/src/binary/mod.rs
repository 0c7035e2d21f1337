//! Binary payloads. A [`Bytes`] value anywhere in a channel's arguments, result, error or event payload
//! travels beside the JSON envelope as a raw attachment: a binary WebSocket message or a binary stdio frame,
//! and a `Uint8Array` in TypeScript. It never becomes a JSON array of numbers on the wire.
//!
//! In the envelope's JSON the value is a placeholder `{"$bin": <index>}`; see [`frame`] for the layout of a
//! message that carries attachments.

pub(crate) mod frame;
mod message;
pub(crate) mod scope;

pub use message::BinaryMessage;

use std::fmt;
use std::ops::Deref;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::encode::{Payload, Spaced};

/// The placeholder's only key.
pub(crate) const PLACEHOLDER_KEY: &str = "$bin";

/// A value encoded for the wire: its JSON (with a `{"$bin": i}` placeholder for each [`Bytes`] in it) and
/// the attachments those placeholders refer to: what a handler's result becomes (see
/// [`crate::HandlerOutcome`]). The JSON is kept with room in front of it, so that the envelope is written
/// around it without a copy.
#[derive(Debug)]
pub struct Encoded {
    pub(crate) json: Spaced,
    pub(crate) attachments: Vec<tokio_util::bytes::Bytes>,
}

impl Encoded {
    /// The JSON text.
    pub fn json(&self) -> &str {
        self.json.json()
    }

    /// The binary attachments, in placeholder order.
    pub fn attachments(&self) -> &[tokio_util::bytes::Bytes] {
        &self.attachments
    }

    /// The JSON as an envelope's payload, and the attachments.
    pub(crate) fn into_parts(self) -> (Payload<'static>, Vec<tokio_util::bytes::Bytes>) {
        (Payload::Spaced(self.json), self.attachments)
    }
}

/// Encodes `value`; every [`Bytes`] in it becomes an attachment.
#[doc(hidden)]
pub fn encode_payload<T: Serialize + ?Sized>(value: &T) -> Result<Encoded, serde_json::Error> {
    let (json, attachments) = scope::collecting(|| Spaced::serialize(value));
    Ok(Encoded {
        json: json?,
        attachments,
    })
}

/// The frame for an envelope: text, or a binary message when attachments travel with it.
pub(crate) fn frame_for(
    envelope: String,
    attachments: &[tokio_util::bytes::Bytes],
) -> crate::emitter::OutboundFrame {
    if attachments.is_empty() {
        crate::emitter::OutboundFrame::Text(envelope)
    } else {
        crate::emitter::OutboundFrame::Binary(BinaryMessage::encode(&envelope, attachments))
    }
}

/// Binary data for IPC: `Uint8Array` in TypeScript, an attachment on the wire. Cheap to clone (reference
/// counted); converts from and to `Vec<u8>` and [`tokio_util::bytes::Bytes`].
///
/// Outside an envelope (plain `serde_json::to_string`), it serializes as an array of numbers, like `Vec<u8>`.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bytes(tokio_util::bytes::Bytes);

impl Bytes {
    pub const fn new() -> Self {
        Self(tokio_util::bytes::Bytes::new())
    }

    pub const fn from_static(bytes: &'static [u8]) -> Self {
        Self(tokio_util::bytes::Bytes::from_static(bytes))
    }

    /// The shared buffer, without copying.
    pub fn into_inner(self) -> tokio_util::bytes::Bytes {
        self.0
    }

    pub fn to_vec(&self) -> Vec<u8> {
        self.0.to_vec()
    }
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes.into())
    }
}

impl From<&'static [u8]> for Bytes {
    fn from(bytes: &'static [u8]) -> Self {
        Self::from_static(bytes)
    }
}

impl From<tokio_util::bytes::Bytes> for Bytes {
    fn from(bytes: tokio_util::bytes::Bytes) -> Self {
        Self(bytes)
    }
}

impl From<Bytes> for Vec<u8> {
    fn from(bytes: Bytes) -> Self {
        bytes.0.into()
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bytes({} bytes)", self.0.len())
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match scope::attach(&self.0) {
            Some(index) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(PLACEHOLDER_KEY, &index)?;
                map.end()
            }
            None => serializer.serialize_bytes(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BytesVisitor)
    }
}

struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Bytes;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("binary data (an attachment placeholder {\"$bin\": n}, or an array of bytes)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Bytes, A::Error> {
        let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? else {
            return Err(de::Error::custom("expected {\"$bin\": n}, found {}"));
        };
        if key != PLACEHOLDER_KEY {
            return Err(de::Error::custom(format!(
                "expected {{\"$bin\": n}}, found key {key:?}"
            )));
        }
        let index: usize = map.next_value()?;
        if map.next_key::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::custom("a {\"$bin\": n} placeholder has one key"));
        }
        scope::claim(index).map(Bytes).map_err(|claim| {
            de::Error::custom(match claim {
                scope::Claim::NoAttachments => {
                    "a {\"$bin\": n} placeholder in a message without attachments".to_owned()
                }
                scope::Claim::Missing(i) => format!("attachment {i} is missing"),
            })
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
        let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        while let Some(byte) = seq.next_element::<u8>()? {
            bytes.push(byte);
        }
        Ok(bytes.into())
    }

    fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Bytes, E> {
        Ok(bytes.to_vec().into())
    }

    fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<Bytes, E> {
        Ok(bytes.into())
    }
}

impl ts_rs::TS for Bytes {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn name(_: &ts_rs::Config) -> String {
        "Uint8Array".to_owned()
    }

    fn inline(_: &ts_rs::Config) -> String {
        "Uint8Array".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Upload {
        name: String,
        body: Bytes,
        parts: Vec<Bytes>,
    }

    use scope::Json;

    /// Decodes `json` as `T` with `attachments`, the way every host does.
    fn decode<T: serde::de::DeserializeOwned>(
        json: &str,
        attachments: &[tokio_util::bytes::Bytes],
    ) -> Result<T, String> {
        scope::providing(attachments, Json::Text(json), || serde_json::from_str(json))
            .map_err(|e: serde_json::Error| e.to_string())
    }

    #[test]
    fn attachments_replace_the_bytes_in_an_envelope_scope() {
        let upload = Upload {
            name: "a".into(),
            body: Bytes::from(vec![1, 2, 3]),
            parts: vec![Bytes::from_static(b"xy"), Bytes::new()],
        };
        let (json, attachments) = scope::collecting(|| serde_json::to_string(&upload).unwrap());
        assert_eq!(
            json,
            r#"{"name":"a","body":{"$bin":0},"parts":[{"$bin":1},{"$bin":2}]}"#
        );
        assert_eq!(attachments.len(), 3);
        assert_eq!(decode::<Upload>(&json, &attachments).unwrap(), upload);
    }

    #[test]
    fn outside_a_scope_it_is_an_array_of_numbers_both_ways() {
        let json = serde_json::to_string(&Bytes::from(vec![7, 8])).unwrap();
        assert_eq!(json, "[7,8]");
        assert_eq!(
            serde_json::from_str::<Bytes>(&json).unwrap(),
            Bytes::from(vec![7, 8])
        );
    }

    #[test]
    fn bad_placeholders_are_errors_not_panics() {
        let one = || vec![tokio_util::bytes::Bytes::from_static(b"x")];
        let err = |json: &str| decode::<(Bytes, Bytes)>(json, &one()).unwrap_err();
        assert!(err(r#"[{"$bin":0},{"$bin":0}]"#).contains("2 binary placeholders for 1"));
        assert!(err(r#"[{"$bin":0},{"$bin":5}]"#).contains("attachment 5 is missing"));
        assert!(err(r#"[{"$bin":0},{"bin":1}]"#).contains("found key"));
        assert!(
            serde_json::from_str::<Bytes>(r#"{"$bin":0}"#)
                .unwrap_err()
                .to_string()
                .contains("without attachments")
        );
        let extra = decode::<Bytes>(r#"{"$bin":0}"#, &[one(), one()].concat()).unwrap_err();
        assert!(
            extra.contains("1 binary attachment(s) are not referred to"),
            "{extra}"
        );
    }

    /// serde tries an untagged enum's variants in turn on the same buffered input: a placeholder read by a
    /// variant that then failed must still be there for the next one.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(untagged)]
    enum Body {
        Named { name: String, data: Bytes },
        Sized { size: u32, data: Bytes },
        Bare(Bytes),
    }

    #[test]
    fn a_placeholder_tried_by_a_failed_untagged_variant_is_still_there_for_the_next() {
        for body in [
            Body::Named {
                name: "n".into(),
                data: Bytes::from_static(b"1"),
            },
            Body::Sized {
                size: 2,
                data: Bytes::from_static(b"22"),
            },
            Body::Bare(Bytes::from_static(b"333")),
        ] {
            let (json, attachments) =
                scope::collecting(|| serde_json::to_string(&vec![&body, &body]).unwrap());
            assert_eq!(attachments.len(), 2, "{json}");
            assert_eq!(
                decode::<Vec<Body>>(&json, &attachments).unwrap(),
                vec![body.clone(); 2]
            );
        }
    }

    #[test]
    fn placeholders_in_a_json_value_are_counted_like_text() {
        let one = vec![tokio_util::bytes::Bytes::from_static(b"x")];
        let value = serde_json::json!({"a": [{"$bin": 0}, {"$bin": 0}]});
        let twice = scope::providing(&one, Json::Value(&value), || {
            serde_json::from_value::<std::collections::BTreeMap<String, Vec<Bytes>>>(value.clone())
        });
        assert!(
            twice
                .unwrap_err()
                .to_string()
                .contains("2 binary placeholders")
        );
    }
}
