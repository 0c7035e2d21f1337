//! A channel type's round trip through serde (decode JSON, encode the value again), which the macro hands
//! the bindings description for each type that is `Serialize + DeserializeOwned`.

use std::fmt;
use std::marker::PhantomData;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes JSON text into one Rust payload type and encodes the value again.
pub type RoundTrip = fn(&str) -> Result<String, RoundTripError>;

/// Why a [`RoundTrip`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundTripError {
    /// serde refused the JSON; `column` is where in it (1-based), as serde reports it.
    Decode { message: String, column: usize },
    /// serde could not encode the decoded value.
    Encode(String),
}

/// The [`RoundTrip`] of `T`.
pub fn round_trip<T: Serialize + DeserializeOwned>(json: &str) -> Result<String, RoundTripError> {
    let value: T = serde_json::from_str(json).map_err(|e| {
        let message = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        RoundTripError::Decode {
            message: message
                .strip_suffix(&position)
                .unwrap_or(&message)
                .to_owned(),
            column: e.column(),
        }
    })?;
    serde_json::to_string(&value).map_err(|e| RoundTripError::Encode(e.to_string()))
}

/// Picks [`round_trip::<T>`] when `T` is `Serialize + DeserializeOwned`, and nothing otherwise, without
/// requiring either: the generated code calls `(&RoundTripOf::<T>::NEW).round_trip()` with both traits in
/// scope, and method lookup takes [`HasRoundTrip`] when it applies, [`NoRoundTrip`] (one reference further)
/// when not. A type that lacks a bound is reported once, where the generated code really needs it.
#[derive(Debug)]
pub struct RoundTripOf<T: ?Sized>(PhantomData<fn() -> T>);

impl<T: ?Sized> RoundTripOf<T> {
    pub const NEW: Self = Self(PhantomData);
}

/// The round trip, for a type that has one (see [`RoundTripOf`]).
pub trait HasRoundTrip {
    fn round_trip(&self) -> Option<RoundTrip>;
}

impl<T: Serialize + DeserializeOwned> HasRoundTrip for RoundTripOf<T> {
    fn round_trip(&self) -> Option<RoundTrip> {
        Some(round_trip::<T>)
    }
}

/// No round trip, for a type that has none (see [`RoundTripOf`]).
pub trait NoRoundTrip {
    fn round_trip(&self) -> Option<RoundTrip>;
}

impl<T: ?Sized> NoRoundTrip for &RoundTripOf<T> {
    fn round_trip(&self) -> Option<RoundTrip> {
        None
    }
}

/// The round trips of a trait's payload types, by their TypeScript.
#[derive(Clone, Default)]
pub struct RoundTrips(Vec<(String, RoundTrip)>);

impl RoundTrips {
    pub(crate) fn insert(&mut self, ts: &str, round_trip: RoundTrip) {
        if self.get(ts).is_none() {
            self.0.push((ts.to_owned(), round_trip));
        }
    }

    pub(crate) fn get(&self, ts: &str) -> Option<RoundTrip> {
        self.0.iter().find(|(t, _)| t == ts).map(|(_, r)| *r)
    }
}

impl fmt::Debug for RoundTrips {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(ts, _)| ts))
            .finish()
    }
}

/// Two descriptions are equal when they describe the same types: the functions are those types' own.
impl PartialEq for RoundTrips {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(&other.0).all(|(a, b)| a.0 == b.0)
    }
}

impl Eq for RoundTrips {}
