// The generated preload and renderer module in REAL Chromium (Debian's, headless, via playwright-core): the
// page loads the compiled CoreIpc.preload.js (its "electron" import mapped to a page-side stand-in that
// forwards ipcRenderer calls to Node) and CoreIpc.electron.js, and calls the typed API. On the Node side the
// calls go through the FakeIpcMain stand-in and the generated main glue to the real Rust core.
// What is NOT real: contextBridge (the stand-in assigns to `window`, no isolated world) and Electron's IPC.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium, type BrowserContext, type Page } from "playwright-core";

import { registerCoreIpc } from "./bindings/CoreIpc.main.js";
import { spawnCore, type CoreProcess, type MainRegistration } from "./bindings/ipc-electron-main.js";
import { FakeIpcMain, FakeWebContents } from "./standins.js";

const CHROMIUM = process.env["CHROMIUM"] ?? "/usr/bin/chromium";
const CORE = process.env["IPC_STDIO_CORE"]
  ?? fileURLToPath(new URL("../../../target/debug/examples/stdio_core", import.meta.url));
const DIST = fileURLToPath(new URL("./", import.meta.url));

const STANDIN = `
const listeners = new Map();
window.__ipcDeliver = (channel, args) => {
  for (const listener of [...(listeners.get(channel) ?? [])]) listener({ sender: "IpcRenderer" }, ...args);
};
export const contextBridge = { exposeInMainWorld: (key, api) => { window[key] = api; } };
export const ipcRenderer = {
  send: (channel, ...args) => { void window.__ipcSend(channel, args); },
  invoke: (channel, ...args) => window.__ipcInvoke(channel, args),
  on: (channel, listener) => {
    const set = listeners.get(channel) ?? new Set();
    set.add(listener);
    listeners.set(channel, set);
  },
  removeListener: (channel, listener) => { listeners.get(channel)?.delete(listener); },
};
window.__listenerCount = (channel) => listeners.get(channel)?.size ?? 0;
`;

const PAGE = `<!doctype html><html><head>
<script type="importmap">{"imports": {"electron": "/electron.js"}}</script>
<script>window.process = { contextIsolated: true };</script>
</head><body></body></html>`;

let server: Server;
let context: BrowserContext;
let userDataDir: string;
let page: Page;
let core: CoreProcess;
let registration: MainRegistration;
let url = "";
const ipcMain = new FakeIpcMain();
const contents = new FakeWebContents("app://main");

before(async () => {
  server = createServer((request, response) => {
    const path = request.url?.split("?")[0] ?? "/";
    if (path === "/") {
      response.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    } else if (path === "/electron.js") {
      response.writeHead(200, { "content-type": "text/javascript" }).end(STANDIN);
    } else if (/^\/bindings\/[\w.-]+\.js$/.test(path) && existsSync(join(DIST, path))) {
      response.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(join(DIST, path)));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === "object");
  url = `http://127.0.0.1:${address.port}/`;

  core = spawnCore(CORE, { stderr: "ignore" });
  registration = registerCoreIpc(ipcMain, core);
  userDataDir = mkdtempSync(join(tmpdir(), "ipc-electron-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  page = await context.newPage();
  // The page's ipcRenderer reaches Node through these; arguments cross as JSON-like copies.
  await page.exposeFunction("__ipcInvoke", (channel: string, args: unknown[]) =>
    ipcMain.invoke(contents.mainFrame, channel, ...args));
  await page.exposeFunction("__ipcSend", (channel: string, args: unknown[]) => {
    ipcMain.send(contents.mainFrame, channel, ...args);
  });
  // Events main sends to the window go to the page's ipcRenderer listeners.
  const deliver = contents.send.bind(contents);
  contents.send = (channel: string, ...args: unknown[]): void => {
    deliver(channel, ...args);
    void page.evaluate(([c, a]) => {
      (window as unknown as { __ipcDeliver: (c: string, a: unknown[]) => void }).__ipcDeliver(c, a);
    }, [channel, args] as const);
  };
  await page.goto(url);
  await page.evaluate(async (preload) => {
    await import(preload);
  }, "/bindings/CoreIpc.preload.js");
});

after(async () => {
  await context?.close();
  rmSync(userDataDir, { recursive: true, force: true });
  server?.close();
  core?.shutdown();
  await core?.exited;
});

describe("generated preload + renderer module in real Chromium", () => {
  it("exposes one function per channel and runs invoke, send, events, typed errors and AbortSignal cancel", async () => {
    const result = await page.evaluate(async (renderer) => {
      const { electronCoreIpcApi } = (await import(renderer)) as typeof import("./bindings/CoreIpc.electron.js");
      const w = window as unknown as { coreIpc: object; __listenerCount: (c: string) => number };
      const members = Object.keys(w.coreIpc).sort();
      const api = electronCoreIpcApi();
      const seen: unknown[][] = [];
      const off = api.onEchoed((...args: unknown[]) => seen.push(args));
      const echo = await api.echo("hi");
      api.note("n");
      const started = Date.now();
      while (seen.length < 2 && Date.now() - started < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      off();
      const listenersAfterOff = w.__listenerCount("core:echoed");
      const fail = async (promise: Promise<unknown>): Promise<unknown> => {
        try {
          await promise;
          return "resolved";
        } catch (error) {
          const e = error as { name: string; detail: unknown };
          return { name: e.name, detail: e.detail };
        }
      };
      const parsed = await api.parse("42");
      const typed = await fail(api.parse("abc"));
      const controller = new AbortController();
      const cancelled = fail(api.sleep(10_000, { signal: controller.signal }));
      setTimeout(() => controller.abort(), 50);
      return { members, echo, seen, listenersAfterOff, parsed, typed, cancelled: await cancelled };
    }, "/bindings/CoreIpc.electron.js");
    assert.deepEqual(result.members, ["configure", "echo", "echoLater", "note", "onEchoed", "parse", "reverseBytes", "sleep", "whoami"]);
    assert.equal(result.echo, "hi (caller caller#1 from app://main)");
    assert.deepEqual(result.seen, [["hi"], ["noted n"]]);
    assert.equal(result.listenersAfterOff, 0);
    assert.equal(result.parsed, 42);
    assert.deepEqual(result.typed, { name: "IpcError", detail: { kind: "handler", error: { kind: "notANumber", text: "abc" } } });
    assert.deepEqual(result.cancelled, { name: "IpcError", detail: { kind: "cancelled" } });
    // The cancel reached the core, which ended the call: nothing is left in flight in the glue.
    const deadline = Date.now() + 5000;
    while (registration.pending > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(registration.pending, 0);
  });

  it("the preload refuses to expose anything without context isolation", async () => {
    const fresh = await context.newPage();
    await fresh.goto(url);
    const outcome = await fresh.evaluate(async (preload) => {
      (window as unknown as { process: { contextIsolated: boolean } }).process.contextIsolated = false;
      try {
        await import(preload);
        return "exposed";
      } catch (error) {
        return `${String(error)} / exposed: ${String("coreIpc" in window)}`;
      }
    }, "/bindings/CoreIpc.preload.js");
    assert.match(outcome, /contextIsolation is off.* \/ exposed: false$/);
    await fresh.close();
  });
});
