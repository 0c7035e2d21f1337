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

/// A parameter name that is valid in strict TypeScript and does not clash with the bridge's own names.
pub(crate) fn parameter_name(snake: &str) -> String {
    let camel = camel_case(snake);
    if RESERVED.contains(&camel.as_str())
        || camel == "options"
        || camel == "listener"
        || camel == "transport"
    {
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
        assert_eq!(parameter_name("file_name"), "fileName");
    }
}
