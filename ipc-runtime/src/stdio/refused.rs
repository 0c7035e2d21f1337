//! What a refused frame names: its caller key and the id of the call it carries, read from the first bytes
//! of the frame without parsing the rest, so that the refusal reaches the call it refuses and the parent can
//! settle it. Nothing here is trusted beyond that: a wrong id only settles (or fails to settle) the parent's
//! own call early.

use serde::Deserialize;

use super::frame::{BINARY_FRAME, CallerKey, ENVELOPE_HEAD, TEXT_FRAME};
use crate::envelope::{Kind, leading_id, leading_invoke_id};

/// Envelope prefixes of the kinds answered by id, escaped into a JSON string (the `message` frame's `text`).
const ESCAPED_PREFIXES: [&str; 3] = [
    r#"{\"kind\":\"invoke\",\"id\":"#,
    r#"{\"kind\":\"stream\",\"id\":"#,
    r#"{\"kind\":\"validate\",\"id\":"#,
];

/// The `message` frame's fields before its escaped envelope, around the caller key.
const MESSAGE_PREFIX: &str = r#"{"op":"message","caller":"#;
const MESSAGE_TEXT: &str = r#","text":""#;

/// The caller and call of a frame that was refused, as far as its first bytes tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Named {
    pub(crate) caller: Option<CallerKey>,
    /// The id of an `invoke`, `stream` or `validate` written the way the bridges write them (`kind`, then `id`).
    pub(crate) id: Option<u64>,
    /// The envelope's size when the frame carries it raw (text or binary frame), else the frame's.
    pub(crate) size: u64,
}

/// What the first bytes `head` of an oversized frame of `len` bytes name.
pub(crate) fn oversized(head: &[u8], len: u64) -> Named {
    let unnamed = Named {
        caller: None,
        id: None,
        size: len,
    };
    match head.first() {
        Some(&(TEXT_FRAME | BINARY_FRAME)) if head.len() >= ENVELOPE_HEAD => {
            let caller = caller_key(head);
            let envelope = &head[ENVELOPE_HEAD..];
            let id = if head[0] == TEXT_FRAME {
                leading_invoke_id(envelope)
            } else {
                // A binary message starts with its envelope's length.
                envelope.get(4..).and_then(leading_invoke_id)
            };
            Named {
                caller: Some(caller),
                id,
                size: len.saturating_sub(ENVELOPE_HEAD as u64),
            }
        }
        Some(b'{') => match message_caller(head) {
            Some((caller, text)) => Named {
                caller: Some(caller),
                id: leading_id(text, ESCAPED_PREFIXES),
                size: len,
            },
            None => unnamed,
        },
        _ => unnamed,
    }
}

/// The caller key of a text or binary frame body (at least [`ENVELOPE_HEAD`] bytes).
fn caller_key(body: &[u8]) -> CallerKey {
    let mut key = [0; 8];
    key.copy_from_slice(&body[1..ENVELOPE_HEAD]);
    CallerKey::from_be_bytes(key)
}

/// The caller key of a `message` frame in the glue's field order, and what follows its `"text":"`.
fn message_caller(head: &[u8]) -> Option<(CallerKey, &[u8])> {
    let rest = head.strip_prefix(MESSAGE_PREFIX.as_bytes())?;
    let digits = rest.iter().position(|b| !b.is_ascii_digit())?;
    let caller = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
    let text = rest[digits..].strip_prefix(MESSAGE_TEXT.as_bytes())?;
    Some((caller, text))
}

/// The id of the invoke or validate in an envelope that is refused before any connection reads it (its
/// caller is not open, or it is not UTF-8): the bridges' leading `kind` and `id`, else the parsed fields.
pub(crate) fn envelope_id(envelope: &[u8]) -> Option<u64> {
    /// Any other field is skipped unchecked (the envelope is refused anyway).
    #[derive(Deserialize)]
    struct Head {
        kind: Kind,
        #[serde(default)]
        id: Option<u64>,
    }
    if let Some(id) = leading_invoke_id(envelope) {
        return Some(id);
    }
    let head: Head = serde_json::from_slice(envelope).ok()?;
    head.id
        .filter(|_| matches!(head.kind, Kind::Invoke | Kind::Stream | Kind::Validate))
}

/// [`envelope_id`] of a binary message's envelope.
pub(crate) fn binary_envelope_id(message: &[u8]) -> Option<u64> {
    let length = message.get(..4)?;
    let length = usize::try_from(u32::from_be_bytes(length.try_into().ok()?)).ok()?;
    envelope_id(message.get(4..4usize.checked_add(length)?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_frame(caller: CallerKey, envelope: &str) -> Vec<u8> {
        [
            &[TEXT_FRAME][..],
            &caller.to_be_bytes(),
            envelope.as_bytes(),
        ]
        .concat()
    }

    fn binary_frame(caller: CallerKey, envelope: &str) -> Vec<u8> {
        let message = crate::binary::frame::encode(envelope, &[]);
        [&[BINARY_FRAME][..], &caller.to_be_bytes(), &message].concat()
    }

    #[test]
    fn an_oversized_frame_names_its_caller_and_call_from_its_head() {
        let invoke = r#"{"kind":"invoke","id":42,"channel":"c","payload":["xxxxxxxx"]}"#;
        let validate =
            r#"{"kind":"validate","id":18446744073709551615,"channel":"c","payload":[]}"#;
        let send = r#"{"kind":"send","channel":"c","payload":[]}"#;
        // In the glue's field order (`json!` would sort the keys).
        let escaped = serde_json::to_string(invoke).unwrap();
        let message = format!(r#"{{"op":"message","caller":9,"text":{escaped}}}"#);
        for (body, caller, id) in [
            (text_frame(7, invoke), Some(7), Some(42)),
            (text_frame(7, validate), Some(7), Some(u64::MAX)),
            (text_frame(7, send), Some(7), None),
            (binary_frame(u64::MAX, invoke), Some(u64::MAX), Some(42)),
            (message.into_bytes(), Some(9), Some(42)),
            (br#"{"op":"open","caller":3}"#.to_vec(), None, None),
            (b"junk".to_vec(), None, None),
            (vec![TEXT_FRAME, 0, 0], None, None),
        ] {
            let len = 10_000;
            let head = &body[..body.len().min(super::super::codec::PEEK)];
            let named = oversized(head, len);
            assert_eq!((named.caller, named.id), (caller, id), "{body:?}");
        }
        // The id must be whole: digits cut off by the end of the head name no call.
        let cut = text_frame(1, r#"{"kind":"invoke","id":1234"#);
        assert_eq!(oversized(&cut, 10_000).id, None);
        // The envelope's own size, for a frame that carries it raw.
        assert_eq!(oversized(&text_frame(1, invoke), 10_000).size, 10_000 - 9);
    }

    #[test]
    fn a_refused_envelope_names_its_call_however_its_fields_are_ordered() {
        for (envelope, id) in [
            (
                r#"{"kind":"invoke","id":5,"channel":"c","payload":[]}"#,
                Some(5),
            ),
            (
                r#"{"channel":"c","id":6,"payload":[1],"kind":"validate"}"#,
                Some(6),
            ),
            (r#"{"kind":"cancel","id":7}"#, None),
            (r#"{"kind":"send","id":8,"channel":"c","payload":[]}"#, None),
            (r#"{"kind":"launch","id":9}"#, None),
            ("not json", None),
        ] {
            assert_eq!(envelope_id(envelope.as_bytes()), id, "{envelope}");
        }
        let message = crate::binary::frame::encode(r#"{"id":3,"kind":"invoke"}"#, &[]);
        assert_eq!(binary_envelope_id(&message), Some(3));
        assert_eq!(binary_envelope_id(&[0, 0, 0, 99, b'{']), None);
    }
}
