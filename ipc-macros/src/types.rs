//! Type-level checks that can be made from syntax alone.

use syn::visit::Visit;
use syn::{Type, TypePath};

const BYTES_HINT: &str = "binary data would travel as a JSON array of numbers; use `ipc_runtime::Bytes` (a `Uint8Array` in TypeScript, sent as a binary attachment; `Vec<u8>` converts with `.into()`)";

fn is_u8(ty: &Type) -> bool {
    matches!(ty, Type::Path(TypePath { qself: None, path }) if path.is_ident("u8"))
}

/// `Vec<u8>`, however the path to `Vec` is spelled.
fn is_vec_of_u8(path: &syn::Path) -> bool {
    let Some(last) = path.segments.last() else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    last.ident == "Vec"
        && args.args.len() == 1
        && matches!(args.args.first(), Some(syn::GenericArgument::Type(ty)) if is_u8(ty))
}

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
                Type::Path(TypePath { qself: None, path }) if is_vec_of_u8(path) => {
                    Some(BYTES_HINT)
                }
                Type::Array(array) if is_u8(&array.elem) => Some(BYTES_HINT),
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
