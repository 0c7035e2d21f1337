//! The reverse truth test, Rust half: the envelopes `tests/ts/truth.test.ts` had the real generated bridge
//! post (values built in TypeScript) are fed to the real main-side dispatch, and what the handler decoded
//! must equal the Rust value written here for each case; the cases a TypeScript type admits but the wire
//! cannot carry must be refused, never decoded as something else.
//!
//! Ignored in a plain `cargo test`: `tests/ts/check.sh` runs it after the Node test has written the envelopes
//! (`cargo test --workspace --all-features --test truth_reverse -- --ignored`).

mod truth_support;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use ipc_runtime::{BinaryMessage, Bytes, OutboundFrame, Server};
use ipc_tests::truth::samples::{bytes, coord};
use ipc_tests::truth::{
    Adjacent, BlobNewtype, Blobs, Casing, Chunk, Defaults, Either, Empty, EmptyTuple, Expr,
    External, Extras, Flattened, Internal, KebabCase, Label, Maps, Marker, Meta, Meters, Newtypes,
    Numbers, Optionals, Outline, Page, Pair, Pointers, Received, Rejection, Renamed, Sequences,
    Sparse, Strings, TruthImpl, TruthService, Untagged, Wrapped,
};
use serde::Deserialize;

const POSTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ts/dist/truth.posted.json");

/// One envelope as the Node test recorded it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Posted {
    case: String,
    text: Option<String>,
    binary: Option<Vec<u8>>,
}

/// What a case must come to on the main side.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // a table of test cases, built once
enum Expect {
    /// The handler ran with exactly these arguments.
    Decoded(Received),
    /// Refused before any handler, with this error kind.
    Refused(&'static str),
}

// The TypeScript cases' `view(start, len)` is a window into a larger buffer holding `bytes(start, len)`:
// only the window may travel, so it decodes to `bytes(start, len)` here.

fn s(text: &str) -> String {
    text.to_owned()
}

// The TypeScript cases build the same tree and blobs as the forward samples.
use ipc_tests::truth::samples::tree;

fn blobs() -> Blobs {
    ipc_tests::truth::samples::blobs().remove(0)
}

fn numbers() -> Numbers {
    Numbers {
        doubles: vec![
            0.0,
            1.0,
            -1.5,
            0.1,
            1.0 / 3.0,
            1e300,
            -1e300,
            1e-300,
            5e-324,
            f64::MAX,
            5e-324,
            f64::EPSILON,
            9_007_199_254_740_991.0,
            1e21,
            1e-7,
        ],
        singles: vec![0.1, 0.0, f32::MAX, 1e-45],
        // Sent as `-0`, which JSON.stringify writes as `0`.
        negative_zero: 0.0,
        small: (i8::MIN, u8::MAX, i16::MIN, u16::MAX),
        large: (i32::MIN, u32::MAX),
    }
}

fn external(value: External) -> Expect {
    Expect::Decoded(Received::External(value))
}

fn internal(value: Internal) -> Expect {
    Expect::Decoded(Received::Internal(value))
}

fn adjacent(value: Adjacent) -> Expect {
    Expect::Decoded(Received::Adjacent(value))
}

fn untagged(value: Untagged) -> Expect {
    Expect::Decoded(Received::Untagged(value))
}

#[allow(clippy::too_many_lines)] // a table: one entry per case of truth.cases.ts
fn expected() -> Vec<(&'static str, Expect)> {
    use Expect::{Decoded, Refused};
    vec![
        ("external unit", external(External::Unit)),
        (
            "external struct with null",
            external(External::Struct {
                count: 3,
                label: None,
            }),
        ),
        (
            "external renamed fields",
            external(External::FieldsRenamed {
                first_field: 65535,
                second_field: false,
            }),
        ),
        ("external renamed variant", external(External::Renamed)),
        (
            "external blob from a Buffer",
            external(External::Blob(Bytes::from_static(b"hi"))),
        ),
        (
            "external blob struct",
            external(External::BlobStruct {
                data: bytes(10, 3),
                more: vec![Bytes::new(), Bytes::from_static(&[7])],
            }),
        ),
        (
            "external blob tuple",
            external(External::BlobTuple(bytes(5, 2), 9)),
        ),
        (
            "external nested tuple",
            external(External::Nested(Box::new(External::Nested(Box::new(
                External::Tuple(-1, 2.5),
            ))))),
        ),
        (
            "external untagged fallback",
            external(External::Fallback(s("anything else"))),
        ),
        (
            "internal struct",
            internal(Internal::Struct {
                some_field: 1,
                blob: bytes(1, 2),
                maybe_blob: None,
            }),
        ),
        (
            "internal newtype",
            internal(Internal::Newtype(coord(1.0, 2.0))),
        ),
        (
            "internal blob newtype",
            internal(Internal::BlobNewtype(Chunk {
                index: 3,
                data: bytes(9, 2),
            })),
        ),
        (
            "internal renamed",
            internal(Internal::Renamed {
                inner_value: Some(Some(5)),
            }),
        ),
        ("adjacent unit", adjacent(Adjacent::Unit)),
        ("adjacent tuple", adjacent(Adjacent::Tuple(1, s("x")))),
        ("adjacent blob", adjacent(Adjacent::Blob(bytes(90, 3)))),
        (
            "adjacent blob tuple",
            adjacent(Adjacent::BlobTuple(bytes(1, 1), Some(bytes(2, 2)))),
        ),
        (
            "adjacent blob struct",
            adjacent(Adjacent::BlobStruct {
                data: bytes(4, 4),
                list: vec![bytes(8, 1), Bytes::new()],
            }),
        ),
        (
            "untagged record",
            untagged(Untagged::Record {
                id: 1,
                name: s("record"),
            }),
        ),
        ("untagged number", untagged(Untagged::Number(-12.75))),
        ("untagged pair", untagged(Untagged::Pair(2, s("pair")))),
        (
            "untagged with blob",
            untagged(Untagged::WithBlob {
                id: 2,
                blob: bytes(60, 3),
            }),
        ),
        (
            "untagged named blob",
            untagged(Untagged::NamedBlob {
                name: s("named"),
                blob: bytes(65, 2),
            }),
        ),
        ("untagged raw", untagged(Untagged::Raw(bytes(70, 2)))),
        ("untagged nothing", untagged(Untagged::Nothing)),
        (
            "flattened square",
            Decoded(Received::Flattened(Flattened {
                record_id: 1,
                meta: Meta {
                    created_by: s("ada"),
                    tags: vec![s("a"), s("b")],
                    attachment: Some(bytes(100, 3)),
                },
                outline: Outline::Square {
                    side: 2.0,
                    blob: bytes(110, 1),
                },
                trailing_note: s("after"),
            })),
        ),
        (
            "flattened dot",
            Decoded(Received::Flattened(Flattened {
                record_id: 3,
                meta: Meta {
                    created_by: String::new(),
                    tags: Vec::new(),
                    attachment: None,
                },
                outline: Outline::Dot,
                trailing_note: String::new(),
            })),
        ),
        (
            "renamed",
            Decoded(Received::Renamed(
                Renamed {
                    first_value: 1,
                    spaced: s("spaced"),
                    dollar: true,
                    unicode: Casing::FirstChoice,
                    numeric: vec![Casing::Third],
                },
                KebabCase {
                    multi_word_name: s("kebab"),
                    another_one: 2,
                },
                Casing::SecondChoice,
            )),
        ),
        (
            "optionals minimal",
            Decoded(Received::Optionals(Optionals {
                plain: None,
                nested: None,
                blob: None,
                defaulted: 0,
                omitted_when_none: None,
                optional: None,
                list: Vec::new(),
                skipped: 0,
                write_only: 0,
                // Sent as 7, ignored (`skip_deserializing`).
                read_only: 0,
                double_blob: None,
                defaults: Defaults::default(),
            })),
        ),
        (
            "optionals full",
            Decoded(Received::Optionals(Optionals {
                plain: Some(u32::MAX),
                nested: Some(Some(s("inner"))),
                blob: Some(Bytes::new()),
                defaulted: 9,
                omitted_when_none: None,
                optional: Some(coord(1.0, -2.0)),
                list: vec![1, 2],
                skipped: 0,
                write_only: 5,
                read_only: 0,
                double_blob: Some(Some(bytes(9, 1))),
                defaults: Defaults {
                    count: 1,
                    name: s("one"),
                },
            })),
        ),
        (
            "maps",
            Decoded(Received::Maps(Maps {
                by_name: BTreeMap::from([(s("one"), 1), (s(""), 0), (s("with space"), 2)]),
                by_number: BTreeMap::from([(0, s("zero")), (7, s("seven")), (u32::MAX, s("max"))]),
                by_signed: BTreeMap::from([(i16::MIN, true), (-1, false), (1, true)]),
                by_small: BTreeMap::from([(0, None), (255, Some(-0.5))]),
                by_enum: BTreeMap::from([
                    (Casing::FirstChoice, coord(1.0, 1.0)),
                    (Casing::Third, coord(3.0, 3.0)),
                ]),
                by_label: BTreeMap::from([(Label(s("label")), 1)]),
                blobs: BTreeMap::from([(s("a"), bytes(1, 1)), (s("b"), bytes(2, 2))]),
                maybe_blobs: BTreeMap::from([(s("none"), None), (s("some"), Some(bytes(4, 2)))]),
                by_char: BTreeMap::from([('a', 1), ('\u{1F980}', 2), ('"', 3)]),
                nested: BTreeMap::from([(
                    s("outer"),
                    BTreeMap::from([(3, vec![Some(0.1), None]), (65535, Vec::new())]),
                )]),
                set: BTreeSet::from([s("x"), s("y")]),
            })),
        ),
        (
            "sequences",
            Decoded(Received::Sequences(Sequences {
                triple: (i32::MIN, s("triple"), false),
                single: (s("single"),),
                nested: ((1, 2), vec![(s("a"), 0.5), (s("b"), -0.5)]),
                array: [i16::MIN, 0, i16::MAX],
                empty_array: [],
                blob_array: [bytes(1, 1), Bytes::new()],
                blob_tuple: (bytes(3, 3), 3),
                lists: vec![vec![], vec![1], vec![2, 3]],
                unit: (),
                units: vec![(), ()],
            })),
        ),
        (
            "pages",
            Decoded(Received::Pages(
                Page {
                    items: vec![s("a")],
                    next: Some(2),
                },
                Page {
                    items: vec![coord(0.0, 1.0)],
                    next: None,
                },
                Page {
                    items: vec![bytes(9, 2)],
                    next: Some(0),
                },
            )),
        ),
        (
            "recursive",
            Decoded(Received::Recursive(
                tree(),
                Expr::Add {
                    left: Box::new(Expr::Num { value: 1.0 }),
                    right: Box::new(Expr::Neg {
                        of: Box::new(Expr::Num { value: 2.5 }),
                    }),
                },
            )),
        ),
        (
            "pointers",
            Decoded(Received::Pointers(Pointers {
                boxed: Box::new(coord(4.0, 5.0)),
                shared: Arc::new(s("shared")),
                shared_list: Arc::new(vec![coord(1.0, 0.0)]),
                cow: Cow::Borrowed("cow"),
                boxed_slice: vec![1, 2, 3].into_boxed_slice(),
                boxed_blob: Box::new(bytes(1, 2)),
                shared_blob: Arc::new(bytes(3, 2)),
            })),
        ),
        (
            "newtypes",
            Decoded(Received::Newtypes(
                Marker,
                Meters(1.5),
                Label(s("label")),
                Pair(1, s("one")),
                Newtypes {
                    marker: Marker,
                    meters: Meters(-3.0),
                    label: Label(String::new()),
                    wrapped: Wrapped(coord(1.0, 2.0)),
                    blob: BlobNewtype(bytes(5, 3)),
                    pair: Pair(0, String::new()),
                },
            )),
        ),
        (
            "extras",
            Decoded(Received::Extras(Extras {
                r#type: s("raw identifier"),
                empty: Empty {},
                empty_tuple: EmptyTuple(),
                outcome: Err(s("err")),
                outcomes: vec![Ok(coord(1.0, 2.0)), Err(Rejection::Corrupt(bytes(1, 1)))],
                non_zero: NonZeroU32::MAX,
                shared_str: Arc::from("shared str"),
                boxed_str: Box::from("boxed str"),
                either: Either::Right(bytes(3, 3)),
                sparse: vec![Sparse::Unit, Sparse::EmptyTuple(), Sparse::EmptyStruct {}],
                pages: Page {
                    items: vec![Page {
                        items: vec![1, 2],
                        next: None,
                    }],
                    next: Some(1),
                },
            })),
        ),
        ("blobs", Decoded(Received::Blobs(blobs()))),
        ("numbers", Decoded(Received::Numbers(numbers()))),
        (
            "strings",
            Decoded(Received::Strings(Strings {
                values: [
                    "",
                    "quote \" backslash \\ slash /",
                    "\n\r\t\u{8}\u{c}",
                    "\u{0}\u{1}\u{1f}\u{7f}",
                    "é 中文 العربية",
                    "emoji 🦀 👩‍👩‍👧",
                    "\u{2028}\u{2029}",
                    "</script><!-- ${template} `backtick`",
                    "\u{feff}\u{fffd}\u{10ffff}",
                ]
                .map(s)
                .to_vec(),
                letter: '🦀',
                keyed: BTreeMap::from([
                    (s("ключ"), s("значение")),
                    (s("quote\"key"), s("v")),
                    (s("\u{0}"), s("nul key")),
                ]),
            })),
        ),
        (
            "reject with bytes",
            Decoded(Received::Reject(Rejection::Corrupt(bytes(0xF0, 4)))),
        ),
        (
            "reject unit variant",
            Decoded(Received::Reject(Rejection::Unknown)),
        ),
        (
            "check failing with a blob",
            Decoded(Received::Check(
                Untagged::NamedBlob {
                    name: s("n"),
                    blob: bytes(1, 1),
                },
                true,
            )),
        ),
        ("refuse", Decoded(Received::Refuse(s("no")))),
        (
            "publish",
            Decoded(Received::Publish(
                tree(),
                blobs(),
                External::BlobStruct {
                    data: bytes(1, 1),
                    more: Vec::new(),
                },
            )),
        ),
        (
            "a fraction for an integer is refused",
            Refused("invalid_input"),
        ),
        ("a lone surrogate is refused", Refused("invalid_input")),
    ]
}

#[tokio::test]
#[ignore = "needs tests/ts/dist/truth.posted.json: run by tests/ts/check.sh after the Node test"]
async fn values_built_in_typescript_decode_to_the_expected_rust_values() {
    let text = std::fs::read_to_string(POSTED)
        .unwrap_or_else(|e| panic!("{POSTED}: {e} (run tests/ts/check.sh, which writes it first)"));
    let posted: Vec<Posted> = serde_json::from_str(&text).expect("the Node test's record");
    let expected = expected();
    assert_eq!(
        posted.iter().map(|p| p.case.as_str()).collect::<Vec<_>>(),
        expected.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
        "truth.cases.ts and this table list the same cases in the same order"
    );

    let handler = Arc::new(TruthImpl::default());
    let server = Server::new(TruthService::from_arc(handler.clone()));
    let (to_main, mut from_main) = server.connect_frames("app://main", true);
    let mut failures = Vec::new();
    for (posted, (name, expect)) in posted.into_iter().zip(expected) {
        let frame = match (posted.text, posted.binary) {
            (Some(text), None) => OutboundFrame::Text(text),
            (None, Some(binary)) => OutboundFrame::Binary(BinaryMessage::from(binary)),
            other => panic!("{name}: a record holds text or binary: {other:?}"),
        };
        to_main.send(frame).await.unwrap();
        // Every case is answered: a reply, an error, or (for `publish`) its event.
        let answer = tokio::time::timeout(Duration::from_secs(5), from_main.recv())
            .await
            .unwrap_or_else(|_| panic!("{name}: no answer"))
            .expect("connection open");
        let (answer, _) = truth_support::read_frame(&answer);
        let received = handler.take_received();
        let error_kind = (answer["kind"] == "error").then(|| answer["error"]["kind"].clone());
        let ok = match &expect {
            Expect::Decoded(value) => {
                received == [value.clone()]
                    && error_kind.as_ref().is_none_or(|kind| kind == "handler")
            }
            Expect::Refused(kind) => {
                received.is_empty() && error_kind.as_ref() == Some(&(*kind).into())
            }
        };
        if !ok {
            failures.push(format!(
                "{name}: expected {expect:?}\n  handler got {received:?}\n  answer {answer}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
