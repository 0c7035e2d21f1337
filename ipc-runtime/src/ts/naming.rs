//! Rust -> TypeScript identifier rules.

/// `open_file` -> `openFile`.
pub(crate) fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper_next = false;
    for ch in snake.trim_start_matches("r#").chars() {
        if ch == '_' {
            upper_next = !out.is_empty();
        } else if upper_next {
            out.extend(ch.to_uppercase());
            upper_next = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// `update_counter` -> `onUpdateCounter`.
pub(crate) fn listener_name(snake: &str) -> String {
    let camel = camel_case(snake);
    let mut chars = camel.chars();
    match chars.next() {
        Some(first) => format!("on{}{}", first.to_uppercase(), chars.as_str()),
        None => "on".to_owned(),
    }
}

/// Words that cannot name a parameter in strict-mode JavaScript/TypeScript.
const RESERVED: &[&str] = &[
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// The parameters the generated functions declare beside the user's (names readers see in signatures, so they
/// stay plain words). The generators write these constants, never the words themselves; a user parameter of
/// one of these names gets a `_` suffix. Every other name a generator uses where user parameters are in scope
/// starts with `$`, which no Rust identifier contains (the `ts::hygiene` tests enforce both rules).
pub(crate) const OPTIONS: &str = "options";
/// An event's listener, in `on<Event>(listener)`.
pub(crate) const LISTENER: &str = "listener";
/// The window a main-process event goes to, in `<Trait>MainEvents.<event>(target, ...)`.
pub(crate) const TARGET: &str = "target";
/// The parameter of `create<Trait>Api(transport)`, which every member captures.
pub(crate) const TRANSPORT: &str = "transport";
/// The first parameter of a main-process handler, in `<Trait>MainHandlers`.
pub(crate) const CALLER: &str = "caller";
const GENERATED_PARAMETERS: &[&str] = &[OPTIONS, LISTENER, TARGET, TRANSPORT, CALLER];

/// A parameter name that is valid in strict TypeScript and never meets a name the generators use. It can be
/// empty (a Rust argument named `__`), and two Rust names can give the same one (`a_b`, `aB`): the render
/// checks refuse both.
pub(crate) fn parameter_name(snake: &str) -> String {
    let camel = camel_case(snake);
    if RESERVED.contains(&camel.as_str()) || GENERATED_PARAMETERS.contains(&camel.as_str()) {
        format!("{camel}_")
    } else {
        camel
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_names() {
        assert_eq!(camel_case("open_file"), "openFile");
        assert_eq!(camel_case("x"), "x");
        assert_eq!(camel_case("r#type"), "type");
        assert_eq!(camel_case("_private_thing"), "privateThing");
        assert_eq!(listener_name("update_counter"), "onUpdateCounter");
        assert_eq!(parameter_name("default"), "default_");
        assert_eq!(parameter_name("options"), "options_");
        assert_eq!(parameter_name("target"), "target_");
        assert_eq!(parameter_name("caller"), "caller_");
        assert_eq!(parameter_name("options_"), "options_");
        assert_eq!(parameter_name("__"), "");
        assert_eq!(parameter_name("file_name"), "fileName");
    }
}
