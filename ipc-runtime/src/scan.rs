//! A fast path for reading the envelopes the bridges write, in the exact shape they write them:
//! `{"kind":"invoke","id":1,"channel":"app:echo","payload":[...]}` (optionally `,"timeoutMs":N` last),
//! `{"kind":"send",...}` and the main side's `{"kind":"reply","id":1,"payload":...}`. No whitespace, keys
//! in that order, no escapes in the channel name. Every other kind (`cancel`, `validate`) takes the strict
//! path.
//!
//! Everything before the payload is checked as strictly as serde would. The payload is the last field, so
//! it is taken as everything up to the closing brace (and, for an invoke, a trailing `,"timeoutMs":N`): it is
//! not scanned at all here. Its strict typed decode, which happens next anyway, reads it exactly once; when
//! that decode succeeds, the slice was exactly one JSON value, so the envelope is exactly what the strict
//! parser would have read. Callers must treat a payload from here as unchecked: when its decode fails, they
//! re-read the whole text the strict way, which reports exactly what the strict path would have reported,
//! or finds a different payload (the envelope had more after it, with whitespace say) to use instead.
//! Any other shape returns `None`, and the caller takes the strict (serde) path.

use crate::envelope::Inbound;

/// A cursor over envelope text.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn eat(&mut self, literal: &str) -> Option<()> {
        self.text[self.pos..].starts_with(literal).then(|| {
            self.pos += literal.len();
        })
    }

    /// A JSON unsigned integer: no sign, no leading zero, no fraction or exponent, no overflow.
    fn uint(&mut self) -> Option<u64> {
        let rest = &self.text.as_bytes()[self.pos..];
        let len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if len == 0 || (len > 1 && rest[0] == b'0') {
            return None;
        }
        // Digits only, so this is `parse` without its sign and radix handling.
        let value = rest[..len].iter().try_fold(0u64, |value, &digit| {
            value.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
        })?;
        self.pos += len;
        Some(value)
    }

    /// A string without escapes or control characters (so its text is its value).
    fn plain_str(&mut self) -> Option<&'a str> {
        self.eat("\"")?;
        let rest = &self.text.as_bytes()[self.pos..];
        let len = rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
        if rest[len] != b'"' {
            return None;
        }
        let value = &self.text[self.pos..self.pos + len];
        self.pos += len + 1;
        Some(value)
    }

    /// The rest of the text, ending with `}`, without that brace: a payload that is the envelope's last
    /// field. Not validated (see the module docs).
    fn last_field(&self) -> Option<&'a str> {
        let payload = self.text[self.pos..].strip_suffix('}')?;
        (!payload.is_empty()).then_some(payload)
    }
}

/// Splits a trailing `,"timeoutMs":N` off an invoke's payload. The split is taken only when everything after
/// the key is digits: a payload cannot end in that key's text followed by bare digits and still be one JSON
/// value, so a payload that merely contains the key keeps it. A timeout the strict path would refuse (zero,
/// a leading zero, above `u32::MAX`) gives `None`.
fn split_timeout(payload: &str) -> Option<(&str, Option<u32>)> {
    const KEY: &str = r#","timeoutMs":"#;
    let head = payload.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &payload[head.len()..];
    let Some(before) = head.strip_suffix(KEY).filter(|_| !digits.is_empty()) else {
        return Some((payload, None));
    };
    let mut number = Cursor {
        text: digits,
        pos: 0,
    };
    // Zero is refused with its own message by the strict path.
    let ms = u32::try_from(number.uint()?).ok().filter(|&ms| ms > 0)?;
    Some((before, Some(ms)))
}

/// `text` without JSON whitespace around it (the strict parser's payload never has any).
pub(crate) fn trim_json_whitespace(text: &str) -> &str {
    text.trim_matches([' ', '\t', '\n', '\r'])
}

/// Reads a `send` or `invoke` in the bridges' shape, or `None` for anything else. The payload is left
/// unchecked (see the module docs).
pub(crate) fn inbound(text: &str) -> Option<Inbound<'_>> {
    let mut c = Cursor { text, pos: 0 };
    c.eat(r#"{"kind":""#)?;
    let id = if c.eat(r#"invoke","id":"#).is_some() {
        Some(c.uint()?)
    } else {
        c.eat(r#"send""#)?;
        None
    };
    c.eat(r#","channel":"#)?;
    let channel = c.plain_str()?;
    c.eat(r#","payload":"#)?;
    let rest = c.last_field()?;
    let (payload, timeout_ms) = match id {
        Some(_) => split_timeout(rest)?,
        None => (rest, None),
    };
    if payload.is_empty() {
        return None;
    }
    Some(match id {
        Some(id) => Inbound::Invoke {
            id,
            channel,
            payload,
            timeout_ms,
        },
        None => Inbound::Send { channel, payload },
    })
}

/// Reads a `reply` in the main side's shape: its id and (unchecked) payload, or `None` for anything else.
pub(crate) fn reply(text: &str) -> Option<(u64, &str)> {
    let mut c = Cursor { text, pos: 0 };
    c.eat(r#"{"kind":"reply","id":"#)?;
    let id = c.uint()?;
    c.eat(r#","payload":"#)?;
    Some((id, c.last_field()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bridges_shapes() {
        assert_eq!(
            inbound(
                r#"{"kind":"invoke","id":12,"channel":"app:echo","payload":[{"a":"]}\"x"},[1]]}"#
            ),
            Some(Inbound::Invoke {
                id: 12,
                channel: "app:echo",
                payload: r#"[{"a":"]}\"x"},[1]]"#,
                timeout_ms: None
            })
        );
        assert_eq!(
            inbound(r#"{"kind":"invoke","id":0,"channel":"c","payload":[],"timeoutMs":250}"#),
            Some(Inbound::Invoke {
                id: 0,
                channel: "c",
                payload: "[]",
                timeout_ms: Some(250)
            })
        );
        assert_eq!(
            inbound(r#"{"kind":"send","channel":"ü:c","payload":["é"]}"#),
            Some(Inbound::Send {
                channel: "ü:c",
                payload: r#"["é"]"#
            })
        );
        assert_eq!(
            reply(r#"{"kind":"reply","id":3,"payload":"a\"}b"}"#),
            Some((3, r#""a\"}b""#))
        );
        assert_eq!(
            reply(r#"{"kind":"reply","id":3,"payload":-1.5e3}"#),
            Some((3, "-1.5e3"))
        );
        assert_eq!(
            reply(r#"{"kind":"reply","id":3,"payload":null}"#),
            Some((3, "null"))
        );
        assert_eq!(
            reply(r#"{"kind":"reply","id":18446744073709551615,"payload":0}"#),
            Some((u64::MAX, "0"))
        );
    }

    /// The module's promise: whenever the fast path's payload decodes (is one JSON value), the strict parser
    /// reads the very same envelope.
    fn assert_agrees_with_strict(text: &str) {
        let Some(fast) = inbound(text) else {
            return;
        };
        let payload = fast.payload().expect("send or invoke");
        if serde_json::from_str::<serde::de::IgnoredAny>(payload).is_ok() {
            let strict = Inbound::parse(text, &crate::Limits::default()).expect(text);
            let trimmed = |inbound: &Inbound<'_>| {
                let payload = inbound.payload().map(trim_json_whitespace);
                format!("{inbound:?}").replace(inbound.payload().unwrap(), payload.unwrap())
            };
            assert_eq!(trimmed(&strict), trimmed(&fast), "{text}");
        }
    }

    #[test]
    fn leaves_other_prefixes_to_the_strict_path() {
        for text in [
            r#"{ "kind":"invoke","id":1,"channel":"c","payload":[1]}"#,
            r#"{"kind":"invoke","id":01,"channel":"c","payload":[1]}"#,
            r#"{"kind":"invoke","id":-1,"channel":"c","payload":[1]}"#,
            r#"{"kind":"invoke","id":1.0,"channel":"c","payload":[1]}"#,
            r#"{"kind":"invoke","id":18446744073709551616,"channel":"c","payload":[1]}"#,
            r#"{"kind":"invoke","id":99999999999999999999,"channel":"c","payload":[1]}"#,
            r#"{"kind":"invoke","id":1,"channel":"c\u0041","payload":[1]}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1],"timeoutMs":0}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1],"timeoutMs":007}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1],"timeoutMs":4294967296}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1]} "#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":,"timeoutMs":5}"#,
            r#"{"kind":"invoke","channel":"c","payload":[1]}"#,
            r#"{"kind":"send","id":1,"channel":"c","payload":[1]}"#,
            r#"{"kind":"cancel","id":1}"#,
            r#"{"kind":"reply","id":1,"payload":[1]}"#,
            // `validate` is read by the strict parser only.
            r#"{"kind":"validate","id":1,"channel":"c","payload":[1]}"#,
            "",
        ] {
            assert_eq!(inbound(text), None, "{text}");
        }
        for text in [
            r#"{"kind":"reply","id":1,"payload":[1]"#,
            r#"{"kind":"reply","id":01,"payload":[1]}"#,
            r#"{"kind":"error","id":1,"error":{"kind":"cancelled"}}"#,
            r#"{"kind":"reply","id":1}"#,
            r#"{"kind":"reply","id":1,"payload":}"#,
        ] {
            assert_eq!(reply(text), None, "{text}");
        }
    }

    #[test]
    fn a_payload_that_decodes_means_the_strict_parser_agrees() {
        for text in [
            // Well formed: the fast path's reading is the strict one.
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1],"timeoutMs":5}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[{"timeoutMs":5}]}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[",\"timeoutMs\":5"]}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1] ,"timeoutMs":5}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload": [1] }"#,
            r#"{"kind":"send","channel":"c","payload":{"a":[1,{"b":"}"}]}}"#,
            // Not envelopes the strict parser reads the same way: the fast path's payload does not decode
            // (and the caller re-reads strictly).
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1],"extra":1}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1]}}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":"open}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1],"timeoutMs":null}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1], "timeoutMs":5}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1],"timeoutMs":5,"timeoutMs":6}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1],"id":2}"#,
            r#"{"kind":"send","channel":"c","payload":[1],"timeoutMs":5}"#,
            r#"{"kind":"send","channel":"c","payload":[1],"payload":[2]}"#,
        ] {
            assert_agrees_with_strict(text);
        }
        // The payload is everything up to the closing brace, however the envelope continues.
        assert_eq!(
            reply(r#"{"kind":"reply","id":1,"payload":[1],"error":{}}"#),
            Some((1, r#"[1],"error":{}"#))
        );
    }
}
