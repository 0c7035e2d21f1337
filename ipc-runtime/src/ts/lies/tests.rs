//! The checks against real ts-rs output of derived types.

#![allow(dead_code, clippy::option_option)]

use std::collections::{BTreeMap, HashMap};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ChannelKind;
use crate::ts::{ApiBuilder, BindingsError, ChannelTs, render_api, round_trip};

/// Renders a trait with one invoke replying `T`.
fn render<T: TS + Serialize + DeserializeOwned + 'static>() -> Result<String, BindingsError> {
    let mut api = ApiBuilder::new("Probe");
    let output = api.ty::<T>();
    api.round_trip(&output, Some(round_trip::<T>));
    api.channel(ChannelTs {
        kind: ChannelKind::Invoke,
        channel: "probe:get",
        method: "get",
        docs: &[],
        args: Vec::new(),
        output,
        error: "never".to_owned(),
        allow_origins: &[],
        allow_subframes: false,
        timeout_ms: None,
        item: None,
    });
    render_api(&api.finish())
}

/// The refusal's place, problem and fix.
fn refusal<T: TS + Serialize + DeserializeOwned + 'static>() -> (String, String, String) {
    match render::<T>() {
        Err(BindingsError::Untruthful {
            trait_name,
            place,
            problem,
            fix,
        }) => {
            assert_eq!(trait_name, "Probe");
            (place, problem, fix)
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[derive(Serialize, Deserialize, TS)]
struct Skipped {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    nickname: Option<String>,
}

#[test]
fn a_key_serde_leaves_out_is_refused() {
    let (place, problem, fix) = refusal::<Skipped>();
    assert_eq!(place, "type `Skipped`, field `nickname`");
    assert!(problem.contains("`nickname: string | null`"), "{problem}");
    assert!(problem.contains("serde leaves it out"), "{problem}");
    assert!(fix.contains("#[ts(optional)]"), "{fix}");
}

#[derive(Serialize, Deserialize, TS)]
struct SkippedEmpty {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
}

#[derive(Serialize, Deserialize, TS)]
struct Nested {
    inner: Vec<Option<SkippedEmpty>>,
}

#[test]
fn a_skip_deep_inside_collections_is_found() {
    let (place, problem, _) = refusal::<Nested>();
    assert_eq!(place, "type `SkippedEmpty`, field `tags`");
    assert!(problem.contains("`tags: Array<string>`"), "{problem}");
}

/// Takes only strings shaped like a UUID, as `uuid::Uuid` does.
#[derive(Clone, Serialize, Deserialize, TS)]
#[serde(try_from = "String", into = "String")]
#[ts(as = "String")]
struct Uuidish(String);

impl TryFrom<String> for Uuidish {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        if s.len() == 36 && s.matches('-').count() == 4 {
            Ok(Self(s))
        } else {
            Err(format!("{s:?} is not a UUID"))
        }
    }
}

impl From<Uuidish> for String {
    fn from(id: Uuidish) -> Self {
        id.0
    }
}

#[derive(Serialize, Deserialize, TS)]
struct Record {
    id: Uuidish,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[test]
fn a_skip_beside_a_validated_string_is_found() {
    let (place, _, _) = refusal::<Record>();
    assert_eq!(place, "type `Record`, field `note`");
}

#[derive(Serialize, Deserialize, TS)]
struct SkippedRight {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    a: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    b: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    c: Vec<u32>,
}

#[test]
fn skips_the_typescript_shows_pass() {
    render::<SkippedRight>().unwrap();
}

#[derive(Serialize, Deserialize, TS)]
struct FlatConflict {
    name: String,
    #[serde(flatten)]
    counts: HashMap<String, u32>,
}

#[test]
fn a_flattened_map_beside_fields_of_another_type_is_refused() {
    let (place, problem, fix) = refusal::<FlatConflict>();
    assert_eq!(place, "type `FlatConflict`, field `name`");
    assert!(
        problem.contains("`#[serde(flatten)]` map of `number`"),
        "{problem}"
    );
    assert!(fix.contains("its own field"), "{fix}");
}

#[derive(Serialize, Deserialize, TS)]
#[serde(tag = "kind")]
enum TaggedFlatConflict {
    Counts {
        #[serde(flatten)]
        counts: HashMap<String, u32>,
    },
}

#[test]
fn a_tag_beside_a_flattened_map_of_another_type_is_refused() {
    let (place, problem, _) = refusal::<TaggedFlatConflict>();
    assert_eq!(
        place,
        "type `TaggedFlatConflict`, variant `Counts`, field `kind`"
    );
    assert!(problem.contains("`kind` (`\"Counts\"`)"), "{problem}");
}

#[derive(Serialize, Deserialize, TS)]
struct FlatFits {
    name: String,
    label: Option<String>,
    #[serde(flatten)]
    extra: HashMap<String, Option<String>>,
}

#[test]
fn a_flattened_map_whose_values_fit_the_fields_passes() {
    render::<FlatFits>().unwrap();
}

#[derive(Serialize, Deserialize, TS)]
struct FlatNumberKeys {
    name: String,
    #[serde(flatten)]
    rest: HashMap<u32, String>,
}

#[test]
fn a_flattened_map_with_number_keys_is_refused() {
    let (place, problem, _) = refusal::<FlatNumberKeys>();
    assert_eq!(place, "type `FlatNumberKeys`");
    assert!(problem.contains("`number` keys"), "{problem}");
}

#[derive(Serialize, Deserialize, TS)]
struct OnlyFlatNumberKeys {
    #[serde(flatten)]
    rest: HashMap<u32, String>,
}

#[test]
fn a_lone_flattened_map_with_number_keys_is_refused_by_its_samples() {
    let (place, problem, _) = refusal::<OnlyFlatNumberKeys>();
    assert_eq!(place, "the reply of `get`");
    assert!(
        problem.contains("a `OnlyFlatNumberKeys` the TypeScript allows"),
        "{problem}"
    );
    assert!(problem.contains("invalid type: string"), "{problem}");
}

/// A float key: `serde_json` writes `1.0`, JavaScript's `String(1)` is "1".
#[derive(Serialize, Deserialize, TS)]
struct Weight(f64);

impl PartialEq for Weight {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Weight {}

impl PartialOrd for Weight {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Weight {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[derive(Serialize, Deserialize, TS)]
struct ByWeight {
    items: BTreeMap<Weight, String>,
}

#[test]
fn float_keys_javascript_would_not_find_are_refused() {
    let (place, problem, fix) = refusal::<ByWeight>();
    assert_eq!(place, "type `ByWeight`, field `items`");
    assert!(problem.contains("the key \"1.0\""), "{problem}");
    assert!(fix.contains("integer"), "{fix}");
}

#[derive(Serialize, Deserialize, TS)]
struct TupleKeys {
    cells: HashMap<(u32, u32), String>,
}

#[derive(Serialize, Deserialize, TS)]
struct BoolKeys {
    flags: HashMap<bool, u32>,
}

#[derive(Serialize, Deserialize, TS)]
struct OptionKeys {
    names: BTreeMap<Option<String>, u32>,
}

#[derive(Serialize, Deserialize, TS, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Point {
    x: u32,
}

#[derive(Serialize, Deserialize, TS)]
struct StructKeys {
    at: BTreeMap<Point, u32>,
}

#[derive(Serialize, Deserialize, TS, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Mixed {
    Plain,
    Data(u32),
}

#[derive(Serialize, Deserialize, TS)]
struct EnumKeys {
    by: BTreeMap<Mixed, u32>,
}

#[test]
fn map_keys_json_or_tsc_cannot_take_are_refused() {
    let (place, problem, fix) = refusal::<TupleKeys>();
    assert_eq!(place, "type `TupleKeys`, field `cells`");
    assert!(problem.contains("`[number, number]` keys"), "{problem}");
    assert!(fix.contains("Vec<(K, V)>"), "{fix}");
    let (place, problem, _) = refusal::<BoolKeys>();
    assert_eq!(place, "type `BoolKeys`, field `flags`");
    assert!(problem.contains("\"true\""), "{problem}");
    let (place, problem, _) = refusal::<OptionKeys>();
    assert_eq!(place, "type `OptionKeys`, field `names`");
    assert!(problem.contains("key must be a string"), "{problem}");
    let (place, _, _) = refusal::<StructKeys>();
    assert_eq!(place, "type `StructKeys`, field `at`");
    let (place, problem, _) = refusal::<EnumKeys>();
    assert_eq!(place, "type `EnumKeys`, field `by`");
    assert!(problem.contains("`Mixed` keys"), "{problem}");
}

#[derive(Serialize, Deserialize, TS, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Color {
    Red,
    #[serde(rename = "green")]
    Green,
}

#[derive(Serialize, Deserialize, TS, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Id(u32);

#[derive(Serialize, Deserialize, TS)]
struct GoodKeys {
    names: HashMap<String, u32>,
    numbers: BTreeMap<i32, String>,
    colors: BTreeMap<Color, u32>,
    ids: BTreeMap<Id, u32>,
    letters: BTreeMap<char, u32>,
}

#[test]
fn string_number_and_unit_enum_keys_pass() {
    render::<GoodKeys>().unwrap();
}

#[derive(Serialize, Deserialize, TS)]
#[serde(tag = "kind")]
enum TaggedPrimitive {
    Text(String),
    Point { x: u32 },
}

#[derive(Serialize, Deserialize, TS)]
#[serde(tag = "kind")]
enum TaggedAlias {
    Point { x: u32 },
    Id(Id),
}

#[derive(Serialize, Deserialize, TS)]
#[serde(tag = "kind")]
enum TaggedList {
    Many(Vec<u32>),
}

#[derive(Serialize, Deserialize, TS)]
#[serde(tag = "kind")]
enum TaggedUnitEnum {
    Paint(Color),
}

#[test]
fn an_internally_tagged_newtype_variant_over_a_non_object_is_refused() {
    let (place, problem, fix) = refusal::<TaggedPrimitive>();
    assert_eq!(place, "type `TaggedPrimitive`, variant `Text`");
    assert!(
        problem.contains("`{ \"kind\": \"Text\" } & string`"),
        "{problem}"
    );
    assert!(fix.contains("struct variant"), "{fix}");
    assert!(fix.contains("content = "), "{fix}");
    let (place, problem, _) = refusal::<TaggedAlias>();
    assert_eq!(place, "type `TaggedAlias`, variant `Id`");
    assert!(problem.contains("a number"), "{problem}");
    let (place, problem, _) = refusal::<TaggedList>();
    assert_eq!(place, "type `TaggedList`, variant `Many`");
    assert!(problem.contains("an array"), "{problem}");
    let (place, _, _) = refusal::<TaggedUnitEnum>();
    assert_eq!(place, "type `TaggedUnitEnum`, variant `Paint`");
}

#[derive(Serialize, Deserialize, TS)]
struct Inner {
    x: u32,
}

#[derive(Serialize, Deserialize, TS)]
#[serde(tag = "kind")]
enum TaggedOption {
    Some(Option<Inner>),
    Other { y: u32 },
}

#[derive(Serialize, Deserialize, TS)]
#[serde(tag = "kind")]
enum TaggedResult {
    Done(Result<Inner, String>),
}

#[test]
fn an_internally_tagged_newtype_variant_over_a_union_is_refused() {
    let (place, problem, _) = refusal::<TaggedOption>();
    assert_eq!(place, "type `TaggedOption`, variant `Some`");
    assert!(problem.contains("an `Option`"), "{problem}");
    let (place, problem, _) = refusal::<TaggedResult>();
    assert_eq!(place, "type `TaggedResult`, variant `Done`");
    assert!(problem.contains("loses the tag"), "{problem}");
}

#[derive(Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum TaggedGood {
    Point {
        x: u32,
    },
    Boxed(Box<Inner>),
    Nothing,
    Flat {
        y: u32,
        #[serde(flatten)]
        inner: Inner,
    },
}

#[test]
fn internally_tagged_variants_over_objects_pass() {
    render::<TaggedGood>().unwrap();
}

#[derive(Serialize, Deserialize, TS)]
struct RenamedForTsOnly {
    #[ts(rename = "count")]
    total: u32,
}

#[test]
fn a_field_named_differently_for_typescript_and_serde_is_refused() {
    let (place, problem, fix) = refusal::<RenamedForTsOnly>();
    assert_eq!(place, "type `RenamedForTsOnly`, field `total`");
    assert!(problem.contains("`total`"), "{problem}");
    assert!(fix.contains("#[ts(rename)]"), "{fix}");
}

#[derive(Serialize, Deserialize, TS)]
struct Wrapper {
    id: Transparent,
}

/// ts-rs ignores `#[serde(transparent)]` on a struct with named fields: it writes `{ value: number }`.
#[derive(Serialize, Deserialize, TS)]
#[serde(transparent)]
struct Transparent {
    value: u32,
}

#[test]
fn a_transparent_struct_with_named_fields_is_refused() {
    let (place, problem, fix) = refusal::<Wrapper>();
    assert_eq!(place, "type `Wrapper`, field `id`");
    assert!(
        problem.contains("serde refuses `{\"value\":1}`, a `Transparent`"),
        "{problem}"
    );
    assert!(
        problem.contains("invalid type: map, expected u32"),
        "{problem}"
    );
    assert!(fix.contains("#[serde(transparent)]"), "{fix}");
}

#[derive(Serialize, Deserialize, TS)]
struct SkippedForTsOnly {
    name: String,
    #[ts(skip)]
    secret: String,
}

#[test]
fn a_field_only_the_typescript_skips_is_refused() {
    let (place, problem, _) = refusal::<SkippedForTsOnly>();
    assert_eq!(place, "type `SkippedForTsOnly`, field `secret`");
    assert!(problem.contains("requires it"), "{problem}");
}

mod catalogue {
    //! Shapes whose TypeScript tells the truth: none may be refused.

    use std::borrow::Cow;
    use std::collections::{BTreeMap, BTreeSet, HashMap};

    use serde::{Deserialize, Serialize};
    use ts_rs::TS;

    use super::{Color, Id, Inner, render};
    use crate::Bytes;

    #[derive(Serialize, Deserialize, TS)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub(super) struct Everything {
        plain_text: String,
        maybe: Option<Option<String>>,
        #[serde(default)]
        defaulted: u32,
        #[serde(skip)]
        skipped: u32,
        #[serde(rename = "z-index")]
        z_index: u8,
        boxed: Box<Inner>,
        borrowed: Cow<'static, str>,
        bytes: Bytes,
        many_bytes: Vec<Option<Bytes>>,
        pair: (i32, String),
        fixed: [u8; 3],
        letters: BTreeSet<char>,
        by_number: HashMap<u16, Vec<Inner>>,
        by_color: BTreeMap<Color, Id>,
        unit: (),
        nothing: Nothing,
        empty: Empty,
        external: External,
        adjacent: Adjacent,
        untagged: Untagged,
        internal: Internal,
        flat: WithFlatten,
        flat_enum: WithFlattenedEnum,
        tree: Tree,
        generic: Page<Inner>,
        generic_twice: Page<Page<String>>,
        transparent: Transparent,
        other: WithOther,
        range: std::ops::Range<u32>,
        float: f64,
    }

    #[derive(Serialize, Deserialize, TS)]
    pub(super) struct Nothing;

    #[derive(Serialize, Deserialize, TS)]
    pub(super) struct Empty {}

    #[derive(Serialize, Deserialize, TS)]
    pub(super) enum External {
        Unit,
        Newtype(u32),
        Tuple(u32, String),
        Struct {
            x: Option<u32>,
        },
        #[serde(rename = "with-dash")]
        Dashed,
    }

    #[derive(Serialize, Deserialize, TS)]
    #[serde(tag = "t", content = "c", rename_all = "snake_case")]
    pub(super) enum Adjacent {
        Text(String),
        List(Vec<u32>),
        Pair(u32, u32),
        Point { x: u32 },
        Nothing,
        Maybe(Option<Inner>),
    }

    #[derive(Serialize, Deserialize, TS)]
    #[serde(untagged)]
    pub(super) enum Untagged {
        Point { x: u32, y: u32 },
        Number(f64),
        Text(String),
        Nothing,
    }

    #[derive(Serialize, Deserialize, TS)]
    #[serde(tag = "kind", rename_all = "camelCase")]
    pub(super) enum Internal {
        Point {
            x: u32,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            label: Option<String>,
        },
        Wrapped(Inner),
        WrappedPage(Page<u32>),
        Unit,
        #[serde(rename = "renamed")]
        Other {
            #[serde(flatten)]
            inner: Inner,
        },
    }

    #[derive(Serialize, Deserialize, TS)]
    pub(super) struct WithFlatten {
        own: u32,
        #[serde(flatten)]
        inner: Inner,
        #[serde(flatten)]
        rest: HashMap<String, u32>,
    }

    #[derive(Serialize, Deserialize, TS)]
    pub(super) struct WithFlattenedEnum {
        own: u32,
        #[serde(flatten)]
        tagged: Internal,
    }

    #[derive(Serialize, Deserialize, TS)]
    pub(super) struct Tree {
        value: u32,
        children: Vec<Tree>,
        parent: Option<Box<Tree>>,
        by_name: BTreeMap<String, Tree>,
    }

    #[derive(Serialize, Deserialize, TS)]
    pub(super) struct Page<T> {
        items: Vec<T>,
        next: Option<u32>,
    }

    #[derive(Serialize, Deserialize, TS)]
    #[serde(transparent)]
    pub(super) struct Transparent(u32);

    #[derive(Serialize, Deserialize, TS)]
    #[serde(tag = "kind")]
    pub(super) enum WithOther {
        Known,
        #[serde(other)]
        Unknown,
    }

    #[test]
    fn truthful_shapes_pass() {
        if let Err(error) = render::<Everything>() {
            panic!("{error}");
        }
        render::<Tree>().unwrap();
        render::<Vec<Option<Internal>>>().unwrap();
        render::<HashMap<String, Untagged>>().unwrap();
        render::<(External, Adjacent)>().unwrap();
    }
}

mod machinery {
    //! The parser and the sampler over the catalogue: a declaration that does not parse, or a sample serde
    //! refuses, would leave a type unchecked without a word.

    use super::super::parse;
    use super::super::sample::{Choices, sample, widest_union};
    use super::super::types::Types;
    use super::catalogue::Everything;
    use crate::ts::{ApiBuilder, RoundTripError, round_trip};

    fn declarations() -> Vec<String> {
        let mut api = ApiBuilder::new("Probe");
        api.ty::<Everything>();
        api.finish().declarations.into_values().collect()
    }

    #[test]
    fn every_declaration_of_the_catalogue_parses_and_prints_back() {
        let declarations = declarations();
        assert!(declarations.len() > 15, "{declarations:?}");
        for source in &declarations {
            let parsed = parse::declaration(source).unwrap_or_else(|| panic!("{source}"));
            let printed = parse::expression(&parsed.body.to_string()).unwrap();
            assert_eq!(printed, parsed.body, "{source}");
        }
    }

    #[test]
    fn every_sample_of_the_catalogue_round_trips() {
        let declarations = declarations();
        let types = Types::new(&declarations);
        let root = parse::expression("Everything").unwrap();
        let widest = widest_union(&types, [&root]);
        let (mut decoded, mut all) = (0, 0);
        for choices in Choices::all(widest) {
            let sample = sample(&types, &root, choices.clone())
                .unwrap_or_else(|| panic!("no sample for {choices:?}"));
            let json = sample.value.to_string();
            all += 1;
            match round_trip::<Everything>(&json) {
                Ok(_) => decoded += 1,
                // An empty string is no `char`: content, not shape, and the check lets it pass.
                Err(RoundTripError::Decode { message, .. })
                    if message == "invalid value: string \"\", expected a character" => {}
                Err(error) => panic!("{choices:?}: {error:?}\n{json}"),
            }
        }
        assert!(all >= 12 && decoded * 3 >= all, "{decoded} of {all}");
    }
}
