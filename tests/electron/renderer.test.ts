// The whole Electron path in Node, with stand-ins only where Electron itself would be: the page's
// `electronCoreIpcApi()` (CoreIpc.electron.ts) -> `window.coreIpc` as exposed by the GENERATED preload
// through the contextBridge stand-in (context-bridge.ts, which copies the way Electron's does) -> ipcRenderer
// stand-in -> FakeIpcMain -> generated main glue -> the real Rust core (stdio_core). The suite runs twice:
// once with CoreIpc.preload.ts compiled by tsc (importing a stand-in "electron" module), once with the ready
// CoreIpc.preload.cjs, given a `require` for "electron".

import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import type { CoreIpcPreloadApi, electronCoreIpcApi as ElectronCoreIpcApi } from "./bindings/CoreIpc.electron.js";
import { CoreIpcFingerprint } from "./bindings/CoreIpc.js";
import { CoreIpcMainSpec, registerCoreIpc } from "./bindings/CoreIpc.main.js";
import { IpcError } from "./bindings/ipc-bridge.js";
import { registerChannels, spawnCore, type CoreProcess } from "./bindings/ipc-electron-main.js";
import { createContextBridge } from "./context-bridge.js";
import { FakeIpcMain, FakeWebContents } from "./standins.js";

const CORE = process.env["IPC_STDIO_CORE"]
  ?? fileURLToPath(new URL("../../../target/debug/examples/stdio_core", import.meta.url));

interface StandIn {
  exposed: Map<string, unknown>;
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    send(channel: string, ...args: unknown[]): void;
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: object, ...args: unknown[]) => void): unknown;
    removeListener(channel: string, listener: (event: object, ...args: unknown[]) => void): unknown;
  };
}

/** One renderer page and its own core: each preload flavour gets a fresh world. */
class World {
  readonly ipcMain = new FakeIpcMain();
  readonly page = new FakeWebContents("app://main");
  readonly window: Record<string, unknown> = {};
  core: CoreProcess | undefined;
  private readonly bridge = createContextBridge(this.window, () => (process as { contextIsolated?: boolean }).contextIsolated === true);
  readonly standIn: StandIn = {
    exposed: new Map(),
    contextBridge: {
      exposeInMainWorld: (key, api) => {
        this.bridge.exposeInMainWorld(key, api);
        this.standIn.exposed.set(key, api);
      },
    },
    ipcRenderer: {
      send: (channel, ...args) => this.ipcMain.send(this.page.mainFrame, channel, ...args),
      invoke: (channel, ...args) => this.ipcMain.invoke(this.page.mainFrame, channel, ...args),
      on: (channel, listener) => {
        const set = this.page.rendererListeners.get(channel) ?? new Set();
        set.add(listener);
        this.page.rendererListeners.set(channel, set);
      },
      removeListener: (channel, listener) => {
        this.page.rendererListeners.get(channel)?.delete(listener);
      },
    },
  };
}

/** Runs a preload (once per call, like a page load) with `world` as its "electron". */
type PreloadRunner = (world: World, run: string) => Promise<void>;

const runCompiledPreload: PreloadRunner = async (world, run) => {
  (globalThis as { __electronStandIn?: StandIn }).__electronStandIn = world.standIn;
  await import(new URL(`./bindings/CoreIpc.preload.js?run=${run}`, import.meta.url).href);
};

const cjsSource = readFileSync(fileURLToPath(new URL("../bindings/CoreIpc.preload.cjs", import.meta.url)), "utf8");

const runCommonJsPreload: PreloadRunner = async (world) => {
  // What a sandboxed preload gets: `require` that knows "electron" only, and `process`.
  const require = (id: string): unknown => {
    if (id !== "electron") {
      throw new Error(`a sandboxed preload cannot require ${id}`);
    }
    return { contextBridge: world.standIn.contextBridge, ipcRenderer: world.standIn.ipcRenderer };
  };
  new Function("require", "process", cjsSource)(require, process);
  await Promise.resolve();
};

before(() => {
  // The compiled preload imports "electron": from dist/bindings/ Node finds dist/node_modules/electron first.
  const dir = fileURLToPath(new URL("./node_modules/electron/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}package.json`, JSON.stringify({ name: "electron", type: "module", main: "index.js" }));
  writeFileSync(`${dir}index.js`, [
    "const s = () => globalThis.__electronStandIn;",
    "export const contextBridge = { exposeInMainWorld: (k, v) => s().contextBridge.exposeInMainWorld(k, v) };",
    "export const ipcRenderer = {",
    "  send: (...a) => s().ipcRenderer.send(...a), invoke: (...a) => s().ipcRenderer.invoke(...a),",
    "  on: (...a) => s().ipcRenderer.on(...a), removeListener: (...a) => s().ipcRenderer.removeListener(...a),",
    "};",
  ].join("\n"));
});

async function detailOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    assert.ok(error instanceof IpcError, `expected an IpcError, got ${String(error)}`);
    return error.detail;
  }
  assert.fail("expected a rejection");
}

for (const [flavor, runPreload] of [["CoreIpc.preload.ts (compiled)", runCompiledPreload], ["CoreIpc.preload.cjs", runCommonJsPreload]] as const) {
  describe(`generated preload + renderer module over the stand-in bridge: ${flavor}`, () => {
    const world = new World();
    let electronApi: typeof ElectronCoreIpcApi;

    before(async () => {
      Object.defineProperty(globalThis, "window", { value: world.window, configurable: true });
      world.core = spawnCore(CORE, { stderr: "ignore" });
      registerCoreIpc(world.ipcMain, world.core);
      ({ electronCoreIpcApi: electronApi } = await import("./bindings/CoreIpc.electron.js"));
    });

    after(async () => {
      world.core?.shutdown();
      await world.core?.exited;
    });

    it("the preload exposes nothing unless context isolation is on", async () => {
      (process as { contextIsolated?: boolean }).contextIsolated = false;
      await assert.rejects(runPreload(world, "not-isolated"), /contextIsolation is off/);
      assert.equal(world.standIn.exposed.size, 0);
      assert.throws(() => electronApi(), /window\.coreIpc is missing/);
    });

    it("exposes exactly one function per channel", async () => {
      (process as { contextIsolated?: boolean }).contextIsolated = true;
      await runPreload(world, "isolated");
      const exposed = world.standIn.exposed.get("coreIpc");
      assert.ok(typeof exposed === "object" && exposed !== null);
      assert.deepEqual(Object.keys(exposed).sort(), ["configure", "echo", "echoLater", "note", "onEchoed", "parse", "reverseBytes", "sleep", "whoami"]);
      for (const value of Object.values(exposed)) {
        assert.equal(typeof value, "function");
      }
    });

    it("invoke, send and events work end to end; listeners get the payload only", async () => {
      const api = electronApi();
      const seen: unknown[][] = [];
      const off = api.onEchoed((...args: unknown[]) => seen.push(args));
      assert.equal(await api.echo("hi"), "hi (caller caller#1 from app://main)");
      api.note("n");
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(seen, [["hi"], ["noted n"]]);
      off();
      off(); // idempotent
      assert.equal(world.page.rendererListeners.get("core:echoed")?.size ?? 0, 0, "the disposer removed the exact wrapper");
      assert.equal(await api.parse(" 7 "), 7);
    });

    it("Uint8Array arguments and results cross intact", async () => {
      const api = electronApi();
      const reversed = await api.reverseBytes(new Uint8Array([1, 2, 3, 250]));
      assert.ok(reversed instanceof Uint8Array);
      assert.deepEqual([...reversed], [250, 3, 2, 1]);
    });

    it("rebuilds typed errors as IpcError with `detail`", async () => {
      const api = electronApi();
      assert.deepEqual(await detailOf(api.parse("abc")), { kind: "handler", error: { kind: "notANumber", text: "abc" } });
      assert.deepEqual(await detailOf(api.sleep(10_000, { timeoutMs: 50 })), { kind: "timeout", timeoutMs: 50 });
      assert.equal(((await detailOf(api.sleep(1, { timeoutMs: 0 }))) as { kind: string }).kind, "invalid_input");
    });

    it("the raw window API resolves with the value and rejects with plain IpcErrorDetail data", async () => {
      const raw = world.window["coreIpc"] as CoreIpcPreloadApi;
      assert.equal(await raw.parse("42"), 42);
      const rejection = async (call: Promise<unknown>): Promise<unknown> => call.then(
        (value: unknown) => assert.fail(`resolved with ${String(value)}`),
        (reason: unknown) => reason,
      );
      const handler = await rejection(raw.parse("abc"));
      assert.ok(!(handler instanceof Error), "plain data, which contextBridge copies whole");
      assert.deepEqual(handler, { kind: "handler", error: { kind: "notANumber", text: "abc" } });
      assert.deepEqual(await rejection(raw.sleep(10_000, { timeoutMs: 50 })), { kind: "timeout", timeoutMs: 50 });
    });

    it("a message in the wrong shape reaches no listener and is reported once per channel", async (t) => {
      const warn = t.mock.method(console, "warn", () => undefined);
      const raw = world.window["coreIpc"] as CoreIpcPreloadApi;
      const seen: string[] = [];
      const off = raw.onEchoed((text) => seen.push(text));
      // Main code written the tutorial's way, instead of CoreIpcMainEvents.echoed(webContents, text).
      world.page.send("core:echoed", "direct");
      world.page.send("core:echoed", "direct", "again");
      world.page.send("core:echoed", ["right shape"]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      off();
      assert.deepEqual(seen, ["right shape"]);
      assert.equal(warn.mock.callCount(), 1);
      const message = String(warn.mock.calls[0]?.arguments[0]);
      assert.match(message, /^core:echoed: dropped a message of 1 argument\(s\)/);
      assert.match(message, /CoreIpcMainEvents\.echoed\(webContents, text\) from CoreIpc\.main\.ts, not webContents\.send/);
    });

    it("cancels through an AbortSignal, which never crosses the bridge", async () => {
      const api = electronApi();
      const controller = new AbortController();
      const call = api.sleep(10_000);
      const cancelled = api.sleep(10_000, { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 50));
      controller.abort();
      assert.deepEqual(await detailOf(cancelled), { kind: "cancelled" });
      // The core really stopped it: the other call still runs, and the page can keep calling.
      assert.equal(await api.echo("after"), "after (caller caller#1 from app://main)");
      world.core?.child.kill("SIGKILL");
      assert.deepEqual(await detailOf(call), { kind: "disconnected" });
    });
  });
}

describe("a core built from other bindings than the glue and preload, through the whole Electron path", () => {
  const world = new World();
  const stale = "0123456789abcdef";
  let electronApi: typeof ElectronCoreIpcApi;

  before(async () => {
    Object.defineProperty(globalThis, "window", { value: world.window, configurable: true });
    world.core = spawnCore(CORE, { stderr: "ignore" });
    // The glue (and the preload and page generated with it) carry `stale`; the core serves the current trait.
    registerChannels(world.ipcMain, world.core, { ...CoreIpcMainSpec, fingerprint: stale }, { onRefusal: () => undefined });
    ({ electronCoreIpcApi: electronApi } = await import("./bindings/CoreIpc.electron.js"));
    (process as { contextIsolated?: boolean }).contextIsolated = true;
    await runCommonJsPreload(world, "stale");
  });

  after(async () => {
    world.core?.shutdown();
    await world.core?.exited;
  });

  it("every invoke of the Electron API rejects with an IpcError of kind version_mismatch", async (t) => {
    t.mock.method(console, "error", () => undefined);
    const api = electronApi();
    const mismatch = { kind: "version_mismatch", traitName: "CoreIpc", expected: CoreIpcFingerprint, actual: stale };
    const calls: [string, Promise<unknown>][] = [
      ["echo", api.echo("a")],
      ["sleep", api.sleep(10_000)],
      ["parse", api.parse("1")],
      ["whoami", api.whoami()],
      ["reverseBytes", api.reverseBytes(new Uint8Array([1, 2]))],
    ];
    for (const [name, call] of [...calls, ["echo (later)", api.echo("b")] as [string, Promise<unknown>]]) {
      assert.deepEqual(await detailOf(call), mismatch, name);
    }
    const error = await api.echo("c").then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof IpcError && error.kind === "version_mismatch", String(error));
    assert.match(error.message, new RegExp(`fingerprint ${stale}, the main side serves ${CoreIpcFingerprint}`));
  });
});
