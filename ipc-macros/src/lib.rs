//! The `#[channels]` attribute macro. Use it through `ipc_runtime::channels`; see that crate for the guide.
//!
//! Pipeline: parse the trait into an IR ([`ast`]) collecting every error ([`ctxt`]), run the checks as their
//! own pass ([`check`]), then generate one item per file under [`expand`]. On any error the original trait
//! is still emitted (minus this macro's helper attributes) next to the errors, so IDEs keep working.

mod ast;
mod attr;
mod check;
#[cfg(test)]
mod cost;
mod ctxt;
mod expand;
mod exposed;
mod fallback;
mod types;

use proc_macro::TokenStream;

/// Declares typed IPC channels on a trait. See the `ipc_runtime` crate documentation.
#[proc_macro_attribute]
pub fn channels(args: TokenStream, input: TokenStream) -> TokenStream {
    expand(args.into(), input.into()).into()
}

/// The globals every page already has on `window`, as an array of string literals: `ipc_runtime` refuses to
/// expose a trait under one of them at run time, with the same list the macro checks `expose_as` against.
/// Not part of the API.
#[doc(hidden)]
#[proc_macro]
pub fn __window_globals(input: TokenStream) -> TokenStream {
    if !input.is_empty() {
        return quote::quote!(::core::compile_error!(
            "`__window_globals!()` takes no input"
        ))
        .into();
    }
    let names = exposed::WINDOW_GLOBALS;
    quote::quote!([#(#names),*]).into()
}

/// The whole macro on `proc_macro2` tokens, so that it also runs outside the compiler (see [`cost`]).
fn expand(
    args: proc_macro2::TokenStream,
    input: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let item: syn::ItemTrait = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(e) => {
            let mut out = input;
            out.extend(e.to_compile_error());
            return out;
        }
    };
    let mut cx = ctxt::Ctxt::default();
    let mut service = ast::Service::parse(&mut cx, args, &item);
    check::run(&mut cx, &service);
    let broken = cx.sections_with_errors();
    match cx.finish() {
        Ok(()) => expand::service(&service),
        Err(errors) => {
            // Section 0 is the attribute and the trait's header: with an error there, nothing generated can
            // be trusted. Otherwise the channels without errors are generated as usual, so code using them
            // meets no follow-on errors.
            let usable = (!broken.contains(&0)).then(|| {
                service.methods.retain(|m| !broken.contains(&m.section));
                service.options.export = false;
                &service
            });
            fallback::emit(&item, &errors, usable)
        }
    }
}
