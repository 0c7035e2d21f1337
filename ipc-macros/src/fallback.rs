//! What is emitted when the input has errors: the trait as the normal expansion would emit it (so that code
//! using it still resolves in an IDE, and the user's `impl` meets the trait it will meet once the errors are
//! fixed) followed by the errors. `#[event]` methods are removed, as the normal expansion removes them (they
//! become the emitter): left in, they would add a follow-on "missing item" error to every `impl`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned as _;

use crate::ast::is_plain_arg;
use crate::attr::{EVENT, is_channel_attr};

pub(crate) fn emit(item: &syn::ItemTrait, errors: &syn::Error) -> TokenStream {
    let mut item = item.clone();
    item.items.retain(|trait_item| {
        !matches!(trait_item, syn::TraitItem::Fn(method) if method.attrs.iter().any(|a| a.path().is_ident(EVENT)))
    });
    for trait_item in &mut item.items {
        if let syn::TraitItem::Fn(method) = trait_item {
            method.attrs.retain(|a| !is_channel_attr(a));
            if method.default.is_none() {
                wildcard_patterns(&mut method.sig);
            }
        }
    }
    let errors = errors.to_compile_error();
    quote! { #item #errors }
}

/// A method without a body may not destructure its arguments (E0642). The macro has already reported such
/// arguments, so they become `_` here rather than being reported twice.
fn wildcard_patterns(sig: &mut syn::Signature) {
    for input in &mut sig.inputs {
        if let syn::FnArg::Typed(arg) = input {
            if !is_plain_arg(&arg.pat) {
                let span = arg.pat.span();
                *arg.pat = syn::Pat::Wild(syn::PatWild {
                    attrs: Vec::new(),
                    underscore_token: syn::Token![_](span),
                });
            }
        }
    }
}
