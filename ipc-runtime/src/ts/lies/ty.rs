//! The part of TypeScript's type language that ts-rs emits, as a tree.

use std::fmt;

/// A TypeScript type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    String,
    Number,
    Boolean,
    Null,
    /// `undefined` or `void`: no JSON value has it.
    Undefined,
    Never,
    /// `unknown`, `any`, or what these checks cannot judge: they never refuse on account of it.
    Unknown,
    /// A string literal type, unescaped.
    Str(String),
    /// A number literal type, as written.
    Num(String),
    Bool(bool),
    /// `Uint8Array`: `ipc_runtime::Bytes`.
    Bytes,
    Array(Box<Ty>),
    Tuple(Vec<Ty>),
    Object(Vec<Member>),
    /// `{ [key in K]?: V }` (a Rust map) or `Record<K, V>`.
    Map {
        key: Box<Ty>,
        value: Box<Ty>,
        optional: bool,
    },
    Union(Vec<Ty>),
    Inter(Vec<Ty>),
    /// A named type (a declaration, a type parameter, or a global such as `Date`).
    Ref {
        name: String,
        args: Vec<Ty>,
    },
}

/// A property of an object literal type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub(crate) name: String,
    /// Written as a string literal: ts-rs quotes enum tags and variant names, and field names only when
    /// they are not identifiers.
    pub(crate) quoted: bool,
    pub(crate) optional: bool,
    pub(crate) ty: Ty,
}

impl Ty {
    /// `{ "tag": "Variant" }`: the first part of an internally tagged newtype variant, or a tagged unit variant.
    pub(crate) fn as_tag(&self) -> Option<(&str, &str)> {
        match self {
            Self::Object(members) => match members.as_slice() {
                [
                    Member {
                        name,
                        quoted: true,
                        optional: false,
                        ty: Self::Str(variant),
                    },
                ] => Some((name, variant)),
                _ => None,
            },
            _ => None,
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::String => f.write_str("string"),
            Self::Number => f.write_str("number"),
            Self::Boolean => f.write_str("boolean"),
            Self::Null => f.write_str("null"),
            Self::Undefined => f.write_str("undefined"),
            Self::Never => f.write_str("never"),
            Self::Unknown => f.write_str("unknown"),
            Self::Str(s) => write!(f, "{}", quote(s)),
            Self::Num(n) => f.write_str(n),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Bytes => f.write_str("Uint8Array"),
            Self::Array(t) => write!(f, "Array<{t}>"),
            Self::Tuple(items) => {
                f.write_str("[")?;
                list(f, items, ", ")?;
                f.write_str("]")
            }
            Self::Object(members) => {
                f.write_str("{ ")?;
                for m in members {
                    let name = if m.quoted {
                        quote(&m.name)
                    } else {
                        m.name.clone()
                    };
                    let optional = if m.optional { "?" } else { "" };
                    write!(f, "{name}{optional}: {}, ", m.ty)?;
                }
                f.write_str("}")
            }
            Self::Map {
                key,
                value,
                optional,
            } => {
                let optional = if *optional { "?" } else { "" };
                write!(f, "{{ [key in {key}]{optional}: {value} }}")
            }
            Self::Union(arms) => grouped(f, arms, " | "),
            Self::Inter(parts) => grouped(f, parts, " & "),
            Self::Ref { name, args } => {
                f.write_str(name)?;
                if !args.is_empty() {
                    f.write_str("<")?;
                    list(f, args, ", ")?;
                    f.write_str(">")?;
                }
                Ok(())
            }
        }
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

fn list(f: &mut fmt::Formatter<'_>, items: &[Ty], separator: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// Unions and intersections nested in each other keep their parentheses.
fn grouped(f: &mut fmt::Formatter<'_>, items: &[Ty], separator: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        match item {
            Ty::Union(_) | Ty::Inter(_) => write!(f, "({item})")?,
            _ => write!(f, "{item}")?,
        }
    }
    Ok(())
}
