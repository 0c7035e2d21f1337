//! The first message on every socket: `{"kind":"hello","token":"…","topFrame":true}`, answered with
//! `{"kind":"welcome"}` or a close frame saying why.
//!
//! The token travels in a message rather than in the upgrade URL so that it never lands in request logs or
//! browser history; the page reads it from its URL fragment, which browsers never send to a server.

use serde::Deserialize;

use super::token::Token;

/// Close codes the host uses (4000-4999 is the range for applications). The browser module knows them.
pub mod close_code {
    /// The first message was not a well-formed hello.
    pub const BAD_HELLO: u16 = 4400;
    /// The hello carried no token or the wrong one.
    pub const BAD_TOKEN: u16 = 4401;
    /// No hello arrived in time.
    pub const HELLO_TIMEOUT: u16 = 4408;
    /// A message exceeded the socket's hard size cap (RFC 6455 "message too big").
    pub const TOO_BIG: u16 = 1009;
    /// The host is shutting down (RFC 6455 "going away").
    pub const GOING_AWAY: u16 = 1001;
}

/// Longest hello accepted; a token is 64 characters.
pub(crate) const MAX_HELLO_BYTES: usize = 1024;

pub(crate) const WELCOME: &str = r#"{"kind":"welcome"}"#;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Hello<'a> {
    kind: &'a str,
    #[serde(default)]
    token: Option<&'a str>,
    /// Reported by the page's own script; a missing value counts as a sub-frame (fail closed).
    #[serde(default)]
    top_frame: bool,
}

/// Why a hello was refused: a close code and a reason the page may show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HelloRefused {
    pub(crate) code: u16,
    pub(crate) reason: &'static str,
}

/// Checks a hello and returns whether the page says it is the top frame.
pub(crate) fn verify_hello(text: &str, token: &Token) -> Result<bool, HelloRefused> {
    let bad = |reason| HelloRefused {
        code: close_code::BAD_HELLO,
        reason,
    };
    if text.len() > MAX_HELLO_BYTES {
        return Err(bad("hello too large"));
    }
    let hello: Hello<'_> = serde_json::from_str(text)
        .map_err(|_| bad("expected {\"kind\":\"hello\",\"token\":...} first"))?;
    if hello.kind != "hello" {
        return Err(bad("expected {\"kind\":\"hello\",\"token\":...} first"));
    }
    match hello.token {
        None | Some("") => Err(HelloRefused {
            code: close_code::BAD_TOKEN,
            reason: "missing token",
        }),
        Some(candidate) if token.matches(candidate) => Ok(hello.top_frame),
        Some(_) => Err(HelloRefused {
            code: close_code::BAD_TOKEN,
            reason: "invalid token",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> Token {
        Token::from_secret("0123456789abcdef0123").unwrap()
    }

    #[test]
    fn accepts_the_right_token() {
        assert_eq!(
            verify_hello(
                r#"{"kind":"hello","token":"0123456789abcdef0123","topFrame":true}"#,
                &token()
            ),
            Ok(true)
        );
        assert_eq!(
            verify_hello(
                r#"{"kind":"hello","token":"0123456789abcdef0123"}"#,
                &token()
            ),
            Ok(false)
        );
    }

    #[test]
    fn refuses_everything_else() {
        let code = |text: &str| verify_hello(text, &token()).unwrap_err().code;
        assert_eq!(
            code(r#"{"kind":"hello","token":"0123456789abcdef0124"}"#),
            close_code::BAD_TOKEN
        );
        assert_eq!(code(r#"{"kind":"hello"}"#), close_code::BAD_TOKEN);
        assert_eq!(
            code(r#"{"kind":"hello","token":""}"#),
            close_code::BAD_TOKEN
        );
        assert_eq!(
            code(r#"{"kind":"invoke","id":1,"channel":"x","payload":[]}"#),
            close_code::BAD_HELLO
        );
        assert_eq!(
            code(r#"{"kind":"hello","token":"0123456789abcdef0123","extra":1}"#),
            close_code::BAD_HELLO
        );
        assert_eq!(code("not json"), close_code::BAD_HELLO);
        assert_eq!(
            code(&"x".repeat(MAX_HELLO_BYTES + 1)),
            close_code::BAD_HELLO
        );
    }
}
