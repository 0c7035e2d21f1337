// The generated preload and renderer module in REAL Chromium (see chromium-harness.ts): the page loads the
// compiled CoreIpc.preload.js (its "electron" import mapped to the page-side stand-in, whose contextBridge
// copies values the way Electron's does) and CoreIpc.electron.js, and calls the typed API and the raw
// `window.coreIpc`. On the Node side the calls go through the FakeIpcMain stand-in and the generated main glue
// to the real Rust core. What is NOT real: the isolated world (one world; the stand-in copies) and Electron's IPC.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import type { ConsoleMessage, Page } from "playwright-core";

import type { CoreIpcPreloadApi } from "./bindings/CoreIpc.electron.js";
import { registerCoreIpc } from "./bindings/CoreIpc.main.js";
import { spawnCore, type CoreProcess, type MainRegistration } from "./bindings/ipc-electron-main.js";
import { ELECTRON_MODULE, startHarness, type Harness } from "./chromium-harness.js";
import { FakeIpcMain, FakeWebContents } from "./standins.js";

const CORE = process.env["IPC_STDIO_CORE"]
  ?? fileURLToPath(new URL("../../../target/debug/examples/stdio_core", import.meta.url));
const DIST = fileURLToPath(new URL("./", import.meta.url));

const PAGE = `<!doctype html><html><head>
<script type="importmap">{"imports": {"electron": "/electron.js"}}</script>
</head><body></body></html>`;

let harness: Harness;
let page: Page;
let core: CoreProcess;
let registration: MainRegistration;
const ipcMain = new FakeIpcMain();
const contents = new FakeWebContents("app://main");
const warnings: string[] = [];

before(async () => {
  harness = await startHarness((path) => {
    if (path === "/") {
      return { type: "text/html", body: PAGE };
    }
    if (path === "/electron.js") {
      return { type: "text/javascript", body: ELECTRON_MODULE };
    }
    if (/^\/bindings\/[\w.-]+\.js$/.test(path) && existsSync(join(DIST, path))) {
      return { type: "text/javascript", body: readFileSync(join(DIST, path)) };
    }
    return undefined;
  });
  core = spawnCore(CORE, { stderr: "ignore" });
  registration = registerCoreIpc(ipcMain, core);
  page = await harness.openWindow(contents, ipcMain);
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() === "warning" && message.text().startsWith("core:")) {
      warnings.push(message.text());
    }
  });
  await page.goto(harness.url("/"));
  await page.evaluate(async (preload) => {
    await import(preload);
  }, "/bindings/CoreIpc.preload.js");
});

after(async () => {
  await harness?.close();
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

  it("the raw window.coreIpc resolves with values and rejects with plain IpcErrorDetail data a catch can read", async () => {
    const result = await page.evaluate(async () => {
      const raw = (window as unknown as { coreIpc: CoreIpcPreloadApi }).coreIpc;
      const value = await raw.parse("7");
      const caught = async (call: Promise<unknown>): Promise<unknown> => {
        try {
          await call;
          return "resolved";
        } catch (error) {
          // Hand-written page code: no IpcError class here, only the data.
          const e = error as { kind?: unknown };
          return { isError: error instanceof Error, kind: e.kind, data: error };
        }
      };
      return {
        value,
        handler: await caught(raw.parse("abc")),
        timeout: await caught(raw.sleep(10_000, { timeoutMs: 50 })),
        frozen: Object.isFrozen(raw) && Object.isFrozen(raw.parse),
      };
    });
    assert.equal(result.value, 7);
    assert.deepEqual(result.handler, {
      isError: false,
      kind: "handler",
      data: { kind: "handler", error: { kind: "notANumber", text: "abc" } },
    });
    assert.deepEqual(result.timeout, { isError: false, kind: "timeout", data: { kind: "timeout", timeoutMs: 50 } });
    assert.equal(result.frozen, true, "the exposed object is deep-frozen, as Electron's is");
  });

  it("a message sent with webContents.send directly reaches no listener and is reported once", async () => {
    warnings.length = 0;
    await page.evaluate(() => {
      const raw = (window as unknown as { coreIpc: CoreIpcPreloadApi }).coreIpc;
      const seen: string[] = [];
      (window as unknown as { __seen: string[] }).__seen = seen;
      raw.onEchoed((text) => seen.push(text));
    });
    // Main code written the tutorial's way, not with CoreIpcMainEvents.echoed(webContents, text).
    contents.send("core:echoed", "tutorial way");
    contents.send("core:echoed", "again");
    const echo = await page.evaluate(() => (window as unknown as { coreIpc: CoreIpcPreloadApi }).coreIpc.echo("typed"));
    assert.equal(echo, "typed (caller caller#1 from app://main)");
    const seen = await page.waitForFunction(() => {
      const got = (window as unknown as { __seen: string[] }).__seen;
      return got.length > 0 ? got : undefined;
    });
    assert.deepEqual(await seen.jsonValue(), ["typed"], "only the core's event, sent in the right shape");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(
      warnings[0] ?? "",
      /^core:echoed: dropped a message of 1 argument\(s\).*CoreIpcMainEvents\.echoed\(webContents, text\) from CoreIpc\.main\.ts, not webContents\.send/,
    );
  });

  it("the contextBridge stand-in copies in Chromium as it does in Node", async () => {
    const result = await page.evaluate(async () => {
      const { createContextBridge } = (window as unknown as {
        __contextBridge: typeof import("./context-bridge.js");
      }).__contextBridge;
      const main: Record<string, unknown> = {};
      const cyclic: Record<string, unknown> = { n: 1 };
      cyclic["self"] = cyclic;
      createContextBridge(main).exposeInMainWorld("api", {
        body: document.body,
        map: new Map([["k", 1]]),
        date: new Date(5),
        cyclic,
        withError: () => Promise.reject(Object.assign(new Error("only this"), { kind: "lost" })),
        withData: () => Promise.reject({ kind: "timeout", timeoutMs: 5 }),
      });
      const api = main["api"] as {
        body: HTMLElement; map: Map<string, number>; date: Date; cyclic: { self: unknown };
        withError: () => Promise<unknown>; withData: () => Promise<unknown>;
      };
      const reason = (call: Promise<unknown>): Promise<unknown> => call.then(() => "resolved", (e: unknown) => e);
      const error = await reason(api.withError()) as Error & { kind?: string };
      let proxy = "exposed";
      try {
        createContextBridge({}).exposeInMainWorld("p", { p: new Proxy({}, {}) });
      } catch (e) {
        proxy = (e as Error).name;
      }
      return {
        sameElement: api.body === document.body,
        map: api.map instanceof Map && api.map.get("k") === 1,
        date: api.date instanceof Date && api.date.getTime() === 5,
        cycle: api.cyclic.self === api.cyclic,
        error: { isError: error instanceof Error, message: error.message, kind: error.kind ?? null },
        data: await reason(api.withData()),
        proxy,
      };
    });
    assert.deepEqual(result, {
      sameElement: true,
      map: true,
      date: true,
      cycle: true,
      error: { isError: true, message: "only this", kind: null },
      data: { kind: "timeout", timeoutMs: 5 },
      proxy: "DataCloneError",
    });
  });

  it("the preload refuses to expose anything without context isolation", async () => {
    const fresh = await harness.openWindow(new FakeWebContents("app://main"), new FakeIpcMain());
    await fresh.goto(harness.url("/"));
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
