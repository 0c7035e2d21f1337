//! Reads the declarations and type expressions ts-rs emits back into [`Ty`] trees. Anything outside that
//! subset (a hand-written `#[ts(type = "...")]`, say) is a parse error, and the caller treats the type as
//! one it cannot judge.

use super::ty::{Member, Ty};

/// `export type Name<P, ...> = body;`, with its doc comment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Declaration {
    pub(crate) name: String,
    pub(crate) params: Vec<String>,
    pub(crate) body: Ty,
}

pub(crate) fn declaration(source: &str) -> Option<Declaration> {
    let mut p = Parser::new(source)?;
    if p.peek_ident("export") {
        p.bump();
    }
    p.expect_ident("type")?;
    let name = p.ident()?;
    let mut params = Vec::new();
    if p.eat('<') {
        loop {
            params.push(p.ident()?);
            // `T = number` (a default) or `T extends X`: the bound or default does not change the shape.
            if p.peek_ident("extends") {
                p.bump();
                p.union()?;
            }
            if p.eat('=') {
                p.union()?;
            }
            if !p.eat(',') {
                break;
            }
        }
        p.expect('>')?;
    }
    p.expect('=')?;
    let body = p.union()?;
    p.eat(';');
    p.at_end().then_some(Declaration { name, params, body })
}

/// One type expression (a channel's argument, reply or error type).
pub(crate) fn expression(source: &str) -> Option<Ty> {
    let mut p = Parser::new(source)?;
    let ty = p.union()?;
    p.at_end().then_some(ty)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Num(String),
    Punct(char),
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn new(source: &str) -> Option<Self> {
        Some(Self {
            tokens: lex(source)?,
            at: 0,
        })
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn peek_at(&self, offset: usize) -> Option<&Token> {
        self.tokens.get(self.at + offset)
    }

    fn bump(&mut self) -> bool {
        self.at += 1;
        true
    }

    fn at_end(&self) -> bool {
        self.at == self.tokens.len()
    }

    fn eat(&mut self, c: char) -> bool {
        self.peek() == Some(&Token::Punct(c)) && self.bump()
    }

    fn expect(&mut self, c: char) -> Option<()> {
        self.eat(c).then_some(())
    }

    fn peek_ident(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Ident(w)) if w == word)
    }

    fn expect_ident(&mut self, word: &str) -> Option<()> {
        (self.peek_ident(word) && self.bump()).then_some(())
    }

    fn ident(&mut self) -> Option<String> {
        match self.peek()? {
            Token::Ident(w) => {
                let w = w.clone();
                self.bump();
                Some(w)
            }
            _ => None,
        }
    }

    fn union(&mut self) -> Option<Ty> {
        self.eat('|');
        let mut arms = vec![self.intersection()?];
        while self.eat('|') {
            arms.push(self.intersection()?);
        }
        Some(if arms.len() == 1 {
            arms.remove(0)
        } else {
            Ty::Union(arms)
        })
    }

    fn intersection(&mut self) -> Option<Ty> {
        let mut parts = vec![self.postfix()?];
        while self.eat('&') {
            parts.push(self.postfix()?);
        }
        Some(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Ty::Inter(parts)
        })
    }

    fn postfix(&mut self) -> Option<Ty> {
        let mut ty = self.primary()?;
        while self.peek() == Some(&Token::Punct('[')) && self.peek_at(1) == Some(&Token::Punct(']'))
        {
            self.at += 2;
            ty = Ty::Array(Box::new(ty));
        }
        Some(ty)
    }

    fn primary(&mut self) -> Option<Ty> {
        let token = self.peek()?.clone();
        self.bump();
        match token {
            Token::Punct('(') => {
                let ty = self.union()?;
                self.expect(')')?;
                Some(ty)
            }
            Token::Punct('{') => self.object(),
            Token::Punct('[') => {
                let mut items = Vec::new();
                while !self.eat(']') {
                    items.push(self.union()?);
                    if !self.eat(',') {
                        self.expect(']')?;
                        break;
                    }
                }
                Some(Ty::Tuple(items))
            }
            Token::Punct('-') => match self.peek()?.clone() {
                Token::Num(n) => {
                    self.bump();
                    Some(Ty::Num(format!("-{n}")))
                }
                _ => None,
            },
            Token::Str(s) => Some(Ty::Str(s)),
            Token::Num(n) => Some(Ty::Num(n)),
            Token::Ident(word) => self.named(word),
            Token::Punct(_) => None,
        }
    }

    fn named(&mut self, word: String) -> Option<Ty> {
        let ty = match word.as_str() {
            "string" => Ty::String,
            "number" => Ty::Number,
            "boolean" => Ty::Boolean,
            "null" => Ty::Null,
            "undefined" | "void" => Ty::Undefined,
            "never" => Ty::Never,
            "unknown" | "any" => Ty::Unknown,
            "true" => Ty::Bool(true),
            "false" => Ty::Bool(false),
            "Uint8Array" => Ty::Bytes,
            _ => {
                let args = self.type_arguments()?;
                let mut items = args.iter().cloned();
                return Some(match (word.as_str(), args.len()) {
                    ("Array", 1) => Ty::Array(Box::new(items.next()?)),
                    ("Record", 2) => Ty::Map {
                        key: Box::new(items.next()?),
                        value: Box::new(items.next()?),
                        optional: false,
                    },
                    _ => Ty::Ref { name: word, args },
                });
            }
        };
        Some(ty)
    }

    fn type_arguments(&mut self) -> Option<Vec<Ty>> {
        let mut args = Vec::new();
        if self.eat('<') {
            loop {
                args.push(self.union()?);
                if !self.eat(',') {
                    break;
                }
            }
            self.expect('>')?;
        }
        Some(args)
    }

    /// After `{`: a mapped type `{ [key in K]?: V }` or an object literal type.
    fn object(&mut self) -> Option<Ty> {
        if self.eat('[') {
            self.ident()?;
            self.expect_ident("in")?;
            let key = self.union()?;
            self.expect(']')?;
            let optional = self.eat('?');
            self.expect(':')?;
            let value = self.union()?;
            self.eat(',');
            self.eat(';');
            self.expect('}')?;
            return Some(Ty::Map {
                key: Box::new(key),
                value: Box::new(value),
                optional,
            });
        }
        let mut members = Vec::new();
        while !self.eat('}') {
            if self.peek_ident("readonly")
                && matches!(self.peek_at(1), Some(Token::Ident(_) | Token::Str(_)))
            {
                self.bump();
            }
            let (name, quoted) = match self.peek()?.clone() {
                Token::Ident(name) => (name, false),
                Token::Str(name) | Token::Num(name) => (name, true),
                Token::Punct(_) => return None,
            };
            self.bump();
            let optional = self.eat('?');
            self.expect(':')?;
            let ty = self.union()?;
            members.push(Member {
                name,
                quoted,
                optional,
                ty,
            });
            if !self.eat(',') && !self.eat(';') {
                self.expect('}')?;
                break;
            }
        }
        Some(Ty::Object(members))
    }
}

fn lex(source: &str) -> Option<Vec<Token>> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            _ if c.is_whitespace() => i += 1,
            '/' if chars.get(i + 1) == Some(&'/') => {
                while chars.get(i).is_some_and(|&c| c != '\n') {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while !(chars.get(i)? == &'*' && chars.get(i + 1) == Some(&'/')) {
                    i += 1;
                }
                i += 2;
            }
            '"' | '\'' => {
                let (text, next) = string(&chars, i)?;
                tokens.push(Token::Str(text));
                i = next;
            }
            _ if c.is_ascii_digit() => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_'))
                {
                    i += 1;
                }
                tokens.push(Token::Num(chars[start..i].iter().collect()));
            }
            _ if c.is_alphabetic() || c == '_' || c == '$' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
                {
                    i += 1;
                }
                tokens.push(Token::Ident(chars[start..i].iter().collect()));
            }
            '{' | '}' | '[' | ']' | '(' | ')' | '<' | '>' | ',' | ';' | ':' | '?' | '|' | '&'
            | '=' | '-' => {
                tokens.push(Token::Punct(c));
                i += 1;
            }
            _ => return None,
        }
    }
    Some(tokens)
}

/// A string literal starting at `chars[start]`; returns its text and the index after it.
fn string(chars: &[char], start: usize) -> Option<(String, usize)> {
    let quote = chars[start];
    let mut text = String::new();
    let mut i = start + 1;
    loop {
        let c = *chars.get(i)?;
        i += 1;
        match c {
            _ if c == quote => return Some((text, i)),
            '\\' => {
                let escaped = *chars.get(i)?;
                i += 1;
                text.push(match escaped {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    '0' => '\0',
                    'u' => {
                        let hex: String = chars.get(i..i + 4)?.iter().collect();
                        i += 4;
                        char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
                    }
                    other => other,
                });
            }
            _ => text.push(c),
        }
    }
}
