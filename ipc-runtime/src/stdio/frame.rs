//! The JSON inside each frame: what the parent sends ([`ParentFrame`]) and what the child answers
//! ([`ChildFrame`]). See the module docs of [`crate::stdio`] for the protocol.

use serde::{Deserialize, Serialize};
use tokio_util::bytes::Bytes;

/// The parent's key for one renderer (one window's main frame); chosen by the parent, never reused.
pub(crate) type CallerKey = u64;

/// Parent -> child.
#[derive(Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)]
pub(crate) enum ParentFrame {
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
    pub(crate) fn parse(body: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(body).map_err(|e| format!("malformed frame: {e}"))
    }
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
        // Plain strings and integers: serialisation cannot fail.
        Bytes::from(serde_json::to_vec(self).expect("frame serialisation is infallible"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_parent_frames() {
        assert_eq!(
            ParentFrame::parse(
                br#"{"op":"open","caller":1,"origin":"app://main","topFrame":true}"#
            ),
            Ok(ParentFrame::Open {
                caller: 1,
                origin: "app://main".to_owned(),
                top_frame: true
            })
        );
        assert_eq!(
            ParentFrame::parse(
                br#"{"op":"message","caller":2,"text":"{\"kind\":\"cancel\",\"id\":1}"}"#
            ),
            Ok(ParentFrame::Message {
                caller: 2,
                text: r#"{"kind":"cancel","id":1}"#.to_owned()
            })
        );
        assert_eq!(
            ParentFrame::parse(br#"{"op":"close","caller":3}"#),
            Ok(ParentFrame::Close { caller: 3 })
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
            assert!(ParentFrame::parse(body).is_err(), "{body:?}");
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
