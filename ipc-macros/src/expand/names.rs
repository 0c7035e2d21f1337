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

/// The argument tuple type as decoded from (or encoded to) the wire: `(A, B,)`, or `[(); 0]` for no
/// arguments (which, unlike `()`, is the empty JSON array).
pub(crate) fn args_tuple_type(args: &[Arg<'_>]) -> TokenStream {
    if args.is_empty() {
        return quote!([(); 0]);
    }
    let types = args.iter().map(|a| a.ty);
    quote!((#(#types,)*))
}

/// The argument tuple value (or pattern) built from the argument names.
pub(crate) fn args_tuple_value(args: &[Arg<'_>]) -> TokenStream {
    if args.is_empty() {
        return quote!([(); 0]);
    }
    let idents = args.iter().map(|a| a.ident);
    quote!((#(#idents,)*))
}

/// The pattern that destructures a decoded argument tuple.
pub(crate) fn args_tuple_pattern(args: &[Arg<'_>]) -> TokenStream {
    if args.is_empty() {
        return quote!([]);
    }
    let idents = args.iter().map(|a| a.ident);
    quote!((#(#idents,)*))
}
