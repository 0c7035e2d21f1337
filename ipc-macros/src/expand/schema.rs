//! `<Trait>Schema`: the static channel table the runtime checks against, the TypeScript description, the
//! compile-time payload checks, and the `#[test]` that writes the `.ts` files.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::names::schema_ident;
use crate::ast::{Kind, Method, Output, Service, snake_case, unraw};

pub(crate) fn generate(service: &Service<'_>) -> TokenStream {
    let krate = &service.krate;
    let vis = &service.item.vis;
    let schema = schema_ident(service);
    let trait_name = service.ident().to_string();
    let namespace = service.namespace();
    let descriptors = service
        .methods
        .iter()
        .map(|m| descriptor(service, m, &namespace));
    let describes = service
        .methods
        .iter()
        .map(|m| describe(service, m, &namespace));
    let assertions = service.methods.iter().map(|m| assertions(service, m));
    let export_dir = service
        .options
        .export_to
        .clone()
        .unwrap_or_else(|| "bindings".to_owned());
    let test_name = format_ident!("export_bindings_{}", snake_case(&trait_name));
    let doc = format!("Channel table and TypeScript description of [`{trait_name}`].");
    let (web, electron) = (service.options.hosts.web, service.options.hosts.electron);
    let expose_as = service.options.expose_as.as_ref().map(|name| {
        let name = &name.value;
        quote!(#krate::ts::ApiBuilder::expose_as(api, #name);)
    });
    let export_test = service.options.export.then(|| {
        quote! {
            #[cfg(test)]
            #[test]
            fn #test_name() {
                if let ::core::result::Result::Err(error) =
                    #krate::ts::export::<#schema>(::core::env!("CARGO_MANIFEST_DIR"), #export_dir)
                {
                    ::core::panic!("{}", error);
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, Default)]
        #vis struct #schema;

        impl #schema {
            /// Every channel of the trait, in declaration order.
            pub const DESCRIPTOR: &'static #krate::ServiceDescriptor = &#krate::ServiceDescriptor {
                name: #trait_name,
                channels: &[#(#descriptors),*],
            };

            /// The fingerprint of the channels and payload types (the value `<Trait>.ts` exports as
            /// `<Trait>Fingerprint`): hosts refuse a renderer built from other bindings. Computed once.
            pub fn fingerprint() -> &'static str {
                static FINGERPRINT: ::std::sync::OnceLock<::std::string::String> =
                    ::std::sync::OnceLock::new();
                FINGERPRINT.get_or_init(|| {
                    #krate::ts::fingerprint(&#krate::ts::describe::<Self>())
                })
            }
        }

        impl #krate::ts::Bindings for #schema {
            const NAME: &'static str = #trait_name;
            const HOSTS: #krate::ts::Hosts = #krate::ts::Hosts { web: #web, electron: #electron };

            fn describe(api: &mut #krate::ts::ApiBuilder) {
                #expose_as
                #(#describes)*
            }
        }

        const _: () = {
            #(#assertions)*
        };

        #export_test
    }
}

fn kind_tokens(service: &Service<'_>, kind: Kind) -> TokenStream {
    let krate = &service.krate;
    match kind {
        Kind::Send => quote!(#krate::ChannelKind::Send),
        Kind::Invoke => quote!(#krate::ChannelKind::Invoke),
        Kind::Event => quote!(#krate::ChannelKind::Event),
        Kind::Stream => quote!(#krate::ChannelKind::Stream),
    }
}

fn descriptor(service: &Service<'_>, method: &Method<'_>, namespace: &str) -> TokenStream {
    let krate = &service.krate;
    let name = method.channel_name(namespace);
    let rust_name = unraw(method.ident());
    let kind = kind_tokens(service, method.kind);
    let origins = method.origins(service);
    let subframes = method
        .options
        .allow_subframes
        .unwrap_or(service.options.allow_subframes);
    let timeout = declared_timeout(service, method);
    let window = if method.kind == Kind::Stream {
        let window = stream_window(method);
        quote!(::core::option::Option::Some(#window))
    } else {
        quote!(::core::option::Option::None)
    };
    quote! {
        #krate::ChannelDescriptor {
            name: #name,
            method: #rust_name,
            kind: #kind,
            allow_origins: &[#(#origins),*],
            allow_subframes: #subframes,
            timeout_ms: #timeout,
            stream_window: #window,
        }
    }
}

/// Items a client grants a stream at its start unless told otherwise (`#[stream(window = N)]`).
const DEFAULT_WINDOW: u32 = 16;

/// A `#[stream]`'s initial item credit hint.
pub(crate) fn stream_window(method: &Method<'_>) -> u32 {
    method
        .options
        .window
        .as_ref()
        .map_or(DEFAULT_WINDOW, |w| w.value)
}

/// The channel's declared default deadline (`Option<u32>`): invokes and streams only, the method's or else
/// the trait's.
fn declared_timeout(service: &Service<'_>, method: &Method<'_>) -> TokenStream {
    match method
        .options
        .timeout_ms
        .as_ref()
        .or(service.options.timeout_ms.as_ref())
    {
        Some(t) if matches!(method.kind, Kind::Invoke | Kind::Stream) => {
            let value = t.value;
            quote!(::core::option::Option::Some(#value))
        }
        _ => quote!(::core::option::Option::None),
    }
}

fn describe(service: &Service<'_>, method: &Method<'_>, namespace: &str) -> TokenStream {
    let krate = &service.krate;
    let channel = method.channel_name(namespace);
    let rust_name = unraw(method.ident());
    let kind = kind_tokens(service, method.kind);
    let docs = method.docs();
    let origins = method.origins(service);
    let subframes = method
        .options
        .allow_subframes
        .unwrap_or(service.options.allow_subframes);
    let timeout = declared_timeout(service, method);
    let args = method.args.iter().map(|a| {
        let name = unraw(a.ident);
        let ty = ts_of(krate, a.ty);
        quote!((#name, #ty))
    });
    let (output, error) = match &method.output {
        Output::Unit => (
            quote!(#krate::ts::ApiBuilder::ty::<()>(api)),
            quote!(#krate::ts::ApiBuilder::ty::<#krate::Never>(api)),
        ),
        Output::Value(ty) => (
            ts_of(krate, ty),
            quote!(#krate::ts::ApiBuilder::ty::<#krate::Never>(api)),
        ),
        Output::Result { ok, err } => (ts_of(krate, ok), ts_of(krate, err)),
    };
    let item = if let Some(sink) = &method.sink {
        let item = ts_of(krate, sink.item);
        quote!(::core::option::Option::Some(#item))
    } else {
        quote!(::core::option::Option::None)
    };
    quote! {
        {
            let args = ::std::vec![#(#args),*];
            let output = #output;
            let error = #error;
            let item = #item;
            api.channel(#krate::ts::ChannelTs {
                kind: #kind,
                channel: #channel,
                method: #rust_name,
                docs: &[#(#docs),*],
                args,
                output,
                error,
                allow_origins: &[#(#origins),*],
                allow_subframes: #subframes,
                timeout_ms: #timeout,
                item,
            });
        }
    }
}

/// `api.ty::<T>()` through `__private::ts_type`, spanned at `T` (and called as a path, so that rustc has no
/// method call to blame): a type that is not `TS` is reported at the type, with the derive to add. It also
/// hands the builder `T`'s round trip through serde, which the bindings check samples; picked by method
/// lookup, so that a type that is not `Serialize` or `Deserialize` is reported only where the generated
/// code needs it.
fn ts_of(krate: &syn::Path, ty: &syn::Type) -> TokenStream {
    let name = quote_spanned!(ty.span()=> #krate::__private::ts_type::<#ty>(api));
    quote! {{
        #[allow(unused_imports)]
        use #krate::ts::{HasRoundTrip as _, NoRoundTrip as _};
        let name = #name;
        let round_trip = (&#krate::ts::RoundTripOf::<#ty>::NEW).round_trip();
        #krate::ts::ApiBuilder::round_trip(api, &name, round_trip);
        name
    }}
}

/// Compile-time checks for what no generated body requires: the Rust client decodes an `#[invoke]` reply
/// only when the call is awaited, so the reply types' `DeserializeOwned` is checked here, at the type.
///
/// Every other bound of a payload type is required exactly once by the generated code, at the type's span
/// (see `codec.rs`), so a missing trait gives one error, at the type.
fn assertions(service: &Service<'_>, method: &Method<'_>) -> TokenStream {
    let krate = &service.krate;
    let mut out = TokenStream::new();
    let mut replies: Vec<&syn::Type> = match &method.output {
        Output::Unit => Vec::new(),
        Output::Value(ty) => vec![ty],
        Output::Result { ok, err } => vec![ok, err],
    };
    // A stream's items are decoded by the Rust client as they come.
    replies.extend(method.sink.as_ref().map(|sink| sink.item));
    for ty in replies {
        out.extend(quote_spanned!(ty.span()=> let _ = #krate::__private::decode_args::<#ty>;));
    }
    // A plain reply type must not be a `Result` spelled another way (see `ipc_runtime`'s `reply_probe`).
    if let Output::Value(ty) = &method.output {
        out.extend(quote_spanned! {ty.span()=>
            {
                #[allow(dead_code)]
                fn reply_is_not_a_result() {
                    #[allow(unused_imports)]
                    use #krate::__private::{PlainProbe as _, ResultProbe as _};
                    #krate::__private::assert_plain_reply(&(&#krate::__private::ReplyProbe::<#ty>::NEW).reply_kind());
                }
            }
        });
    }
    out
}
