//! The argument codecs of the `send` and `invoke` channels, one decoder and one encoder per channel, as
//! private associated functions of `<Trait>Schema`. Every generated item that reads or writes a channel's
//! argument tuple goes through them: the dispatch and `normalize` decode, the client and `normalize`
//! encode. So each payload bound is required once, at the argument's type, however many items need it, and
//! a type missing a derive gets one error.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

use super::names::{decode_args, encode_arg_refs, schema_ident};
use crate::ast::{Kind, Method, Service};

pub(crate) fn generate(service: &Service<'_>) -> TokenStream {
    let krate = &service.krate;
    let schema = schema_ident(service);
    let serde_json = quote!(#krate::__private::serde_json);
    let codecs = service
        .methods
        .iter()
        .filter(|m| m.kind != Kind::Event && !m.args.is_empty())
        .map(|method| {
            let (decoder, encoder) = (decoder_ident(method), encoder_ident(method));
            let types: Vec<_> = method.args.iter().map(|a| a.ty).collect();
            let decode = decode_args(krate, &method.args, &format_ident!("payload"));
            let encode = encode_arg_refs(krate, &method.args, &quote!(args));
            quote! {
                #[allow(clippy::type_complexity)]
                fn #decoder(payload: &str)
                    -> ::core::result::Result<(#(#types,)*), #krate::DecodeError>
                {
                    #decode
                }

                #[allow(clippy::type_complexity)]
                fn #encoder(args: (#(&#types,)*))
                    -> ::core::result::Result<#krate::__private::Encoded, #serde_json::Error>
                {
                    #encode
                }
            }
        });
    quote! {
        impl #schema {
            #(#codecs)*
        }
    }
}

fn decoder_ident(method: &Method<'_>) -> Ident {
    format_ident!("__decode_args_{}", method.ident())
}

fn encoder_ident(method: &Method<'_>) -> Ident {
    format_ident!("__encode_args_{}", method.ident())
}

/// An expression decoding `payload` (an identifier) into `method`'s argument tuple:
/// `Result<(A, B,), DecodeError>` (`[(); 0]` for none).
pub(crate) fn decode_call(
    service: &Service<'_>,
    method: &Method<'_>,
    payload: &Ident,
) -> TokenStream {
    let krate = &service.krate;
    if method.args.is_empty() {
        return quote!(#krate::__private::decode_args::<[(); 0]>(#payload));
    }
    let schema = schema_ident(service);
    let decoder = decoder_ident(method);
    quote!(#schema::#decoder(#payload))
}

/// An expression encoding `method`'s arguments, bound by name, as the wire's JSON array:
/// `Result<Encoded, serde_json::Error>`.
pub(crate) fn encode_call(service: &Service<'_>, method: &Method<'_>) -> TokenStream {
    let krate = &service.krate;
    if method.args.is_empty() {
        return quote!(#krate::__private::encode_payload(&[(); 0]));
    }
    let schema = schema_ident(service);
    let encoder = encoder_ident(method);
    let idents = method.args.iter().map(|a| a.ident);
    quote!(#schema::#encoder((#(&#idents,)*)))
}
