#!/usr/bin/env bash
# Runs every test of the project: Rust (unit, integration, UI, web host over real sockets), the bindings
# freshness check, strict TypeScript and Node tests of the generated code, the Electron host's checks, and the
# end-to-end tests in headless Chromium. Needs cargo, node/npm and (for the browser tests) Debian's chromium.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

section() { printf '\n==> %s\n' "$*"; }

section "Rust tests (bindings in check mode: stale .ts files fail)"
IPC_BINDINGS_CHECK=1 cargo test --workspace --all-features

section "New user: the README's example and dependency lines, as a crate outside the workspace"
bash tests/new-user/check.sh

section "Generated TypeScript: tsc --strict and Node tests of the bridge"
bash tests/ts/check.sh

section "Example renderer: committed JS matches its TypeScript"
bash examples/web/check.sh

section "Electron host: tsc against Electron's types, main glue vs the real core, preload in Chromium"
bash tests/electron/check.sh

section "End-to-end: the web example in headless Chromium"
bash tests/e2e/run.sh

section "Benchmark smoke: the web host benchmark page builds and runs (figures are not asserted)"
WEB_BENCH_PROFILE=debug bash benches/web/run.sh 20 2 100
