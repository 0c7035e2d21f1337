//! [`Escaped`]: a `Display` wrapper for text a client chose.

use std::fmt::{self, Write as _};

/// Displays `T` with every control character (newline, carriage return, ESC, ...) and every invisible
/// format character (bidirectional overrides, zero-width characters) written as a Rust escape (`\n`,
/// `\u{1b}`, `\u{202e}`), so the text cannot forge a log line or send escape sequences to a terminal.
/// Everything else, quotes and backslashes included, is written as it is.
///
/// Log any client-controlled value through it: `tracing::warn!(origin = %escaped(&origin), ...)`.
#[derive(Debug, Clone, Copy)]
pub struct Escaped<T>(pub T);

/// `Escaped(value)`.
pub fn escaped<T: fmt::Display>(value: T) -> Escaped<T> {
    Escaped(value)
}

impl<T: fmt::Display> fmt::Display for Escaped<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(EscapingWriter(f), "{}", self.0)
    }
}

/// Passes text on to the formatter, escaping what [`Escaped`] escapes.
struct EscapingWriter<'a, 'b>(&'a mut fmt::Formatter<'b>);

impl fmt::Write for EscapingWriter<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut rest = text;
        while let Some(at) = rest.find(needs_escape) {
            let (plain, tail) = rest.split_at(at);
            self.0.write_str(plain)?;
            let mut chars = tail.chars();
            let c = chars.next().unwrap_or_default();
            write!(self.0, "{}", c.escape_default())?;
            rest = chars.as_str();
        }
        self.0.write_str(rest)
    }
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Zero-width characters, line and paragraph separators, bidirectional embeddings, overrides and
            // isolates, invisible operators, the byte-order mark.
            '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_format_characters_are_escaped() {
        assert_eq!(
            escaped("a\nWARN forged\r\u{1b}[31mred\u{7f}\u{9b}").to_string(),
            r"a\nWARN forged\r\u{1b}[31mred\u{7f}\u{9b}"
        );
        assert_eq!(
            escaped("\u{202e}txt.exe\u{200b}\u{feff}").to_string(),
            r"\u{202e}txt.exe\u{200b}\u{feff}"
        );
    }

    #[test]
    fn printable_text_is_unchanged() {
        let text = r#"unknown variant `in"voke` \n, expected één of "send" — 日本"#;
        assert_eq!(escaped(text).to_string(), text);
        assert_eq!(escaped("").to_string(), "");
    }

    #[test]
    fn any_display_is_escaped_including_its_formatted_parts() {
        let error = crate::IpcError::<()>::Protocol {
            message: "unknown field `x\ny`".to_owned(),
        };
        assert_eq!(
            escaped(&error).to_string(),
            r"protocol error: unknown field `x\ny`"
        );
        assert_eq!(escaped(format_args!("{}-{}", "\t", 7)).to_string(), r"\t-7");
    }
}
