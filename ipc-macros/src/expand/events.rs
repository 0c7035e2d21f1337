//! `<Trait>Events`: one typed method per `#[event]`, over an emitter that targets one caller or all.

use proc_macro2::TokenStream;
use quote::quote;

use super::names::{encode_args, events_ident, schema_ident};
use crate::ast::{Kind, Service};

/// The inherent methods `<Trait>Events` has besides one per event (see `client::FIXED_METHODS`).
pub(crate) const FIXED_METHODS: &[&str] = &["new", "emitter"];

pub(crate) fn generate(service: &Service<'_>) -> TokenStream {
    let krate = &service.krate;
    let vis = &service.item.vis;
    let events = events_ident(service);
    let schema = schema_ident(service);
    let trait_name = service.ident().to_string();
    let doc = format!(
        "Typed main -> renderer events of [`{trait_name}`]. Build it from `caller.emitter()` (reply to one caller), \
         `hub.to(id)` or `hub.broadcast()`."
    );
    let methods = service.methods.iter().enumerate().filter(|(_, m)| m.kind == Kind::Event).map(|(index, method)| {
        let attrs = method.item.attrs.iter().filter(|a| a.path().is_ident("doc"));
        let name = method.ident();
        let params = method.args.iter().map(|a| {
            let (ident, ty) = (a.ident, a.ty);
            quote!(#ident: #ty)
        });
        let encoded = encode_args(krate, &method.args);
        quote! {
            #(#attrs)*
            ///
            /// Returns how many callers it was queued for. Callers whose origin may not receive this channel
            /// are skipped.
            // As many parameters as the channel declares arguments (up to 16).
            #[allow(clippy::too_many_arguments)]
            pub fn #name(&self, #(#params),*) -> ::core::result::Result<usize, #krate::EmitError> {
                self.emitter.__emit(
                    &#schema::DESCRIPTOR.channels[#index],
                    #encoded,
                )
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #vis struct #events {
            emitter: #krate::Emitter,
        }

        impl #events {
            /// Typed events over `emitter` (from `caller.emitter()`, `hub.to(id)` or `hub.broadcast()`).
            pub fn new(emitter: #krate::Emitter) -> Self {
                Self { emitter }
            }

            /// The untyped emitter this wraps.
            pub fn emitter(&self) -> &#krate::Emitter {
                &self.emitter
            }

            #(#methods)*
        }
    }
}
