#!/usr/bin/env bash
# Slow, silent and idle HTTP connections against the real `web_app` at its default settings: 300 connections
# sending one header byte every 2 s, 300 silent ones and 100 idle keep-alive ones (after one request each).
# Prints, per kind, how many were closed early (past the HTTP connection cap), how many by a deadline and
# when, and how many were still open after 45 s. Needs python3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cargo build -q -p ipc-examples --example web_app
bin="${CARGO_TARGET_DIR:-$root/target}/debug/examples/web_app"
out="$(mktemp)"
trap 'kill "$app" 2>/dev/null || true; rm -f "$out"' EXIT
# Without a terminal the app serves until killed; its log goes to stderr (counted below).
"$bin" </dev/null >"$out" 2>"$out.err" &
app=$!
for _ in $(seq 100); do grep -q "open http" "$out" && break; sleep 0.1; done
port="$(sed -n 's|.*open http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$out")"
[ -n "$port" ] || { cat "$out.err" >&2; exit 1; }
python3 - "$port" <<'EOF'
import selectors, socket, sys, time
port = int(sys.argv[1])
req = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()

def flood(kind, count):
    """Opens `count` connections of one kind; when each closed (seconds), None if still open at 45 s."""
    sel = selectors.DefaultSelector()
    start = time.monotonic()
    conns = []  # [socket, closed_after, bytes trickled]
    for i in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        if kind == "idle keep-alive":
            s.sendall(req)
        s.setblocking(False)
        conns.append([s, None, 0])
        sel.register(s, selectors.EVENT_READ, i)
    last_trickle = 0.0
    while time.monotonic() - start < 45 and any(c[1] is None for c in conns):
        now = time.monotonic()
        if kind == "slow header" and now - last_trickle >= 2:
            last_trickle = now
            for c in conns:
                if c[1] is None:
                    try:
                        c[0].send(req[c[2] % len(req):][:1])
                        c[2] += 1
                    except OSError:
                        pass
        for key, _ in sel.select(timeout=0.2):
            c = conns[key.data]
            try:
                data = c[0].recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                c[1] = time.monotonic() - start
                sel.unregister(c[0])
                c[0].close()
    for c in conns:
        if c[1] is None:
            c[0].close()
    return [c[1] for c in conns]

for kind, count in [("slow header", 300), ("silent", 300), ("idle keep-alive", 100)]:
    closed = flood(kind, count)
    at_once = [t for t in closed if t is not None and t < 5]
    later = [t for t in closed if t is not None and t >= 5]
    still = [t for t in closed if t is None]
    span = f" between {min(later):.1f} s and {max(later):.1f} s" if later else ""
    print(f"{kind}: {count} opened, {len(at_once)} closed within 5 s (past the cap), {len(later)} by a deadline{span}, "
          f"{len(still)} still open after 45 s")
EOF
echo "lines logged: $(grep -c 'connection cap reached' "$out.err" || true) cap warning(s), $(wc -l <"$out.err") in all"
rm -f "$out.err"
