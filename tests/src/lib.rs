//! Sample channel traits shared by the integration tests. Their bindings are written to `tests/bindings/`
//! by `cargo test` (the generated `export_bindings_*` tests) and type-checked with `tsc --strict` in CI.

pub mod app;
pub mod blob;
pub mod collide;
pub mod recording;
pub mod shapes;
pub mod truth;
