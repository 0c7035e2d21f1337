#!/usr/bin/env bash
# Strict type-check of every generated .ts in ../bindings plus the compile-time tests, then the Node runtime
# tests of the bridge and the generated APIs, and the truth tests' checks (tsc over the values captured off the
# wire; values built here decoded by the Rust side). The bindings are committed; `cargo test -p ipc-tests --lib`
# rewrites them. Needs Node 20+, npm and cargo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

npm ci --no-audit --no-fund
npx --no-install tsc -p tsconfig.json --noEmit
rm -rf dist
npx --no-install tsc -p tsconfig.build.json
node --test dist/ts/*.test.js
# The reverse truth test's Rust half decodes the envelopes truth.test.ts just wrote (dist/truth.posted.json).
# The flags of scripts/test-all.sh's cargo run, so that its build is reused.
cargo test --workspace --all-features --test truth_reverse -- --ignored
