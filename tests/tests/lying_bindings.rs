//! Payload shapes whose ts-rs TypeScript would lie about the wire (or not compile) are refused when the
//! bindings are made, naming the type, the field and the fix; the traits here exist to be refused
//! (`export = false`), through the same `#[channels]` expansion a user's crate gets.

use std::collections::{BTreeMap, HashMap};

use ipc_runtime::ts::{self, BindingsError};
use ipc_runtime::{Caller, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The refusal's place, problem and fix, and its full message.
fn refusal(error: BindingsError, trait_name: &str) -> (String, String, String, String) {
    let message = error.to_string();
    match error {
        BindingsError::Untruthful {
            trait_name: t,
            place,
            problem,
            fix,
        } => {
            assert_eq!(t, trait_name);
            (place, problem, fix, message)
        }
        other => panic!("expected a refusal, got {other}"),
    }
}

#[derive(Debug, Serialize, Deserialize, TS)]
pub struct Profile {
    pub name: String,
    /// serde leaves the key out when `None`; the TypeScript says `nickname: string | null`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait Profiles {
    #[invoke]
    async fn profile(&self, caller: Caller) -> Profile;
}

#[test]
fn a_key_serde_skips_without_ts_optional_is_refused() {
    let (place, problem, fix, message) =
        refusal(ts::render::<ProfilesSchema>().unwrap_err(), "Profiles");
    assert_eq!(place, "type `Profile`, field `nickname`");
    assert!(problem.contains("serde leaves it out"), "{problem}");
    assert!(fix.contains("#[ts(optional)]"), "{fix}");
    assert!(
        message.starts_with(
            "the TypeScript of `Profiles` would lie: type `Profile`, field `nickname`: the TypeScript says \
             `nickname` is always present (`nickname: string | null`)"
        ),
        "{message}"
    );
}

/// The same field, as the TypeScript shows it: with `#[ts(optional)]`, and in an argument (a renderer may
/// leave it out; serde reads its absence as `None`).
#[derive(Debug, Serialize, Deserialize, TS)]
pub struct HonestProfile {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub nickname: Option<String>,
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait HonestProfiles {
    #[invoke]
    async fn update(&self, caller: Caller, profile: HonestProfile) -> HonestProfile;
    #[event]
    fn changed(profile: HonestProfile);
}

#[test]
fn a_key_the_typescript_marks_optional_passes() {
    let file = ts::render::<HonestProfilesSchema>().unwrap();
    assert!(file.contains("nickname?: string"), "{file}");
}

#[derive(Debug, Serialize, Deserialize, TS)]
pub struct Counters {
    pub label: String,
    #[serde(flatten)]
    pub counts: HashMap<String, u32>,
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait Counting {
    #[send]
    async fn report(&self, caller: Caller, counters: Counters);
}

#[test]
fn a_flattened_map_beside_fields_it_does_not_fit_is_refused() {
    let (place, problem, fix, _) = refusal(ts::render::<CountingSchema>().unwrap_err(), "Counting");
    assert_eq!(place, "type `Counters`, field `label`");
    assert!(
        problem.contains("`label` (`string`) sits beside a `#[serde(flatten)]` map of `number`"),
        "{problem}"
    );
    assert!(fix.contains("without `#[serde(flatten)]`"), "{fix}");
}

#[derive(Debug, Serialize, Deserialize, TS)]
pub struct Grid {
    pub cells: HashMap<(u32, u32), String>,
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait Grids {
    #[invoke]
    async fn grid(&self, caller: Caller) -> Grid;
}

#[derive(Debug, Serialize, Deserialize, TS)]
pub struct Toggles {
    pub flags: BTreeMap<bool, String>,
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait Toggling {
    #[event]
    fn toggled(toggles: Toggles);
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait Lookup {
    /// A map argument of the channel itself: the place is the argument.
    #[invoke]
    async fn find(&self, caller: Caller, by_owner: BTreeMap<Option<String>, u32>) -> u32;
}

#[test]
fn map_keys_json_or_tsc_cannot_take_are_refused() {
    let (place, problem, fix, _) = refusal(ts::render::<GridsSchema>().unwrap_err(), "Grids");
    assert_eq!(place, "type `Grid`, field `cells`");
    assert!(
        problem.contains("a map with `[number, number]` keys"),
        "{problem}"
    );
    assert!(problem.contains("key must be a string"), "{problem}");
    assert!(fix.contains("`Vec<(K, V)>`"), "{fix}");

    let (place, problem, _, _) = refusal(ts::render::<TogglingSchema>().unwrap_err(), "Toggling");
    assert_eq!(place, "type `Toggles`, field `flags`");
    assert!(problem.contains("does not compile"), "{problem}");

    let (place, problem, _, _) = refusal(ts::render::<LookupSchema>().unwrap_err(), "Lookup");
    assert_eq!(place, "argument `by_owner` of `find`");
    assert!(problem.contains("`string | null` keys"), "{problem}");
}

#[derive(Debug, Serialize, Deserialize, TS)]
#[serde(tag = "kind")]
pub enum Message {
    Text(String),
    Ping { at: u32 },
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait Messages {
    #[invoke]
    async fn last(&self, caller: Caller) -> Result<Message, String>;
}

#[test]
fn an_internally_tagged_newtype_variant_over_a_primitive_is_refused() {
    let (place, problem, fix, _) = refusal(ts::render::<MessagesSchema>().unwrap_err(), "Messages");
    assert_eq!(place, "type `Message`, variant `Text`");
    assert!(
        problem.contains("its TypeScript `{ \"kind\": \"Text\" } & string` has no value"),
        "{problem}"
    );
    assert!(
        problem.contains("serde refuses to serialize it"),
        "{problem}"
    );
    assert!(fix.contains("struct variant"), "{fix}");
}

#[test]
fn the_committed_bindings_still_render() {
    ts::render::<ipc_tests::app::AppIpcSchema>().unwrap();
    ts::render::<ipc_tests::blob::BlobIpcSchema>().unwrap();
    ts::render::<ipc_tests::shapes::ShapesSchema>().unwrap();
}

/// Shapes a wide catalogue of values captured off the wire found lying (an internally tagged newtype variant
/// over a map or a unit struct, `#[serde(transparent)]`, `PhantomData`): each is refused too.
#[derive(Debug, Serialize, Deserialize, TS)]
pub struct Marker;

#[derive(Debug, Serialize, Deserialize, TS)]
#[serde(tag = "type")]
pub enum OverMap {
    Map(BTreeMap<String, u8>),
}

#[derive(Debug, Serialize, Deserialize, TS)]
#[serde(tag = "type")]
pub enum OverUnit {
    Marked(Marker),
}

#[derive(Debug, Serialize, Deserialize, TS)]
#[serde(transparent)]
pub struct Transparent {
    pub inner: Profile2,
}

#[derive(Debug, Serialize, Deserialize, TS)]
pub struct Profile2 {
    pub name: String,
}

#[derive(Debug, Serialize, Deserialize, TS)]
pub struct Phantom {
    pub name: String,
    pub unit: std::marker::PhantomData<u32>,
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait FoundOverMap {
    #[invoke]
    async fn get(&self, caller: Caller) -> OverMap;
}
#[channels(allow_origins = ["app://main"], export = false)]
pub trait FoundOverUnit {
    #[invoke]
    async fn get(&self, caller: Caller) -> OverUnit;
}
#[channels(allow_origins = ["app://main"], export = false)]
pub trait FoundTransparent {
    #[invoke]
    async fn get(&self, caller: Caller) -> Transparent;
}
#[channels(allow_origins = ["app://main"], export = false)]
pub trait FoundPhantom {
    #[invoke]
    async fn get(&self, caller: Caller) -> Phantom;
}

#[test]
fn shapes_the_truth_catalogue_found_are_refused() {
    for (result, type_name) in [
        (ts::render::<FoundOverMapSchema>(), "OverMap"),
        (ts::render::<FoundOverUnitSchema>(), "OverUnit"),
        (ts::render::<FoundTransparentSchema>(), "Transparent"),
        (ts::render::<FoundPhantomSchema>(), "Phantom"),
    ] {
        let error = result.expect_err(type_name);
        let (place, _, fix, message) = refusal(error, &format!("Found{type_name}"));
        assert!(place.contains(&format!("type `{type_name}`")), "{message}");
        assert!(!fix.is_empty(), "{message}");
    }
}
