//! The catalogue's handler: records the arguments of every call as it decoded them, and echoes them.

use std::sync::{Mutex, PoisonError};

use ipc_runtime::{Bytes, Caller};

use super::{
    Adjacent, Blobs, Casing, Coord, Expr, External, Extras, Flattened, Internal, KebabCase, Label,
    Maps, Marker, Meters, Newtypes, NonFinite, Numbers, Optionals, Page, Pair, Pointers, Rejection,
    Renamed, Sequences, Strings, Tree, Truth, TruthEvents, Untagged,
};

/// The arguments one call decoded to, by channel.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    External(External),
    Internal(Internal),
    Adjacent(Adjacent),
    Untagged(Untagged),
    Flattened(Flattened),
    Renamed(Renamed, KebabCase, Casing),
    Optionals(Optionals),
    Maps(Maps),
    Sequences(Sequences),
    Pages(Page<String>, Page<Coord>, Page<Bytes>),
    Recursive(Tree, Expr),
    Pointers(Pointers),
    Newtypes(Marker, Meters, Label, Pair, Newtypes),
    Extras(Extras),
    Blobs(Blobs),
    Numbers(Numbers),
    Strings(Strings),
    Reject(Rejection),
    Check(Untagged, bool),
    Refuse(String),
    NonFinite(NonFinite),
    EmitNonFinite(NonFinite),
    Publish(Tree, Blobs, External),
}

/// Echoes every call and keeps what it received, in arrival order.
#[derive(Debug, Default)]
pub struct TruthImpl {
    received: Mutex<Vec<Received>>,
}

impl TruthImpl {
    /// Everything received so far, oldest first; empties the record.
    pub fn take_received(&self) -> Vec<Received> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Received>> {
        self.received.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, received: Received) {
        self.lock().push(received);
    }
}

impl Truth for TruthImpl {
    async fn external(&self, _caller: Caller, value: External) -> External {
        self.record(Received::External(value.clone()));
        value
    }

    async fn internal(&self, _caller: Caller, value: Internal) -> Internal {
        self.record(Received::Internal(value.clone()));
        value
    }

    async fn adjacent(&self, _caller: Caller, value: Adjacent) -> Adjacent {
        self.record(Received::Adjacent(value.clone()));
        value
    }

    async fn untagged(&self, _caller: Caller, value: Untagged) -> Untagged {
        self.record(Received::Untagged(value.clone()));
        value
    }

    async fn flattened(&self, _caller: Caller, value: Flattened) -> Flattened {
        self.record(Received::Flattened(value.clone()));
        value
    }

    async fn renamed(
        &self,
        _caller: Caller,
        value: Renamed,
        kebab: KebabCase,
        casing: Casing,
    ) -> (Renamed, KebabCase, Casing) {
        self.record(Received::Renamed(value.clone(), kebab.clone(), casing));
        (value, kebab, casing)
    }

    async fn optionals(&self, _caller: Caller, value: Optionals) -> Optionals {
        self.record(Received::Optionals(value.clone()));
        value
    }

    async fn maps(&self, _caller: Caller, value: Maps) -> Maps {
        self.record(Received::Maps(value.clone()));
        value
    }

    async fn sequences(&self, _caller: Caller, value: Sequences) -> Sequences {
        self.record(Received::Sequences(value.clone()));
        value
    }

    async fn pages(
        &self,
        _caller: Caller,
        strings: Page<String>,
        points: Page<Coord>,
        blobs: Page<Bytes>,
    ) -> (Page<String>, Page<Coord>, Page<Bytes>) {
        self.record(Received::Pages(
            strings.clone(),
            points.clone(),
            blobs.clone(),
        ));
        (strings, points, blobs)
    }

    async fn recursive(&self, _caller: Caller, tree: Tree, expr: Expr) -> (Tree, Expr) {
        self.record(Received::Recursive(tree.clone(), expr.clone()));
        (tree, expr)
    }

    async fn pointers(&self, _caller: Caller, value: Pointers) -> Pointers {
        self.record(Received::Pointers(value.clone()));
        value
    }

    async fn newtypes(
        &self,
        _caller: Caller,
        marker: Marker,
        meters: Meters,
        label: Label,
        pair: Pair,
        value: Newtypes,
    ) -> Newtypes {
        self.record(Received::Newtypes(
            marker,
            meters,
            label,
            pair,
            value.clone(),
        ));
        value
    }

    async fn extras(&self, _caller: Caller, value: Extras) -> Extras {
        self.record(Received::Extras(value.clone()));
        value
    }

    async fn blobs(&self, _caller: Caller, value: Blobs) -> Blobs {
        self.record(Received::Blobs(value.clone()));
        value
    }

    async fn numbers(&self, _caller: Caller, value: Numbers) -> Numbers {
        self.record(Received::Numbers(value.clone()));
        value
    }

    async fn strings(&self, _caller: Caller, value: Strings) -> Strings {
        self.record(Received::Strings(value.clone()));
        value
    }

    async fn reject(&self, _caller: Caller, reason: Rejection) -> Result<Marker, Rejection> {
        self.record(Received::Reject(reason.clone()));
        Err(reason)
    }

    async fn check(
        &self,
        _caller: Caller,
        value: Untagged,
        fail: bool,
    ) -> Result<Untagged, Untagged> {
        self.record(Received::Check(value.clone(), fail));
        if fail { Err(value) } else { Ok(value) }
    }

    async fn refuse(&self, _caller: Caller, message: String) -> Result<Page<Coord>, String> {
        self.record(Received::Refuse(message.clone()));
        if message.is_empty() {
            Ok(Page {
                items: vec![Coord {
                    x_pos: 1.5,
                    y_pos: -2.25,
                }],
                next: None,
            })
        } else {
            Err(message)
        }
    }

    async fn non_finite(&self, _caller: Caller, which: NonFinite) -> f64 {
        self.record(Received::NonFinite(which));
        which.value()
    }

    async fn emit_non_finite(&self, caller: Caller, which: NonFinite) -> bool {
        self.record(Received::EmitNonFinite(which));
        let numbers = Numbers {
            doubles: vec![1.0, which.value()],
            singles: Vec::new(),
            negative_zero: -0.0,
            small: (0, 0, 0, 0),
            large: (0, 0),
        };
        TruthEvents::new(caller.emitter())
            .measured(which.value(), numbers)
            .is_err()
    }

    async fn publish(&self, caller: Caller, tree: Tree, blobs: Blobs, external: External) {
        self.record(Received::Publish(
            tree.clone(),
            blobs.clone(),
            external.clone(),
        ));
        // A refused event shows up in the test as a missing `published`.
        let _ = TruthEvents::new(caller.emitter()).published(tree, blobs, external);
    }
}
