//! The payload types of the truth catalogue: one or more of every serde shape the README supports, with
//! `Bytes` in every position a value can take.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;
use std::sync::Arc;

use ipc_runtime::Bytes;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A plain struct, reused inside the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Coord {
    pub x_pos: f64,
    pub y_pos: f64,
}

/// Externally tagged (serde's default): every variant kind, renamed variants, an untagged fallback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum External {
    Unit,
    Newtype(String),
    Tuple(i32, f64),
    Struct {
        count: u8,
        label: Option<String>,
    },
    #[serde(rename = "renamed-variant")]
    Renamed,
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    FieldsRenamed {
        first_field: u16,
        second_field: bool,
    },
    Blob(Bytes),
    BlobTuple(Bytes, u8),
    BlobStruct {
        data: Bytes,
        more: Vec<Bytes>,
    },
    Nested(Box<External>),
    Point(Coord),
    #[serde(untagged)]
    Fallback(String),
}

/// Internally tagged: unit, struct and newtype-of-struct variants (serde refuses tuple variants here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Internal {
    Unit,
    Struct {
        some_field: u32,
        blob: Bytes,
        maybe_blob: Option<Bytes>,
    },
    Newtype(Coord),
    BlobNewtype(Chunk),
    #[serde(rename = "Renamed-Variant")]
    Renamed {
        inner_value: Option<Option<i32>>,
    },
}

/// Adjacently tagged: every variant kind, `Bytes` in each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "t", content = "c", rename_all = "kebab-case")]
pub enum Adjacent {
    Unit,
    Newtype(String),
    Tuple(u8, String),
    Struct { at: Coord, note: String },
    Blob(Bytes),
    BlobTuple(Bytes, Option<Bytes>),
    BlobStruct { data: Bytes, list: Vec<Bytes> },
}

/// Untagged: serde tries the variants in order; `NamedBlob` is only reached after `WithBlob` has read
/// (and failed on) the same `Bytes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum Untagged {
    Record { id: u32, name: String },
    Text(String),
    Number(f64),
    Pair(u8, String),
    WithBlob { id: u32, blob: Bytes },
    NamedBlob { name: String, blob: Bytes },
    Raw(Bytes),
    Nothing,
}

/// A piece of a buffer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Chunk {
    pub index: u32,
    pub data: Bytes,
}

/// Flattened into [`Flattened`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub created_by: String,
    pub tags: Vec<String>,
    pub attachment: Option<Bytes>,
}

/// An internally tagged enum, flattened into [`Flattened`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "shape", rename_all = "lowercase")]
pub enum Outline {
    Circle { radius: f64 },
    Square { side: f64, blob: Bytes },
    Dot,
}

/// `flatten` of a struct and of an internally tagged enum beside plain fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Flattened {
    pub record_id: u32,
    #[serde(flatten)]
    pub meta: Meta,
    #[serde(flatten)]
    pub outline: Outline,
    pub trailing_note: String,
}

/// Renames: of the type, of all fields, of single fields to keys that need quoting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename = "RenamedStruct", rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Renamed {
    pub first_value: u8,
    #[serde(rename = "with space")]
    pub spaced: String,
    #[serde(rename = "$dollar")]
    pub dollar: bool,
    #[serde(rename = "ünï-cödé")]
    pub unicode: Casing,
    #[serde(rename = "123")]
    pub numeric: Vec<Casing>,
}

/// `rename_all = "kebab-case"`: keys with dashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub struct KebabCase {
    pub multi_word_name: String,
    pub another_one: u8,
}

/// A unit-only enum, also used as a map key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING-KEBAB-CASE")]
pub enum Casing {
    FirstChoice,
    SecondChoice,
    #[serde(rename = "third")]
    Third,
}

/// Optional values in every form serde gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Optionals {
    pub plain: Option<u32>,
    pub nested: Option<Option<String>>,
    pub blob: Option<Bytes>,
    #[serde(default)]
    pub defaulted: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omitted_when_none: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub optional: Option<Coord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub list: Vec<u16>,
    #[serde(skip)]
    pub skipped: u32,
    /// Never sent by the main side; a renderer may send it.
    #[serde(skip_serializing, default)]
    pub write_only: u8,
    /// Always sent; what a renderer sends is ignored.
    #[serde(skip_deserializing)]
    pub read_only: u8,
    pub double_blob: Option<Option<Bytes>>,
    pub defaults: Defaults,
}

/// `#[serde(default)]` on the container: every field may be missing on input.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Defaults {
    pub count: u32,
    pub name: String,
}

/// A newtype used as a map key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub struct Label(pub String);

/// Maps with string, numeric, unit-enum and newtype keys, and sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Maps {
    pub by_name: BTreeMap<String, u32>,
    pub by_number: BTreeMap<u32, String>,
    pub by_signed: BTreeMap<i16, bool>,
    pub by_small: BTreeMap<u8, Option<f64>>,
    pub by_enum: BTreeMap<Casing, Coord>,
    pub by_label: BTreeMap<Label, u8>,
    pub blobs: BTreeMap<String, Bytes>,
    pub maybe_blobs: BTreeMap<String, Option<Bytes>>,
    pub by_char: BTreeMap<char, u8>,
    pub nested: BTreeMap<String, BTreeMap<u16, Vec<Option<f32>>>>,
    pub set: BTreeSet<String>,
}

/// Tuples and arrays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Sequences {
    pub triple: (i32, String, bool),
    pub single: (String,),
    pub nested: ((u8, u8), Vec<(String, f64)>),
    pub array: [i16; 3],
    pub empty_array: [u16; 0],
    pub blob_array: [Bytes; 2],
    pub blob_tuple: (Bytes, u8),
    pub lists: Vec<Vec<u32>>,
    pub unit: (),
    pub units: Vec<()>,
}

/// A generic struct, used at several instantiations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<u32>,
}

/// A recursive struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Tree {
    pub label: String,
    pub children: Vec<Tree>,
    pub payload: Option<Bytes>,
}

/// A recursive enum through `Box`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "$op", rename_all = "lowercase")]
pub enum Expr {
    Num { value: f64 },
    Neg { of: Box<Expr> },
    Add { left: Box<Expr>, right: Box<Expr> },
}

/// Smart pointers and borrowed-or-owned data, which travel as what they point to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Pointers {
    pub boxed: Box<Coord>,
    pub shared: Arc<String>,
    pub shared_list: Arc<Vec<Coord>>,
    pub cow: Cow<'static, str>,
    pub boxed_slice: Box<[u16]>,
    pub boxed_blob: Box<Bytes>,
    pub shared_blob: Arc<Bytes>,
}

/// A unit struct (`null`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Marker;

/// A newtype over a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Meters(pub f64);

/// A newtype over a struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Wrapped(pub Coord);

/// A newtype over bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BlobNewtype(pub Bytes);

/// A tuple struct (an array).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Pair(pub u8, pub String);

/// Every newtype shape in one value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Newtypes {
    pub marker: Marker,
    pub meters: Meters,
    pub label: Label,
    pub wrapped: Wrapped,
    pub blob: BlobNewtype,
    pub pair: Pair,
}

/// `Bytes` in every position that is not an enum variant (those are in the enums above).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Blobs {
    pub field: Bytes,
    pub empty: Bytes,
    pub list: Vec<Bytes>,
    pub maybe: Option<Bytes>,
    pub absent: Option<Bytes>,
    pub by_name: BTreeMap<String, Bytes>,
    pub pair: (Bytes, u8),
    pub chunk: Chunk,
    pub chunks: Vec<Chunk>,
    pub newtype: BlobNewtype,
    pub variants: Vec<Untagged>,
}

/// Numbers at their edges. 64-bit integers are refused by design, so they are not here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Numbers {
    pub doubles: Vec<f64>,
    pub singles: Vec<f32>,
    pub negative_zero: f64,
    pub small: (i8, u8, i16, u16),
    pub large: (i32, u32),
}

/// Text: unicode, escapes and characters that are special in JSON, JavaScript or HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Strings {
    pub values: Vec<String>,
    pub letter: char,
    pub keyed: BTreeMap<String, String>,
}

/// A handler error type with `Bytes` in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Rejection {
    NotFound { path: String },
    Corrupt(Bytes),
    Limits(u32, u32),
    Unknown,
}

/// Which float JSON cannot carry to produce on the main side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum NonFinite {
    Nan,
    Infinity,
    NegativeInfinity,
}

impl NonFinite {
    pub fn value(self) -> f64 {
        match self {
            Self::Nan => f64::NAN,
            Self::Infinity => f64::INFINITY,
            Self::NegativeInfinity => f64::NEG_INFINITY,
        }
    }
}

/// Shapes met less often: empty structs and variants, a raw identifier, `Result` inside a payload,
/// `NonZeroU32`, `Arc<str>`, `Box<str>`, a generic enum, a generic struct of itself. (ts-rs refuses a
/// flattened `Option`.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Extras {
    pub r#type: String,
    pub empty: Empty,
    pub empty_tuple: EmptyTuple,
    pub outcome: Result<u8, String>,
    pub outcomes: Vec<Result<Coord, Rejection>>,
    pub non_zero: NonZeroU32,
    pub shared_str: Arc<str>,
    pub boxed_str: Box<str>,
    pub either: Either<Coord, Bytes>,
    pub sparse: Vec<Sparse>,
    pub pages: Page<Page<u8>>,
}

/// A struct with no fields (`{}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Empty {}

/// A tuple struct with no fields (`[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EmptyTuple();

/// A generic enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub enum Either<L, R> {
    Left(L),
    Right(R),
}

/// Variants with no fields, in each form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum Sparse {
    Unit,
    EmptyTuple(),
    EmptyStruct {},
}
