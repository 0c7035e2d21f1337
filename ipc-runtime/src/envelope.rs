//! The wire envelope: one JSON object per message, the same shape on every transport.
//!
//! Renderer -> main: `send` (one-way), `invoke` (expects exactly one `reply` or `error` with the same id),
//! `stream` (items, then one `reply` or `error`), `credit`, `cancel`, `validate`. Main -> renderer: `reply`,
//! `error`, `event`, `item`. Payloads of calls are JSON arrays of the channel's arguments.
//!
//! | kind | fields | answer |
//! |---|---|---|
//! | `send` | `channel`, `payload` | none (a refusal is an `error` without `id`) |
//! | `invoke` | `id`, `channel`, `payload`, optional `timeoutMs` (at least 1) | one `reply` or `error` with `id` |
//! | `cancel` | `id` | the invoke's `error` (`cancelled`), if it was still running |
//! | `validate` | `id`, `channel`, `payload` | one `reply` whose `payload` is the arguments as the handler would get them, or `error` |
//! | `stream` | `id`, `channel`, `payload`, optional `timeoutMs`, `credit` (`{"items":I,"bytes":B}`) | `item`s, then one `reply` or `error` with `id` |
//! | `credit` | `id` (of a running stream), `items`, `bytes` (each optional, zero when absent) | none |
//! | `item` | `id`, `payload` (one item; a binary message when it carries `Bytes`) | main -> renderer |
//! | `reply` | `id`, `payload` | main -> renderer |
//! | `error` | `id` (when it could be read), `error` (an `IpcError`) | main -> renderer |
//! | `event` | `channel`, `payload` | main -> renderer |
//!
//! `validate` is for a handler that runs outside the Rust service (the Electron glue's main-process handlers):
//! it gets every check an `invoke` of that channel gets (channel known and of kind `send` or `invoke`, origin
//! and sub-frame policy, size limit, the caller's invoke ids and in-flight cap, the strict decode of the
//! arguments and attachments) but starts no handler. Its `reply` carries the decoded argument tuple encoded
//! again (unknown fields dropped, serde defaults filled, `Bytes` as attachments of a binary reply); its
//! `error` is the one that `invoke` would have got. Its id is free again once it is answered.
//!
//! Streams: a `stream` id shares the invoke id space and in-flight cap of its connection (a live id reused is
//! refused like a duplicate invoke id). Main sends an `item` only against credit: never more items than the
//! renderer granted, and an item carrying `Bytes` only while its attachments fit the remaining byte credit,
//! with one exception so that progress is always possible: an item larger than the whole byte window (the
//! initial byte credit) goes when the full window is available, i.e. nothing else is outstanding, and the
//! byte credit then stays below zero until the renderer grants that item's bytes back. Credit counts items
//! and attachment bytes the renderer has not granted back; it may not exceed 2^20 items or 1 GiB
//! outstanding. After the last item comes exactly one `reply` (the outcome) or `error` (the handler's typed
//! error, `internal` on a panic, `timeout`, `cancelled`, `protocol` after bad credit). A `credit` for an
//! unknown or finished stream is dropped (logged, rate-limited); negative, fractional or absurd amounts
//! end that stream with `protocol`. A `cancel` ends it with `cancelled`. The connection keeps serving in
//! every case.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::encode::Payload;
use crate::error::IpcError;

/// Size and concurrency limits a [`crate::Server`] enforces on every connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted inbound message, in bytes. Larger ones are refused before any parsing.
    pub max_message_bytes: usize,
    /// Most `invoke` calls one connection may have running at once.
    pub max_in_flight: usize,
    /// Outbound messages queued for one connection before events to it are dropped (and counted).
    pub outbound_queue: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: 8 * 1024 * 1024,
            max_in_flight: 1024,
            outbound_queue: 1024,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    Send,
    Invoke,
    Cancel,
    Validate,
    Reply,
    Error,
    Event,
    Stream,
    Credit,
    Item,
}

/// Any envelope, as parsed. Which fields must be present depends on `kind`; see [`Inbound::parse`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct RawEnvelope<'a> {
    pub(crate) kind: Kind,
    #[serde(default)]
    pub(crate) id: Option<u64>,
    #[serde(default, borrow)]
    pub(crate) channel: Option<&'a str>,
    #[serde(default, borrow)]
    pub(crate) payload: Option<&'a RawValue>,
    #[serde(default)]
    pub(crate) timeout_ms: Option<u32>,
    #[serde(default, borrow)]
    pub(crate) error: Option<&'a RawValue>,
    /// A `stream`'s initial credit.
    #[serde(default, borrow)]
    pub(crate) credit: Option<RawCredit<'a>>,
    /// A `credit`'s items, read as any JSON value so that a bad one is refused for its stream, not as a
    /// malformed envelope.
    #[serde(default, borrow)]
    pub(crate) items: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub(crate) bytes: Option<&'a RawValue>,
}

/// `{"items":I,"bytes":B}`, as parsed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCredit<'a> {
    #[serde(default, borrow)]
    pub(crate) items: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub(crate) bytes: Option<&'a RawValue>,
}

/// Credit granted to a stream: more items, and more bytes of `Bytes` attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Grant {
    pub(crate) items: u64,
    pub(crate) bytes: u64,
}

impl Grant {
    /// Reads both amounts: each absent (zero) or a non-negative integer.
    fn read(items: Option<&RawValue>, bytes: Option<&RawValue>) -> Result<Self, String> {
        let amount = |name: &str, raw: Option<&RawValue>| match raw {
            None => Ok(0),
            Some(raw) => serde_json::from_str::<u64>(raw.get()).map_err(|_| {
                format!(
                    "credit `{name}` must be a non-negative integer, not {}",
                    crate::logging::escaped(&raw.get().chars().take(32).collect::<String>())
                )
            }),
        };
        Ok(Self {
            items: amount("items", items)?,
            bytes: amount("bytes", bytes)?,
        })
    }
}

/// A renderer -> main message, checked for the fields its kind needs.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Inbound<'a> {
    Send {
        channel: &'a str,
        payload: &'a str,
    },
    Invoke {
        id: u64,
        channel: &'a str,
        payload: &'a str,
        timeout_ms: Option<u32>,
    },
    Cancel {
        id: u64,
    },
    /// Starts a stream on `channel` with `credit` (see the module docs).
    Stream {
        id: u64,
        channel: &'a str,
        payload: &'a str,
        timeout_ms: Option<u32>,
        credit: Grant,
    },
    /// More credit for stream `id`; `Err` when the amounts are not non-negative integers (the stream then
    /// ends with `protocol`, if it is running).
    Credit {
        id: u64,
        grant: Result<Grant, String>,
    },
    /// The checks and strict decode of a call on `channel`, without its handler (see the module docs).
    Validate {
        id: u64,
        channel: &'a str,
        payload: &'a str,
    },
}

/// Why an inbound message was refused before it reached any channel.
#[derive(Debug)]
pub(crate) struct Refusal {
    /// The invoke id, when it could be read, so the error reaches the right call.
    pub(crate) id: Option<u64>,
    pub(crate) error: IpcError<()>,
}

impl<'a> Inbound<'a> {
    /// The payload text of a `send`, `invoke` or `validate`.
    pub(crate) fn payload(&self) -> Option<&'a str> {
        match self {
            Self::Send { payload, .. }
            | Self::Invoke { payload, .. }
            | Self::Stream { payload, .. }
            | Self::Validate { payload, .. } => Some(payload),
            Self::Cancel { .. } | Self::Credit { .. } => None,
        }
    }

    pub(crate) fn parse(text: &'a str, limits: &Limits) -> Result<Self, Refusal> {
        if text.len() > limits.max_message_bytes {
            return Err(Refusal {
                id: leading_invoke_id(text.as_bytes()),
                error: too_large(text.len(), limits.max_message_bytes),
            });
        }
        let raw: RawEnvelope<'a> = serde_json::from_str(text).map_err(|e| Refusal {
            id: None,
            error: IpcError::Protocol {
                message: format!("malformed envelope: {e}"),
            },
        })?;
        // Only an invoke's or a validate's id names a call this refusal may settle; no other kind's is echoed.
        let id = raw.id.filter(|_| answers_by_id(raw.kind));
        let protocol = |message: &str| Refusal {
            id,
            error: IpcError::Protocol {
                message: message.to_owned(),
            },
        };
        if raw.error.is_some() {
            return Err(protocol("field `error` is only sent by the main side"));
        }
        if raw.kind != Kind::Stream && raw.credit.is_some() {
            return Err(protocol("only a `stream` carries `credit`"));
        }
        if raw.kind != Kind::Credit && (raw.items.is_some() || raw.bytes.is_some()) {
            return Err(protocol("only a `credit` carries `items` and `bytes`"));
        }
        match raw.kind {
            Kind::Send => {
                if raw.id.is_some() || raw.timeout_ms.is_some() {
                    return Err(protocol("a `send` carries no `id` or `timeoutMs`"));
                }
                let channel = raw
                    .channel
                    .ok_or_else(|| protocol("`send` needs a `channel`"))?;
                let payload = raw
                    .payload
                    .ok_or_else(|| protocol("`send` needs a `payload` array"))?;
                Ok(Self::Send {
                    channel,
                    payload: payload.get(),
                })
            }
            Kind::Invoke => {
                let id = raw
                    .id
                    .ok_or_else(|| protocol("`invoke` needs a numeric `id`"))?;
                let channel = raw
                    .channel
                    .ok_or_else(|| protocol("`invoke` needs a `channel`"))?;
                let payload = raw
                    .payload
                    .ok_or_else(|| protocol("`invoke` needs a `payload` array"))?;
                if raw.timeout_ms == Some(0) {
                    return Err(protocol("`timeoutMs` must be at least 1"));
                }
                Ok(Self::Invoke {
                    id,
                    channel,
                    payload: payload.get(),
                    timeout_ms: raw.timeout_ms,
                })
            }
            Kind::Cancel => {
                let id = raw
                    .id
                    .ok_or_else(|| protocol("`cancel` needs the `id` of the invoke"))?;
                if raw.channel.is_some() || raw.payload.is_some() || raw.timeout_ms.is_some() {
                    return Err(protocol("a `cancel` carries only `kind` and `id`"));
                }
                Ok(Self::Cancel { id })
            }
            Kind::Validate => {
                let id = raw
                    .id
                    .ok_or_else(|| protocol("`validate` needs a numeric `id`"))?;
                let channel = raw
                    .channel
                    .ok_or_else(|| protocol("`validate` needs a `channel`"))?;
                let payload = raw
                    .payload
                    .ok_or_else(|| protocol("`validate` needs a `payload` array"))?;
                if raw.timeout_ms.is_some() {
                    return Err(protocol("a `validate` carries no `timeoutMs`"));
                }
                Ok(Self::Validate {
                    id,
                    channel,
                    payload: payload.get(),
                })
            }
            Kind::Stream => Self::stream(&raw, protocol),
            Kind::Credit => Self::credit(&raw, protocol),
            Kind::Reply | Kind::Error | Kind::Event | Kind::Item => Err(protocol(
                "only the main side sends `reply`, `error`, `event` and `item`",
            )),
        }
    }
    /// The fields of a `stream`, checked.
    fn stream(raw: &RawEnvelope<'a>, protocol: impl Fn(&str) -> Refusal) -> Result<Self, Refusal> {
        let id = raw
            .id
            .ok_or_else(|| protocol("`stream` needs a numeric `id`"))?;
        let channel = raw
            .channel
            .ok_or_else(|| protocol("`stream` needs a `channel`"))?;
        let payload = raw
            .payload
            .ok_or_else(|| protocol("`stream` needs a `payload` array"))?;
        if raw.timeout_ms == Some(0) {
            return Err(protocol("`timeoutMs` must be at least 1"));
        }
        let credit = raw
            .credit
            .as_ref()
            .ok_or_else(|| protocol("`stream` needs its initial `credit`"))?;
        let credit = Grant::read(credit.items, credit.bytes).map_err(|m| protocol(&m))?;
        crate::connection::stream::check_outstanding(credit).map_err(|m| protocol(&m))?;
        Ok(Self::Stream {
            id,
            channel,
            payload: payload.get(),
            timeout_ms: raw.timeout_ms,
            credit,
        })
    }

    /// The fields of a `credit`, checked; its amounts are read, and judged by the stream they name.
    fn credit(raw: &RawEnvelope<'a>, protocol: impl Fn(&str) -> Refusal) -> Result<Self, Refusal> {
        let id = raw
            .id
            .ok_or_else(|| protocol("`credit` needs the `id` of the stream"))?;
        if raw.channel.is_some() || raw.payload.is_some() || raw.timeout_ms.is_some() {
            return Err(protocol(
                "a `credit` carries only `kind`, `id`, `items` and `bytes`",
            ));
        }
        Ok(Self::Credit {
            id,
            grant: Grant::read(raw.items, raw.bytes),
        })
    }
}

/// Whether a refusal of an envelope of `kind` is answered with its id: the kinds that wait for one answer.
fn answers_by_id(kind: Kind) -> bool {
    matches!(kind, Kind::Invoke | Kind::Stream | Kind::Validate)
}

/// The id of an oversized invoke or validate, read from its first bytes without parsing the rest, so the
/// caller's call settles with `too_large` instead of waiting for its deadline. Both bridges write `kind` then
/// `id` first; anything else yields `None` (an error without id).
pub(crate) fn leading_invoke_id(text: &[u8]) -> Option<u64> {
    leading_id(
        text,
        [
            r#"{"kind":"invoke","id":"#,
            r#"{"kind":"stream","id":"#,
            r#"{"kind":"validate","id":"#,
        ],
    )
}

/// The id after whichever of `prefixes` `head` starts with, when digits and a `,` follow it: `head` may be
/// any prefix of an envelope (or of one escaped into a JSON string: then the prefixes are escaped too).
/// `None` when the digits are cut off by the end of `head`.
pub(crate) fn leading_id<const N: usize>(head: &[u8], prefixes: [&str; N]) -> Option<u64> {
    let rest = prefixes
        .iter()
        .find_map(|prefix| head.strip_prefix(prefix.as_bytes()))?;
    let digits = rest.iter().position(|b| !b.is_ascii_digit())?;
    if digits == 0 || rest[digits] != b',' {
        return None;
    }
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

pub(crate) fn too_large<E>(size: usize, limit: usize) -> IpcError<E> {
    IpcError::TooLarge {
        size: saturate(size),
        limit: saturate(limit),
    }
}

pub(crate) fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A duration as the wire's whole milliseconds: at least 1 (a zero deadline would end every call at once),
/// at most `u32::MAX`.
pub(crate) fn saturate_ms(duration: std::time::Duration) -> u32 {
    saturate(usize::try_from(duration.as_millis()).unwrap_or(usize::MAX)).max(1)
}

#[derive(Serialize)]
struct OutboundEnvelope<'a, E: Serialize> {
    kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a E>,
}

fn encode<E: Serialize>(envelope: &OutboundEnvelope<'_, E>) -> String {
    // Serialising these plain structs (strings, numbers, already-valid raw JSON) cannot fail.
    serde_json::to_string(envelope).expect("envelope serialisation is infallible")
}

pub(crate) fn encode_reply(id: u64, payload: Payload<'_>) -> String {
    crate::encode::reply(id, payload)
}

/// The error reply for a handler's own `Err` value: `IpcError::Handler` around it.
/// One item of stream `id`.
pub(crate) fn encode_item(id: u64, payload: Payload<'_>) -> String {
    crate::encode::item(id, payload)
}

/// A client's `stream` start.
pub(crate) fn encode_stream(
    id: u64,
    channel: &str,
    payload: Payload<'_>,
    timeout_ms: Option<u32>,
    credit: Grant,
) -> String {
    crate::encode::stream(id, channel, payload, timeout_ms, credit)
}

/// A client's grant of more credit to stream `id`.
pub(crate) fn encode_credit(id: u64, grant: Grant) -> String {
    format!(
        r#"{{"kind":"credit","id":{id},"items":{},"bytes":{}}}"#,
        grant.items, grant.bytes
    )
}

pub(crate) fn encode_handler_error(id: u64, error: Payload<'_>) -> String {
    crate::encode::handler_error(id, error)
}

/// An error reply; `id` is `None` when the failed message's id could not be read.
pub(crate) fn encode_error<E: Serialize>(id: Option<u64>, error: &IpcError<E>) -> String {
    encode(&OutboundEnvelope {
        kind: Kind::Error,
        id,
        channel: None,
        payload: None,
        error: Some(error),
    })
}

pub(crate) fn encode_event(channel: &str, payload: Payload<'_>) -> String {
    crate::encode::channel_message("event", channel, payload)
}

pub(crate) fn encode_send(channel: &str, payload: Payload<'_>) -> String {
    crate::encode::channel_message("send", channel, payload)
}

pub(crate) fn encode_invoke(
    id: u64,
    channel: &str,
    payload: Payload<'_>,
    timeout_ms: Option<u32>,
) -> String {
    crate::encode::invoke(id, channel, payload, timeout_ms)
}

pub(crate) fn encode_cancel(id: u64) -> String {
    crate::encode::cancel(id)
}

pub(crate) fn encode_validate(id: u64, channel: &str, payload: Payload<'_>) -> String {
    crate::encode::validate(id, channel, payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The serde encoding the hand-written writers replaced: they must produce the same bytes.
    fn serde_outbound(
        kind: Kind,
        id: Option<u64>,
        channel: Option<&str>,
        payload: Option<&RawValue>,
    ) -> String {
        encode::<()>(&OutboundEnvelope {
            kind,
            id,
            channel,
            payload,
            error: None,
        })
    }

    fn serde_invoke(id: u64, channel: &str, payload: &RawValue, timeout_ms: Option<u32>) -> String {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Invoke<'a> {
            kind: Kind,
            id: u64,
            channel: &'a str,
            payload: &'a RawValue,
            #[serde(skip_serializing_if = "Option::is_none")]
            timeout_ms: Option<u32>,
        }
        serde_json::to_string(&Invoke {
            kind: Kind::Invoke,
            id,
            channel,
            payload,
            timeout_ms,
        })
        .unwrap()
    }

    /// The same payload both ways a writer receives one: as text, and serialized with room in front.
    fn payloads(raw: &RawValue) -> [Payload<'_>; 2] {
        let spaced = crate::encode::Spaced::serialize(raw).unwrap();
        [Payload::Text(raw.get()), Payload::Spaced(spaced)]
    }

    #[test]
    fn hand_written_envelopes_match_serde_byte_for_byte() {
        let texts = [
            r#"[{"id":7,"name":"Ada","tags":["a","b"]}]"#,
            "[]",
            "null",
            r#""x\"y""#,
            r#""ünï""#,
        ];
        // Names around and past the room kept in front of a serialized payload, so both the in-place and
        // the new-buffer paths are compared.
        let long: Vec<String> = [60, 62, 63, 80, 82, 83, 200]
            .into_iter()
            .map(|n| "c".repeat(n))
            .collect();
        let mut channels = vec!["app:echo", "", "odd \"name\"\\\u{1}\n\u{7f}", "ünï:cødé"];
        channels.extend(long.iter().map(String::as_str));
        let ids = [0, 1, 42, u64::MAX];
        for payload in texts {
            let payload = RawValue::from_string(payload.to_owned()).unwrap();
            for channel in &channels {
                for id in ids {
                    for timeout in [None, Some(1), Some(u32::MAX)] {
                        for body in payloads(&payload) {
                            assert_eq!(
                                encode_invoke(id, channel, body, timeout),
                                serde_invoke(id, channel, &payload, timeout)
                            );
                        }
                    }
                    for body in payloads(&payload) {
                        assert_eq!(
                            encode_reply(id, body),
                            serde_outbound(Kind::Reply, Some(id), None, Some(&payload))
                        );
                    }
                    for body in payloads(&payload) {
                        assert_eq!(
                            encode_handler_error(id, body),
                            encode_error(Some(id), &IpcError::Handler { error: &payload })
                        );
                    }
                    assert_eq!(
                        encode_cancel(id),
                        serde_outbound(Kind::Cancel, Some(id), None, None)
                    );
                    for body in payloads(&payload) {
                        assert_eq!(
                            encode_validate(id, channel, body),
                            serde_outbound(Kind::Validate, Some(id), Some(channel), Some(&payload))
                        );
                    }
                }
                for body in payloads(&payload) {
                    assert_eq!(
                        encode_event(channel, body),
                        serde_outbound(Kind::Event, None, Some(channel), Some(&payload))
                    );
                }
                for body in payloads(&payload) {
                    assert_eq!(
                        encode_send(channel, body),
                        serde_outbound(Kind::Send, None, Some(channel), Some(&payload))
                    );
                }
            }
        }
    }

    #[test]
    fn stream_and_credit_envelopes_parse_and_encode_back() {
        let limits = Limits::default();
        let start = encode_stream(
            4,
            "app:copy",
            Payload::Text(r#"["a","b"]"#),
            Some(50),
            Grant {
                items: 16,
                bytes: 1024,
            },
        );
        assert_eq!(
            start,
            r#"{"kind":"stream","id":4,"channel":"app:copy","payload":["a","b"],"timeoutMs":50,"credit":{"items":16,"bytes":1024}}"#
        );
        assert_eq!(
            Inbound::parse(&start, &limits).unwrap(),
            Inbound::Stream {
                id: 4,
                channel: "app:copy",
                payload: r#"["a","b"]"#,
                timeout_ms: Some(50),
                credit: Grant {
                    items: 16,
                    bytes: 1024
                },
            }
        );
        let credit = encode_credit(4, Grant { items: 8, bytes: 0 });
        assert_eq!(
            Inbound::parse(&credit, &limits).unwrap(),
            Inbound::Credit {
                id: 4,
                grant: Ok(Grant { items: 8, bytes: 0 })
            }
        );
        for text in [
            start.as_str(),
            credit.as_str(),
            r#"{"kind":"credit","id":1,"items":-1}"#,
        ] {
            assert!(crate::fuzzing::parse_envelope(text, &limits), "{text}");
            // The fast path reads only `send` and `invoke`; these take the strict path.
            assert_eq!(crate::scan::inbound(text), None, "{text}");
        }
        assert_eq!(
            encode_item(4, Payload::Text("[1]")),
            serde_outbound(
                Kind::Item,
                Some(4),
                None,
                Some(&RawValue::from_string("[1]".to_owned()).unwrap())
            )
        );
    }

    #[test]
    fn bad_credit_is_read_as_bad_for_its_stream() {
        let limits = Limits::default();
        for amounts in [r#""items":-1"#, r#""items":1.5"#, r#""bytes":"2""#] {
            let text = format!(r#"{{"kind":"credit","id":3,{amounts}}}"#);
            let parsed = Inbound::parse(&text, &limits).unwrap();
            assert!(
                matches!(
                    parsed,
                    Inbound::Credit {
                        id: 3,
                        grant: Err(_)
                    }
                ),
                "{text}: {parsed:?}"
            );
        }
        for (text, id) in [
            (
                r#"{"kind":"stream","id":5,"channel":"c","payload":[]}"#,
                Some(5),
            ),
            (
                r#"{"kind":"stream","id":5,"channel":"c","payload":[],"credit":{"items":-1}}"#,
                Some(5),
            ),
            (
                r#"{"kind":"stream","id":5,"channel":"c","payload":[],"credit":{"items":1,"x":1}}"#,
                None,
            ),
            (
                r#"{"kind":"invoke","id":6,"channel":"c","payload":[],"credit":{"items":1}}"#,
                Some(6),
            ),
            (
                r#"{"kind":"invoke","id":6,"channel":"c","payload":[],"items":1}"#,
                Some(6),
            ),
            (r#"{"kind":"item","id":6,"payload":1}"#, None),
        ] {
            let refusal = Inbound::parse(text, &limits).unwrap_err();
            assert_eq!(refusal.id, id, "{text}");
            assert!(matches!(refusal.error, IpcError::Protocol { .. }), "{text}");
        }
    }
}
