//! The JSON `message` frame (`{"op":"message","caller":N,"text":"..."}`, the hand-writable form of a text
//! frame), read without serde's internally tagged enums: reading one through them buffered every field into
//! serde's `Content` (copying the envelope text) before deserialising it again. Only that exact shape is read
//! here; anything else goes to the serde path, which also produces every refusal message.

use super::frame::JsonFrame;

/// A `message` frame in the glue's shape, or `None` for anything else (including anything malformed).
pub(super) fn message(body: &[u8]) -> Option<JsonFrame> {
    let rest = body.strip_prefix(br#"{"op":"message","caller":"#)?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    // JSON has no leading zeros; an overflowing key fails to parse. Both go to serde for the error.
    if digits == 0 || (digits > 1 && rest[0] == b'0') {
        return None;
    }
    let caller = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
    let text = rest[digits..]
        .strip_prefix(br#","text":"#)?
        .strip_suffix(b"}")?;
    // Exactly one JSON string; anything more or less fails here. Serde takes the strings `unescape` leaves.
    let text = unescape(text).or_else(|| serde_json::from_slice(text).ok())?;
    Some(JsonFrame::Message { caller, text })
}

/// The value of the JSON string literal `quoted` (quotes included) when it uses only the two-character
/// escapes (`JSON.stringify` of envelope text gives mostly `\"`). A `\u` escape, a raw control character,
/// an unescaped quote or bad UTF-8 returns `None`. Serde's `parse_str` costs several times as much here,
/// mostly per escape.
fn unescape(quoted: &[u8]) -> Option<String> {
    let mut rest = quoted.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    let mut out = Vec::with_capacity(rest.len());
    while let Some(at) = rest
        .iter()
        .position(|&b| b == b'\\' || b == b'"' || b < 0x20)
    {
        out.extend_from_slice(&rest[..at]);
        if rest[at] != b'\\' {
            return None;
        }
        out.push(match *rest.get(at + 1)? {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            _ => return None,
        });
        rest = &rest[at + 2..];
    }
    out.extend_from_slice(rest);
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `message` frame in the glue's field order (serde writes struct fields in declaration order).
    #[derive(serde::Serialize)]
    struct Message<'a> {
        op: &'a str,
        caller: u64,
        text: &'a str,
    }

    fn message_frame(caller: u64, text: &str) -> Vec<u8> {
        serde_json::to_vec(&Message {
            op: "message",
            caller,
            text,
        })
        .unwrap()
    }

    const TEXTS: [&str; 5] = [
        r#"{"kind":"invoke","id":1,"channel":"c","payload":[{"a":"x\"y\\z"}]}"#,
        "",
        "ünï\u{1}\n\t\u{7f}\u{2028}",
        r"\\\\",
        r#"""""#,
    ];

    /// What serde reads from `body`, for comparison.
    fn strict(body: &[u8]) -> Result<JsonFrame, serde_json::Error> {
        serde_json::from_slice(body)
    }

    #[test]
    fn unescapes_what_serde_unescapes() {
        for quoted in [
            &br#""plain""#[..],
            br#""""#,
            br#""q\"b\\s\/f\bb\ff\nn\rr\tt""#,
            "\"ünï\"".as_bytes(),
        ] {
            let serde: String = serde_json::from_slice(quoted).unwrap();
            assert_eq!(unescape(quoted), Some(serde));
        }
        // Left to serde (which reads the first two and refuses the rest).
        for quoted in [
            &br#""\u00e9""#[..],
            br#""\ud83d\ude00""#,
            br#""a\""#,
            br#""a"b""#,
            b"\"raw\ncontrol\"",
            br#""bad\x""#,
            b"\"\xff\"",
            br"unquoted",
        ] {
            assert_eq!(
                unescape(quoted),
                None,
                "{}",
                String::from_utf8_lossy(quoted)
            );
        }
    }

    #[test]
    fn reads_what_serde_reads_or_leaves_it_to_serde() {
        for text in TEXTS {
            for caller in [0, 7, u64::MAX] {
                let body = message_frame(caller, text);
                assert_eq!(message(&body), Some(strict(&body).unwrap()), "{text:?}");
            }
        }
        for body in [
            &br#"{"op":"message","caller":1,"text":"a","extra":1}"#[..],
            br#"{"op":"message","caller":1,"text":"a" "b"}"#,
            br#"{"op":"message","caller":1,"text":"bad \x escape"}"#,
            br#"{"op":"message","caller":01,"text":"a"}"#,
            br#"{"op":"message","caller":-1,"text":"a"}"#,
            br#"{"op":"message","caller":18446744073709551616,"text":"a"}"#,
            br#"{"op":"message","caller":1,"text":7}"#,
            br#"{"op":"message","caller":1,"text":"a"} "#,
            br#"{"op":"message","text":"a","caller":1}"#,
            br#"{"op":"open","caller":1,"origin":"app://main","topFrame":true}"#,
            b"{\"op\":\"message\",\"caller\":1,\"text\":\"\xff\"}",
        ] {
            assert_eq!(message(body), None, "{}", String::from_utf8_lossy(body));
        }
    }
}
