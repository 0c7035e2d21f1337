//! Test-only: no name a generator writes can meet a user's parameter in any emitted file.
//!
//! A user scope is a parameter list that declares user parameters, plus its return type and body. Inside one,
//! every identifier a generator writes must be one no user parameter can be called: it contains `$` or an
//! inner `_` (no Rust name gives either), or `parameter_name` renames it (keywords and the generated
//! parameters of `naming`), or it is one of [`HARMLESS`]. Otherwise a user parameter could be declared twice
//! (`options`, `target`) or shadow what the body refers to (`transport`, the exposed object, an import).

use std::collections::BTreeSet;

use super::describe::{ApiDescription, ChannelTs};
use super::naming::parameter_name;
use super::{ApiBuilder, PreloadFlavor, render_api, render_main, render_preload, render_renderer};
use crate::service::ChannelKind;

/// Words the generators write in user scopes that a parameter of the same name cannot disturb: type names
/// (types and values never meet) and the contextual keywords `async` and `as`. `tests/src/collide.rs` names
/// parameters after some of them and `tsc --strict` checks its bindings.
const HARMLESS: &[&str] = &[
    "Promise",
    "CallOptions",
    "ElectronCallOptions",
    "Unsubscribe",
    "WebContentsLike",
    "MainCaller",
    "MainReply",
    "unknown",
    "never",
    "boolean",
    "async",
    "as",
];

/// The payload types of the test description's channels.
const USER_TYPES: &[&str] = &["ZqArg", "ZqReply", "ZqError"];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    Punct(char),
    /// A string or number literal.
    Literal,
}

/// Splits generated TypeScript into identifiers, punctuation and literals; comments are dropped.
fn tokens(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if matches!(c, '"' | '\'' | '`') {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(Token::Literal);
        } else if c.is_ascii_digit() {
            while i < chars.len() && ident(chars[i]) {
                i += 1;
            }
            out.push(Token::Literal);
        } else if ident(c) {
            let start = i;
            while i < chars.len() && ident(chars[i]) {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
        } else {
            out.push(Token::Punct(c));
            i += 1;
        }
    }
    out
}

fn is_punct(tokens: &[Token], at: usize, c: char) -> bool {
    tokens.get(at) == Some(&Token::Punct(c))
}

/// Whether the token before `at` is the punctuation `c`.
fn after(tokens: &[Token], at: usize, c: char) -> bool {
    at.checked_sub(1)
        .is_some_and(|before| is_punct(tokens, before, c))
}

/// Whether the token at `at` starts an entry of a list: it follows `(` or `,`.
fn starts_entry(tokens: &[Token], at: usize) -> bool {
    after(tokens, at, '(') || after(tokens, at, ',')
}

/// Index of the bracket that closes the one opened at `open`.
fn closing(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (at, token) in tokens.iter().enumerate().skip(open) {
        match token {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return at;
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced brackets after token {open}");
}

/// Index of the innermost bracket still open at `at`.
fn enclosing(tokens: &[Token], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    for back in (0..at).rev() {
        match tokens[back] {
            Token::Punct(')' | ']' | '}') => depth += 1,
            Token::Punct('(' | '[' | '{') if depth == 0 => return Some(back),
            Token::Punct('(' | '[' | '{') => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The end (exclusive) of the scope whose parameter list closes at `close`: through the return type, and
/// through the body of an arrow function or a function declaration. `None` when the list is a call's
/// arguments.
fn scope_end(tokens: &[Token], close: usize) -> Option<usize> {
    let arrow = |at: usize| is_punct(tokens, at, '=') && is_punct(tokens, at + 1, '>');
    if !arrow(close + 1) && !is_punct(tokens, close + 1, ':') {
        return None;
    }
    // The return type, if any (its generic arguments may hold commas), up to the arrow, a function body or
    // the end of a signature.
    let mut at = close + 1;
    let mut angle = 0usize;
    loop {
        if at >= tokens.len() {
            return Some(at);
        }
        if arrow(at) {
            at += 2;
            break;
        }
        match tokens[at] {
            Token::Punct('<') => angle += 1,
            Token::Punct('>') => angle = angle.saturating_sub(1),
            Token::Punct('{') => return Some(closing(tokens, at) + 1),
            Token::Punct('(' | '[') => at = closing(tokens, at),
            Token::Punct(',') if angle > 0 => {}
            Token::Punct(')' | ']' | '}' | ';' | ',') => return Some(at),
            _ => {}
        }
        at += 1;
    }
    if is_punct(tokens, at, '{') {
        return Some(closing(tokens, at) + 1);
    }
    // An expression body ends at the first `,` or `;` or unmatched closing bracket.
    while at < tokens.len() {
        match tokens[at] {
            Token::Punct('(' | '[' | '{') => at = closing(tokens, at) + 1,
            Token::Punct(')' | ']' | '}' | ';' | ',') => return Some(at),
            _ => at += 1,
        }
    }
    Some(at)
}

/// The user scopes, as token ranges: parameter lists that declare one of `user`, with what follows them.
fn user_scopes(tokens: &[Token], user: &BTreeSet<String>) -> Vec<std::ops::Range<usize>> {
    let mut scopes: Vec<std::ops::Range<usize>> = Vec::new();
    for (at, token) in tokens.iter().enumerate() {
        let Token::Ident(name) = token else { continue };
        if !user.contains(name) || !starts_entry(tokens, at) {
            continue;
        }
        let Some(open) = enclosing(tokens, at).filter(|&o| is_punct(tokens, o, '(')) else {
            continue;
        };
        if let Some(end) = scope_end(tokens, closing(tokens, open)) {
            if !scopes.iter().any(|s| s.start == open) {
                scopes.push(open..end);
            }
        }
    }
    scopes
}

/// Whether some Rust argument name renders as `name`.
fn takeable(name: &str) -> bool {
    !name.contains('$') && parameter_name(name) == name
}

fn channel(
    kind: ChannelKind,
    method: &'static str,
    args: &[&'static str],
    output: &str,
) -> ChannelTs {
    ChannelTs {
        kind,
        channel: method,
        method,
        docs: &[],
        args: args
            .iter()
            .map(|a| (*a, USER_TYPES[0].to_owned()))
            .collect(),
        output: output.to_owned(),
        error: USER_TYPES[2].to_owned(),
        allow_origins: &["app://main"],
        allow_subframes: false,
        timeout_ms: None,
        item: None,
    }
}

/// One channel of every kind and reply shape, each with `args` as its arguments.
fn description(args: &[&'static str]) -> ApiDescription {
    let mut api = ApiBuilder::new("Zq");
    api.channel(channel(ChannelKind::Send, "zq_send", args, "null"));
    api.channel(channel(
        ChannelKind::Invoke,
        "zq_invoke",
        args,
        USER_TYPES[1],
    ));
    api.channel(channel(ChannelKind::Invoke, "zq_unit", args, "null"));
    api.channel(channel(ChannelKind::Event, "zq_event", args, "null"));
    api.channel(channel(ChannelKind::Event, "zq_quiet", &[], "null"));
    api.finish()
}

/// Every per-trait file, by name.
fn rendered(api: &ApiDescription) -> Vec<(&'static str, String)> {
    vec![
        ("<Trait>.ts", render_api(api).unwrap()),
        ("<Trait>.electron.ts", render_renderer(api).unwrap()),
        ("<Trait>.main.ts", render_main(api).unwrap()),
        (
            "<Trait>.preload.ts",
            render_preload(api, PreloadFlavor::TypeScript).unwrap(),
        ),
        (
            "<Trait>.preload.cjs",
            render_preload(api, PreloadFlavor::CommonJs).unwrap(),
        ),
    ]
}

fn ts_names(args: &[&str]) -> BTreeSet<String> {
    args.iter().map(|a| parameter_name(a)).collect()
}

#[test]
fn generated_names_in_user_scopes_are_never_user_names() {
    let args = ["zq_first", "zq_second"];
    let user = ts_names(&args);
    let mut offending = BTreeSet::new();
    for (file, source) in rendered(&description(&args)) {
        let tokens = tokens(&source);
        let scopes = user_scopes(&tokens, &user);
        assert!(!scopes.is_empty(), "{file}: no user scope found\n{source}");
        // Every user name sits in a scope found, so the search cannot pass by missing one.
        for (at, token) in tokens.iter().enumerate() {
            if matches!(token, Token::Ident(n) if user.contains(n)) {
                assert!(
                    scopes.iter().any(|s| s.contains(&at)),
                    "{file}: user name at token {at} is outside every scope found\n{source}"
                );
            }
        }
        for scope in scopes {
            for at in scope {
                let Token::Ident(name) = &tokens[at] else {
                    continue;
                };
                let member_access = after(&tokens, at, '.');
                let from_user = user.contains(name) || USER_TYPES.contains(&name.as_str());
                if !member_access
                    && !from_user
                    && takeable(name)
                    && !HARMLESS.contains(&name.as_str())
                {
                    offending.insert(format!("{file}: `{name}`"));
                }
            }
        }
    }
    assert!(
        offending.is_empty(),
        "generated names a user parameter can take, in scopes that hold user parameters \
         (prefix them with `$`, or add them to naming's generated parameters): {offending:#?}"
    );
}

#[test]
fn names_the_generators_use_never_declare_a_user_name_twice() {
    // User parameters named after the generators' own names (with and without `$`), and what the
    // static modules call their locals.
    let args = [
        "value",
        "target",
        "args",
        "listener",
        "options",
        "transport",
        "exposed",
        "o",
        "electron_invoke",
        "emit_from_main",
        "channels",
        "invoke",
        "subscribe",
        "ipc_renderer",
        "context_bridge",
        "next_id",
        "signal",
        "sender",
        "event",
        "core",
        "caller",
        "id",
        "error",
        "result",
        "outcome",
        "payload",
        "wrapper",
        "deliver",
        "channel",
        "r#async",
        "r#as",
    ];
    let user = ts_names(&args);
    assert_eq!(user.len(), args.len(), "the names stay distinct: {user:?}");
    for (file, source) in rendered(&description(&args)) {
        let tokens = tokens(&source);
        for scope in user_scopes(&tokens, &user) {
            // Parameters declared by this scope's own list: names right after `(` or `,` at its first level.
            let close = closing(&tokens, scope.start);
            let mut declared = Vec::new();
            for at in scope.start + 1..close {
                if enclosing(&tokens, at) == Some(scope.start) && starts_entry(&tokens, at) {
                    if let Token::Ident(name) = &tokens[at] {
                        declared.push(name.clone());
                    }
                }
            }
            // Plus every `const` or `let` of the body.
            for at in close..scope.end {
                if matches!(&tokens[at], Token::Ident(k) if k == "const" || k == "let") {
                    if let Some(Token::Ident(name)) = tokens.get(at + 1) {
                        declared.push(name.clone());
                    }
                }
            }
            let unique: BTreeSet<&String> = declared.iter().collect();
            assert_eq!(
                unique.len(),
                declared.len(),
                "{file} declares a name twice: {declared:?}\n{source}"
            );
        }
    }
}

#[test]
fn tokens_skip_comments_and_literals() {
    let got = tokens("a.b(\"x, y\") // c\n/* d */ `e` 12");
    let names: Vec<Token> = ["a", ".", "b", "(", "\"", ")", "`", "1"]
        .iter()
        .map(|t| match *t {
            "\"" | "`" | "1" => Token::Literal,
            p if p.len() == 1 && !p.chars().all(char::is_alphanumeric) => {
                Token::Punct(p.chars().next().unwrap())
            }
            n => Token::Ident(n.to_owned()),
        })
        .collect();
    assert_eq!(got, names);
}
