#!/usr/bin/env bash
# Web host benchmark: typed invoke from real headless Chromium vs a raw WebSocket echo in the same process.
#   bash benches/web/run.sh                 # release build, 10 rounds x 200 calls + 5 x 1,000 pipelined
#   bash benches/web/run.sh 20 2 100        # calls per block, rounds, pipelined calls (a quick smoke run)
# WEB_BENCH_PROFILE=debug skips the release build (CI's smoke run: it checks the page works, not the speed).
# Needs cargo, node/npm and Debian's chromium (or $CHROMIUM).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

(cd "$root" && IPC_BINDINGS_CHECK=1 cargo test -q -p ipc-benches --example web_round_trip)
profile="${WEB_BENCH_PROFILE:-release}"
if [ "$profile" = release ]; then
  (cd "$root" && cargo build -q --release -p ipc-benches --example web_round_trip)
else
  (cd "$root" && cargo build -q -p ipc-benches --example web_round_trip)
  profile=debug
fi
export WEB_BENCH_BIN="${WEB_BENCH_BIN:-${CARGO_TARGET_DIR:-$root/target}/$profile/examples/web_round_trip}"
cd "$here"
npm ci --no-audit --no-fund --loglevel=error
rm -rf public/js
npx --no-install tsc -p tsconfig.json
node drive.mjs "$@"
