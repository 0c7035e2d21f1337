//! The truth catalogue: a trait whose arguments, replies, handler errors and events use every serde shape
//! the README supports. `tests/tests/truth.rs` captures what crosses the wire for each sample and has
//! `tsc --strict` check it against the generated types; `tests/ts/truth.test.ts` posts the values of
//! `tests/ts/truth.cases.ts` through the generated bridge, and `tests/tests/truth_reverse.rs` checks that they
//! decode in Rust to the expected values.

mod handler;
pub mod samples;
mod types;

use ipc_runtime::{Bytes, Caller, channels};

pub use handler::{Received, TruthImpl};
pub use types::*;

/// Each invoke echoes its arguments (the reply is what the handler decoded); `reject`, `check` and
/// `refuse` fail with handler errors on request; `publish` answers with the `published` event.
#[channels(allow_origins = ["app://main"])]
pub trait Truth {
    #[invoke]
    async fn external(&self, caller: Caller, input: External) -> External;

    #[invoke]
    async fn internal(&self, caller: Caller, input: Internal) -> Internal;

    #[invoke]
    async fn adjacent(&self, caller: Caller, input: Adjacent) -> Adjacent;

    #[invoke]
    async fn untagged(&self, caller: Caller, input: Untagged) -> Untagged;

    #[invoke]
    async fn flattened(&self, caller: Caller, input: Flattened) -> Flattened;

    #[invoke]
    async fn renamed(
        &self,
        caller: Caller,
        input: Renamed,
        kebab: KebabCase,
        casing: Casing,
    ) -> (Renamed, KebabCase, Casing);

    #[invoke]
    async fn optionals(&self, caller: Caller, input: Optionals) -> Optionals;

    #[invoke]
    async fn maps(&self, caller: Caller, input: Maps) -> Maps;

    #[invoke]
    async fn sequences(&self, caller: Caller, input: Sequences) -> Sequences;

    /// One generic struct at three instantiations.
    #[invoke]
    async fn pages(
        &self,
        caller: Caller,
        strings: Page<String>,
        points: Page<Coord>,
        blobs: Page<Bytes>,
    ) -> (Page<String>, Page<Coord>, Page<Bytes>);

    #[invoke]
    async fn recursive(&self, caller: Caller, tree: Tree, expr: Expr) -> (Tree, Expr);

    #[invoke]
    async fn pointers(&self, caller: Caller, input: Pointers) -> Pointers;

    /// Newtypes as arguments of their own and inside a struct.
    #[invoke]
    async fn newtypes(
        &self,
        caller: Caller,
        marker: Marker,
        meters: Meters,
        label: Label,
        pair: Pair,
        input: Newtypes,
    ) -> Newtypes;

    #[invoke]
    async fn extras(&self, caller: Caller, input: Extras) -> Extras;

    #[invoke]
    async fn blobs(&self, caller: Caller, input: Blobs) -> Blobs;

    #[invoke]
    async fn numbers(&self, caller: Caller, input: Numbers) -> Numbers;

    #[invoke]
    async fn strings(&self, caller: Caller, input: Strings) -> Strings;

    /// Always fails, with the error it was given.
    #[invoke]
    async fn reject(&self, caller: Caller, reason: Rejection) -> Result<Marker, Rejection>;

    /// Echoes the value, as the reply or (with `fail`) as the handler error.
    #[invoke]
    async fn check(
        &self,
        caller: Caller,
        input: Untagged,
        fail: bool,
    ) -> Result<Untagged, Untagged>;

    /// Fails with a string error when `message` is not empty.
    #[invoke]
    async fn refuse(&self, caller: Caller, message: String) -> Result<Page<Coord>, String>;

    /// Replies with a float JSON cannot carry.
    #[invoke]
    async fn non_finite(&self, caller: Caller, which: NonFinite) -> f64;

    /// Emits `measured` with a float JSON cannot carry; replies whether the emitter refused it.
    #[invoke]
    async fn emit_non_finite(&self, caller: Caller, which: NonFinite) -> bool;

    /// Answered with `published`, carrying the same values.
    #[send]
    async fn publish(&self, caller: Caller, tree: Tree, blobs: Blobs, external: External);

    #[event]
    fn published(tree: Tree, blobs: Blobs, external: External);

    #[event]
    fn measured(reading: f64, numbers: Numbers);

    #[event]
    fn flagged(flag: Untagged, optionals: Optionals, maps: Maps, adjacent: Adjacent);

    #[event]
    fn ticked();
}
