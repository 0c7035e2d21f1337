//! Checks run after parsing, each reporting with a span on the offending token. All problems are collected.

use std::collections::HashMap;

use syn::LitStr;
use syn::spanned::Spanned;

use crate::ast::{Kind, Method, Output, Service, unraw};
use crate::ctxt::Ctxt;
use crate::expand::{CLIENT_FIXED_METHODS, EVENTS_FIXED_METHODS};
use crate::types::unsupported_part;

/// Runs every check, reporting to `cx` (which already holds the parse errors, if any).
pub(crate) fn run(cx: &mut Ctxt, service: &Service<'_>) {
    cx.section(0);
    check_trait(cx, service);
    let namespace = service.namespace();
    let mut channels: HashMap<String, &Method<'_>> = HashMap::new();
    let mut members: HashMap<String, &Method<'_>> = HashMap::new();
    for method in &service.methods {
        cx.section(method.section);
        check_signature(cx, method);
        check_types(cx, method);
        check_origins(cx, method);
        let channel = method.channel_name(&namespace);
        if channel.is_empty() || channel.chars().any(char::is_whitespace) {
            cx.error_at(
                method.name_span(),
                "a channel name must be non-empty and contain no whitespace",
            );
        }
        if let Some(first) = channels.insert(channel.clone(), method) {
            cx.error_at(
                method.name_span(),
                format!(
                    "duplicate channel name `{channel}` (also used by `{}`)",
                    first.ident()
                ),
            );
        }
        let member = member_name(method);
        if let Some(first) = members.insert(member.clone(), method) {
            cx.error(
                method.ident(),
                format!(
                    "`{}` and `{}` would both generate `{member}` on the client and in TypeScript",
                    first.ident(),
                    method.ident()
                ),
            );
        }
        let name = unraw(method.ident());
        // Events become methods of `<Trait>Events`; sends and invokes, of `<Trait>Client`.
        let (reserved, owner) = if method.kind == Kind::Event {
            (EVENTS_FIXED_METHODS, "Events")
        } else {
            (CLIENT_FIXED_METHODS, "Client")
        };
        if reserved.contains(&name.as_str()) {
            cx.error(method.ident(), format!("`{name}` clashes with the generated `{}{owner}::{name}`; rename the channel method", service.ident()));
        }
    }
}

fn member_name(method: &Method<'_>) -> String {
    let name = unraw(method.ident());
    if method.kind == Kind::Event {
        format!("on_{name}")
    } else {
        name
    }
}

fn check_trait(cx: &mut Ctxt, service: &Service<'_>) {
    let item = service.item;
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        cx.error(
            &item.generics,
            "a #[channels] trait cannot be generic: every channel needs one concrete wire type",
        );
    }
    if let Some(unsafety) = &item.unsafety {
        cx.error(unsafety, "a #[channels] trait cannot be `unsafe`");
    }
    if let Some(auto) = &item.auto_token {
        cx.error(auto, "a #[channels] trait cannot be an auto trait");
    }
    if let Some(origins) = &service.options.allow_origins {
        if origins.value.is_empty() {
            cx.error_at(
                origins.span,
                "an empty allowlist would refuse every caller; list at least one origin",
            );
        }
        for origin in &origins.value {
            check_origin(cx, origin);
        }
    }
    if let Some(expose_as) = &service.options.expose_as {
        if let Some(problem) = crate::exposed::problem(&expose_as.value) {
            cx.error_at(expose_as.span, problem);
        } else if !service.options.hosts.electron {
            cx.error_at(
                expose_as.span,
                "`expose_as` names the Electron preload's global, but `hosts` leaves Electron out; remove one of them",
            );
        }
    }
    let needs_trait_origins = service
        .methods
        .iter()
        .any(|m| m.options.allow_origins.is_none());
    // When some options could not be read, an allowlist may be among them: saying it is missing would be a
    // follow-on error.
    if service.options.allow_origins.is_none() && needs_trait_origins && service.complete {
        cx.error(
            &item.ident,
            "declare who may call these channels: #[channels(allow_origins = [\"app://main\"])] (exact origins; sender validation is on by default)",
        );
    }
}

fn check_signature(cx: &mut Ctxt, method: &Method<'_>) {
    let sig = &method.item.sig;
    let kind = method.kind.attr_name();
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        cx.error(&sig.generics, "channel methods cannot be generic");
    }
    if let Some(constness) = &sig.constness {
        cx.error(constness, "channel methods cannot be `const`");
    }
    if let Some(unsafety) = &sig.unsafety {
        cx.error(unsafety, "channel methods cannot be `unsafe`");
    }
    if let Some(abi) = &sig.abi {
        cx.error(abi, "channel methods cannot declare an ABI");
    }
    if let Some(variadic) = &sig.variadic {
        cx.error(variadic, "channel methods cannot be variadic");
    }
    match method.kind {
        Kind::Send | Kind::Invoke | Kind::Stream => {
            if sig.asyncness.is_none() {
                cx.error(
                    sig.fn_token,
                    format!("a #[{kind}] handler must be `async fn`"),
                );
            }
            if let Some(body) = &method.item.default {
                cx.error(body, format!("a #[{kind}] method declares the channel; implement it in your `impl` block, not here"));
            }
            // An empty parameter list was reported as a whole while parsing.
            if method.caller.is_none() && !sig.inputs.is_empty() {
                let at = sig
                    .inputs
                    .iter()
                    .nth(1)
                    .map_or_else(|| sig.paren_token.span.join(), Spanned::span);
                cx.error_at(at, format!("a #[{kind}] handler takes `caller: Caller` right after `&self` (ipc_runtime::Caller: the verified origin and id of the renderer)"));
            }
        }
        Kind::Event => {
            if let Some(asyncness) = &sig.asyncness {
                cx.error(
                    asyncness,
                    "an #[event] is emitted, not awaited: remove `async`",
                );
            }
            if let Some(body) = &method.item.default {
                cx.error(body, "an #[event] has no body: the macro generates its emitter (`fn name(args...);`)");
            }
            if let Some(caller) = method.caller {
                cx.error(
                    caller,
                    "an #[event] goes from main to renderer; it has no `Caller`",
                );
            }
            if !matches!(method.output, Output::Unit) {
                cx.error(&sig.output, "an #[event] has no return value");
            }
        }
    }
    if method.kind == Kind::Stream && !method.any_sink && method.options.complete {
        cx.error(
            &sig.ident,
            "a #[stream] handler sends its items through a last parameter `out: Sink<Item>` (ipc_runtime::Sink)",
        );
    }
    if method.kind == Kind::Send && !matches!(method.output, Output::Unit) {
        cx.error(
            &sig.output,
            "a #[send] is one-way and returns nothing; use #[invoke] to reply",
        );
    }
}

/// serde encodes tuples of up to 16 elements, and a channel's arguments travel as one tuple.
const MAX_ARGS: usize = 16;

fn check_types(cx: &mut Ctxt, method: &Method<'_>) {
    if let Some(extra) = method.args.get(MAX_ARGS) {
        cx.error(
            extra.ident,
            format!("a channel takes at most {MAX_ARGS} arguments (they travel as one tuple, and serde encodes tuples of up to {MAX_ARGS}); group some in a struct"),
        );
    }
    let mut types: Vec<&syn::Type> = method.args.iter().map(|a| a.ty).collect();
    types.extend(method.sink.as_ref().map(|sink| sink.item));
    match &method.output {
        Output::Unit => {}
        Output::Value(ty) => types.push(ty),
        Output::Result { ok, err } => types.extend([*ok, *err]),
    }
    for ty in types {
        if let Some((part, reason)) = unsupported_part(ty) {
            cx.error(part, reason);
        }
    }
}

fn check_origins(cx: &mut Ctxt, method: &Method<'_>) {
    let Some(origins) = method.options.allow_origins.as_ref() else {
        return;
    };
    if origins.value.is_empty() {
        cx.error_at(
            origins.span,
            "an empty allowlist would refuse every caller; list at least one origin",
        );
    }
    for origin in &origins.value {
        check_origin(cx, origin);
    }
}

fn check_origin(cx: &mut Ctxt, origin: &LitStr) {
    if let Err(reason) = origin_problem(&origin.value()) {
        cx.error(origin, reason);
    }
}

fn origin_problem(origin: &str) -> Result<(), String> {
    let hint = "an origin is `scheme://host[:port]` with nothing after it, e.g. \"app://main\" or \"http://127.0.0.1:5173\"";
    if origin == "null" || origin == "*" || origin.contains('*') {
        return Err(format!(
            "{origin:?} would match untrusted pages; list exact origins ({hint})"
        ));
    }
    let Some((scheme, rest)) = origin.split_once("://") else {
        return Err(format!("{origin:?} is not an origin: {hint}"));
    };
    if scheme.eq_ignore_ascii_case("file") {
        return Err(format!(
            "{origin:?} cannot be allowed: every local file shares this origin, so any HTML file on the disk \
             could call the channel. Load the pages from a custom scheme instead, e.g. \"app://main\": in \
             Electron, `registerAppScheme` and `serveAppScheme` (ipc-electron-scheme.ts) register it and serve \
             a folder in two lines"
        ));
    }
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase())
        && scheme
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c));
    if !scheme_ok {
        return Err(format!(
            "{origin:?}: the scheme must be lower-case ({hint})"
        ));
    }
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err(format!(
            "{origin:?}: an origin has no path, query or trailing slash ({hint})"
        ));
    }
    if rest.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "{origin:?}: browsers report hosts in lower case, so this would never match ({hint})"
        ));
    }
    Ok(())
}
