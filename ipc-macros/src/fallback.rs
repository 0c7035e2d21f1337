//! What is emitted when the input has errors: the trait as the normal expansion would emit it (so that code
//! using it still resolves in an IDE, and the user's `impl` meets the trait it will meet once the errors are
//! fixed), the generated items for the channels without errors, and the errors. `#[event]` methods are
//! removed, as the normal expansion removes them (they become the emitter): left in, they would add a
//! follow-on "missing item" error to every `impl`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned as _;

use crate::ast::{Service, is_plain_arg};
use crate::attr::{EVENT, is_channel_attr};

/// `usable`: the service minus its channels with errors (and without the bindings export), when the trait's
/// header has none: its generated items are emitted beside the trait, so code that uses the generated types and
/// the working channels compiles as it will once the errors are fixed.
pub(crate) fn emit(
    item: &syn::ItemTrait,
    errors: &syn::Error,
    usable: Option<&Service<'_>>,
) -> TokenStream {
    let mut item = item.clone();
    item.items.retain(|trait_item| {
        !matches!(trait_item, syn::TraitItem::Fn(method) if method.attrs.iter().any(|a| a.path().is_ident(EVENT)))
    });
    for trait_item in &mut item.items {
        if let syn::TraitItem::Fn(method) = trait_item {
            method.attrs.retain(|a| !is_channel_attr(a));
            if method.default.is_none() {
                wildcard_patterns(&mut method.sig);
                if usable.is_some() {
                    send_future(&mut method.sig);
                }
            }
        }
    }
    // The generated dispatch runs handlers on any worker thread, as the normal expansion's trait promises.
    if usable.is_some() {
        item.supertraits
            .push(syn::parse_quote!(::core::marker::Send));
        item.supertraits
            .push(syn::parse_quote!(::core::marker::Sync));
        item.supertraits.push(syn::parse_quote!('static));
    }
    let errors = errors.to_compile_error();
    let generated = usable.map(crate::expand::generated_items);
    quote! { #item #generated #errors }
}

/// `async fn f(..) -> T` becomes `fn f(..) -> impl Future<Output = T> + Send`, as in the normal expansion.
fn send_future(sig: &mut syn::Signature) {
    if sig.asyncness.take().is_none() {
        return;
    }
    let output = match &sig.output {
        syn::ReturnType::Default => quote!(()),
        syn::ReturnType::Type(_, ty) => quote!(#ty),
    };
    sig.output = syn::parse_quote! {
        -> impl ::core::future::Future<Output = #output> + ::core::marker::Send
    };
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
