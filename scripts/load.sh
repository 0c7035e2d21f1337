#!/usr/bin/env bash
# The load test at full size: IPC_LOAD_CALLS invokes per host (default 1,000,000) over 64 connections,
# release build, one host at a time so each reported peak RSS is that host's alone. Prints one line per host.
set -euo pipefail
cd "$(dirname "$0")/.."
export IPC_LOAD_CALLS="${IPC_LOAD_CALLS:-1000000}"
cargo build --release -p ipc-tests --test load
for test in in_memory_host_delivers_every_reply_to_its_caller direct_calls_deliver_every_reply_to_their_caller web_host_delivers_every_reply_to_its_caller; do
  cargo test --release -q -p ipc-tests --test load -- --exact "$test" --nocapture 2>&1 | grep -E '^load |test result|panicked'
done
