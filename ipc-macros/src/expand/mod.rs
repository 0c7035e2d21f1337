//! Code generation: one function per emitted item, each in its own file.

mod client;
mod codec;
mod dispatch;
mod events;
mod names;
mod schema;
mod trait_def;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Service;

pub(crate) use client::FIXED_METHODS as CLIENT_FIXED_METHODS;
pub(crate) use events::FIXED_METHODS as EVENTS_FIXED_METHODS;

#[cfg(test)]
mod tests;

pub(crate) fn service(service: &Service<'_>) -> TokenStream {
    let trait_def = trait_def::generate(service);
    let generated = generated_items(service);
    quote! {
        #trait_def
        #generated
    }
}

/// Everything but the trait itself: schema, argument codecs, dispatch, emitter and client.
pub(crate) fn generated_items(service: &Service<'_>) -> TokenStream {
    let schema = schema::generate(service);
    let codecs = codec::generate(service);
    let dispatch = dispatch::generate(service);
    let events = events::generate(service);
    let client = client::generate(service);
    quote! {
        #schema
        #codecs
        #dispatch
        #events
        #client
    }
}
