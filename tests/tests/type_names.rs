//! One TypeScript file declares each payload type name once. Two Rust types that share a name but not a
//! shape are refused with both Rust paths; instances of one generic type, and one type reached twice, are not.

use ipc_runtime::ts::{self, BindingsError};
use ipc_runtime::{Caller, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

mod users {
    #[derive(Debug, serde::Serialize, serde::Deserialize, ts_rs::TS)]
    pub struct Entry {
        pub name: String,
    }
}

mod orders {
    #[derive(Debug, serde::Serialize, serde::Deserialize, ts_rs::TS)]
    pub struct Entry {
        pub total: u32,
    }

    #[derive(Debug, serde::Serialize, serde::Deserialize, ts_rs::TS)]
    #[ts(rename = "OrderEntry")]
    pub struct Renamed {
        pub total: u32,
    }
}

#[derive(Debug, Serialize, Deserialize, TS)]
pub struct Page<T> {
    pub items: Vec<T>,
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait SameName {
    #[invoke]
    async fn user(&self, caller: Caller) -> users::Entry;
    #[invoke]
    async fn order(&self, caller: Caller, entry: orders::Entry);
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait Distinct {
    #[invoke]
    async fn user(&self, caller: Caller, again: users::Entry) -> users::Entry;
    #[invoke]
    async fn order(&self, caller: Caller) -> orders::Renamed;
    #[invoke]
    async fn pages(&self, caller: Caller, users: Page<users::Entry>) -> Page<orders::Renamed>;
}

#[test]
fn two_types_with_one_name_and_two_shapes_are_refused_naming_both() {
    let error = ts::render::<SameNameSchema>().unwrap_err();
    assert!(matches!(error, BindingsError::Clash { .. }), "{error}");
    let message = error.to_string();
    for part in [
        "type_names::users::Entry",
        "type_names::orders::Entry",
        "`Entry`",
        "#[ts(rename",
    ] {
        assert!(message.contains(part), "{part} missing from: {message}");
    }
}

#[test]
fn a_rename_generic_instances_and_repeated_types_render() {
    let rendered = ts::render::<DistinctSchema>().unwrap();
    assert_eq!(
        rendered.matches("export type Entry = ").count(),
        1,
        "{rendered}"
    );
    assert_eq!(
        rendered.matches("export type OrderEntry = ").count(),
        1,
        "{rendered}"
    );
    assert_eq!(
        rendered.matches("export type Page<T> = ").count(),
        1,
        "{rendered}"
    );
}
