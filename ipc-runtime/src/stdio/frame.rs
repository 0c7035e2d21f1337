//! What is inside each frame: what the parent sends ([`ParentFrame`]) and what the child answers
//! ([`ChildFrame`]). Control frames are JSON; envelopes travel as `[1][caller key: u64 BE][envelope text]`
//! (text) or `[0][caller key: u64 BE][binary message]` (with binary attachments, see
//! [`crate::binary::frame`]). A JSON body never starts with byte 0 or 1. See the module docs of
//! [`crate::stdio`] for the protocol.

use serde::{Deserialize, Serialize};
use tokio_util::bytes::Bytes;

use crate::error::{IpcError, Never};

/// First byte of a binary frame body.
pub(crate) const BINARY_FRAME: u8 = 0;
/// First byte of a text frame body.
pub(crate) const TEXT_FRAME: u8 = 1;
/// Bytes before the envelope in a text or binary frame body: the tag and the caller key.
pub(crate) const ENVELOPE_HEAD: usize = 9;

/// The parent's key for one renderer (one window's main frame); chosen by the parent, never reused.
pub(crate) type CallerKey = u64;

/// Parent -> child.
#[derive(Debug)]
pub(crate) enum ParentFrame {
    /// A control frame or a text envelope.
    Json(JsonFrame),
    /// One envelope with binary attachments from that renderer (a binary message, not yet decoded).
    Binary { caller: CallerKey, message: Bytes },
    /// One envelope from that renderer, as text (its UTF-8 not yet checked).
    Text { caller: CallerKey, text: Bytes },
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
        /// The fingerprint of the bindings the parent's glue was generated with; a missing or different one
        /// is refused (`refused` frame with a `version_mismatch` error).
        #[serde(default)]
        fingerprint: Option<String>,
    },
    /// One envelope (the JSON text, as a string) from that renderer: the hand-writable form of a text frame.
    Message { caller: CallerKey, text: String },
    /// The renderer went away (window closed, reloaded, crashed).
    Close { caller: CallerKey },
}

impl ParentFrame {
    /// Reads one frame body; a text or binary one is sliced, not copied.
    pub(crate) fn parse(body: &Bytes) -> Result<Self, String> {
        let Some(&tag @ (BINARY_FRAME | TEXT_FRAME)) = body.first() else {
            if let Some(frame) = super::fast::message(body) {
                return Ok(Self::Json(frame));
            }
            return serde_json::from_slice(body)
                .map(Self::Json)
                .map_err(|e| format!("malformed frame: {e}"));
        };
        let key = body
            .get(1..ENVELOPE_HEAD)
            .ok_or("malformed envelope frame: no caller key")?;
        let caller = CallerKey::from_be_bytes(key.try_into().unwrap_or_default());
        let envelope = body.slice(ENVELOPE_HEAD..);
        Ok(if tag == BINARY_FRAME {
            Self::Binary {
                caller,
                message: envelope,
            }
        } else {
            Self::Text {
                caller,
                text: envelope,
            }
        })
    }
}

/// The head of a child -> parent envelope frame: `tag` and the caller key.
pub(crate) fn envelope_head(tag: u8, caller: CallerKey) -> [u8; ENVELOPE_HEAD] {
    let mut head = [tag; ENVELOPE_HEAD];
    head[1..].copy_from_slice(&caller.to_be_bytes());
    head
}

/// Child -> parent.
#[derive(Debug, Serialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub(crate) enum ChildFrame<'a> {
    /// The caller is gone and every handler it started has ended; nothing more comes for this key.
    Closed { caller: CallerKey },
    /// `open` was refused with a typed error (`version_mismatch`): the key never becomes a caller, and its
    /// envelopes are dropped unanswered.
    Refused {
        caller: CallerKey,
        error: &'a IpcError<Never>,
    },
    /// A frame was refused. `caller` is set when the refused frame named one, `id` when it carried an
    /// invoke or validate whose id could be read; `error` is the typed refusal to settle that call with.
    Error {
        #[serde(skip_serializing_if = "Option::is_none")]
        caller: Option<CallerKey>,
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<u64>,
        message: &'a str,
        error: &'a IpcError<Never>,
    },
}

impl ChildFrame<'_> {
    pub(crate) fn encode(&self) -> Bytes {
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
            ParentFrame::Binary { .. } | ParentFrame::Text { .. } => Err("not JSON".to_owned()),
        }
    }

    /// A parent's envelope frame body: `tag`, the key, the envelope.
    fn envelope_frame(tag: u8, caller: CallerKey, envelope: &[u8]) -> Bytes {
        [&envelope_head(tag, caller)[..], envelope].concat().into()
    }

    #[test]
    fn binary_frames_are_sliced_with_their_key() {
        let attachment = Bytes::from_static(b"\x00\x01\x02");
        let message =
            crate::binary::frame::encode(r#"{"kind":"send"}"#, std::slice::from_ref(&attachment));
        let body = envelope_frame(BINARY_FRAME, 42, &message);
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
    fn text_frames_are_sliced_with_their_key() {
        let envelope = br#"{"kind":"cancel","id":1}"#;
        let body = envelope_frame(TEXT_FRAME, u64::MAX - 1, envelope);
        let ParentFrame::Text { caller, text } = ParentFrame::parse(&body).unwrap() else {
            panic!("not read as text");
        };
        assert_eq!(caller, u64::MAX - 1);
        assert_eq!(&text[..], envelope);
        // An empty envelope is a frame (the connection refuses it); a missing key is not.
        assert!(ParentFrame::parse(&envelope_frame(TEXT_FRAME, 3, b"")).is_ok());
        assert!(ParentFrame::parse(&Bytes::from_static(b"\x01\x00\x00")).is_err());
    }

    #[test]
    fn parses_the_three_parent_frames() {
        assert_eq!(
            json(br#"{"op":"open","caller":1,"origin":"app://main","topFrame":true}"#),
            Ok(JsonFrame::Open {
                caller: 1,
                origin: "app://main".to_owned(),
                top_frame: true,
                fingerprint: None,
            })
        );
        assert_eq!(
            json(
                br#"{"op":"open","caller":1,"origin":"app://main","topFrame":false,"fingerprint":"0f"}"#
            ),
            Ok(JsonFrame::Open {
                caller: 1,
                origin: "app://main".to_owned(),
                top_frame: false,
                fingerprint: Some("0f".to_owned()),
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
        assert_eq!(envelope_head(TEXT_FRAME, 7), [1, 0, 0, 0, 0, 0, 0, 0, 7]);
        assert_eq!(
            ChildFrame::Closed { caller: 7 }.encode(),
            Bytes::from_static(br#"{"op":"closed","caller":7}"#)
        );
        let protocol = IpcError::Protocol {
            message: "bad".to_owned(),
        };
        assert_eq!(
            ChildFrame::Error {
                caller: None,
                id: None,
                message: "bad",
                error: &protocol,
            }
            .encode(),
            Bytes::from_static(
                br#"{"op":"error","message":"bad","error":{"kind":"protocol","message":"bad"}}"#
            )
        );
        let too_large = IpcError::TooLarge { size: 9, limit: 4 };
        assert_eq!(
            ChildFrame::Error {
                caller: Some(2),
                id: Some(5),
                message: "big",
                error: &too_large,
            }
            .encode(),
            Bytes::from_static(
                br#"{"op":"error","caller":2,"id":5,"message":"big","error":{"kind":"too_large","size":9,"limit":4}}"#
            )
        );
        let mismatch = IpcError::VersionMismatch {
            trait_name: "T".to_owned(),
            expected: "01".to_owned(),
            actual: None,
        };
        assert_eq!(
            ChildFrame::Refused {
                caller: 3,
                error: &mismatch
            }
            .encode(),
            Bytes::from_static(
                br#"{"op":"refused","caller":3,"error":{"kind":"version_mismatch","traitName":"T","expected":"01","actual":null}}"#
            )
        );
    }
}
