#!/usr/bin/env bash
# The README as a new user meets it: a crate outside this workspace, with exactly the README's dependency
# lines and its Rust example as main.rs, must build, print what the example's comment says, and write the
# bindings `cargo test` promises. Catches a README that drifted from the crates (a renamed item, a missing
# dependency or feature). Resolves its own dependency versions, as a new crate would.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${NEW_USER_DIR:-$root/target/new-user}"
rm -rf "$work/crate"
mkdir -p "$work/crate/src"

python3 - "$root/README.md" "$work/crate" "$root/ipc-runtime" <<'PY'
import re, sys
readme, crate, runtime = sys.argv[1:]
text = open(readme).read()
rust = re.search(r"## Example\n.*?```rust\n(.*?)```", text, re.S)
toml = re.search(r"```toml\n(.*?)```", text, re.S)
if not rust or not toml:
    sys.exit("README: the example's ```rust block or the dependency ```toml block is missing")
open(f"{crate}/src/main.rs", "w").write(rust.group(1))
open(f"{crate}/Cargo.toml", "w").write(
    '[package]\nname = "new-user"\nversion = "0.1.0"\nedition = "2024"\npublish = false\n\n'
    '[workspace]\n\n'
    f'[dependencies]\nipc-runtime = {{ path = "{runtime}" }}\n' + toml.group(1)
)
PY

cd "$work/crate"
export CARGO_TARGET_DIR="$work/target"
printed="$(cargo run -q)"
expected="$(sed -n 's|.*println!.*// \(.*\)$|\1|p' src/main.rs)"
if [ "$printed" != "$expected" ]; then
  echo "README example printed '$printed', its comment says '$expected'" >&2
  exit 1
fi
cargo test -q >/dev/null
for file in Greeter.ts ipc-bridge.ts ipc-web.ts; do
  [ -f "bindings/$file" ] || { echo "cargo test did not write bindings/$file" >&2; exit 1; }
done
echo "new user: the README example builds outside the workspace, prints $printed, writes its bindings"
