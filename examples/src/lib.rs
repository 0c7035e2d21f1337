//! Shared pieces of the example apps.
