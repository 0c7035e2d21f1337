#!/usr/bin/env bash
# Bounded fuzzing of the three targets in fuzz/ (frame decoder, envelope decoders, generated dispatch).
# FUZZ_SECONDS per target (default 60). Longer runs: FUZZ_SECONDS=3600 bash scripts/fuzz-smoke.sh, or
# `cd fuzz && cargo +nightly fuzz run -O <target>` (runs until a crash). A crash fails this script and
# leaves its input in fuzz/artifacts/<target>/; turn it into a regression test before fixing.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-60}"

# cargo-fuzz needs nightly-only compiler flags. Use nightly when it is installed; otherwise (machines that
# cannot fetch toolchains) the stable compiler, told it is bootstrapping so that it accepts those flags.
# FUZZ_TOOLCHAIN=stable forces the second path.
toolchain="${FUZZ_TOOLCHAIN:-}"
if [ -z "$toolchain" ]; then
  if rustup toolchain list | grep -q '^nightly'; then toolchain=nightly; else toolchain=stable; fi
fi
if [ "$toolchain" != nightly ]; then
  export RUSTC_BOOTSTRAP=1
  echo "fuzz: no nightly toolchain; using $toolchain with RUSTC_BOOTSTRAP=1"
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

cargo "+$toolchain" fuzz build -O
mkdir -p logs
for target in frame envelope dispatch; do
  mkdir -p "corpus/$target"
  # Writable corpus first (grows across local runs), then the committed seeds.
  if ! cargo "+$toolchain" fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      >"logs/$target.log" 2>&1; then
    tail -n 60 "logs/$target.log" >&2
    echo "fuzz target $target failed; input in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  runs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$')
  peak=$(grep -a -o 'stat::peak_rss_mb: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$')
  echo "fuzz $target: $runs executions in ${seconds}s, no crash (peak RSS ${peak} MB)"
done
