//! Whether a JSON value (what serde actually sent) is a value of a TypeScript type, and if not, where and
//! why not.

use serde_json::{Map, Value};

use super::place::Place;
use super::ty::{Member, Ty};
use super::types::Types;

/// How many named types in a row may be followed without consuming any of the value (an alias cycle).
const MAX_ALIASES: usize = 32;

#[derive(Debug)]
pub(crate) enum Verdict {
    Yes,
    /// The type holds something these checks cannot judge.
    Unknown,
    No(Mismatch),
}

#[derive(Debug, Clone)]
pub(crate) struct Mismatch {
    pub(crate) place: Place,
    pub(crate) problem: Problem,
    /// How far into the value the mismatch lies: of a union's failing arms, the one that got furthest is
    /// reported (the arm whose tag matched, usually).
    score: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum Problem {
    /// A key the type requires is absent; `unknown` are the keys present that the type does not declare.
    MissingKey {
        key: String,
        ty: Ty,
        unknown: Vec<String>,
    },
    /// A map key is not the string JavaScript makes of the number the TypeScript key type promises.
    NumberKey { key: String },
    /// A value of another type.
    Value { expected: Ty, found: Value },
}

pub(crate) fn satisfies(types: &Types, ty: &Ty, value: &Value, place: &Place) -> Verdict {
    Checker { types }.check(ty, value, place, 0, 0)
}

struct Checker<'a> {
    types: &'a Types,
}

impl Checker<'_> {
    fn check(
        &self,
        ty: &Ty,
        value: &Value,
        place: &Place,
        depth: usize,
        aliases: usize,
    ) -> Verdict {
        let no = |score| {
            Verdict::No(Mismatch {
                place: place.clone(),
                problem: Problem::Value {
                    expected: ty.clone(),
                    found: value.clone(),
                },
                score,
            })
        };
        let yes_if = |ok: bool| if ok { Verdict::Yes } else { no(depth) };
        match ty {
            Ty::Unknown => Verdict::Unknown,
            Ty::Undefined | Ty::Never => no(depth),
            Ty::String => yes_if(value.is_string()),
            Ty::Number => yes_if(value.is_number()),
            Ty::Boolean => yes_if(value.is_boolean()),
            Ty::Null => yes_if(value.is_null()),
            Ty::Str(s) => yes_if(value.as_str() == Some(s)),
            Ty::Bool(b) => yes_if(value.as_bool() == Some(*b)),
            Ty::Num(n) => yes_if(
                value
                    .as_f64()
                    .zip(n.parse::<f64>().ok())
                    .is_some_and(|(a, b)| (a - b).abs() == 0.0),
            ),
            // Outside an envelope `Bytes` is an array of numbers; inside, a `{"$bin": n}` placeholder.
            Ty::Bytes => yes_if(match value {
                Value::Array(items) => items.iter().all(|i| i.as_u64().is_some_and(|b| b <= 255)),
                Value::Object(fields) => fields.len() == 1 && fields.contains_key("$bin"),
                _ => false,
            }),
            Ty::Array(item) => match value.as_array() {
                Some(items) => all(items
                    .iter()
                    .map(|v| self.check(item, v, place, depth + 1, 0))),
                None => no(depth),
            },
            Ty::Tuple(types) => match value.as_array() {
                Some(items) if items.len() == types.len() => all(types
                    .iter()
                    .zip(items)
                    .map(|(t, v)| self.check(t, v, place, depth + 1, 0))),
                _ => no(depth),
            },
            Ty::Object(members) => match value.as_object() {
                Some(fields) => self.object(members, fields, place, depth),
                None => no(depth),
            },
            Ty::Map {
                key, value: item, ..
            } => {
                let Some(fields) = value.as_object() else {
                    return no(depth);
                };
                all(fields
                    .iter()
                    .map(|(k, v)| match self.key(key, k, place, depth) {
                        Verdict::Yes => self.check(item, v, place, depth + 1, 0),
                        other => other,
                    }))
            }
            Ty::Union(arms) => self.union(arms, value, place, depth, aliases),
            Ty::Inter(parts) => all(parts
                .iter()
                .map(|part| self.check(part, value, place, depth, aliases))),
            Ty::Ref { name, args } => match self.types.instantiate(name, args) {
                Some(body) if aliases < MAX_ALIASES => {
                    let inner = Place::of_type(&ty.to_string());
                    self.check(&body, value, &inner, depth, aliases + 1)
                }
                _ => Verdict::Unknown,
            },
        }
    }

    fn object(
        &self,
        members: &[Member],
        fields: &Map<String, Value>,
        place: &Place,
        depth: usize,
    ) -> Verdict {
        let shallow = || {
            Verdict::No(Mismatch {
                place: place.clone(),
                problem: Problem::Value {
                    expected: Ty::Object(members.to_vec()),
                    found: Value::Object(fields.clone()),
                },
                score: depth,
            })
        };
        // Literal-typed members (tags) first: an arm whose tag does not match fails shallowest.
        let (tags, rest): (Vec<_>, Vec<_>) = members
            .iter()
            .partition(|m| matches!(m.ty, Ty::Str(_) | Ty::Num(_) | Ty::Bool(_)));
        for m in &tags {
            match fields.get(&m.name) {
                Some(v) => {
                    if let Verdict::No(_) = self.check(&m.ty, v, place, depth, 0) {
                        return shallow();
                    }
                }
                None if m.optional => {}
                None => return shallow(),
            }
        }
        all(rest.iter().map(|m| {
            let inner = place.member(m, members);
            match fields.get(&m.name) {
                Some(v) => self.check(&m.ty, v, &inner, depth + 1, 0),
                None if m.optional => Verdict::Yes,
                None => Verdict::No(Mismatch {
                    place: inner,
                    problem: Problem::MissingKey {
                        key: m.name.clone(),
                        ty: m.ty.clone(),
                        unknown: fields
                            .keys()
                            .filter(|k| !members.iter().any(|m| &m.name == *k))
                            .cloned()
                            .collect(),
                    },
                    score: depth + 1,
                }),
            }
        }))
    }

    /// Some arm must hold; when none does, the failure of the arm that got furthest is the one to report.
    fn union(
        &self,
        arms: &[Ty],
        value: &Value,
        place: &Place,
        depth: usize,
        aliases: usize,
    ) -> Verdict {
        let mut best: Option<Mismatch> = None;
        let mut unknown = false;
        for arm in arms {
            match self.check(arm, value, place, depth, aliases) {
                Verdict::Yes => return Verdict::Yes,
                Verdict::Unknown => unknown = true,
                Verdict::No(m) => {
                    if best.as_ref().is_none_or(|b| m.score > b.score) {
                        best = Some(m);
                    }
                }
            }
        }
        match best {
            Some(m) if !unknown => Verdict::No(m),
            _ => Verdict::Unknown,
        }
    }

    /// Whether `k` is a key of a map whose TypeScript key type is `key`.
    fn key(&self, key: &Ty, k: &str, place: &Place, depth: usize) -> Verdict {
        match self.types.resolve(key) {
            Ty::Number if js_number(k) => Verdict::Yes,
            Ty::Number => Verdict::No(Mismatch {
                place: place.clone(),
                problem: Problem::NumberKey { key: k.to_owned() },
                score: depth + 1,
            }),
            Ty::Union(arms) => {
                let verdicts: Vec<Verdict> =
                    arms.iter().map(|a| self.key(a, k, place, depth)).collect();
                if verdicts.iter().any(|v| matches!(v, Verdict::Yes)) {
                    Verdict::Yes
                } else {
                    verdicts
                        .into_iter()
                        .find(|v| matches!(v, Verdict::No(_)))
                        .unwrap_or(Verdict::Unknown)
                }
            }
            other => self.check(&other, &Value::from(k), place, depth + 1, 0),
        }
    }
}

fn all(verdicts: impl IntoIterator<Item = Verdict>) -> Verdict {
    let mut result = Verdict::Yes;
    for verdict in verdicts {
        match verdict {
            Verdict::No(m) => return Verdict::No(m),
            Verdict::Unknown => result = Verdict::Unknown,
            Verdict::Yes => {}
        }
    }
    result
}

/// Whether `key` is exactly the string JavaScript makes of a number (`String(1)` is "1", not "1.0"), so that
/// indexing the map with that number finds it.
fn js_number(key: &str) -> bool {
    let Ok(number) = key.parse::<f64>() else {
        return false;
    };
    if !number.is_finite() {
        return false;
    }
    let written = if number == 0.0 {
        "0".to_owned()
    } else if (1e-6..1e21).contains(&number.abs()) {
        format!("{number}")
    } else {
        let scientific = format!("{number:e}");
        match scientific.split_once('e') {
            Some((mantissa, exponent)) if !exponent.starts_with('-') => {
                format!("{mantissa}e+{exponent}")
            }
            _ => scientific,
        }
    };
    written == key
}
