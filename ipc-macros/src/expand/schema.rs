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
    let descriptors = service.methods.iter().map(|m| descriptor(service, m, &namespace));
    let describes = service.methods.iter().map(|m| describe(service, m, &namespace));
    let assertions = service.methods.iter().map(|m| assertions(service, m));
    let export_dir = service.options.export_to.clone().unwrap_or_else(|| "bindings".to_owned());
    let test_name = format_ident!("export_bindings_{}", snake_case(&trait_name));
    let doc = format!("Channel table and TypeScript description of [`{trait_name}`].");
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
        }

        impl #krate::ts::Bindings for #schema {
            const NAME: &'static str = #trait_name;

            fn describe(api: &mut #krate::ts::ApiBuilder) {
                #(#describes)*
            }
        }

        const _: () = {
            #(#assertions)*
        };

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
}

fn kind_tokens(service: &Service<'_>, kind: Kind) -> TokenStream {
    let krate = &service.krate;
    match kind {
        Kind::Send => quote!(#krate::ChannelKind::Send),
        Kind::Invoke => quote!(#krate::ChannelKind::Invoke),
        Kind::Event => quote!(#krate::ChannelKind::Event),
    }
}

fn descriptor(service: &Service<'_>, method: &Method<'_>, namespace: &str) -> TokenStream {
    let krate = &service.krate;
    let name = method.channel_name(namespace);
    let rust_name = unraw(method.ident());
    let kind = kind_tokens(service, method.kind);
    let origins = method.origins(service);
    let subframes = method.options.allow_subframes.unwrap_or(service.options.allow_subframes);
    let timeout = match method.options.timeout_ms.as_ref().or(service.options.timeout_ms.as_ref()) {
        Some(t) if method.kind == Kind::Invoke => {
            let value = t.value;
            quote!(::core::option::Option::Some(#value))
        }
        _ => quote!(::core::option::Option::None),
    };
    quote! {
        #krate::ChannelDescriptor {
            name: #name,
            method: #rust_name,
            kind: #kind,
            allow_origins: &[#(#origins),*],
            allow_subframes: #subframes,
            timeout_ms: #timeout,
        }
    }
}

fn describe(service: &Service<'_>, method: &Method<'_>, namespace: &str) -> TokenStream {
    let krate = &service.krate;
    let channel = method.channel_name(namespace);
    let rust_name = unraw(method.ident());
    let kind = kind_tokens(service, method.kind);
    let docs = method.docs();
    let args = method.args.iter().map(|a| {
        let name = unraw(a.ident);
        let ty = a.ty;
        quote!((#name, api.ty::<#ty>()))
    });
    let (output, error) = match &method.output {
        Output::Unit => (quote!(()), quote!(#krate::Never)),
        Output::Value(ty) => (quote!(#ty), quote!(#krate::Never)),
        Output::Result { ok, err } => (quote!(#ok), quote!(#err)),
    };
    quote! {
        {
            let args = ::std::vec![#(#args),*];
            let output = api.ty::<#output>();
            let error = api.ty::<#error>();
            api.channel(#krate::ts::ChannelTs {
                kind: #kind,
                channel: #channel,
                method: #rust_name,
                docs: &[#(#docs),*],
                args,
                output,
                error,
            });
        }
    }
}

/// One compile-time check per payload type, spanned on the type so the error points at it.
fn assertions(service: &Service<'_>, method: &Method<'_>) -> TokenStream {
    let krate = &service.krate;
    let mut out = TokenStream::new();
    for arg in &method.args {
        let ty = arg.ty;
        out.extend(quote_spanned!(ty.span()=> #krate::__private::assert_payload::<#ty>();));
    }
    match &method.output {
        Output::Unit => {}
        Output::Value(ty) => out.extend(quote_spanned!(ty.span()=> #krate::__private::assert_payload::<#ty>();)),
        Output::Result { ok, err } => {
            out.extend(quote_spanned!(ok.span()=> #krate::__private::assert_payload::<#ok>();));
            out.extend(quote_spanned!(err.span()=> #krate::__private::assert_error::<#err>();));
        }
    }
    out
}
