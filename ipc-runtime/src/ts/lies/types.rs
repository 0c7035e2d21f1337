//! The payload declarations of one trait, parsed, with named types resolved to their bodies.

use std::collections::BTreeMap;

use super::parse::{self, Declaration};
use super::ty::{Member, Ty};

/// How many named types a resolution follows before giving up (an alias cycle, or a pathological type).
const MAX_ALIASES: usize = 32;

#[derive(Debug, Default)]
pub(crate) struct Types {
    declarations: BTreeMap<String, Declaration>,
}

impl Types {
    /// Parses every declaration; one outside the subset ts-rs emits is left out, so references to it resolve
    /// to [`Ty::Unknown`].
    pub(crate) fn new<'a>(sources: impl IntoIterator<Item = &'a String>) -> Self {
        let declarations = sources
            .into_iter()
            .filter_map(|source| parse::declaration(source))
            .map(|d| (d.name.clone(), d))
            .collect();
        Self { declarations }
    }

    pub(crate) fn declarations(&self) -> impl Iterator<Item = &Declaration> {
        self.declarations.values()
    }

    /// The body of `name<args>`, its parameters replaced by `args` (missing ones by `unknown`).
    pub(crate) fn instantiate(&self, name: &str, args: &[Ty]) -> Option<Ty> {
        let declaration = self.declarations.get(name)?;
        Some(substitute(&declaration.body, &declaration.params, args))
    }

    /// `ty` with named types replaced by their bodies until it is something else. A name that is not declared
    /// here (a type parameter left open, `Date`, a declaration that did not parse) becomes `unknown`.
    pub(crate) fn resolve(&self, ty: &Ty) -> Ty {
        let mut ty = ty.clone();
        for _ in 0..MAX_ALIASES {
            match &ty {
                Ty::Ref { name, args } => match self.instantiate(name, args) {
                    Some(body) => ty = body,
                    None => return Ty::Unknown,
                },
                _ => return ty,
            }
        }
        Ty::Unknown
    }
}

/// `ty` with each type parameter in `params` replaced by the matching argument.
pub(crate) fn substitute(ty: &Ty, params: &[String], args: &[Ty]) -> Ty {
    if params.is_empty() {
        return ty.clone();
    }
    let go = |t: &Ty| substitute(t, params, args);
    match ty {
        Ty::Ref { name, args: own } if own.is_empty() => {
            match params.iter().position(|p| p == name) {
                Some(i) => args.get(i).cloned().unwrap_or(Ty::Unknown),
                None => ty.clone(),
            }
        }
        Ty::Ref { name, args: own } => Ty::Ref {
            name: name.clone(),
            args: own.iter().map(go).collect(),
        },
        Ty::Array(item) => Ty::Array(Box::new(go(item))),
        Ty::Tuple(items) => Ty::Tuple(items.iter().map(go).collect()),
        Ty::Union(arms) => Ty::Union(arms.iter().map(go).collect()),
        Ty::Inter(parts) => Ty::Inter(parts.iter().map(go).collect()),
        Ty::Object(members) => Ty::Object(
            members
                .iter()
                .map(|m| Member {
                    ty: go(&m.ty),
                    ..m.clone()
                })
                .collect(),
        ),
        Ty::Map {
            key,
            value,
            optional,
        } => Ty::Map {
            key: Box::new(go(key)),
            value: Box::new(go(value)),
            optional: *optional,
        },
        _ => ty.clone(),
    }
}
