#!/usr/bin/env bash
# The Electron host's checks (Electron's binary cannot be downloaded here, so no real Electron window runs):
# 1. the committed ./bindings and ./tutorial/bindings are current (CoreIpc from examples/examples/stdio_core.rs,
#    ElectronAPI from examples/examples/tutorial_core.rs);
# 2. tsc --strict over the generated preload / renderer / main-process files (here and in ../bindings)
#    against Electron's own type definitions (the `electron` npm package, installed without its binary);
# 3. Node tests of the generated main glue + ipc-electron-main.ts against the real Rust core child process
#    (target/debug/examples/stdio_core) with stand-ins for ipcMain / webContents / senderFrame.
# 4. the compiled preload and renderer module in real headless Chromium (Debian's /usr/bin/chromium, or
#    $CHROMIUM) via playwright-core, with a page-side stand-in for ipcRenderer and one for contextBridge that
#    copies the way Electron's does (context-bridge.ts, tested on its own); the IPC tutorial's own pages
#    (./tutorial) on the generated CommonJS preload, with the real tutorial_core;
# 5. examples/electron: tsc --strict of its main process against Electron's types, then (demo.test.ts) its
#    compiled main-process logic with the real demo_core, and the web demo's page in Chromium through the
#    generated CommonJS preload.
# Needs cargo, Node 20+, npm and chromium.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

(cd ../.. && IPC_BINDINGS_CHECK=1 cargo test -q -p ipc-examples --example stdio_core --example tutorial_core)
(cd ../.. && cargo build -q -p ipc-examples --example stdio_core --example demo_core --example tutorial_core)
(cd ../../examples/electron && ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund && rm -rf dist && npx --no-install tsc -p tsconfig.json)
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
npx --no-install tsc -p tsconfig.json --noEmit
rm -rf dist
npx --no-install tsc -p tsconfig.build.json
node --test dist/*.test.js
# The main-process handler bench, briefly, so it keeps running (figures: BENCHMARKS.md).
node dist/handlers.bench.js 50 > /dev/null
