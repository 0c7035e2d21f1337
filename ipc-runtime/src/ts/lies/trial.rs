//! What serde really does with values the TypeScript allows. For each channel type, samples built from its
//! TypeScript (what a renderer may send) are decoded into the Rust type and encoded again, as the wire
//! does; the JSON that comes back must be a value of the same TypeScript. That is how a key serde leaves
//! out (`skip_serializing_if` without `#[ts(optional)]`) shows: no TypeScript text reveals it.

use std::collections::HashMap;

use serde_json::Value;

use super::place::Place;
use super::round_trip::{RoundTrip, RoundTripError};
use super::sample::{Choices, Sample, sample};
use super::satisfies::{Mismatch, Problem, Verdict, satisfies};
use super::ty::Ty;
use super::types::Types;
use super::{Lie, locate};

/// Runs the samples of every root (a channel's own type, its TypeScript text, its round trip).
pub(crate) fn check(
    types: &Types,
    roots: &[(Place, Ty, RoundTrip)],
    widest: usize,
) -> Result<(), Lie> {
    for (place, ty, round_trip) in roots {
        for choices in Choices::all(widest) {
            if let Some(sample) = sample(types, ty, choices) {
                run(types, place, ty, *round_trip, sample)?;
            }
        }
    }
    Ok(())
}

/// How many times one sample is retried with another string or number where serde refused one for its
/// content.
const MAX_RETRIES: usize = 32;

fn run(
    types: &Types,
    place: &Place,
    ty: &Ty,
    round_trip: RoundTrip,
    sample: Sample,
) -> Result<(), Lie> {
    let Sample { mut value, guessed } = sample;
    let mut tried = HashMap::new();
    for _ in 0..MAX_RETRIES {
        let json = value.to_string();
        match round_trip(&json) {
            Ok(back) => {
                let value: Value = serde_json::from_str(&back).unwrap_or(Value::Null);
                return match satisfies(types, ty, &value, place) {
                    Verdict::No(mismatch) => Err(mismatch_lie(mismatch, &back)),
                    Verdict::Yes | Verdict::Unknown => Ok(()),
                };
            }
            Err(RoundTripError::Encode(error)) => {
                return Err(Lie::new(
                    place.clone(),
                    format!(
                        "serde cannot encode a value the TypeScript allows ({}): {error}, so the runtime \
                         would answer `internal`",
                        excerpt(&json)
                    ),
                    "make the TypeScript match what serde can write",
                ));
            }
            Err(RoundTripError::Decode { message, column }) => {
                // A guess (for `unknown`) proves nothing when refused.
                if guessed {
                    return Ok(());
                }
                let refused = Refused {
                    root: ty,
                    place,
                    sample: &value,
                    column,
                };
                if let Some(lie) = refused.lie(types, &message) {
                    return Err(lie);
                }
                if !locate::vary(types, ty, &mut value, column, &mut tried) {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

fn mismatch_lie(mismatch: Mismatch, back: &str) -> Lie {
    let sent = excerpt(back);
    match mismatch.problem {
        Problem::MissingKey { key, ty, unknown } if unknown.is_empty() => Lie::new(
            mismatch.place,
            format!(
                "the TypeScript says `{key}` is always present (`{key}: {ty}`), but serde leaves it out \
                 (it sent {sent}): a `skip_serializing_if` or `skip_serializing` that the TypeScript does not \
                 show"
            ),
            "add `#[ts(optional)]` to the field (an `Option`), or `#[serde(default)]` (ts-rs then marks it \
             optional)",
        ),
        Problem::MissingKey { key, ty, unknown } => Lie::new(
            mismatch.place,
            format!(
                "the TypeScript requires `{key}` (`{key}: {ty}`), but serde sent {sent}, with `{}` instead: \
                 the two name the field differently",
                unknown.join("`, `")
            ),
            "name it the same for both: ts-rs reads `#[serde(rename)]`, serde does not read `#[ts(rename)]`",
        ),
        Problem::NumberKey { key } => Lie::new(
            mismatch.place,
            format!(
                "the TypeScript types this map's keys as numbers, but serde wrote the key {key:?}, which is not \
                 how JavaScript writes that number, so indexing the map with it finds nothing"
            ),
            "use integer or `String` keys",
        ),
        Problem::Value { expected, found } => Lie::new(
            mismatch.place,
            format!(
                "serde sent {} where the TypeScript says `{expected}`",
                excerpt(&found.to_string())
            ),
            "make the TypeScript match what serde writes: a `#[serde(with)]`, `#[serde(serialize_with)]` or \
             hand-written `Serialize` needs a matching `#[ts(type)]` or `#[ts(as)]`",
        ),
    }
}

/// A sample of `root` that serde refused, at `column` of its JSON.
struct Refused<'a> {
    root: &'a Ty,
    place: &'a Place,
    sample: &'a Value,
    column: usize,
}

impl Refused<'_> {
    /// The lie, when serde refused the sample for its shape (not for its content: a UUID or a non-zero
    /// number refuses most strings or numbers the TypeScript allows, and that is no lie worth refusing a
    /// binding for).
    fn lie(&self, types: &Types, error: &str) -> Option<Lie> {
        let quoted = |prefix: &str| {
            error
                .strip_prefix(prefix)
                .and_then(|rest| rest.split('`').nth(1))
                .map(str::to_owned)
        };
        let (place, ts, refused) =
            locate::by_column(types, self.root, self.place, self.sample, self.column);
        let refused = excerpt(&refused.to_string());
        if let Some(field) = quoted("missing field ") {
            // serde reports the end of the object that lacks the field.
            let place = locate::owner(&ts, &place).with_field(&field);
            return Some(Lie::new(
                place,
                format!(
                    "serde refuses {refused}, which the TypeScript allows: the TypeScript lets a renderer \
                     leave out `{field}` (or names it differently), but serde requires it, so the call fails \
                     as `invalid_input`"
                ),
                "make the field optional for serde too (`#[serde(default)]`) or required in the TypeScript; a \
                 `#[ts(rename)]`, `#[ts(skip)]` or `#[ts(optional)]` must be matched on the serde side",
            ));
        }
        let name = quoted("unknown field ").or_else(|| quoted("unknown variant "));
        if name.is_none() && !error.starts_with("invalid type: ") {
            return None;
        }
        let place = name
            .and_then(|n| locate::by_name(types, self.root, self.place, &n))
            .unwrap_or(place);
        Some(Lie::new(
            place,
            format!(
                "serde refuses {refused}, a `{ts}` the TypeScript allows ({error}), so the call fails as \
                 `invalid_input`"
            ),
            "make the TypeScript match what serde reads: ts-rs ignores `#[serde(transparent)]` on a struct \
             with named fields, and serde does not read `#[ts(rename)]`, `#[ts(type)]` or `#[ts(as)]`",
        ))
    }
}

fn excerpt(json: &str) -> String {
    const MAX: usize = 120;
    if json.len() <= MAX {
        return format!("`{json}`");
    }
    let cut = (0..=MAX)
        .rev()
        .find(|&i| json.is_char_boundary(i))
        .unwrap_or(0);
    format!("`{}...`", &json[..cut])
}
