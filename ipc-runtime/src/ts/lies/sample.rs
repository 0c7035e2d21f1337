//! Builds JSON values that a TypeScript type allows: what a renderer may send. Each sample makes its own
//! choices (which union arm, empty or filled collections, optional keys present or not), so that over
//! all samples every arm and both kinds of collection are seen.

use serde_json::{Map, Value};

use super::ty::Ty;
use super::types::Types;

/// Beyond this many named types deep, or this many values into a sample, a sample takes the cheapest
/// choices (empty collections, absent optional keys, `null` where allowed), so that recursive types end.
const FULL_DEPTH: usize = 4;
const FULL_NODES: usize = 2048;
/// Beyond these, no sample is made at all (a type that cannot end, or one too large to sample).
const MAX_DEPTH: usize = 12;
const MAX_NODES: usize = 16_384;

/// The choices of one sample.
#[derive(Debug, Clone)]
pub(crate) enum Choices {
    /// Union arm `arm % n` everywhere; collections all empty or all filled.
    Fixed { arm: usize, empty: bool },
    /// Choices drawn from a small deterministic generator seeded with the value.
    Drawn(u64),
}

impl Choices {
    /// A fixed set of samples: every union arm (up to `widest`) with empty and with filled collections, then
    /// as many drawn at random, so that arms of nested unions are also seen in other combinations.
    pub(crate) fn all(widest: usize) -> impl Iterator<Item = Self> {
        let fixed = (0..widest.max(1))
            .flat_map(|arm| [false, true].map(|empty| Self::Fixed { arm, empty }));
        let drawn = (0..2 * widest.max(4) as u64).map(|seed| Self::Drawn(seed.wrapping_add(1)));
        fixed.chain(drawn)
    }

    fn arm(&mut self, n: usize) -> usize {
        match self {
            Self::Fixed { arm, .. } => *arm % n,
            Self::Drawn(_) => usize::try_from(self.draw() % n as u64).unwrap_or(0),
        }
    }

    fn empty(&mut self) -> bool {
        match self {
            Self::Fixed { empty, .. } => *empty,
            Self::Drawn(_) => self.draw() % 2 == 0,
        }
    }

    /// splitmix64.
    fn draw(&mut self) -> u64 {
        let Self::Drawn(state) = self else { return 0 };
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// A value the TypeScript allows.
#[derive(Debug)]
pub(crate) struct Sample {
    pub(crate) value: Value,
    /// Part of it stands for a type these checks cannot judge (`unknown`): the TypeScript does not promise
    /// that serde takes it.
    pub(crate) guessed: bool,
}

/// A value of `ty`, or `None` when none could be made (an unknown name, `never`, a type with no end).
pub(crate) fn sample(types: &Types, ty: &Ty, choices: Choices) -> Option<Sample> {
    let mut sampler = Sampler {
        types,
        choices,
        nodes: 0,
        guessed: false,
    };
    let value = sampler.value(ty, 0)?;
    Some(Sample {
        value,
        guessed: sampler.guessed,
    })
}

/// The widest union among `types` and `roots`, which bounds the fixed samples worth making.
pub(crate) fn widest_union<'a>(types: &'a Types, roots: impl IntoIterator<Item = &'a Ty>) -> usize {
    fn widest(ty: &Ty) -> usize {
        match ty {
            Ty::Union(arms) => arms.iter().map(widest).max().unwrap_or(0).max(arms.len()),
            Ty::Inter(items) | Ty::Tuple(items) | Ty::Ref { args: items, .. } => {
                items.iter().map(widest).max().unwrap_or(0)
            }
            Ty::Array(item) => widest(item),
            Ty::Map { key, value, .. } => widest(key).max(widest(value)),
            Ty::Object(members) => members.iter().map(|m| widest(&m.ty)).max().unwrap_or(0),
            _ => 0,
        }
    }
    types
        .declarations()
        .map(|d| &d.body)
        .chain(roots)
        .map(widest)
        .max()
        .unwrap_or(0)
}

struct Sampler<'a> {
    types: &'a Types,
    choices: Choices,
    nodes: usize,
    guessed: bool,
}

impl Sampler<'_> {
    /// `depth` counts the named types followed to get here.
    fn value(&mut self, ty: &Ty, depth: usize) -> Option<Value> {
        self.nodes += 1;
        if self.nodes > MAX_NODES || depth > MAX_DEPTH {
            return None;
        }
        let cheap = depth > FULL_DEPTH || self.nodes > FULL_NODES;
        let empty = cheap || self.choices.empty();
        Some(match ty {
            Ty::String => Value::from(if empty { "" } else { "a" }),
            Ty::Number => Value::from(u8::from(!empty)),
            Ty::Boolean => Value::from(!empty),
            Ty::Null => Value::Null,
            Ty::Unknown => {
                self.guessed = true;
                Value::Null
            }
            Ty::Undefined | Ty::Never => return None,
            Ty::Str(s) => Value::from(s.as_str()),
            Ty::Num(n) => serde_json::from_str(n).ok()?,
            Ty::Bool(b) => Value::from(*b),
            Ty::Bytes => Value::Array(if empty {
                Vec::new()
            } else {
                vec![Value::from(1)]
            }),
            Ty::Array(item) => Value::Array(match (empty, self.value(item, depth)) {
                (false, Some(v)) => vec![v],
                _ => Vec::new(),
            }),
            Ty::Tuple(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.value(item, depth))
                    .collect::<Option<_>>()?,
            ),
            Ty::Object(members) => {
                let mut object = Map::new();
                for m in members {
                    if m.optional && (cheap || self.choices.empty()) {
                        continue;
                    }
                    match self.value(&m.ty, depth) {
                        Some(v) => {
                            object.insert(m.name.clone(), v);
                        }
                        None if m.optional => {}
                        None => return None,
                    }
                }
                Value::Object(object)
            }
            Ty::Map { key, value, .. } => {
                let mut object = Map::new();
                if !empty && let (Some(k), Some(v)) = (self.key(key), self.value(value, depth)) {
                    object.insert(k, v);
                }
                Value::Object(object)
            }
            Ty::Union(arms) => return self.arm(arms, depth, cheap),
            Ty::Inter(parts) => {
                let mut object = Map::new();
                for part in parts {
                    match self.value(part, depth)? {
                        Value::Object(fields) => object.extend(fields),
                        _ => return None,
                    }
                }
                Value::Object(object)
            }
            Ty::Ref { name, args } => {
                let body = self.types.instantiate(name, args)?;
                return self.value(&body, depth + 1);
            }
        })
    }

    /// One arm's value: the chosen arm first, then the others in turn. Deep down, arms that cannot recurse
    /// come first, so that a recursive type ends.
    fn arm(&mut self, arms: &[Ty], depth: usize, cheap: bool) -> Option<Value> {
        let start = self.choices.arm(arms.len());
        let mut order: Vec<&Ty> = arms[start..].iter().chain(&arms[..start]).collect();
        if cheap {
            order.sort_by_key(|arm| !is_leaf(arm));
        }
        order.into_iter().find_map(|arm| self.value(arm, depth))
    }

    /// A key of a map with keys `key`.
    fn key(&mut self, key: &Ty) -> Option<String> {
        match self.types.resolve(key) {
            Ty::String => Some("k".to_owned()),
            Ty::Number => Some("1".to_owned()),
            Ty::Str(s) | Ty::Num(s) => Some(s),
            Ty::Union(arms) => {
                let start = self.choices.arm(arms.len());
                let order: Vec<&Ty> = arms[start..].iter().chain(&arms[..start]).collect();
                order.into_iter().find_map(|arm| self.key(arm))
            }
            _ => None,
        }
    }
}

fn is_leaf(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::Null | Ty::String | Ty::Number | Ty::Boolean | Ty::Str(_) | Ty::Num(_) | Ty::Bool(_)
    )
}
