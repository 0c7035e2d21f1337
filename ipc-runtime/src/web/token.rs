//! The per-run secret a page must present before any of its messages reach the service.

use std::fmt;

use subtle::ConstantTimeEq;

/// Random bytes in a token: 256 bits, far beyond guessing over a socket.
const TOKEN_BYTES: usize = 32;
/// Characters of the token that logs and `Debug`/`Display` may show.
const SHOWN_PREFIX: usize = 6;

/// A per-run random token. `Debug` and `Display` show only a short prefix, so it can be logged safely;
/// [`Token::reveal`] gives the full value for the URL handed to the user.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// A fresh token from the operating system's random source.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0_u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(Self(hex(&bytes)))
    }

    /// A fixed token, for tests that must know it in advance. Must be at least 16 characters.
    pub fn from_secret(secret: impl Into<String>) -> Option<Self> {
        let secret = secret.into();
        (secret.len() >= 16 && secret.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then_some(Self(secret))
    }

    /// The full secret. Put it in the URL you hand to the user; never log it.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// Compares in time independent of where the first difference is, so response timing does not leak
    /// the token byte by byte.
    pub fn matches(&self, candidate: &str) -> bool {
        self.0.as_bytes().ct_eq(candidate.as_bytes()).into()
    }

    /// The first few characters, for logs.
    pub fn prefix(&self) -> &str {
        &self.0[..SHOWN_PREFIX.min(self.0.len())]
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({}…)", self.prefix())
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}…", self.prefix())
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0xf)]])
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_long_distinct_and_hidden_in_logs() {
        let a = Token::generate().unwrap();
        let b = Token::generate().unwrap();
        assert_eq!(a.reveal().len(), 64);
        assert_ne!(a.reveal(), b.reveal());
        assert!(!format!("{a:?} {a}").contains(a.reveal()));
    }

    #[test]
    fn matching_is_exact() {
        let token = Token::from_secret("abcdefghijklmnop").unwrap();
        assert!(token.matches("abcdefghijklmnop"));
        assert!(!token.matches("abcdefghijklmno"));
        assert!(!token.matches("abcdefghijklmnopq"));
        assert!(!token.matches("Abcdefghijklmnop"));
        assert!(!token.matches(""));
    }

    #[test]
    fn short_or_odd_fixed_tokens_are_refused() {
        assert!(Token::from_secret("short").is_none());
        assert!(Token::from_secret("has spaces in it, too long").is_none());
    }
}
