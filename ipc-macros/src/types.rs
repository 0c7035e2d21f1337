//! Type-level checks that can be made from syntax alone.

use syn::visit::Visit;
use syn::{Type, TypePath};

/// Finds the first part of `ty` that cannot cross the boundary as declared, with the reason.
pub(crate) fn unsupported_part(ty: &Type) -> Option<(proc_macro2::TokenStream, &'static str)> {
    struct Finder {
        found: Option<(proc_macro2::TokenStream, &'static str)>,
    }
    impl<'ast> Visit<'ast> for Finder {
        fn visit_type(&mut self, ty: &'ast Type) {
            if self.found.is_some() {
                return;
            }
            let reason = match ty {
                Type::Reference(_) => Some(
                    "borrowed types cannot be decoded from a message; use an owned type (e.g. `String` for `&str`)",
                ),
                Type::ImplTrait(_) => Some("`impl Trait` has no wire form; use a concrete type"),
                Type::TraitObject(_) => {
                    Some("trait objects have no wire form; use a concrete type")
                }
                Type::Ptr(_) => Some("raw pointers cannot cross a process boundary"),
                Type::BareFn(_) => Some("functions cannot cross a process boundary"),
                Type::Infer(_) => Some("write the type out; `_` cannot be inferred here"),
                Type::Never(_) => Some(
                    "`!` cannot be sent; use `ipc_runtime::Never` for an error that cannot happen",
                ),
                Type::Path(TypePath { qself: None, path }) if path.is_ident("Self") => {
                    Some("`Self` is not a payload type")
                }
                Type::Path(TypePath { qself: None, path })
                    if ["u64", "i64", "u128", "i128"]
                        .iter()
                        .any(|n| path.is_ident(n)) =>
                {
                    Some(
                        "64/128-bit integers do not survive JSON (`JSON.parse` yields a lossy float); use u32/i32/f64 or send the value as a string",
                    )
                }
                _ => None,
            };
            if let Some(reason) = reason {
                self.found = Some((quote::ToTokens::to_token_stream(ty), reason));
                return;
            }
            syn::visit::visit_type(self, ty);
        }
    }
    let mut finder = Finder { found: None };
    finder.visit_type(ty);
    finder.found
}
