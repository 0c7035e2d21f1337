//! Names the type and field a failing sample points at: by the name in serde's message, or by the
//! position serde reports in the sample's JSON.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::place::Place;
use super::satisfies::{Verdict, satisfies};
use super::ty::Ty;
use super::types::Types;

/// Where a member or a literal named `name` is declared in the types reachable from `root` (at `place`).
pub(crate) fn by_name(types: &Types, root: &Ty, place: &Place, name: &str) -> Option<Place> {
    find(types, root, place, name, &mut HashSet::new())
}

fn find(
    types: &Types,
    ty: &Ty,
    place: &Place,
    name: &str,
    seen: &mut HashSet<String>,
) -> Option<Place> {
    match ty {
        Ty::Object(members) => members.iter().find_map(|m| {
            let inner = place.member(m, members);
            if m.name == name {
                Some(inner)
            } else {
                find(types, &m.ty, &inner, name, seen)
            }
        }),
        Ty::Str(s) if s == name => Some(place.with_variant(s)),
        Ty::Union(items) | Ty::Inter(items) | Ty::Tuple(items) => items
            .iter()
            .find_map(|item| find(types, item, place, name, seen)),
        Ty::Array(item) => find(types, item, place, name, seen),
        Ty::Map { value, .. } => find(types, value, place, name, seen),
        Ty::Ref {
            name: type_name,
            args,
        } => {
            let text = ty.to_string();
            let in_body = match types.instantiate(type_name, args) {
                Some(body) if seen.insert(text.clone()) => {
                    find(types, &body, &Place::of_type(&text), name, seen)
                }
                _ => None,
            };
            in_body.or_else(|| {
                args.iter()
                    .find_map(|arg| find(types, arg, place, name, seen))
            })
        }
        _ => None,
    }
}

/// The place, the TypeScript there and the value itself, of the value in `sample` (a value of `root`,
/// written compactly) that serde refused at `column`.
pub(crate) fn by_column(
    types: &Types,
    root: &Ty,
    place: &Place,
    sample: &Value,
    column: usize,
) -> (Place, Ty, Value) {
    let found = walk(types, root, place, sample, &refused_path(sample, column));
    (found.place, found.ty, found.value.clone())
}

/// Other values for a string or number serde refused for its content: the formats validated types
/// commonly parse (a UUID, an RFC 3339 date-time, a date, a time, an IP address, a URL).
const STRINGS: &[&str] = &[
    "a",
    "",
    "00000000-0000-0000-0000-000000000000",
    "1970-01-01T00:00:00Z",
    "1970-01-01",
    "00:00:00",
    "127.0.0.1",
    "http://localhost/",
    "0",
];
const NUMBERS: &[u8] = &[1, 0];

/// Replaces the string or number (of TypeScript type `string` or `number`) that serde refused at `column`
/// with the next candidate not yet tried there; false when there is none left, or the refused value is
/// something else.
pub(crate) fn vary(
    types: &Types,
    root: &Ty,
    sample: &mut Value,
    column: usize,
    tried: &mut HashMap<Vec<Step>, usize>,
) -> bool {
    let path = refused_path(sample, column);
    let found = walk(types, root, &Place::new(String::new()), sample, &path);
    if found.consumed < path.len() {
        return false;
    }
    let candidates: Vec<Value> = match types.resolve(&found.ty) {
        Ty::String => STRINGS.iter().map(|s| Value::from(*s)).collect(),
        Ty::Number => NUMBERS.iter().map(|n| Value::from(*n)).collect(),
        _ => return false,
    };
    let current = found.value.clone();
    let next = tried.entry(path.clone()).or_insert(0);
    while candidates.get(*next) == Some(&current) {
        *next += 1;
    }
    let Some(candidate) = candidates.get(*next) else {
        return false;
    };
    *next += 1;
    let mut at = sample;
    for step in &path {
        at = match step {
            Step::Key(key) => &mut at[key.as_str()],
            Step::Index(i) => &mut at[*i],
        };
    }
    *at = candidate.clone();
    true
}

/// serde reports the byte before a value it refused on sight (an object for a number) and the last byte
/// of one it read first (a string for a number): the deeper of the two paths is the refused value.
fn refused_path(sample: &Value, column: usize) -> Vec<Step> {
    [column, column.saturating_sub(1)]
        .into_iter()
        .map(|offset| {
            let mut path = Vec::new();
            path_at(sample, 0, offset, &mut path);
            path
        })
        .max_by_key(Vec::len)
        .unwrap_or_default()
}

struct Found<'v> {
    place: Place,
    ty: Ty,
    value: &'v Value,
    /// Steps of the path followed (fewer than asked when the type does not say what lies further).
    consumed: usize,
}

fn walk<'v>(
    types: &Types,
    root: &Ty,
    place: &Place,
    sample: &'v Value,
    path: &[Step],
) -> Found<'v> {
    let mut found = Found {
        place: place.clone(),
        ty: root.clone(),
        value: sample,
        consumed: 0,
    };
    for step in path {
        let Some((place, ty)) = step_into(types, &found.place, &found.ty, found.value, step) else {
            break;
        };
        found = Found {
            place,
            ty,
            value: match step {
                Step::Key(key) => &found.value[key.as_str()],
                Step::Index(i) => &found.value[*i],
            },
            consumed: found.consumed + 1,
        };
    }
    found
}

/// The place of a value of `ty` found at `place`: the type's own, when it is a named one.
pub(crate) fn owner(ty: &Ty, place: &Place) -> Place {
    match ty {
        Ty::Ref { .. } => Place::of_type(&ty.to_string()),
        _ => place.clone(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

/// The keys and indices down to the innermost value whose text holds `offset` (`value` starts at `start`).
fn path_at(value: &Value, start: usize, offset: usize, path: &mut Vec<Step>) {
    let len = |v: &Value| v.to_string().len();
    let mut at = start + 1;
    let children: Vec<(Step, &Value, usize)> = match value {
        Value::Object(fields) => fields
            .iter()
            .map(|(key, child)| {
                let key_len = len(&Value::from(key.as_str())) + 1;
                (Step::Key(key.clone()), child, key_len)
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, child)| (Step::Index(i), child, 0))
            .collect(),
        _ => return,
    };
    for (i, (step, child, prefix)) in children.into_iter().enumerate() {
        if i > 0 {
            at += 1;
        }
        at += prefix;
        let end = at + len(child);
        if (at..end).contains(&offset) {
            path.push(step);
            path_at(child, at, offset, path);
            return;
        }
        at = end;
    }
}

/// One step down from `ty` (at `place`, holding `value`).
fn step_into(
    types: &Types,
    place: &Place,
    ty: &Ty,
    value: &Value,
    step: &Step,
) -> Option<(Place, Ty)> {
    let mut place = place.clone();
    let mut ty = ty.clone();
    // Named types and unions do not consume the value: follow them to the object or array it is.
    for _ in 0..32 {
        match &ty {
            Ty::Ref { name, args } => {
                let body = types.instantiate(name, args)?;
                place = Place::of_type(&ty.to_string());
                ty = body;
            }
            Ty::Union(arms) => {
                ty = arms
                    .iter()
                    .find(|arm| !matches!(satisfies(types, arm, value, &place), Verdict::No(_)))?
                    .clone();
            }
            Ty::Inter(parts) => {
                let Step::Key(key) = step else { return None };
                ty = parts
                    .iter()
                    .find(|part| has_member(types, part, key))
                    .or_else(|| {
                        parts
                            .iter()
                            .find(|p| matches!(types.resolve(p), Ty::Map { .. }))
                    })?
                    .clone();
            }
            _ => break,
        }
    }
    match (&ty, step) {
        (Ty::Object(members), Step::Key(key)) => {
            let m = members.iter().find(|m| &m.name == key)?;
            Some((place.member(m, members), m.ty.clone()))
        }
        (Ty::Map { value, .. }, Step::Key(_)) => Some((place, (**value).clone())),
        (Ty::Array(item), Step::Index(_)) => Some((place, (**item).clone())),
        (Ty::Tuple(items), Step::Index(i)) => Some((place, items.get(*i)?.clone())),
        _ => None,
    }
}

fn has_member(types: &Types, ty: &Ty, key: &str) -> bool {
    match types.resolve(ty) {
        Ty::Object(members) => members.iter().any(|m| m.name == key),
        Ty::Union(items) | Ty::Inter(items) => items.iter().any(|i| has_member(types, i, key)),
        _ => false,
    }
}
