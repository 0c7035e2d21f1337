//! `<Trait>Client`: the same calls a renderer makes, from Rust, through the full runtime path.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::codec::encode_call;
use super::names::{args_tuple_pattern, args_tuple_value, client_ident, decode_args};
use crate::ast::{Kind, Method, Output, Service};

/// The inherent methods `<Trait>Client` has besides one per channel: no channel method may take these names
/// (checked in `check.rs`; `expand/tests.rs` fails when the generated impl has a method not listed here).
pub(crate) const FIXED_METHODS: &[&str] = &["new", "connect_in_memory", "connect_direct", "raw"];

pub(crate) fn generate(service: &Service<'_>) -> TokenStream {
    let krate = &service.krate;
    let vis = &service.item.vis;
    let client = client_ident(service);
    let trait_name = service.ident().to_string();
    let doc = format!(
        "Calls [`{trait_name}`] channels the way a renderer does: encoded, checked, decoded, replied."
    );
    let methods = service.methods.iter().map(|m| method(service, m));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #vis struct #client {
            inner: #krate::Client,
        }

        impl #client {
            /// Wraps an untyped client (from any host) in the typed API.
            pub fn new(inner: #krate::Client) -> Self {
                Self { inner }
            }

            /// Connects through the in-memory host as a top-level page of `origin`.
            pub fn connect_in_memory(server: &#krate::Server, origin: &str) -> Self {
                Self::new(server.connect_in_memory(origin))
            }

            /// Connects as a caller in this process whose calls are handed over as values, never encoded
            /// (same checks, deadlines and cancellation; see `Server::connect_direct`).
            pub fn connect_direct(server: &#krate::Server, origin: &str) -> Self {
                Self::new(server.connect_direct(origin))
            }

            /// The untyped client underneath (for raw messages in tests).
            pub fn raw(&self) -> &#krate::Client {
                &self.inner
            }

            #(#methods)*
        }
    }
}

fn method(service: &Service<'_>, method: &Method<'_>) -> TokenStream {
    let krate = &service.krate;
    let channel = method.channel_name(&service.namespace());
    let attrs = method
        .item
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"));
    let name = method.ident();
    let params = method.args.iter().map(|a| {
        let (ident, ty) = (a.ident, a.ty);
        quote!(#ident: #ty)
    });
    let value = args_tuple_value(&method.args);
    let encoded = encode_call(service, method);
    match method.kind {
        Kind::Send => quote! {
            #(#attrs)*
            // As many parameters as the channel declares arguments (up to 16).
            #[allow(clippy::too_many_arguments)]
            pub async fn #name(&self, #(#params),*) -> ::core::result::Result<(), #krate::IpcError<#krate::Never>> {
                if self.inner.is_direct() {
                    return self.inner.__send_direct(#channel, #value).await;
                }
                // Encoded first, so that no borrow of the arguments is held across the `await`.
                let args = #encoded;
                self.inner.__send(#channel, args).await
            }
        },
        Kind::Invoke => {
            let (ok, err) = match &method.output {
                Output::Unit => (quote!(()), quote!(#krate::Never)),
                Output::Value(ty) => (quote!(#ty), quote!(#krate::Never)),
                Output::Result { ok, err } => (quote!(#ok), quote!(#err)),
            };
            quote! {
                #(#attrs)*
                ///
                /// Await the returned call; set `.timeout(..)` or `.cancel_on(..)` first if needed.
                // As many parameters as the channel declares arguments (up to 16).
                #[allow(clippy::too_many_arguments)]
                pub fn #name(&self, #(#params),*) -> #krate::Call<#ok, #err> {
                    if self.inner.is_direct() {
                        return self.inner.__invoke_direct(#channel, #value);
                    }
                    self.inner.__invoke(#channel, #encoded)
                }
            }
        }
        Kind::Stream => stream(
            krate,
            method,
            &channel,
            &quote!(#(#attrs)*),
            &quote!(#(#params),*),
            &value,
            &encoded,
        ),
        Kind::Event => {
            let subscribe = format_ident!("on_{}", name);
            let pattern = args_tuple_pattern(&method.args);
            let decode = decode_args(krate, &method.args, &format_ident!("raw"));
            let (item, result) = match method.args.as_slice() {
                [one] => {
                    let (ty, ident) = (one.ty, one.ident);
                    (quote!(#ty), quote!(#ident))
                }
                many => {
                    let types = many.iter().map(|a| a.ty);
                    (quote!((#(#types,)*)), value.clone())
                }
            };
            let result = if method.args.is_empty() {
                quote!(())
            } else {
                result
            };
            let item = if method.args.is_empty() {
                quote!(())
            } else {
                item
            };
            quote! {
                #(#attrs)*
                ///
                /// Subscribes to this event; dropping the subscription unsubscribes.
                pub fn #subscribe(&self) -> #krate::Subscription<#item> {
                    self.inner.__subscribe(#channel, |raw| {
                        let #pattern = #decode?;
                        ::core::result::Result::Ok(#result)
                    })
                }
            }
        }
    }
}

/// The client method of a `#[stream]` channel: a `StreamCall`, direct when the client is.
fn stream(
    krate: &syn::Path,
    method: &Method<'_>,
    channel: &str,
    attrs: &TokenStream,
    params: &TokenStream,
    value: &TokenStream,
    encoded: &TokenStream,
) -> TokenStream {
    let (ok, err) = match &method.output {
        Output::Unit => (quote!(()), quote!(#krate::Never)),
        Output::Value(ty) => (quote!(#ty), quote!(#krate::Never)),
        Output::Result { ok, err } => (quote!(#ok), quote!(#err)),
    };
    let item = method.sink.as_ref().map_or_else(
        || quote!(()),
        |sink| {
            let ty = sink.item;
            quote!(#ty)
        },
    );
    let window = super::schema::stream_window(method);
    let name = method.ident();
    quote! {
        #attrs
        ///
        /// Read the items with `.next().await`, then the outcome with `.result().await`; set
        /// `.timeout(..)` or `.window(..)` first if needed. Dropping the call cancels the stream.
        // As many parameters as the channel declares arguments (up to 16).
        #[allow(clippy::too_many_arguments)]
        pub fn #name(&self, #params) -> #krate::StreamCall<#item, #ok, #err> {
            if self.inner.is_direct() {
                return self.inner.__stream_direct(#channel, #value, #window);
            }
            self.inner.__stream(#channel, #encoded, #window)
        }
    }
}
