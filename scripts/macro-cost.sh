#!/usr/bin/env bash
# Macro cost: how the #[channels] attribute's cost grows with the number of channels (10 vs 100, plus 50 and
# 200 to show the trend). Reports, per channel count:
#   - expansion time and size of the macro's output, measured in-process (ipc-macros' ignored `expansion_cost`
#     test, release build);
#   - the compile time a user pays: `cargo build` (debug) of a generated crate holding one trait with N
#     channels, its dependencies already built (median of 3 builds);
#   - the size of the TypeScript emitted for that trait (every .ts file its export test writes).
# The generated crate lives under $CARGO_TARGET_DIR/macro-cost and is not part of the workspace.
#
#   scripts/macro-cost.sh            # 10 50 100 200
#   scripts/macro-cost.sh 10 100     # chosen counts
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
work="$target/macro-cost"
counts=("${@:-10 50 100 200}")
counts=(${counts[*]})

echo "== expansion (in-process, release)"
(cd "$root" && cargo test -q -p ipc-macros --release --lib -- --ignored --nocapture expansion_cost 2>/dev/null \
  | grep '^channels=')

mkdir -p "$work/src"
cp "$root/Cargo.lock" "$work/Cargo.lock"
cat > "$work/Cargo.toml" <<TOML
[package]
name = "macro-cost"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
ipc-runtime = { path = "$root/ipc-runtime" }
serde = { version = "1", features = ["derive"] }
ts-rs = { version = "12", features = ["serde-compat", "no-serde-warnings"] }

[workspace]
TOML

# One trait with $1 channels: a third invoke, a third send, a third event (the same shape as expansion_cost).
generate() {
  {
    cat <<'RS'
use ipc_runtime::{Caller, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Item { pub id: u32, pub name: String, pub tags: Vec<String> }

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(tag = "kind")]
pub enum Failure { Missing, Busy { retry_ms: u32 } }

#[channels(allow_origins = ["app://main"], export_to = "bindings")]
pub trait Wide {
RS
    for ((i = 0; i < $1; i++)); do
      case $((i % 3)) in
        0) echo "    #[invoke] async fn call_$i(&self, caller: Caller, item: Item, count: u32) -> Result<Item, Failure>;" ;;
        1) echo "    #[send] async fn note_$i(&self, caller: Caller, text: String);" ;;
        2) echo "    #[event] fn changed_$i(item: Item);" ;;
      esac
    done
    echo "}"
  } > "$work/src/lib.rs"
}

cd "$work"
export CARGO_TARGET_DIR="$work/target"
# Every timed build compiles the crate from scratch: incremental reuse would hide the cost.
export CARGO_INCREMENTAL=0
generate 1
echo "== building the generated crate's dependencies once (not timed)"
cargo build -q --offline 2>/dev/null || cargo build -q

echo "== compile time (debug cargo build of the generated crate) and emitted TypeScript"
for n in "${counts[@]}"; do
  generate "$n"
  times=()
  for _ in 1 2 3; do
    touch src/lib.rs
    start=$(date +%s.%N)
    cargo build -q --offline
    times+=("$(echo "$(date +%s.%N) - $start" | bc)")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
  rm -rf bindings
  cargo test -q --offline --lib >/dev/null 2>&1
  ts_bytes=$(cat bindings/*.ts | wc -c)
  trait_bytes=$(cat bindings/Wide*.ts | wc -c)
  ts_files=$(ls bindings/*.ts | wc -l)
  printf 'channels=%s build_s=%.2f (runs: %s) ts_bytes=%s ts_files=%s trait_ts_bytes=%s (Wide*.ts) trait_ts_bytes_per_channel=%s\n' \
    "$n" "$median" "${times[*]}" "$ts_bytes" "$ts_files" "$trait_bytes" "$((trait_bytes / n))"
done
