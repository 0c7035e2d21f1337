//! Collects every error found while parsing and checking, so the user sees all of them at once, in the order
//! of the source: errors are grouped by the part of the trait they are about (see [`Ctxt::section`]).

use std::fmt::Display;

use quote::ToTokens;

#[derive(Default)]
pub(crate) struct Ctxt {
    errors: Vec<(usize, syn::Error)>,
    section: usize,
}

impl Ctxt {
    /// Files the following errors under `section`: 0 for the attribute and the trait's header, `i + 1` for
    /// the trait's `i`-th item. Parsing and checking each visit the sections in order; [`Ctxt::finish`]
    /// merges them, so that errors come out in source order rather than parse errors first.
    pub(crate) fn section(&mut self, section: usize) {
        self.section = section;
    }

    pub(crate) fn error(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.errors
            .push((self.section, syn::Error::new_spanned(tokens, message)));
    }

    pub(crate) fn error_at(&mut self, span: proc_macro2::Span, message: impl Display) {
        self.errors
            .push((self.section, syn::Error::new(span, message)));
    }

    pub(crate) fn syn_error(&mut self, error: syn::Error) {
        self.errors.push((self.section, error));
    }

    /// The sections (see [`Ctxt::section`]) that have at least one error.
    pub(crate) fn sections_with_errors(&self) -> std::collections::BTreeSet<usize> {
        self.errors.iter().map(|(section, _)| *section).collect()
    }

    /// `Ok(())` when nothing was reported, otherwise all errors combined into one.
    pub(crate) fn finish(mut self) -> Result<(), syn::Error> {
        self.errors.sort_by_key(|(section, _)| *section);
        let mut errors = self.errors.into_iter().map(|(_, error)| error);
        let Some(mut first) = errors.next() else {
            return Ok(());
        };
        for error in errors {
            first.combine(error);
        }
        Err(first)
    }
}
