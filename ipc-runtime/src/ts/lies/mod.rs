//! Payload shapes whose ts-rs TypeScript would lie about the wire, refused when bindings are made: an
//! intersection no value satisfies (an internally tagged newtype variant over a primitive, a flattened map
//! beside fields its values do not fit), map keys JSON or `tsc` cannot take, and keys serde leaves out
//! that the TypeScript requires (found by round-tripping samples of each type through serde).
//!
//! Every check refuses only what it is sure of: a type it cannot read (a hand-written `#[ts(type)]`, an
//! undeclared name) passes.

mod assignable;
mod locate;
mod parse;
mod place;
mod round_trip;
mod sample;
mod satisfies;
mod shapes;
mod trial;
mod ty;
mod types;

pub use round_trip::{
    HasRoundTrip, NoRoundTrip, RoundTrip, RoundTripError, RoundTripOf, RoundTrips, round_trip,
};

use super::BindingsError;
use super::describe::ApiDescription;
use place::Place;
use ty::Ty;
use types::Types;

/// One lie, in the user's terms.
#[derive(Debug)]
pub(crate) struct Lie {
    place: Place,
    problem: String,
    fix: String,
}

impl Lie {
    fn new(place: Place, problem: String, fix: impl Into<String>) -> Self {
        Self {
            place,
            problem,
            fix: fix.into(),
        }
    }

    fn into_error(self, trait_name: &str) -> BindingsError {
        BindingsError::Untruthful {
            trait_name: trait_name.to_owned(),
            place: self.place.to_string(),
            problem: self.problem,
            fix: self.fix,
        }
    }
}

/// Refuses the first lie in `api`'s payload types.
pub(super) fn check(api: &ApiDescription) -> Result<(), BindingsError> {
    let types = Types::new(api.declarations.values());
    let roots = roots(api);
    let lie = |lie: Lie| lie.into_error(&api.trait_name);
    let shapes: Vec<(Place, Ty)> = roots
        .iter()
        .map(|(place, ty, _)| (place.clone(), ty.clone()))
        .collect();
    shapes::check(&types, &shapes).map_err(lie)?;
    let trips: Vec<(Place, Ty, RoundTrip)> = roots
        .into_iter()
        .filter_map(|(place, ty, text)| Some((place, ty, api.round_trips.get(&text)?)))
        .collect();
    let widest = sample::widest_union(&types, trips.iter().map(|(_, ty, _)| ty));
    trial::check(&types, &trips, widest).map_err(lie)
}

/// Each distinct channel type, where it is first used, parsed, with its TypeScript text.
fn roots(api: &ApiDescription) -> Vec<(Place, Ty, String)> {
    let mut roots: Vec<(Place, Ty, String)> = Vec::new();
    for channel in &api.channels {
        let method = channel.method;
        let positions = channel
            .args
            .iter()
            .map(|(arg, ty)| (format!("argument `{arg}` of `{method}`"), ty))
            .chain([
                (format!("the reply of `{method}`"), &channel.output),
                (format!("the error of `{method}`"), &channel.error),
            ]);
        for (origin, text) in positions {
            if roots.iter().any(|(_, _, t)| t == text) {
                continue;
            }
            if let Some(ty) = parse::expression(text) {
                roots.push((Place::new(origin), ty, text.clone()));
            }
        }
    }
    roots
}

#[cfg(test)]
mod tests;
