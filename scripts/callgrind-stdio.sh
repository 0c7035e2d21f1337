#!/usr/bin/env bash
# Instructions per invoke round trip in the stdio host's child process, counted by callgrind (load-independent).
# Drives the stdio bench binary's own child modes (see benches/benches/stdio.rs) from a small Python parent
# with two round-trip counts and reports (Ir(high) - Ir(low)) / (high - low) for the child only.
#
#   scripts/callgrind-stdio.sh      # host_current_thread and raw
set -euo pipefail
cd "$(dirname "$0")/.."
LOW=${LOW:-500}
HIGH=${HIGH:-2500}
bin=$(cargo bench -p ipc-benches --bench stdio --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p')

child_instructions() { # mode round_trips
  python3 - "$bin" "$1" "$2" <<'PY'
import json, os, re, struct, subprocess, sys
binary, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
child = subprocess.Popen(
    ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", binary],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    env=dict(os.environ, IPC_BENCH_CHILD=mode))
def frame(value):
    body = json.dumps(value, separators=(",", ":")).encode()
    return struct.pack(">I", len(body)) + body
item = {"id": 7, "name": "Ada Lovelace", "tags": ["math", "engines", "notes"]}
text = json.dumps({"kind": "invoke", "id": 1, "channel": "bench:echo", "payload": [item]}, separators=(",", ":"))
if mode != "raw":
    # An open without the service's fingerprint is refused with the one the host expects (a constant cost,
    # which the difference of two runs cancels).
    child.stdin.write(frame({"op": "open", "caller": 0, "origin": "app://main", "topFrame": True}))
    child.stdin.flush()
    (length,) = struct.unpack(">I", child.stdout.read(4))
    expected = json.loads(child.stdout.read(length))["error"]["expected"]
    child.stdin.write(frame({"op": "open", "caller": 1, "origin": "app://main", "topFrame": True,
                             "fingerprint": expected}))
body = b"\x01" + struct.pack(">Q", 1) + text.encode()
request = struct.pack(">I", len(body)) + body
for _ in range(n):
    child.stdin.write(request)
    child.stdin.flush()
    (length,) = struct.unpack(">I", child.stdout.read(4))
    child.stdout.read(length)
child.stdin.close()
log = child.stderr.read().decode()
child.wait()
print(re.search(r"Collected : (\d+)", log).group(1))
PY
}

for mode in host_current_thread raw; do
  low=$(child_instructions "$mode" "$LOW")
  high=$(child_instructions "$mode" "$HIGH")
  echo "$mode: $(( (high - low) / (HIGH - LOW) )) instructions per round trip (child)"
done
