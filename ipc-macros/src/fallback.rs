//! What is emitted when the input has errors: the trait itself (so that code using it still resolves in an
//! IDE) followed by the errors.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned as _;

use crate::ast::is_plain_arg;
use crate::attr::is_channel_attr;

pub(crate) fn emit(item: &syn::ItemTrait, errors: &syn::Error) -> TokenStream {
    let mut item = item.clone();
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
