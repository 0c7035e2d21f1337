//! A fast path for reading the envelopes the bridges write, in the exact shape they write them:
//! `{"kind":"invoke","id":1,"channel":"app:echo","payload":[...]}` (optionally `,"timeoutMs":N` last),
//! `{"kind":"send",...}` and the main side's `{"kind":"reply","id":1,"payload":...}`. No whitespace, keys
//! in that order, no escapes in the channel name.
//!
//! Everything outside the payload is checked as strictly as serde would. The payload itself is only
//! *delimited* (brackets and strings), not validated: its strict typed decode, which happens next anyway,
//! validates it. So a payload is scanned twice (delimit, decode) instead of three times (validate, copy or
//! delimit, decode). Callers must treat a payload from here as unchecked: when its decode fails, they
//! re-read the whole text the strict way to report exactly what the strict path would have reported.
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

    /// The extent of one JSON value, found by matching brackets outside strings. Not validated.
    fn value(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let end = match *bytes.get(start)? {
            b'"' => string_end(bytes, start + 1)? + 1,
            b'[' | b'{' => container_end(bytes, start)?,
            // A scalar ends where the envelope goes on.
            _ => {
                start
                    + bytes[start..]
                        .iter()
                        .position(|b| matches!(b, b',' | b'}' | b']'))?
            }
        };
        if end == start {
            return None;
        }
        self.pos = end;
        // Every delimiter above is ASCII, so `start` and `end` are character boundaries.
        Some(&self.text[start..end])
    }

    fn at_end(&self) -> bool {
        self.pos == self.text.len()
    }
}

/// Index of the closing quote of a string whose contents start at `i`.
fn string_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i += bytes
            .get(i..)?
            .iter()
            .position(|&b| b == b'"' || b == b'\\')?;
        if bytes[i] == b'"' {
            return Some(i);
        }
        // An escape: skip the backslash and the character it escapes.
        i += 2;
    }
}

/// Index just past the bracket that closes the array or object opening at `start`.
fn container_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    loop {
        match *bytes.get(i)? {
            b'"' => i = string_end(bytes, i + 1)?,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
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
    let payload = c.value()?;
    let mut timeout_ms = None;
    if id.is_some() && c.eat(r#","timeoutMs":"#).is_some() {
        // Zero is refused with its own message by the strict path.
        timeout_ms = Some(u32::try_from(c.uint()?).ok().filter(|&ms| ms > 0)?);
    }
    c.eat("}")?;
    if !c.at_end() {
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
    let payload = c.value()?;
    c.eat("}")?;
    c.at_end().then_some((id, payload))
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

    #[test]
    fn leaves_everything_else_to_the_strict_path() {
        for text in [
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1]} "#,
            r#"{ "kind":"invoke","id":1,"channel":"c","payload":[1]}"#,
            r#"{"kind":"invoke","id":01,"channel":"c","payload":[1]}"#,
            r#"{"kind":"invoke","id":-1,"channel":"c","payload":[1]}"#,
            r#"{"kind":"invoke","id":1.0,"channel":"c","payload":[1]}"#,
            r#"{"kind":"invoke","id":18446744073709551616,"channel":"c","payload":[1]}"#,
            r#"{"kind":"invoke","id":99999999999999999999,"channel":"c","payload":[1]}"#,
            r#"{"kind":"invoke","id":1,"channel":"c\u0041","payload":[1]}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1],"timeoutMs":0}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1],"timeoutMs":4294967296}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1],"timeoutMs":null}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1],"extra":1}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":"open}"#,
            r#"{"kind":"invoke","channel":"c","payload":[1]}"#,
            r#"{"kind":"send","id":1,"channel":"c","payload":[1]}"#,
            r#"{"kind":"send","channel":"c","payload":[1],"timeoutMs":5}"#,
            r#"{"kind":"cancel","id":1}"#,
            r#"{"kind":"reply","id":1,"payload":[1]}"#,
            r#"{"kind":"invoke","id":1,"channel":"c","payload":[1]}}"#,
            "",
        ] {
            assert_eq!(inbound(text), None, "{text}");
        }
        for text in [
            r#"{"kind":"reply","id":1,"payload":[1]"#,
            r#"{"kind":"reply","id":1,"payload":[1],"error":{}}"#,
            r#"{"kind":"error","id":1,"error":{"kind":"cancelled"}}"#,
            r#"{"kind":"reply","id":1}"#,
        ] {
            assert_eq!(reply(text), None, "{text}");
        }
    }
}
