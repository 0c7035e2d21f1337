//! Whether every value of one type is a value of another, answered only when certain: the shape checks
//! refuse a binding only on a definite "no".

use super::ty::Ty;
use super::types::Types;

/// A three-valued answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    Yes,
    No,
    Unknown,
}

impl Answer {
    /// All must hold.
    fn all(answers: impl IntoIterator<Item = Self>) -> Self {
        let mut result = Self::Yes;
        for answer in answers {
            match answer {
                Self::No => return Self::No,
                Self::Unknown => result = Self::Unknown,
                Self::Yes => {}
            }
        }
        result
    }

    /// One must hold.
    fn any(answers: impl IntoIterator<Item = Self>) -> Self {
        let mut result = Self::No;
        for answer in answers {
            match answer {
                Self::Yes => return Self::Yes,
                Self::Unknown => result = Self::Unknown,
                Self::No => {}
            }
        }
        result
    }
}

/// How deep the comparison follows nested and named types before answering "unknown".
const MAX_DEPTH: usize = 24;

/// Is every value of `from` also a value of `to`?
pub(crate) fn assignable(types: &Types, from: &Ty, to: &Ty) -> Answer {
    check(types, from, to, 0)
}

fn check(types: &Types, from: &Ty, to: &Ty, depth: usize) -> Answer {
    if from == to {
        return Answer::Yes;
    }
    if depth > MAX_DEPTH {
        return Answer::Unknown;
    }
    let (from, to) = (types.resolve(from), types.resolve(to));
    let go = |a: &Ty, b: &Ty| check(types, a, b, depth + 1);
    match (&from, &to) {
        (Ty::Never, _)
        | (Ty::Str(_) | Ty::String, Ty::String)
        | (Ty::Num(_) | Ty::Number, Ty::Number)
        | (Ty::Bool(_) | Ty::Boolean, Ty::Boolean)
        | (Ty::Null, Ty::Null)
        | (Ty::Bytes, Ty::Bytes) => Answer::Yes,
        (Ty::Unknown, _) | (_, Ty::Unknown) => Answer::Unknown,
        (Ty::Union(arms), _) => Answer::all(arms.iter().map(|arm| go(arm, &to))),
        (_, Ty::Union(arms)) => Answer::any(arms.iter().map(|arm| go(&from, arm))),
        (_, Ty::Inter(parts)) => Answer::all(parts.iter().map(|part| go(&from, part))),
        // A value of every part: if one part fits, so does the value; otherwise it cannot be told here.
        (Ty::Inter(parts), _) => match Answer::any(parts.iter().map(|part| go(part, &to))) {
            Answer::Yes => Answer::Yes,
            _ => Answer::Unknown,
        },
        (Ty::Num(a), Ty::Num(b)) => same_number(a, b),
        (Ty::Array(a), Ty::Array(b)) | (Ty::Map { value: a, .. }, Ty::Map { value: b, .. }) => {
            go(a, b)
        }
        (Ty::Tuple(items), Ty::Array(b)) => Answer::all(items.iter().map(|item| go(item, b))),
        (Ty::Tuple(a), Ty::Tuple(b)) if a.len() == b.len() => {
            Answer::all(a.iter().zip(b).map(|(x, y)| go(x, y)))
        }
        (Ty::Object(have), Ty::Object(want)) => {
            Answer::all(
                want.iter()
                    .map(|w| match have.iter().find(|h| h.name == w.name) {
                        Some(h) if h.optional && !w.optional => Answer::No,
                        Some(h) => go(&h.ty, &w.ty),
                        None if w.optional => Answer::Yes,
                        None => Answer::No,
                    }),
            )
        }
        (Ty::Object(have), Ty::Map { value, .. }) => {
            Answer::all(have.iter().map(|h| go(&h.ty, value)))
        }
        (Ty::Map { .. }, Ty::Object(want)) if want.iter().all(|w| w.optional) => Answer::Unknown,
        // Two definite shapes none of the cases above relates: a different JSON kind, a different literal, or
        // a wider type into a narrower one (`string` into `"a"`, an array into a tuple).
        _ => match (kind(&from), kind(&to)) {
            (Some(_), Some(_)) => Answer::No,
            _ => Answer::Unknown,
        },
    }
}

/// The JSON kind of a resolved type, when it has exactly one.
fn kind(ty: &Ty) -> Option<&'static str> {
    Some(match ty {
        Ty::String | Ty::Str(_) => "string",
        Ty::Number | Ty::Num(_) => "number",
        Ty::Boolean | Ty::Bool(_) => "boolean",
        Ty::Null => "null",
        Ty::Array(_) | Ty::Tuple(_) | Ty::Bytes => "array",
        Ty::Object(_) | Ty::Map { .. } => "object",
        _ => return None,
    })
}

fn same_number(a: &str, b: &str) -> Answer {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) if (x - y).abs() == 0.0 => Answer::Yes,
        (Ok(_), Ok(_)) => Answer::No,
        _ => Answer::Unknown,
    }
}
