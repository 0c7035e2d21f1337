//! What is emitted when the input has errors: the trait itself (so that code using it still resolves in an
//! IDE) followed by the errors.

use proc_macro2::TokenStream;
use quote::quote;

use crate::attr::is_channel_attr;

pub(crate) fn emit(item: &syn::ItemTrait, errors: &syn::Error) -> TokenStream {
    let mut item = item.clone();
    for trait_item in &mut item.items {
        if let syn::TraitItem::Fn(method) = trait_item {
            method.attrs.retain(|a| !is_channel_attr(a));
        }
    }
    let errors = errors.to_compile_error();
    quote! { #item #errors }
}
