//! What is inside each frame: what the parent sends ([`ParentFrame`]) and what the child answers
//! ([`ChildFrame`]): JSON, or for envelopes with binary attachments `[0][caller key: u64 BE][binary
//! message]` (see [`crate::binary::frame`]; a JSON body never starts with a zero byte). See the module docs of
//! [`crate::stdio`] for the protocol.

use serde::{Deserialize, Serialize};
use tokio_util::bytes::{BufMut as _, Bytes, BytesMut};

/// First byte of a binary frame body.
const BINARY_FRAME: u8 = 0;

/// The parent's key for one renderer (one window's main frame); chosen by the parent, never reused.
pub(crate) type CallerKey = u64;

/// Parent -> child.
#[derive(Debug)]
pub(crate) enum ParentFrame {
    /// A control frame or a text envelope.
    Json(JsonFrame),
    /// One envelope with binary attachments from that renderer (a binary message, not yet decoded).
    Binary { caller: CallerKey, message: Bytes },
}

/// Parent -> child, as JSON.
#[derive(Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)]
pub(crate) enum JsonFrame {
    /// A renderer appeared; `origin` is the one the parent verified from the sender frame.
    Open {
        caller: CallerKey,
        origin: String,
        #[serde(rename = "topFrame")]
        top_frame: bool,
    },
    /// One envelope (the JSON text, as a string) from that renderer.
    Message { caller: CallerKey, text: String },
    /// The renderer went away (window closed, reloaded, crashed).
    Close { caller: CallerKey },
}

impl ParentFrame {
    /// Reads one frame body; a binary one is sliced, not copied.
    pub(crate) fn parse(body: &Bytes) -> Result<Self, String> {
        if body.first() != Some(&BINARY_FRAME) {
            if let Some(frame) = super::fast::message(body) {
                return Ok(Self::Json(frame));
            }
            return serde_json::from_slice(body)
                .map(Self::Json)
                .map_err(|e| format!("malformed frame: {e}"));
        }
        let key = body
            .get(1..9)
            .ok_or("malformed binary frame: no caller key")?;
        let caller = CallerKey::from_be_bytes(key.try_into().unwrap_or_default());
        Ok(Self::Binary {
            caller,
            message: body.slice(9..),
        })
    }
}

/// Child -> parent: one binary message (an envelope with attachments) for `caller`, as a frame body.
pub(crate) fn encode_binary(caller: CallerKey, message: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(9 + message.len());
    out.put_u8(BINARY_FRAME);
    out.put_u64(caller);
    out.put_slice(message);
    out.freeze()
}

/// Child -> parent.
#[derive(Debug, Serialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub(crate) enum ChildFrame<'a> {
    /// One envelope for that renderer.
    Message { caller: CallerKey, text: &'a str },
    /// The caller is gone and every handler it started has ended; nothing more comes for this key.
    Closed { caller: CallerKey },
    /// A frame was refused. `caller` is set when the refused frame named one.
    Error {
        #[serde(skip_serializing_if = "Option::is_none")]
        caller: Option<CallerKey>,
        message: &'a str,
    },
}

impl ChildFrame<'_> {
    pub(crate) fn encode(&self) -> Bytes {
        if let Self::Message { caller, text } = self {
            return super::fast::encode_message(*caller, text);
        }
        // Plain strings and integers: serialisation cannot fail.
        Bytes::from(serde_json::to_vec(self).expect("frame serialisation is infallible"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(body: &'static [u8]) -> Result<JsonFrame, String> {
        match ParentFrame::parse(&Bytes::from_static(body))? {
            ParentFrame::Json(frame) => Ok(frame),
            ParentFrame::Binary { .. } => Err("binary".to_owned()),
        }
    }

    #[test]
    fn binary_frames_both_ways() {
        let attachment = Bytes::from_static(b"\x00\x01\x02");
        let message =
            crate::binary::frame::encode(r#"{"kind":"send"}"#, std::slice::from_ref(&attachment));
        let body = encode_binary(42, &message);
        assert_eq!(body[0], 0);
        let ParentFrame::Binary { caller, message } = ParentFrame::parse(&body).unwrap() else {
            panic!("not read as binary");
        };
        assert_eq!(caller, 42);
        let decoded = crate::binary::frame::decode(&message).unwrap();
        assert_eq!(decoded.envelope(), r#"{"kind":"send"}"#);
        assert_eq!(decoded.attachments, [attachment]);
        assert!(ParentFrame::parse(&Bytes::from_static(b"\x00\x01")).is_err());
    }

    #[test]
    fn parses_the_three_parent_frames() {
        assert_eq!(
            json(br#"{"op":"open","caller":1,"origin":"app://main","topFrame":true}"#),
            Ok(JsonFrame::Open {
                caller: 1,
                origin: "app://main".to_owned(),
                top_frame: true
            })
        );
        assert_eq!(
            json(br#"{"op":"message","caller":2,"text":"{\"kind\":\"cancel\",\"id\":1}"}"#),
            Ok(JsonFrame::Message {
                caller: 2,
                text: r#"{"kind":"cancel","id":1}"#.to_owned()
            })
        );
        assert_eq!(
            json(br#"{"op":"close","caller":3}"#),
            Ok(JsonFrame::Close { caller: 3 })
        );
    }

    #[test]
    fn refuses_malformed_frames() {
        for body in [
            &b"not json"[..],
            br#"{"op":"open","caller":1,"origin":"app://main"}"#,
            br#"{"op":"launch","caller":1}"#,
            br#"{"op":"close","caller":-1}"#,
            br#"{"op":"close","caller":1,"extra":true}"#,
            b"\xff\xfe",
        ] {
            assert!(
                ParentFrame::parse(&Bytes::copy_from_slice(body)).is_err(),
                "{body:?}"
            );
        }
    }

    #[test]
    fn encodes_child_frames() {
        let text = r#"{"kind":"reply","id":1,"payload":"a\"b"}"#;
        assert_eq!(
            ChildFrame::Message { caller: 7, text }.encode(),
            Bytes::from_static(
                br#"{"op":"message","caller":7,"text":"{\"kind\":\"reply\",\"id\":1,\"payload\":\"a\\\"b\"}"}"#
            )
        );
        assert_eq!(
            ChildFrame::Closed { caller: 7 }.encode(),
            Bytes::from_static(br#"{"op":"closed","caller":7}"#)
        );
        assert_eq!(
            ChildFrame::Error {
                caller: None,
                message: "bad"
            }
            .encode(),
            Bytes::from_static(br#"{"op":"error","message":"bad"}"#)
        );
    }
}
