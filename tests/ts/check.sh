#!/usr/bin/env bash
# Strict type-check of every generated .ts in ../bindings plus the compile-time tests, then the Node runtime
# tests of the bridge and the generated APIs. The bindings are committed; `cargo test -p ipc-tests --lib`
# rewrites them. Needs Node 20+ and npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

npm ci --no-audit --no-fund
npx --no-install tsc -p tsconfig.json --noEmit
rm -rf dist
npx --no-install tsc -p tsconfig.build.json
node --test dist/ts/*.test.js
