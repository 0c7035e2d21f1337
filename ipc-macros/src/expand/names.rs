//! Names of generated items, derived from the trait's name.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

use crate::ast::{Arg, Service};

pub(crate) fn service_ident(service: &Service<'_>) -> Ident {
    format_ident!("{}Service", service.ident())
}

pub(crate) fn schema_ident(service: &Service<'_>) -> Ident {
    format_ident!("{}Schema", service.ident())
}

pub(crate) fn events_ident(service: &Service<'_>) -> Ident {
    format_ident!("{}Events", service.ident())
}

pub(crate) fn client_ident(service: &Service<'_>) -> Ident {
    format_ident!("{}Client", service.ident())
}

/// The argument tuple value built from the argument names.
pub(crate) fn args_tuple_value(args: &[Arg<'_>]) -> TokenStream {
    if args.is_empty() {
        return quote!([(); 0]);
    }
    let idents = args.iter().map(|a| a.ident);
    quote!((#(#idents,)*))
}

/// The type of the argument tuple: what a direct call hands over (see [`args_tuple_value`]).
pub(crate) fn args_tuple_type(args: &[Arg<'_>]) -> TokenStream {
    if args.is_empty() {
        return quote!([(); 0]);
    }
    let types = args.iter().map(|a| a.ty);
    quote!((#(#types,)*))
}

/// An expression encoding the arguments (by name) as the wire's JSON array, with any binary attachments:
/// `Result<Encoded, serde_json::Error>`.
pub(crate) fn encode_args(krate: &syn::Path, args: &[Arg<'_>]) -> TokenStream {
    if args.is_empty() {
        return quote!(#krate::__private::encode_payload(&[(); 0]));
    }
    let idents = args.iter().map(|a| a.ident);
    encode_arg_refs(krate, args, &quote!((#(&#idents,)*)))
}

/// An expression encoding `refs`, a tuple of references to values of the argument types, as the wire's JSON
/// array: `Result<Encoded, serde_json::Error>`. `args` must not be empty.
///
/// Each argument type is named once, in a turbofish, with its own span, so a type that is not `Serialize`
/// is reported at that type (not as the whole tuple, at the attribute). The helper is declared inside the
/// `match` arm, where no argument name is in scope for it to shadow.
pub(crate) fn encode_arg_refs(
    krate: &syn::Path,
    args: &[Arg<'_>],
    refs: &TokenStream,
) -> TokenStream {
    let serde_json = quote!(#krate::__private::serde_json);
    let params = generic_params(args);
    let types = args.iter().map(|a| a.ty);
    quote! {
        match #refs {
            args => {
                fn encode_args<#(#params: #krate::__private::PayloadSerialize),*>(args: (#(&#params,)*))
                    -> ::core::result::Result<#krate::__private::Encoded, #serde_json::Error>
                {
                    #krate::__private::encode_payload(&args)
                }
                encode_args::<#(#types),*>(args)
            }
        }
    }
}

/// An expression decoding the wire's JSON array in `payload` (an identifier) into the argument tuple:
/// `Result<(A, B,), DecodeError>`. Each type is named once with its own span, as in [`encode_args`].
pub(crate) fn decode_args(krate: &syn::Path, args: &[Arg<'_>], payload: &Ident) -> TokenStream {
    if args.is_empty() {
        return quote!(#krate::__private::decode_args::<[(); 0]>(#payload));
    }
    let params = generic_params(args);
    let types = args.iter().map(|a| a.ty);
    quote! {{
        fn decode_args<#(#params: #krate::__private::PayloadDeserialize),*>(payload: &str)
            -> ::core::result::Result<(#(#params,)*), #krate::DecodeError>
        {
            #krate::__private::decode_args(payload)
        }
        decode_args::<#(#types),*>(#payload)
    }}
}

fn generic_params(args: &[Arg<'_>]) -> Vec<Ident> {
    (0..args.len()).map(|i| format_ident!("A{i}")).collect()
}

/// The pattern that destructures a decoded argument tuple.
pub(crate) fn args_tuple_pattern(args: &[Arg<'_>]) -> TokenStream {
    if args.is_empty() {
        return quote!([]);
    }
    let idents = args.iter().map(|a| a.ident);
    quote!((#(#idents,)*))
}
