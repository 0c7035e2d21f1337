//! `<Trait>Service<H>`: channel index -> strict decode -> handler call -> encode.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned as _;

use super::codec::{decode_call, encode_call};
use super::names::{args_tuple_pattern, args_tuple_type, schema_ident, service_ident};
use crate::ast::{Kind, Method, Output, Service};

pub(crate) fn generate(service: &Service<'_>) -> TokenStream {
    let krate = &service.krate;
    let vis = &service.item.vis;
    let trait_ident = service.ident();
    let service_ident = service_ident(service);
    let schema = schema_ident(service);
    let doc = format!("Serves a [`{trait_ident}`] implementation: pass it to `Server::new`.");
    let handled = || {
        service
            .methods
            .iter()
            .enumerate()
            .filter(|(_, m)| matches!(m.kind, Kind::Send | Kind::Invoke))
    };
    let arms = handled().map(|(index, method)| arm(service, index, method));
    let direct_arms = handled().map(|(index, method)| direct_arm(service, index, method));
    let normalize_arms = handled().map(|(index, method)| normalize_arm(service, index, method));
    let caller = caller_ident();
    let dispatch_stream = dispatch_stream(service);
    quote! {
        #[doc = #doc]
        #vis struct #service_ident<H> {
            handler: ::std::sync::Arc<H>,
        }

        impl<H: #trait_ident> #service_ident<H> {
            /// Serves `handler`.
            pub fn new(handler: H) -> Self {
                Self { handler: ::std::sync::Arc::new(handler) }
            }

            /// Serves a handler that is also shared elsewhere.
            pub fn from_arc(handler: ::std::sync::Arc<H>) -> Self {
                Self { handler }
            }
        }

        impl<H> ::core::clone::Clone for #service_ident<H> {
            fn clone(&self) -> Self {
                Self { handler: <::std::sync::Arc<H> as ::core::clone::Clone>::clone(&self.handler) }
            }
        }

        impl<H> ::core::fmt::Debug for #service_ident<H> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(::core::stringify!(#service_ident)).finish_non_exhaustive()
            }
        }

        impl<H: #trait_ident> #krate::Service for #service_ident<H> {
            fn descriptor(&self) -> &'static #krate::ServiceDescriptor {
                #schema::DESCRIPTOR
            }

            fn strict_decode(&self) -> bool {
                true
            }

            fn fingerprint(&self) -> ::core::option::Option<&'static str> {
                ::core::option::Option::Some(#schema::fingerprint())
            }

            fn dispatch(
                &self,
                channel: usize,
                #caller: #krate::Caller,
                payload: &str,
            ) -> ::core::result::Result<#krate::HandlerFuture, #krate::DecodeError> {
                match channel {
                    #(#arms)*
                    _ => {
                        let _ = (#caller, payload);
                        ::core::result::Result::Err(#krate::DecodeError::new("no handler for this channel index"))
                    }
                }
            }

            #dispatch_stream

            fn normalize(
                &self,
                channel: usize,
                payload: &str,
            ) -> ::core::result::Result<#krate::Encoded, #krate::NormalizeError> {
                match channel {
                    #(#normalize_arms)*
                    _ => {
                        let _ = payload;
                        ::core::result::Result::Err(#krate::NormalizeError::Decode(
                            #krate::DecodeError::new("no handler for this channel index"),
                        ))
                    }
                }
            }

            fn takes_direct_calls(&self) -> bool {
                true
            }

            fn dispatch_direct(
                &self,
                channel: usize,
                #caller: #krate::Caller,
                args: #krate::DirectValue,
            ) -> ::core::result::Result<#krate::DirectFuture, #krate::DecodeError> {
                match channel {
                    #(#direct_arms)*
                    _ => {
                        let _ = (#caller, args);
                        ::core::result::Result::Err(#krate::DecodeError::new("no handler for this channel index"))
                    }
                }
            }
        }
    }
}

/// The dispatch functions' `Caller` parameter. Mixed-site: an argument may itself be called `caller`, and the
/// arms bind the arguments before they pass the caller on.
fn caller_ident() -> Ident {
    Ident::new("caller", Span::mixed_site())
}

/// `Service::dispatch_stream`: one arm per `#[stream]` channel.
fn dispatch_stream(service: &Service<'_>) -> TokenStream {
    let krate = &service.krate;
    let streams = || {
        service
            .methods
            .iter()
            .enumerate()
            .filter(|(_, m)| m.kind == Kind::Stream)
    };
    let arms = streams().map(|(index, method)| stream_arm(service, index, method, false));
    let direct_arms = streams().map(|(index, method)| stream_arm(service, index, method, true));
    let caller = caller_ident();
    let sink = sink_ident();
    quote! {
        fn dispatch_stream_direct(
            &self,
            channel: usize,
            #caller: #krate::Caller,
            args: #krate::DirectValue,
            #sink: #krate::RawSink,
        ) -> ::core::result::Result<#krate::DirectFuture, #krate::DecodeError> {
            match channel {
                #(#direct_arms)*
                _ => {
                    let _ = (#caller, args, #sink);
                    ::core::result::Result::Err(#krate::DecodeError::new("no stream handler for this channel index"))
                }
            }
        }

        fn dispatch_stream(
            &self,
            channel: usize,
            #caller: #krate::Caller,
            payload: &str,
            #sink: #krate::RawSink,
        ) -> ::core::result::Result<#krate::HandlerFuture, #krate::DecodeError> {
            match channel {
                #(#arms)*
                _ => {
                    let _ = (#caller, payload, #sink);
                    ::core::result::Result::Err(#krate::DecodeError::new("no stream handler for this channel index"))
                }
            }
        }
    }
}

/// The dispatch functions' `RawSink` parameter. Mixed-site, like [`caller_ident`].
fn sink_ident() -> Ident {
    Ident::new("sink", Span::mixed_site())
}

/// A stream channel's arm of `dispatch_stream` (the strict decode of [`arm`]) or, when `direct`, of
/// `dispatch_stream_direct` (the argument tuple as a value), then the handler with the typed sink as its
/// last argument.
fn stream_arm(
    service: &Service<'_>,
    index: usize,
    method: &Method<'_>,
    direct: bool,
) -> TokenStream {
    let krate = &service.krate;
    let trait_ident = service.ident();
    let name = method.ident();
    let decode = if direct {
        let args_type = args_tuple_type(&method.args);
        quote!(#krate::__private::downcast_args::<#args_type>(args))
    } else {
        decode_call(service, method, &format_ident!("payload"))
    };
    let pattern = args_tuple_pattern(&method.args);
    let idents = method.args.iter().map(|a| a.ident);
    let handler = Ident::new("handler", Span::mixed_site());
    let caller = caller_ident();
    let sink = sink_ident();
    let item = method.sink.as_ref().map_or_else(
        || quote!(()),
        |s| {
            let ty = s.item;
            quote!(#ty)
        },
    );
    let typed = quote!(#krate::Sink::<#item>::__new(#sink));
    let call = quote!(<H as #trait_ident>::#name(&*#handler, #caller, #(#idents,)* #typed).await);
    let body = if direct {
        direct_body(krate, method, &call)
    } else {
        encoded_body(krate, method, &call)
    };
    quote! {
        #index => {
            let #pattern = #decode?;
            let #handler = <::std::sync::Arc<H> as ::core::clone::Clone>::clone(&self.handler);
            ::core::result::Result::Ok(::std::boxed::Box::pin(async move { #body }))
        }
    }
}

/// One channel's match arm: `unpack` yields the argument tuple (or returns the error with `?`), then the
/// handler runs in a boxed future whose body is `body(call)`, `call` being the awaited handler call.
fn channel_arm(
    service: &Service<'_>,
    index: usize,
    method: &Method<'_>,
    unpack: &TokenStream,
    body: impl FnOnce(&TokenStream) -> TokenStream,
) -> TokenStream {
    let trait_ident = service.ident();
    let name = method.ident();
    let pattern = args_tuple_pattern(&method.args);
    let idents = method.args.iter().map(|a| a.ident);
    // Mixed-site: an argument may itself be called `handler`.
    let handler = Ident::new("handler", Span::mixed_site());
    let caller = caller_ident();
    let call = quote!(<H as #trait_ident>::#name(&*#handler, #caller, #(#idents),*).await);
    let body = body(&call);
    quote! {
        #index => {
            let #pattern = #unpack?;
            let #handler = <::std::sync::Arc<H> as ::core::clone::Clone>::clone(&self.handler);
            ::core::result::Result::Ok(::std::boxed::Box::pin(async move { #body }))
        }
    }
}

fn arm(service: &Service<'_>, index: usize, method: &Method<'_>) -> TokenStream {
    let krate = &service.krate;
    let decode = decode_call(service, method, &format_ident!("payload"));
    channel_arm(service, index, method, &decode, |call| {
        encoded_body(krate, method, call)
    })
}

/// The encoding handler body of [`arm`].
fn encoded_body(krate: &syn::Path, method: &Method<'_>, call: &TokenStream) -> TokenStream {
    // Each reply type is named once, in a turbofish spanned at the user's type, so that a type that is not
    // `Serialize` is reported there.
    match &method.output {
        Output::Unit => quote! {
            let value = #call;
            #krate::__private::encode_value(&value)
        },
        Output::Value(ty) => {
            let encode = quote_spanned!(ty.span()=> #krate::__private::encode_value::<#ty>);
            quote! {
                let value = #call;
                #encode(&value)
            }
        }
        Output::Result { ok, err } => {
            let encode_ok = quote_spanned!(ok.span()=> #krate::__private::encode_value::<#ok>);
            let encode_err =
                quote_spanned!(err.span()=> #krate::__private::encode_handler_error::<#err>);
            quote! {
                match #call {
                    ::core::result::Result::Ok(value) => #encode_ok(&value),
                    ::core::result::Result::Err(error) => #encode_err(&error),
                }
            }
        }
    }
}

/// The `normalize` arm of one channel: the strict decode of [`arm`], then the client's encoding of the
/// decoded tuple (the same codecs, so nothing here adds a bound on a payload type).
fn normalize_arm(service: &Service<'_>, index: usize, method: &Method<'_>) -> TokenStream {
    let krate = &service.krate;
    let decode = decode_call(service, method, &format_ident!("payload"));
    let pattern = args_tuple_pattern(&method.args);
    let encode = encode_call(service, method);
    quote! {
        #index => {
            let #pattern = #decode.map_err(#krate::NormalizeError::Decode)?;
            #krate::__private::normalized(#encode)
        }
    }
}

/// The direct arm of one channel: the argument tuple arrives as a value, and the reply or error leaves as one.
fn direct_arm(service: &Service<'_>, index: usize, method: &Method<'_>) -> TokenStream {
    let krate = &service.krate;
    let args_type = args_tuple_type(&method.args);
    let unpack = quote!(#krate::__private::downcast_args::<#args_type>(args));
    channel_arm(service, index, method, &unpack, |call| {
        direct_body(krate, method, call)
    })
}

/// The handler body of [`direct_arm`]: the reply or error boxed as it is.
fn direct_body(krate: &syn::Path, method: &Method<'_>, call: &TokenStream) -> TokenStream {
    let outcome = quote!(#krate::DirectOutcome);
    // Spanned at the user's type, like the encoders above: a reply type that is not `Send` is reported there.
    let boxed = |ty: &syn::Type| quote_spanned!(ty.span()=> #krate::__private::direct_value::<#ty>);
    match &method.output {
        Output::Unit => quote!(#outcome::Reply(::std::boxed::Box::new(#call))),
        Output::Value(ty) => {
            let boxed = boxed(ty);
            quote!(#outcome::Reply(#boxed(#call)))
        }
        Output::Result { ok, err } => {
            let (boxed_ok, boxed_err) = (boxed(ok), boxed(err));
            quote! {
                match #call {
                    ::core::result::Result::Ok(value) => #outcome::Reply(#boxed_ok(value)),
                    ::core::result::Result::Err(error) => #outcome::HandlerError(#boxed_err(error)),
                }
            }
        }
    }
}
