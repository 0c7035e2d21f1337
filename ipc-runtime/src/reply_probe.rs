//! Finds, at compile time, an `#[invoke]` return type that is a `Result` under another name
//! (`type AppResult<T> = Result<T, AppError>`, `std::io::Result<T>`, `anyhow::Result<T>`). The macro sees
//! only the spelling, so it would serve such a reply as a plain value: the renderer would see
//! `{ Ok } | { Err }` and an error type of `never`. The generated code asks this probe instead, at the
//! user's type, and an alias fails to compile with a message that says how to spell it.
//!
//! How: method resolution prefers a method whose receiver matches without an extra auto-reference, so
//! `(&ReplyProbe::<T>::NEW).reply_kind()` finds [`ResultProbe`] when `T` is a `Result` and [`PlainProbe`]
//! (one reference further) otherwise; only the plain kind satisfies [`PlainReply`].

use std::marker::PhantomData;

/// Stands for the type `T` during the probe.
#[derive(Debug)]
pub struct ReplyProbe<T: ?Sized>(PhantomData<T>);

impl<T: ?Sized> ReplyProbe<T> {
    pub const NEW: Self = Self(PhantomData);
}

/// What the probe found: a type that is not a `Result`.
#[derive(Debug)]
pub struct NotAResult;

/// What the probe found: a `Result` spelled another way.
#[derive(Debug)]
pub struct ResultUnderAnotherName;

/// Chosen when the probed type is a `Result`.
pub trait ResultProbe {
    fn reply_kind(&self) -> ResultUnderAnotherName {
        ResultUnderAnotherName
    }
}

impl<T, E> ResultProbe for ReplyProbe<Result<T, E>> {}

/// Chosen for every other type.
pub trait PlainProbe {
    fn reply_kind(&self) -> NotAResult {
        NotAResult
    }
}

impl<T: ?Sized> PlainProbe for &ReplyProbe<T> {}

/// Only a reply type that is not a `Result` in disguise has this.
#[diagnostic::on_unimplemented(
    message = "this #[invoke] returns a `Result` under another name, which would reach the renderer as a plain value (`{{ Ok }} | {{ Err }}`) with an untyped error",
    label = "write this return type as `Result<T, E>` (e.g. `Result<String, AppError>` rather than `AppResult<String>` or `io::Result<String>`)",
    note = "the macro reads the return type's spelling: only a path ending in `Result<T, E>` becomes a typed error"
)]
pub trait PlainReply {}

#[diagnostic::do_not_recommend]
impl PlainReply for NotAResult {}

/// Compiles only for a [`PlainReply`].
pub const fn assert_plain_reply<K: PlainReply>(_: &K) {}
