//! Parsing of the macro's own attribute arguments: one constant per key, duplicates rejected, unknown keys
//! named along with the keys that are accepted.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;
use syn::{Expr, ExprArray, Lit, LitInt, LitStr, Path};

use crate::ctxt::Ctxt;

pub(crate) const ALLOW_ORIGINS: &str = "allow_origins";
pub(crate) const ALLOW_SUBFRAMES: &str = "allow_subframes";
pub(crate) const CRATE: &str = "crate";
pub(crate) const EXPORT: &str = "export";
pub(crate) const EXPORT_TO: &str = "export_to";
pub(crate) const EXPOSE_AS: &str = "expose_as";
pub(crate) const HOSTS: &str = "hosts";
pub(crate) const NAME: &str = "name";
pub(crate) const NAMESPACE: &str = "namespace";
pub(crate) const TIMEOUT_MS: &str = "timeout_ms";
pub(crate) const WINDOW: &str = "window";

pub(crate) const SEND: &str = "send";
pub(crate) const INVOKE: &str = "invoke";
pub(crate) const EVENT: &str = "event";
pub(crate) const STREAM: &str = "stream";

/// The values of `hosts`.
const WEB: &str = "web";
const ELECTRON: &str = "electron";

/// Whether `attr` is one of the method markers this macro consumes.
pub(crate) fn is_channel_attr(attr: &syn::Attribute) -> bool {
    [SEND, INVOKE, EVENT, STREAM]
        .iter()
        .any(|k| attr.path().is_ident(k))
}

/// A value together with where it was written, for error spans.
#[derive(Clone)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

/// An option that may be given once.
pub(crate) struct Once<T> {
    name: &'static str,
    value: Option<Spanned<T>>,
}

impl<T> Once<T> {
    pub(crate) fn new(name: &'static str) -> Self {
        Self { name, value: None }
    }

    /// Records `value`, spanned at the key, or reports a duplicate key there.
    fn set(&mut self, cx: &mut Ctxt, span: Span, value: T) {
        self.set_spanned(cx, span, Spanned { value, span });
    }

    /// Like [`Once::set`], with the value spanned elsewhere (e.g. at its literal) for later errors.
    fn set_spanned(&mut self, cx: &mut Ctxt, key_span: Span, value: Spanned<T>) {
        if self.value.is_some() {
            cx.error_at(key_span, format!("duplicate key `{}`", self.name));
        } else {
            self.value = Some(value);
        }
    }

    pub(crate) fn get(self) -> Option<Spanned<T>> {
        self.value
    }
}

/// Options on the trait: `#[channels(allow_origins = [...], namespace = "...", ...)]`.
pub(crate) struct TraitOptions {
    pub(crate) allow_origins: Option<Spanned<Vec<LitStr>>>,
    pub(crate) allow_subframes: bool,
    pub(crate) krate: Option<Path>,
    pub(crate) export_to: Option<String>,
    /// The `window` property the Electron preload exposes (`expose_as = "electronAPI"`); spanned at the literal.
    pub(crate) expose_as: Option<Spanned<String>>,
    /// Whether to generate the `#[test]` that writes the `.ts` files (`export = false` turns it off).
    pub(crate) export: bool,
    /// Which hosts' TypeScript files the export writes (`hosts = [...]`; both by default).
    pub(crate) hosts: Hosts,
    pub(crate) namespace: Option<Spanned<String>>,
    pub(crate) timeout_ms: Option<Spanned<u32>>,
    /// False when the arguments failed to parse part-way, so keys after the error were never seen.
    pub(crate) complete: bool,
}

pub(crate) fn parse_trait_options(cx: &mut Ctxt, args: proc_macro2::TokenStream) -> TraitOptions {
    let mut allow_origins = Once::new(ALLOW_ORIGINS);
    let mut allow_subframes = Once::new(ALLOW_SUBFRAMES);
    let mut krate = Once::new(CRATE);
    let mut export_to = Once::new(EXPORT_TO);
    let mut expose_as = Once::new(EXPOSE_AS);
    let mut export = Once::new(EXPORT);
    let mut hosts = Once::new(HOSTS);
    let mut namespace = Once::new(NAMESPACE);
    let mut timeout_ms = Once::new(TIMEOUT_MS);
    let parser = syn::meta::parser(|meta| {
        let span = meta.path.span();
        if meta.path.is_ident(ALLOW_ORIGINS) {
            allow_origins.set(cx, span, origins(&meta)?);
        } else if meta.path.is_ident(ALLOW_SUBFRAMES) {
            allow_subframes.set(cx, span, flag(&meta)?);
        } else if meta.path.is_ident(CRATE) {
            krate.set(cx, span, meta.value()?.parse::<LitStr>()?.parse::<Path>()?);
        } else if meta.path.is_ident(EXPORT_TO) {
            export_to.set(cx, span, meta.value()?.parse::<LitStr>()?.value());
        } else if meta.path.is_ident(EXPOSE_AS) {
            let lit = meta.value()?.parse::<LitStr>()?;
            expose_as.set_spanned(
                cx,
                span,
                Spanned {
                    value: lit.value(),
                    span: lit.span(),
                },
            );
        } else if meta.path.is_ident(EXPORT) {
            export.set(cx, span, flag(&meta)?);
        } else if meta.path.is_ident(HOSTS) {
            let list = host_list(cx, &meta)?;
            hosts.set(cx, span, list);
        } else if meta.path.is_ident(NAMESPACE) {
            namespace.set(cx, span, meta.value()?.parse::<LitStr>()?.value());
        } else if meta.path.is_ident(TIMEOUT_MS) {
            if let Some(millis) = millis(cx, &meta)? {
                timeout_ms.set(cx, span, millis);
            }
        } else {
            return Err(unknown_key(
                &meta,
                &[
                    ALLOW_ORIGINS,
                    ALLOW_SUBFRAMES,
                    CRATE,
                    EXPORT,
                    EXPORT_TO,
                    EXPOSE_AS,
                    HOSTS,
                    NAMESPACE,
                    TIMEOUT_MS,
                ],
            ));
        }
        Ok(())
    });
    let complete = match syn::parse::Parser::parse2(parser, args) {
        Ok(()) => true,
        Err(e) => {
            cx.syn_error(e);
            false
        }
    };
    TraitOptions {
        allow_origins: allow_origins.get(),
        allow_subframes: allow_subframes.get().is_some_and(|s| s.value),
        krate: krate.get().map(|s| s.value),
        export_to: export_to.get().map(|s| s.value),
        expose_as: expose_as.get(),
        export: export.get().is_none_or(|s| s.value),
        hosts: hosts.get().map_or(Hosts::ALL, |s| s.value),
        namespace: namespace.get(),
        timeout_ms: timeout_ms.get(),
        complete,
    }
}

/// Options on a method: `#[invoke(name = "...", allow_origins = [...], timeout_ms = 500)]`.
pub(crate) struct MethodOptions {
    /// Spanned at the name's string literal.
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) allow_origins: Option<Spanned<Vec<LitStr>>>,
    pub(crate) allow_subframes: Option<bool>,
    pub(crate) timeout_ms: Option<Spanned<u32>>,
    /// A `#[stream]`'s initial item credit hint for clients (`window = 64`).
    pub(crate) window: Option<Spanned<u32>>,
    /// False when the arguments failed to parse part-way, so keys after the error were never seen.
    pub(crate) complete: bool,
}

impl Default for MethodOptions {
    fn default() -> Self {
        Self {
            name: None,
            allow_origins: None,
            allow_subframes: None,
            timeout_ms: None,
            window: None,
            complete: true,
        }
    }
}

pub(crate) fn parse_method_options(
    cx: &mut Ctxt,
    attr: &syn::Attribute,
    kind_name: &str,
) -> MethodOptions {
    if matches!(attr.meta, syn::Meta::Path(_)) {
        return MethodOptions::default();
    }
    let allows_timeout = kind_name == INVOKE || kind_name == STREAM;
    let is_stream = kind_name == STREAM;
    let mut window = Once::new(WINDOW);
    let mut name = Once::new(NAME);
    let mut allow_origins = Once::new(ALLOW_ORIGINS);
    let mut allow_subframes = Once::new(ALLOW_SUBFRAMES);
    let mut timeout_ms = Once::new(TIMEOUT_MS);
    let result = attr.parse_nested_meta(|meta| {
        let span = meta.path.span();
        if meta.path.is_ident(NAME) {
            let lit = meta.value()?.parse::<LitStr>()?;
            name.set_spanned(cx, span, Spanned { value: lit.value(), span: lit.span() });
        } else if meta.path.is_ident(ALLOW_ORIGINS) {
            allow_origins.set(cx, span, origins(&meta)?);
        } else if meta.path.is_ident(ALLOW_SUBFRAMES) {
            allow_subframes.set(cx, span, flag(&meta)?);
        } else if allows_timeout && meta.path.is_ident(TIMEOUT_MS) {
            if let Some(millis) = millis(cx, &meta)? {
                timeout_ms.set(cx, span, millis);
            }
        } else if is_stream && meta.path.is_ident(WINDOW) {
            let lit: LitInt = meta.value()?.parse()?;
            let value: u32 = lit.base10_parse()?;
            if value == 0 {
                cx.error(&lit, "`window` must be at least 1: a stream with no credit could never send");
            } else {
                window.set(cx, span, value);
            }
        } else if is_stream {
            return Err(unknown_key(&meta, &[NAME, ALLOW_ORIGINS, ALLOW_SUBFRAMES, TIMEOUT_MS, WINDOW]));
        } else if allows_timeout {
            return Err(unknown_key(&meta, &[NAME, ALLOW_ORIGINS, ALLOW_SUBFRAMES, TIMEOUT_MS]));
        } else if meta.path.is_ident(TIMEOUT_MS) {
            cx.error_at(span, format!("`timeout_ms` applies to `#[invoke]` and `#[stream]` only: a `#[{kind_name}]` has no reply to wait for"));
            millis(cx, &meta)?;
        } else {
            return Err(unknown_key(&meta, &[NAME, ALLOW_ORIGINS, ALLOW_SUBFRAMES]));
        }
        Ok(())
    });
    let complete = match result {
        Ok(()) => true,
        Err(e) => {
            cx.syn_error(e);
            false
        }
    };
    MethodOptions {
        name: name.get(),
        allow_origins: allow_origins.get(),
        allow_subframes: allow_subframes.get().map(|s| s.value),
        timeout_ms: timeout_ms.get(),
        window: window.get(),
        complete,
    }
}

fn unknown_key(meta: &ParseNestedMeta<'_>, expected: &[&str]) -> syn::Error {
    let key = quote::ToTokens::to_token_stream(&meta.path)
        .to_string()
        .replace(' ', "");
    let expected = expected
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    meta.error(format!("unknown key `{key}`; expected one of: {expected}"))
}

/// `allow_subframes` alone, or `allow_subframes = true/false`.
fn flag(meta: &ParseNestedMeta<'_>) -> syn::Result<bool> {
    if meta.input.peek(syn::Token![=]) {
        Ok(meta.value()?.parse::<syn::LitBool>()?.value)
    } else {
        Ok(true)
    }
}

/// A timeout in milliseconds. Zero is reported through `cx` (parsing goes on) and yields `None`.
fn millis(cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<u32>> {
    let lit: LitInt = meta.value()?.parse()?;
    let value: u32 = lit.base10_parse()?;
    if value == 0 {
        cx.error(&lit, "`timeout_ms` must be at least 1");
        return Ok(None);
    }
    Ok(Some(value))
}

/// The hosts whose TypeScript files are written.
#[derive(Clone, Copy)]
pub(crate) struct Hosts {
    pub(crate) web: bool,
    pub(crate) electron: bool,
}

impl Hosts {
    const ALL: Self = Self {
        web: true,
        electron: true,
    };
}

/// `hosts = ["web", "electron"]`. An unknown or repeated host is reported through `cx` at its literal (parsing
/// goes on), an empty list at the list.
fn host_list(cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Hosts> {
    let array: ExprArray = meta.value()?.parse()?;
    if array.elems.is_empty() {
        cx.error(
            &array,
            format!("an empty `hosts` list would write no host's files; list `{WEB}`, `{ELECTRON}` or both"),
        );
    }
    let mut hosts = Hosts {
        web: false,
        electron: false,
    };
    for elem in &array.elems {
        let Expr::Lit(syn::ExprLit {
            lit: Lit::Str(lit), ..
        }) = elem
        else {
            return Err(syn::Error::new_spanned(
                elem,
                format!("expected a host name: \"{WEB}\" or \"{ELECTRON}\""),
            ));
        };
        let host = lit.value();
        let seen = match host.as_str() {
            WEB => &mut hosts.web,
            ELECTRON => &mut hosts.electron,
            _ => {
                cx.error(
                    lit,
                    format!("unknown host `{host}`; expected one of: `{WEB}`, `{ELECTRON}`"),
                );
                continue;
            }
        };
        if *seen {
            cx.error(lit, format!("duplicate host `{host}`"));
        }
        *seen = true;
    }
    Ok(hosts)
}

fn origins(meta: &ParseNestedMeta<'_>) -> syn::Result<Vec<LitStr>> {
    let array: ExprArray = meta.value()?.parse()?;
    array
        .elems
        .iter()
        .map(|elem| match elem {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) => Ok(s.clone()),
            other => Err(syn::Error::new_spanned(
                other,
                "expected a string literal origin such as \"app://main\"",
            )),
        })
        .collect()
}
