//! Sample values of every catalogue type, for the forward truth test: each is sent through a real
//! connection and what crosses the wire is checked against the generated TypeScript.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;
use std::sync::Arc;

use ipc_runtime::Bytes;

use super::{
    Adjacent, Blobs, Casing, Chunk, Coord, Defaults, Expr, External, Flattened, Internal,
    KebabCase, Label, Maps, Marker, Meta, Meters, Newtypes, Numbers, Optionals, Outline, Page,
    Pair, Pointers, Rejection, Renamed, Sequences, Strings, Tree, Untagged, Wrapped,
};
use super::{BlobNewtype, Either, Empty, EmptyTuple, Extras, Sparse};

/// `len` bytes counting up from `start`.
pub fn bytes(start: u8, len: u8) -> Bytes {
    (0..len)
        .map(|i| start.wrapping_add(i))
        .collect::<Vec<u8>>()
        .into()
}

fn s(text: &str) -> String {
    text.to_owned()
}

pub fn coord(x_pos: f64, y_pos: f64) -> Coord {
    Coord { x_pos, y_pos }
}

pub fn external() -> Vec<External> {
    vec![
        External::Unit,
        External::Newtype(s("newtype")),
        External::Tuple(-7, 0.5),
        External::Struct {
            count: 3,
            label: Some(s("three")),
        },
        External::Struct {
            count: 0,
            label: None,
        },
        External::Renamed,
        External::FieldsRenamed {
            first_field: 65535,
            second_field: true,
        },
        External::Blob(bytes(1, 3)),
        External::BlobTuple(bytes(0, 0), 9),
        External::BlobStruct {
            data: bytes(10, 2),
            more: vec![bytes(20, 1), bytes(30, 4)],
        },
        External::Nested(Box::new(External::Nested(Box::new(External::Blob(bytes(
            200, 2,
        )))))),
        External::Point(coord(-1.0, 1e-10)),
        External::Fallback(s("not a variant name")),
    ]
}

pub fn internal() -> Vec<Internal> {
    vec![
        Internal::Unit,
        Internal::Struct {
            some_field: 4_000_000_000,
            blob: bytes(5, 5),
            maybe_blob: Some(bytes(50, 1)),
        },
        Internal::Struct {
            some_field: 0,
            blob: Bytes::new(),
            maybe_blob: None,
        },
        Internal::Newtype(coord(2.5, -0.0)),
        Internal::BlobNewtype(Chunk {
            index: 1,
            data: bytes(7, 2),
        }),
        Internal::Renamed {
            inner_value: Some(Some(-1)),
        },
        Internal::Renamed { inner_value: None },
    ]
}

pub fn adjacent() -> Vec<Adjacent> {
    vec![
        Adjacent::Unit,
        Adjacent::Newtype(s("adjacent")),
        Adjacent::Tuple(255, s("tuple")),
        Adjacent::Struct {
            at: coord(0.0, 0.0),
            note: s("struct"),
        },
        Adjacent::Blob(bytes(90, 3)),
        Adjacent::BlobTuple(bytes(1, 1), Some(bytes(2, 2))),
        Adjacent::BlobTuple(bytes(3, 1), None),
        Adjacent::BlobStruct {
            data: bytes(4, 4),
            list: vec![bytes(8, 1), Bytes::new()],
        },
    ]
}

pub fn untagged() -> Vec<Untagged> {
    vec![
        Untagged::Record {
            id: 1,
            name: s("record"),
        },
        Untagged::Text(s("text")),
        Untagged::Number(-12.75),
        Untagged::Pair(2, s("pair")),
        Untagged::WithBlob {
            id: 2,
            blob: bytes(60, 3),
        },
        Untagged::NamedBlob {
            name: s("named"),
            blob: bytes(65, 2),
        },
        Untagged::Raw(bytes(70, 2)),
        Untagged::Nothing,
    ]
}

pub fn flattened() -> Vec<Flattened> {
    vec![
        Flattened {
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
            trailing_note: s("after the flattened fields"),
        },
        Flattened {
            record_id: 2,
            meta: Meta {
                created_by: String::new(),
                tags: Vec::new(),
                attachment: None,
            },
            outline: Outline::Circle { radius: 0.25 },
            trailing_note: String::new(),
        },
        Flattened {
            record_id: 3,
            meta: Meta {
                created_by: s("grace"),
                tags: vec![s("dot")],
                attachment: None,
            },
            outline: Outline::Dot,
            trailing_note: s("dot"),
        },
    ]
}

pub fn renamed() -> Vec<(Renamed, KebabCase, Casing)> {
    vec![
        (
            Renamed {
                first_value: 1,
                spaced: s("spaced"),
                dollar: true,
                unicode: Casing::FirstChoice,
                numeric: vec![Casing::SecondChoice, Casing::Third],
            },
            KebabCase {
                multi_word_name: s("kebab"),
                another_one: 2,
            },
            Casing::Third,
        ),
        (
            Renamed {
                first_value: 0,
                spaced: String::new(),
                dollar: false,
                unicode: Casing::Third,
                numeric: Vec::new(),
            },
            KebabCase {
                multi_word_name: String::new(),
                another_one: 0,
            },
            Casing::SecondChoice,
        ),
    ]
}

pub fn optionals() -> Vec<Optionals> {
    vec![
        Optionals {
            plain: Some(7),
            nested: Some(Some(s("inner"))),
            blob: Some(bytes(1, 2)),
            defaulted: 9,
            omitted_when_none: Some(s("present")),
            optional: Some(coord(1.0, 2.0)),
            list: vec![1, 2],
            skipped: 0,
            write_only: 3,
            read_only: 4,
            double_blob: Some(Some(bytes(9, 1))),
            defaults: Defaults {
                count: 1,
                name: s("one"),
            },
        },
        Optionals {
            plain: None,
            nested: None,
            blob: None,
            defaulted: 0,
            omitted_when_none: None,
            optional: None,
            list: Vec::new(),
            // Never sent: the handler sees the default.
            skipped: 42,
            write_only: 0,
            read_only: 0,
            double_blob: None,
            defaults: Defaults::default(),
        },
        Optionals {
            plain: Some(0),
            // Goes out as `null`, like `None`.
            nested: Some(None),
            blob: Some(Bytes::new()),
            defaulted: 0,
            omitted_when_none: Some(String::new()),
            optional: None,
            list: Vec::new(),
            skipped: 0,
            write_only: 0,
            read_only: 7,
            double_blob: Some(None),
            defaults: Defaults::default(),
        },
    ]
}

pub fn maps() -> Vec<Maps> {
    let full = Maps {
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
    };
    let empty = Maps {
        by_name: BTreeMap::new(),
        by_number: BTreeMap::new(),
        by_signed: BTreeMap::new(),
        by_small: BTreeMap::new(),
        by_enum: BTreeMap::new(),
        by_label: BTreeMap::new(),
        blobs: BTreeMap::new(),
        maybe_blobs: BTreeMap::new(),
        by_char: BTreeMap::new(),
        nested: BTreeMap::new(),
        set: BTreeSet::new(),
    };
    vec![full, empty]
}

pub fn sequences() -> Vec<Sequences> {
    vec![Sequences {
        triple: (i32::MIN, s("triple"), false),
        single: (s("single"),),
        nested: ((1, 2), vec![(s("a"), 0.5), (s("b"), -0.5)]),
        array: [i16::MIN, 0, i16::MAX],
        empty_array: [],
        blob_array: [bytes(1, 1), bytes(2, 0)],
        blob_tuple: (bytes(3, 3), 3),
        lists: vec![vec![], vec![1], vec![2, 3]],
        unit: (),
        units: vec![(), ()],
    }]
}

pub fn pages() -> Vec<(Page<String>, Page<Coord>, Page<Bytes>)> {
    vec![
        (
            Page {
                items: vec![s("a"), s("b")],
                next: Some(2),
            },
            Page {
                items: vec![coord(0.0, 1.0)],
                next: None,
            },
            Page {
                items: vec![bytes(9, 2), bytes(11, 1)],
                next: Some(0),
            },
        ),
        (
            Page {
                items: Vec::new(),
                next: None,
            },
            Page {
                items: Vec::new(),
                next: None,
            },
            Page {
                items: Vec::new(),
                next: None,
            },
        ),
    ]
}

pub fn tree() -> Tree {
    Tree {
        label: s("root"),
        children: vec![
            Tree {
                label: s("leaf"),
                children: Vec::new(),
                payload: Some(bytes(1, 2)),
            },
            Tree {
                label: s("branch"),
                children: vec![Tree {
                    label: s("deep"),
                    children: Vec::new(),
                    payload: None,
                }],
                payload: Some(bytes(3, 1)),
            },
        ],
        payload: None,
    }
}

pub fn recursive() -> Vec<(Tree, Expr)> {
    let expr = Expr::Add {
        left: Box::new(Expr::Num { value: 1.0 }),
        right: Box::new(Expr::Neg {
            of: Box::new(Expr::Add {
                left: Box::new(Expr::Num { value: 2.5 }),
                right: Box::new(Expr::Num { value: -0.0 }),
            }),
        }),
    };
    let leaf = Tree {
        label: s("alone"),
        children: Vec::new(),
        payload: None,
    };
    vec![(tree(), expr), (leaf, Expr::Num { value: 0.0 })]
}

pub fn pointers() -> Vec<Pointers> {
    vec![
        Pointers {
            boxed: Box::new(coord(4.0, 5.0)),
            shared: Arc::new(s("shared")),
            shared_list: Arc::new(vec![coord(1.0, 0.0)]),
            cow: Cow::Borrowed("borrowed"),
            boxed_slice: vec![1, 2, 3].into_boxed_slice(),
            boxed_blob: Box::new(bytes(1, 2)),
            shared_blob: Arc::new(bytes(3, 2)),
        },
        Pointers {
            boxed: Box::new(coord(0.0, 0.0)),
            shared: Arc::new(String::new()),
            shared_list: Arc::new(Vec::new()),
            cow: Cow::Owned(s("owned")),
            boxed_slice: Vec::new().into_boxed_slice(),
            boxed_blob: Box::new(Bytes::new()),
            shared_blob: Arc::new(Bytes::new()),
        },
    ]
}

pub fn newtypes() -> Vec<(Marker, Meters, Label, Pair, Newtypes)> {
    vec![(
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
    )]
}

pub fn blobs() -> Vec<Blobs> {
    vec![Blobs {
        field: bytes(0, 4),
        empty: Bytes::new(),
        list: vec![bytes(10, 1), Bytes::new(), bytes(250, 10)],
        maybe: Some(bytes(20, 2)),
        absent: None,
        by_name: BTreeMap::from([(s("k"), bytes(30, 3))]),
        pair: (bytes(40, 1), 40),
        chunk: Chunk {
            index: 0,
            data: bytes(50, 2),
        },
        chunks: vec![Chunk {
            index: 1,
            data: bytes(60, 1),
        }],
        newtype: BlobNewtype(bytes(70, 3)),
        variants: vec![
            Untagged::Raw(bytes(80, 1)),
            Untagged::WithBlob {
                id: 9,
                blob: bytes(90, 2),
            },
            Untagged::Text(s("between")),
            Untagged::NamedBlob {
                name: s("last"),
                blob: bytes(95, 1),
            },
        ],
    }]
}

pub fn numbers() -> Vec<Numbers> {
    vec![Numbers {
        doubles: vec![
            0.0,
            -0.0,
            1.0,
            -1.5,
            0.1,
            1.0 / 3.0,
            1e300,
            -1e300,
            1e-300,
            5e-324,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            9_007_199_254_740_992.0,
            1e21,
            1e-7,
            123_456_789.123_456_79,
        ],
        singles: vec![0.1, -0.0, f32::MAX, f32::MIN_POSITIVE, 1e-45, 3.402_823e38],
        negative_zero: -0.0,
        small: (i8::MIN, u8::MAX, i16::MIN, u16::MAX),
        large: (i32::MIN, u32::MAX),
    }]
}

pub fn strings() -> Vec<Strings> {
    let values = [
        "",
        "plain",
        "quote \" backslash \\ slash /",
        "\n\r\t\u{8}\u{c}",
        "\u{0}\u{1}\u{1f}\u{7f}",
        "é ü ß 中文 العربية עברית",
        "emoji 🦀 👩‍👩‍👧 🇺🇳",
        "e\u{301} combining",
        "\u{2028}\u{2029} line separators",
        "</script><!-- ${template} `backtick`",
        "\u{feff}BOM \u{fffd} \u{10ffff}",
    ];
    vec![Strings {
        values: values.iter().map(|v| s(v)).collect(),
        letter: '🦀',
        keyed: BTreeMap::from([
            (s("ключ"), s("значение")),
            (s("quote\"key"), s("v")),
            (s("\u{0}"), s("nul key")),
        ]),
    }]
}

/// Handler errors for `reject`.
pub fn rejections() -> Vec<Rejection> {
    vec![
        Rejection::NotFound {
            path: s("/nowhere"),
        },
        Rejection::Corrupt(bytes(0xF0, 4)),
        Rejection::Limits(1, u32::MAX),
        Rejection::Unknown,
    ]
}

pub fn extras() -> Vec<Extras> {
    let base = Extras {
        r#type: s("raw identifier"),
        empty: Empty {},
        empty_tuple: EmptyTuple(),
        outcome: Ok(1),
        outcomes: vec![Ok(coord(1.0, 2.0)), Err(Rejection::Corrupt(bytes(1, 1)))],
        non_zero: NonZeroU32::MAX,
        shared_str: Arc::from("shared str"),
        boxed_str: Box::from("boxed str"),
        either: Either::Left(coord(0.5, 0.5)),
        sparse: vec![Sparse::Unit, Sparse::EmptyTuple(), Sparse::EmptyStruct {}],
        pages: Page {
            items: vec![Page {
                items: vec![1, 2],
                next: None,
            }],
            next: Some(1),
        },
    };
    let other = Extras {
        outcome: Err(s("err")),
        outcomes: Vec::new(),
        non_zero: NonZeroU32::MIN,
        either: Either::Right(bytes(3, 3)),
        sparse: Vec::new(),
        ..base.clone()
    };
    vec![base, other]
}
