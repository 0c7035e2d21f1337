//! The clash check's reserved names come from the generators' own lists; this test keeps those lists true by
//! reading every inherent method the expansion actually emits.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;

/// The inherent methods of `type_name` in the expansion, minus the ones generated per channel.
fn fixed_methods(
    file: &syn::File,
    type_name: &str,
    channels: &BTreeSet<String>,
) -> BTreeSet<String> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() => Some(imp),
            _ => None,
        })
        .filter(|imp| matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident(type_name)))
        .flat_map(|imp| &imp.items)
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .filter(|name| !channels.contains(name))
        .collect()
}

#[test]
fn every_fixed_generated_method_is_reserved() {
    let args: TokenStream = r#"allow_origins = ["app://main"]"#.parse().unwrap();
    let input: TokenStream = "pub trait Probe {
        #[invoke] async fn ask(&self, caller: Caller, x: u32) -> u32;
        #[send] async fn tell(&self, caller: Caller);
        #[event] fn changed(x: u32);
    }"
    .parse()
    .unwrap();
    let output = crate::expand(args, input);
    let file: syn::File = syn::parse2(output).expect("the expansion parses as items");
    let channels: BTreeSet<String> = ["ask", "tell", "on_changed", "changed"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let list = |names: &[&str]| {
        names
            .iter()
            .map(|n| (*n).to_owned())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        fixed_methods(&file, "ProbeClient", &channels),
        list(super::CLIENT_FIXED_METHODS)
    );
    assert_eq!(
        fixed_methods(&file, "ProbeEvents", &channels),
        list(super::EVENTS_FIXED_METHODS)
    );
}
