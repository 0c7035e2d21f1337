//! Where in a trait's payload types a lie sits, in the user's terms: the type, the variant, the field.

use std::fmt;

use super::ty::{Member, Ty};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    /// "type `Keys`", or "argument `x` of `set`" for a channel's own types.
    origin: String,
    variant: Option<String>,
    field: Option<String>,
}

impl Place {
    pub(crate) fn new(origin: String) -> Self {
        Self {
            origin,
            variant: None,
            field: None,
        }
    }

    pub(crate) fn of_type(name: &str) -> Self {
        Self::new(format!("type `{name}`"))
    }

    pub(crate) fn with_variant(&self, variant: &str) -> Self {
        Self {
            variant: Some(variant.to_owned()),
            field: None,
            ..self.clone()
        }
    }

    pub(crate) fn with_field(&self, field: &str) -> Self {
        Self {
            field: Some(field.to_owned()),
            ..self.clone()
        }
    }

    /// The place of `member`, one of `siblings` (an object literal's members). ts-rs quotes enum tags, adjacent
    /// contents and externally tagged variant names, and quotes a field's name only when it is no
    /// identifier, so a quoted identifier is a variant's name, not a field's.
    pub(crate) fn member(&self, member: &Member, siblings: &[Member]) -> Self {
        if let Some(Ty::Str(variant)) = siblings.first().filter(|m| m.quoted).map(|m| &m.ty) {
            let tagged = self.with_variant(variant);
            return if is_field_name(member) {
                tagged.with_field(&member.name)
            } else {
                tagged
            };
        }
        if !is_field_name(member) && siblings.len() == 1 {
            return self.with_variant(&member.name);
        }
        self.with_field(&member.name)
    }
}

fn is_field_name(member: &Member) -> bool {
    !member.quoted || !is_identifier(&member.name)
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)?;
        if let Some(variant) = &self.variant {
            write!(f, ", variant `{variant}`")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field `{field}`")?;
        }
        Ok(())
    }
}
