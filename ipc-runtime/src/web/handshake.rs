//! The first message on every socket: `{"kind":"hello","token":"…","topFrame":true,"fingerprint":"…"}`,
//! answered with `{"kind":"welcome"}` or a close frame saying why.
//!
//! The token travels in a message rather than in the upgrade URL so that it never lands in request logs or
//! browser history; the page reads it from its URL fragment, which browsers never send to a server.
//!
//! `fingerprint` is the one the page's generated `<Trait>.ts` carries (`<Trait>Fingerprint`). Once the token
//! is accepted (never before: only a page holding the token learns the main side's fingerprint), a
//! fingerprint that differs from the service's, or none, is refused: the host sends one error envelope
//! without id, `{"kind":"error","error":{"kind":"version_mismatch","traitName":…,"expected":…,"actual":…}}`,
//! then closes with [`close_code::VERSION_MISMATCH`].

use std::borrow::Cow;

use serde::Deserialize;

use super::token::Token;

/// Close codes the host uses (4000-4999 is the range for applications). The browser module knows them.
pub mod close_code {
    /// The first message was not a well-formed hello.
    pub const BAD_HELLO: u16 = 4400;
    /// The hello carried no token or the wrong one.
    pub const BAD_TOKEN: u16 = 4401;
    /// No hello arrived in time, or newer sockets waiting for theirs pushed this one out.
    pub const HELLO_TIMEOUT: u16 = 4408;
    /// The page's bindings are not the service's (its fingerprint differs, or it sent none). An error
    /// envelope with kind `version_mismatch` precedes this close.
    pub const VERSION_MISMATCH: u16 = 4409;
    /// A message exceeded the socket's hard size cap (RFC 6455 "message too big").
    pub const TOO_BIG: u16 = 1009;
    /// The host is shutting down (RFC 6455 "going away").
    pub const GOING_AWAY: u16 = 1001;
    /// The hello was valid but every connection slot was taken (RFC 6455 "try again later").
    pub const TRY_AGAIN_LATER: u16 = 1013;
}

/// Longest hello accepted; a token is 64 characters, a fingerprint 16.
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
    /// The fingerprint of the page's bindings; checked against the service's once the token passed.
    #[serde(default, borrow)]
    fingerprint: Option<Cow<'a, str>>,
}

/// What an accepted hello says about the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Greeting<'a> {
    pub(crate) top_frame: bool,
    pub(crate) fingerprint: Option<Cow<'a, str>>,
}

/// Why a hello was refused: a close code and a reason the page may show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HelloRefused {
    pub(crate) code: u16,
    pub(crate) reason: &'static str,
}

/// Checks a hello's form and token; returns what the page says of itself (frame, fingerprint).
pub(crate) fn verify_hello<'a>(text: &'a str, token: &Token) -> Result<Greeting<'a>, HelloRefused> {
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
        Some(candidate) if token.matches(candidate) => Ok(Greeting {
            top_frame: hello.top_frame,
            fingerprint: hello.fingerprint,
        }),
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
        let greeting = |text| verify_hello(text, &token()).unwrap();
        let full = greeting(
            r#"{"kind":"hello","token":"0123456789abcdef0123","topFrame":true,"fingerprint":"00ff"}"#,
        );
        assert!(full.top_frame);
        assert_eq!(full.fingerprint.as_deref(), Some("00ff"));
        let bare = greeting(r#"{"kind":"hello","token":"0123456789abcdef0123"}"#);
        assert!(!bare.top_frame);
        assert_eq!(bare.fingerprint, None);
        let escaped =
            greeting(r#"{"kind":"hello","token":"0123456789abcdef0123","fingerprint":"a\"b"}"#);
        assert_eq!(escaped.fingerprint.as_deref(), Some("a\"b"));
    }

    #[test]
    fn refuses_everything_else() {
        let code = |text: &str| verify_hello(text, &token()).unwrap_err().code;
        assert_eq!(
            code(r#"{"kind":"hello","token":"0123456789abcdef0124"}"#),
            close_code::BAD_TOKEN
        );
        assert_eq!(code(r#"{"kind":"hello"}"#), close_code::BAD_TOKEN);
        // The fingerprint is not looked at before the token passed.
        assert_eq!(
            code(r#"{"kind":"hello","token":"0123456789abcdef0124","fingerprint":"x"}"#),
            close_code::BAD_TOKEN
        );
        assert_eq!(
            code(r#"{"kind":"hello","token":"0123456789abcdef0123","fingerprint":1}"#),
            close_code::BAD_HELLO
        );
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
