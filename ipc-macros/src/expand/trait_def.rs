//! The user's trait, rewritten: `#[event]` methods removed (they become the emitter), handler futures
//! required to be `Send` so the runtime can run them on any worker thread.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::{Kind, Output, Service};
use crate::attr::is_channel_attr;

pub(crate) fn generate(service: &Service<'_>) -> TokenStream {
    let item = service.item;
    let attrs = &item.attrs;
    let vis = &item.vis;
    let ident = &item.ident;
    let supertraits = &item.supertraits;
    let plus = if supertraits.is_empty() {
        quote!()
    } else {
        quote!(+)
    };
    let methods = service.methods.iter().filter(|m| m.kind != Kind::Event).map(|method| {
        let attrs = method.item.attrs.iter().filter(|a| !is_channel_attr(a));
        let name = method.ident();
        let inputs = &method.item.sig.inputs;
        let output = match &method.output {
            Output::Unit => quote!(()),
            Output::Value(ty) => quote!(#ty),
            Output::Result { .. } => match &method.item.sig.output {
                syn::ReturnType::Type(_, ty) => quote!(#ty),
                syn::ReturnType::Default => quote!(()),
            },
        };
        quote! {
            #(#attrs)*
            // The channel's arguments are its wire contract; clippy would blame the attribute for their count.
            #[allow(clippy::too_many_arguments)]
            fn #name(#inputs) -> impl ::core::future::Future<Output = #output> + ::core::marker::Send;
        }
    });
    quote! {
        #(#attrs)*
        #vis trait #ident: #supertraits #plus ::core::marker::Send + ::core::marker::Sync + 'static {
            #(#methods)*
        }
    }
}
