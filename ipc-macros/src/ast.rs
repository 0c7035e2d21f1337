//! The IR: the trait as this macro understands it, keeping the original tokens for error spans.

use proc_macro2::Span;
use syn::{FnArg, Ident, LitStr, Pat, ReturnType, TraitItem, TraitItemFn, Type};

use crate::attr::{self, MethodOptions, Spanned, TraitOptions};
use crate::ctxt::Ctxt;

pub(crate) struct Service<'a> {
    pub(crate) item: &'a syn::ItemTrait,
    pub(crate) options: TraitOptions,
    pub(crate) krate: syn::Path,
    pub(crate) methods: Vec<Method<'a>>,
    /// False when some options could not be read (an attribute failed to parse part-way, or a method was
    /// skipped), so checks that need every option, such as "no allowlist anywhere", must not run.
    pub(crate) complete: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Send,
    Invoke,
    Event,
    Stream,
}

impl Kind {
    pub(crate) fn attr_name(self) -> &'static str {
        match self {
            Self::Send => attr::SEND,
            Self::Invoke => attr::INVOKE,
            Self::Event => attr::EVENT,
            Self::Stream => attr::STREAM,
        }
    }
}

pub(crate) struct Method<'a> {
    /// Where the method is among the trait's items, plus one: its [`Ctxt::section`].
    pub(crate) section: usize,
    pub(crate) kind: Kind,
    pub(crate) item: &'a TraitItemFn,
    pub(crate) options: MethodOptions,
    /// `caller: Caller`, when present as the first argument after the receiver.
    pub(crate) caller: Option<&'a syn::PatType>,
    pub(crate) args: Vec<Arg<'a>>,
    /// A `#[stream]`'s `out: Sink<T>`, its last parameter.
    pub(crate) sink: Option<SinkArg<'a>>,
    /// Whether any parameter is a `Sink` (misplaced ones were reported where they are).
    pub(crate) any_sink: bool,
    pub(crate) output: Output<'a>,
}

/// The `name: Sink<Item>` parameter of a stream handler.
pub(crate) struct SinkArg<'a> {
    pub(crate) item: &'a Type,
}

pub(crate) struct Arg<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
}

pub(crate) enum Output<'a> {
    Unit,
    Value(&'a Type),
    Result { ok: &'a Type, err: &'a Type },
}

impl<'a> Service<'a> {
    /// Reads the trait as far as possible, reporting problems to `cx`; the checks then run on what was read,
    /// so that every error is reported in one build.
    pub(crate) fn parse(
        cx: &mut Ctxt,
        args: proc_macro2::TokenStream,
        item: &'a syn::ItemTrait,
    ) -> Self {
        cx.section(0);
        let options = attr::parse_trait_options(cx, args);
        let krate = options
            .krate
            .clone()
            .unwrap_or_else(|| syn::parse_quote!(::ipc_runtime));
        let mut complete = options.complete;
        let mut methods = Vec::new();
        for (index, trait_item) in item.items.iter().enumerate() {
            cx.section(index + 1);
            match trait_item {
                TraitItem::Fn(f) => match Method::parse(cx, f, index + 1) {
                    Some(method) => {
                        complete &= method.options.complete;
                        methods.push(method);
                    }
                    None => complete = false,
                },
                other => cx.error(other, "a #[channels] trait may contain only channel methods (#[send], #[invoke], #[stream] or #[event])"),
            }
        }
        Self {
            item,
            options,
            krate,
            methods,
            complete,
        }
    }

    pub(crate) fn ident(&self) -> &Ident {
        &self.item.ident
    }

    /// Prefix of default channel names: the `namespace` option, else the trait name in snake case.
    pub(crate) fn namespace(&self) -> String {
        self.options.namespace.as_ref().map_or_else(
            || snake_case(&self.item.ident.to_string()),
            |n| n.value.clone(),
        )
    }
}

impl<'a> Method<'a> {
    fn parse(cx: &mut Ctxt, item: &'a TraitItemFn, section: usize) -> Option<Self> {
        let (marker, kind) = kind_marker(cx, item)?;
        let options = attr::parse_method_options(cx, marker, kind.attr_name());
        let mut inputs = item.sig.inputs.iter().peekable();
        let receiver = inputs.next_if(|a| matches!(a, FnArg::Receiver(_)));
        check_receiver(cx, item, kind, receiver);
        let caller = match inputs.peek() {
            Some(FnArg::Typed(pat)) if is_caller_type(&pat.ty) => {
                inputs.next();
                Some(pat)
            }
            _ => None,
        };
        let mut args = Vec::new();
        let inputs: Vec<&FnArg> = inputs.collect();
        let sinks = inputs
            .iter()
            .filter(|a| matches!(a, FnArg::Typed(p) if sink_item(&p.ty).is_some()))
            .count();
        let mut sink: Option<SinkArg<'a>> = None;
        let mut seen_sinks = 0;
        for (at, input) in inputs.iter().copied().enumerate() {
            if let FnArg::Typed(pat) = input {
                if let Some(item) = sink_item(&pat.ty) {
                    seen_sinks += 1;
                    if kind != Kind::Stream {
                        cx.error(&pat.ty, format!("a `Sink` parameter belongs to a #[stream] channel; a #[{}] has none", kind.attr_name()));
                    } else if sinks > 1 {
                        if seen_sinks > 1 {
                            cx.error(
                                &pat.ty,
                                "a #[stream] handler takes exactly one `Sink`; remove this one",
                            );
                        }
                    } else if at + 1 != inputs.len() {
                        cx.error(&pat.ty, "the `Sink` is a #[stream] handler's last parameter: move it after the channel's arguments");
                    } else {
                        sink = Some(SinkArg { item });
                    }
                    continue;
                }
            }
            match input {
                FnArg::Typed(pat) => match &*pat.pat {
                    Pat::Ident(p) if is_plain_arg(&pat.pat) => args.push(Arg {
                        ident: &p.ident,
                        ty: &pat.ty,
                    }),
                    other => cx.error(
                        other,
                        "channel arguments must be plain names (`name: Type`), not patterns",
                    ),
                },
                FnArg::Receiver(r) => cx.error(r, "`self` must be the first parameter"),
            }
        }
        let output = match &item.sig.output {
            ReturnType::Default => Output::Unit,
            ReturnType::Type(_, ty) => match result_parts(ty) {
                Some((ok, err)) => Output::Result { ok, err },
                None if is_unit(ty) => Output::Unit,
                None => Output::Value(ty),
            },
        };
        Some(Self {
            section,
            kind,
            item,
            options,
            caller,
            args,
            sink,
            any_sink: sinks > 0,
            output,
        })
    }

    pub(crate) fn ident(&self) -> &Ident {
        &self.item.sig.ident
    }

    /// The wire name: the `name` option, else `<namespace>:<method>`.
    pub(crate) fn channel_name(&self, namespace: &str) -> String {
        self.options.name.as_ref().map_or_else(
            || format!("{namespace}:{}", unraw(self.ident())),
            |n| n.value.clone(),
        )
    }

    pub(crate) fn name_span(&self) -> Span {
        self.options
            .name
            .as_ref()
            .map_or_else(|| self.ident().span(), |n| n.span)
    }

    pub(crate) fn docs(&self) -> Vec<String> {
        doc_lines(&self.item.attrs)
    }

    /// Origins for this channel: the method's own list, else the trait's.
    pub(crate) fn origins<'s>(&'s self, service: &'s Service<'_>) -> &'s [LitStr] {
        self.options
            .allow_origins
            .as_ref()
            .or(service.options.allow_origins.as_ref())
            .map_or(&[], |s: &Spanned<Vec<LitStr>>| s.value.as_slice())
    }
}

pub(crate) fn unraw(ident: &Ident) -> String {
    ident.to_string().trim_start_matches("r#").to_owned()
}

pub(crate) fn doc_lines(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }),
                ..
            }) => Some(s.value()),
            _ => None,
        })
        .collect()
}

/// `T` of `Sink<T>` (any path ending in `Sink` with one type argument).
fn sink_item(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if path.qself.is_some() || last.ident != "Sink" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [syn::GenericArgument::Type(item)] => Some(item),
        _ => None,
    }
}

/// The one `#[send]`, `#[invoke]`, `#[stream]` or `#[event]` attribute of a method, with its kind.
fn kind_marker<'a>(cx: &mut Ctxt, item: &'a TraitItemFn) -> Option<(&'a syn::Attribute, Kind)> {
    let markers: Vec<(&syn::Attribute, Kind)> = item
        .attrs
        .iter()
        .filter_map(|a| {
            [
                (attr::SEND, Kind::Send),
                (attr::INVOKE, Kind::Invoke),
                (attr::EVENT, Kind::Event),
                (attr::STREAM, Kind::Stream),
            ]
            .into_iter()
            .find(|(name, _)| a.path().is_ident(name))
            .map(|(_, kind)| (a, kind))
        })
        .collect();
    match markers.as_slice() {
        [] => {
            cx.error(
                &item.sig.ident,
                "mark this method #[send], #[invoke], #[stream] or #[event] to declare its channel kind",
            );
            None
        }
        [one] => Some(*one),
        [_, second, ..] => {
            cx.error(
                second.0,
                "a method declares exactly one channel kind; remove one of these attributes",
            );
            None
        }
    }
}

/// Handlers take `&self`; events take no `self` at all.
fn check_receiver(cx: &mut Ctxt, item: &TraitItemFn, kind: Kind, receiver: Option<&FnArg>) {
    if kind == Kind::Event {
        if let Some(receiver) = receiver {
            cx.error(
                receiver,
                "an #[event] is sent by the main side and has no `self`: write `fn name(args...);`",
            );
        }
        return;
    }
    match receiver {
        Some(FnArg::Receiver(r))
            if r.reference.is_some() && r.mutability.is_none() && r.colon_token.is_none() => {}
        Some(other) => cx.error(
            other,
            "handlers take `&self`: the runtime shares one handler across calls",
        ),
        // One error for the whole (empty) list; the check for `caller` skips this case.
        None if item.sig.inputs.is_empty() => cx.error_at(
            item.sig.paren_token.span.join(),
            format!(
                "a #[{}] handler is `async fn name(&self, caller: Caller, args...)`",
                kind.attr_name()
            ),
        ),
        None => cx.error(
            &item.sig.ident,
            "handlers take `&self` as their first parameter",
        ),
    }
}

/// `name` alone: no `ref`, `mut`, sub-pattern or destructuring.
pub(crate) fn is_plain_arg(pat: &Pat) -> bool {
    matches!(pat, Pat::Ident(p) if p.by_ref.is_none() && p.mutability.is_none() && p.subpat.is_none())
}

fn is_caller_type(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Caller" && s.arguments.is_none()))
}

fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(t) if t.elems.is_empty())
}

/// `Result<T, E>` (any path ending in `Result` with two type arguments).
fn result_parts(ty: &Type) -> Option<(&Type, &Type)> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    match (types.next(), types.next(), types.next()) {
        (Some(ok), Some(err), None) => Some((ok, err)),
        _ => None,
    }
}

pub(crate) fn snake_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    let chars: Vec<char> = camel.chars().collect();
    for (i, &ch) in chars.iter().enumerate() {
        if ch.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
            if i > 0 && (prev_lower || (next_lower && chars[i - 1].is_uppercase())) {
                out.push('_');
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}
