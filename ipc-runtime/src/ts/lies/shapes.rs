//! Shapes whose emitted TypeScript is wrong on its face: an intersection no value satisfies (an internally
//! tagged newtype variant over a non-object, a flattened map beside fields of another type), a union that
//! ts-rs leaves without parentheses, and map keys that JSON or `tsc` cannot take.

use std::collections::HashSet;

use super::Lie;
use super::assignable::{Answer, assignable};
use super::place::Place;
use super::ty::{Member, Ty};
use super::types::Types;

const STRUCT_VARIANT_FIX: &str = "make it a struct variant (`Variant { value: T }`), or tag the enum \
                                  adjacently (`#[serde(tag = \"...\", content = \"...\")]`)";

/// Checks every declaration, then each channel's own types (`roots`).
pub(crate) fn check(types: &Types, roots: &[(Place, Ty)]) -> Result<(), Lie> {
    let mut walker = Walker {
        types,
        instantiated: HashSet::new(),
    };
    for declaration in types.declarations() {
        let place = Place::of_type(&declaration.name);
        // Type parameters are judged where they are filled in (see `Ty::Ref` in `walk`).
        let open: Vec<Ty> = declaration.params.iter().map(|_| Ty::Unknown).collect();
        let body = super::types::substitute(&declaration.body, &declaration.params, &open);
        unparenthesized_union(&body, &place)?;
        walker.walk(&body, &place)?;
    }
    for (place, ty) in roots {
        walker.walk(ty, place)?;
    }
    Ok(())
}

struct Walker<'a> {
    types: &'a Types,
    /// Generic instantiations already checked, by their TypeScript text.
    instantiated: HashSet<String>,
}

impl Walker<'_> {
    fn walk(&mut self, ty: &Ty, place: &Place) -> Result<(), Lie> {
        match ty {
            Ty::Union(arms) => arms.iter().try_for_each(|arm| self.walk(arm, place)),
            Ty::Inter(parts) => {
                self.intersection(parts, place)?;
                parts.iter().try_for_each(|part| self.walk(part, place))
            }
            Ty::Map { key, value, .. } => {
                self.map_key(key, place)?;
                self.walk(value, place)
            }
            Ty::Object(members) => members
                .iter()
                .try_for_each(|m| self.walk(&m.ty, &place.member(m, members))),
            Ty::Array(item) => self.walk(item, place),
            Ty::Tuple(items) => items.iter().try_for_each(|item| self.walk(item, place)),
            Ty::Ref { name, args } if !args.is_empty() => {
                args.iter().try_for_each(|arg| self.walk(arg, place))?;
                let text = ty.to_string();
                match self.types.instantiate(name, args) {
                    Some(body)
                        if self.instantiated.len() < MAX_INSTANTIATIONS
                            && self.instantiated.insert(text.clone()) =>
                    {
                        let place = Place::of_type(&text);
                        unparenthesized_union(&body, &place)?;
                        self.walk(&body, &place)
                    }
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    /// `A & B & ...`: ts-rs writes one for an internally tagged newtype variant (`{ "kind": "A" } & T`) and
    /// for `#[serde(flatten)]` (`{ own fields } & T`). Every part must be an object, and a flattened map's
    /// values must fit every other field.
    fn intersection(&self, parts: &[Ty], place: &Place) -> Result<(), Lie> {
        let tag = parts.first().and_then(Ty::as_tag);
        // A tagged struct variant with a flattened field: `{ "kind": "A", own fields } & T`.
        let place = &match parts.first() {
            Some(Ty::Object(members)) => match members.first() {
                Some(
                    m @ Member {
                        quoted: true,
                        ty: Ty::Str(_),
                        ..
                    },
                ) => place.member(m, members),
                _ => place.clone(),
            },
            _ => place.clone(),
        };
        for part in &parts[1..] {
            let Some(what) = self.not_an_object(part, 0) else {
                continue;
            };
            return Err(match tag {
                Some((tag, variant)) => Lie::new(
                    place.with_variant(variant),
                    format!(
                        "this newtype variant of an internally tagged enum holds `{part}` ({what}): its \
                         TypeScript `{{ \"{tag}\": \"{variant}\" }} & {part}` has no value, and serde refuses \
                         to serialize it"
                    ),
                    STRUCT_VARIANT_FIX,
                ),
                None => Lie::new(
                    place.clone(),
                    format!(
                        "a `#[serde(flatten)]` field holds `{part}` ({what}): the TypeScript `{{ ... }} & \
                         {part}` has no value, and serde cannot flatten it"
                    ),
                    "flatten only structs, maps and enums whose variants are objects; otherwise drop \
                     `#[serde(flatten)]`",
                ),
            });
        }
        for part in parts {
            let Ty::Map { key, value, .. } = self.types.resolve(part) else {
                continue;
            };
            if let Some(what) = self.not_a_string(&key) {
                return Err(Lie::new(
                    place.clone(),
                    format!(
                        "a `#[serde(flatten)]` map has `{key}` keys ({what}), but serde reads the keys of a \
                         flattened map as strings only, so it refuses every such key the TypeScript allows"
                    ),
                    "give the flattened map `String` keys (or keys of a unit-only enum), or keep it in its own \
                     field without `#[serde(flatten)]`",
                ));
            }
            let others = parts
                .iter()
                .filter(|p| !matches!(self.types.resolve(p), Ty::Map { .. }));
            for member in others.flat_map(|p| self.members(p, 0)) {
                if self.covers(&key, &member.name)
                    && assignable(self.types, &member.ty, &value) == Answer::No
                {
                    let field = &member.name;
                    let member_ty = &member.ty;
                    return Err(Lie::new(
                        place.with_field(field),
                        format!(
                            "`{field}` (`{member_ty}`) sits beside a `#[serde(flatten)]` map of `{value}`: \
                             TypeScript's `{{ {field}: {member_ty} }} & {{ [key in {key}]: {value} }}` wants \
                             `{field}` to be both, so no value satisfies it"
                        ),
                        "give the map a value type that every other field fits, or keep the map in its own \
                         field without `#[serde(flatten)]`",
                    ));
                }
            }
        }
        Ok(())
    }

    /// `{ [key in K]: V }` is what ts-rs writes for every Rust map; JSON keys are strings.
    fn map_key(&self, key: &Ty, place: &Place) -> Result<(), Lie> {
        let Some((arm, problem)) = self.bad_key(key, 0) else {
            return Ok(());
        };
        let fix =
            "use `String`, integer or unit-only enum keys, or send the entries as a `Vec<(K, V)>`";
        let problem = match problem {
            BadKey::Bool => format!(
                "a map with `{key}` keys: serde_json writes a bool key as \"true\" or \"false\", but the emitted \
                 `{{ [key in {key}]: ... }}` does not compile (a mapped type's keys must be strings or numbers)"
            ),
            BadKey::Null => format!(
                "a map with `{key}` keys (`{arm}`: `()`, a unit struct or an `Option`): serde_json refuses such \
                 a key at run time (\"key must be a string\", answered as `internal`), and the emitted \
                 `{{ [key in {key}]: ... }}` does not compile"
            ),
            BadKey::Compound => format!(
                "a map with `{key}` keys (`{arm}`): serde_json writes only strings, numbers, bools and unit \
                 variants as object keys and refuses tuples, sequences, structs and variants with data at run \
                 time (\"key must be a string\", answered as `internal`), and the emitted \
                 `{{ [key in {key}]: ... }}` does not compile"
            ),
        };
        Err(Lie::new(place.clone(), problem, fix))
    }

    /// The first arm of a map's key type that is no string or number, and why.
    fn bad_key(&self, key: &Ty, depth: usize) -> Option<(Ty, BadKey)> {
        if depth > DEPTH {
            return None;
        }
        let resolved = self.types.resolve(key);
        match &resolved {
            Ty::String
            | Ty::Str(_)
            | Ty::Number
            | Ty::Num(_)
            | Ty::Unknown
            | Ty::Never
            | Ty::Ref { .. } => None,
            Ty::Boolean | Ty::Bool(_) => Some((resolved.clone(), BadKey::Bool)),
            Ty::Null | Ty::Undefined => Some((key.clone(), BadKey::Null)),
            Ty::Union(arms) => arms.iter().find_map(|arm| self.bad_key(arm, depth + 1)),
            Ty::Bytes
            | Ty::Array(_)
            | Ty::Tuple(_)
            | Ty::Object(_)
            | Ty::Map { .. }
            | Ty::Inter(_) => Some((key.clone(), BadKey::Compound)),
        }
    }

    /// What `ty` is when it is certainly no object (so it cannot be part of an intersection of objects).
    fn not_an_object(&self, ty: &Ty, depth: usize) -> Option<&'static str> {
        if depth > DEPTH {
            return None;
        }
        match self.types.resolve(ty) {
            Ty::String | Ty::Str(_) => Some("a string"),
            Ty::Number | Ty::Num(_) => Some("a number"),
            Ty::Boolean | Ty::Bool(_) => Some("a bool"),
            Ty::Null => Some("null: a unit struct, `()` or `None`"),
            Ty::Array(_) | Ty::Tuple(_) => Some("an array: a sequence or a tuple"),
            Ty::Bytes => Some("binary data"),
            Ty::Union(arms) => arms.iter().find_map(|arm| {
                self.not_an_object(arm, depth + 1)
                    .map(|_| "a union with an arm that is no object, such as a unit variant")
            }),
            Ty::Inter(parts) => parts
                .iter()
                .find_map(|part| self.not_an_object(part, depth + 1)),
            Ty::Object(_)
            | Ty::Map { .. }
            | Ty::Unknown
            | Ty::Never
            | Ty::Undefined
            | Ty::Ref { .. } => None,
        }
    }

    /// Why `key` is certainly no string, when it is not.
    fn not_a_string(&self, key: &Ty) -> Option<&'static str> {
        match self.types.resolve(key) {
            Ty::Number | Ty::Num(_) => Some("numbers"),
            Ty::Boolean | Ty::Bool(_) => Some("bools"),
            Ty::Union(arms) => arms.iter().find_map(|arm| self.not_a_string(arm)),
            _ => None,
        }
    }

    /// The properties an intersection's part contributes (every arm's, for a union).
    fn members(&self, ty: &Ty, depth: usize) -> Vec<Member> {
        if depth > DEPTH {
            return Vec::new();
        }
        match self.types.resolve(ty) {
            Ty::Object(members) => members,
            Ty::Union(items) | Ty::Inter(items) => items
                .iter()
                .flat_map(|item| self.members(item, depth + 1))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether a map with keys `key` claims the property `name`.
    fn covers(&self, key: &Ty, name: &str) -> bool {
        match self.types.resolve(key) {
            Ty::String => true,
            Ty::Str(s) => s == name,
            Ty::Number => name.parse::<f64>().is_ok(),
            Ty::Num(n) => n == name,
            Ty::Union(arms) => arms.iter().any(|arm| self.covers(arm, name)),
            _ => false,
        }
    }
}

/// How far the shape checks follow named types inside one another.
const DEPTH: usize = 16;
/// Generic instantiations checked per trait (a type whose parameters grow as it nests has no end).
const MAX_INSTANTIATIONS: usize = 1024;

enum BadKey {
    Bool,
    Null,
    Compound,
}

/// ts-rs writes an internally tagged newtype variant over a union (`A(Option<T>)`, `A(Result<T, E>)`) as
/// `{ "kind": "A" } & T | null` without parentheses, so the union's other arms lose the tag (`null` becomes
/// a value of the whole enum).
fn unparenthesized_union(body: &Ty, place: &Place) -> Result<(), Lie> {
    let Ty::Union(arms) = body else {
        return Ok(());
    };
    let mut last_tagged = None;
    let mut tag_key = None;
    for arm in arms {
        let first = match arm {
            Ty::Inter(parts) => parts.first(),
            other => Some(other),
        };
        if let (Ty::Inter(_), Some((tag, variant))) = (arm, first.and_then(Ty::as_tag)) {
            last_tagged = Some(variant);
            tag_key.get_or_insert(tag);
        }
        let (Some(tag), Some(variant)) = (tag_key, last_tagged) else {
            continue;
        };
        let has_tag =
            matches!(first, Some(Ty::Object(members)) if members.iter().any(|m| m.name == tag));
        if !has_tag {
            let held = if *arm == Ty::Null {
                "an `Option`: serde refuses to serialize it, and the emitted".to_owned()
            } else {
                format!(
                    "a union such as a `Result`: the `{arm}` arm loses the tag, since the emitted"
                )
            };
            return Err(Lie::new(
                place.with_variant(variant),
                format!(
                    "this newtype variant of an internally tagged enum holds {held} `{{ \"{tag}\": \"{variant}\" }} \
                     & ... | {arm}` has no parentheses, so `{arm}` stands for the whole enum"
                ),
                STRUCT_VARIANT_FIX,
            ));
        }
    }
    Ok(())
}
