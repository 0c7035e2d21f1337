#!/usr/bin/env bash
# Instructions per small invoke (and per baseline call), counted by callgrind: independent of machine load.
# Runs the `invoke_count` example with two call counts and reports (Ir(high) - Ir(low)) / (high - low), so
# start-up and runtime construction cancel out.
#
#   scripts/callgrind-invoke.sh            # typed, direct, host, baseline and baseline_round_trip
#   scripts/callgrind-invoke.sh typed      # one mode
set -euo pipefail
cd "$(dirname "$0")/.."
LOW=${LOW:-1000}
HIGH=${HIGH:-5000}
cargo build --release -q -p ipc-benches --example invoke_count
bin="${CARGO_TARGET_DIR:-target}/release/examples/invoke_count"

instructions() { # mode calls
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

for mode in "${@:-typed direct host baseline baseline_round_trip}"; do
  for m in $mode; do
    low=$(instructions "$m" "$LOW")
    high=$(instructions "$m" "$HIGH")
    echo "$m: $(( (high - low) / (HIGH - LOW) )) instructions per call"
  done
done
