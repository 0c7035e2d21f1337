//! Compile-fail tests of the `#[channels]` macro's error reporting (one error per file under `ui/<topic>/`),
//! plus inputs that must compile (`ui-pass/`). Goldens are pinned to one toolchain: see `ui/README.md`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*/*.rs");
    t.pass("ui-pass/*.rs");
}
