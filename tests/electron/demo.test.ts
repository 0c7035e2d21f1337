// The examples/electron app with everything real except Electron itself: the example's compiled main-process
// logic (examples/electron/dist/electron/src/wiring.js) spawns the real Rust core (demo_core) and registers
// the generated glue on the FakeIpcMain stand-in; two pages of the web demo's real renderer
// (examples/web/public, served through the example's own app:// file mapping) run in REAL headless Chromium,
// each with the ready GENERATED CommonJS preload (DemoIpc.preload.cjs) given a stand-in "electron" module.
// The tutorial's four patterns and a typed domain error are clicked through and asserted on the pages and
// on what the core recorded.
// Not real: Electron's windows, menus, contextBridge's isolated world (the stand-in assigns to `window`) and
// its IPC (Node stand-ins reproduce the behaviours listed in standins.ts).

import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium, type BrowserContext, type Page } from "playwright-core";

import type { IpcMainLike, MainRegistration, WebContentsLike } from "./bindings/ipc-electron-main.js";
import { FakeIpcMain, FakeWebContents } from "./standins.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CHROMIUM = process.env["CHROMIUM"] ?? "/usr/bin/chromium";
const CORE = process.env["IPC_DEMO_CORE"] ?? join(ROOT, "target/debug/examples/demo_core");
const WIRING = join(ROOT, "examples/electron/dist/electron/src/wiring.js");
const PRELOAD = join(ROOT, "examples/web/bindings/DemoIpc.preload.cjs");

/** What this test uses of the example's wiring.ts (imported compiled, so it is the example's own code). */
interface Wiring {
  readonly APP_HOST: string;
  rendererFile(url: string): string | undefined;
  startDemoMain(
    ipcMain: IpcMainLike,
    options: { corePath: string; filesDir: string; stderr: "pipe" },
  ): {
    readonly core: { readonly child: { readonly stderr: NodeJS.ReadableStream | null } };
    readonly registration: MainRegistration;
    bumpCounter(target: WebContentsLike, delta: number): boolean;
    stop(): Promise<void>;
  };
}

type Record = { readonly record: string } & { readonly [key: string]: unknown };

const TYPES: { readonly [ext: string]: string } = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
};

let wiring: Wiring;
let demo: ReturnType<Wiring["startDemoMain"]>;
let server: Server;
let origin = "";
let context: BrowserContext;
let userDataDir: string;
let filesDir: string;
const ipcMain = new FakeIpcMain();
const records: Record[] = [];

/** The next record matching `match` from index `since` on (records arrive as the core's stderr lines). */
async function record(match: (r: Record) => boolean, since: number): Promise<Record> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = records.slice(since).find(match);
    if (found !== undefined) {
      return found;
    }
    assert.ok(Date.now() < deadline, `no matching record; have ${JSON.stringify(records.slice(since))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One "window": a FakeWebContents for main, a Chromium page for the renderer, joined by the preload. */
async function openWindow(): Promise<{ page: Page; contents: FakeWebContents; id: number }> {
  const contents = new FakeWebContents(`app://${wiring.APP_HOST}`);
  const page = await context.newPage();
  page.on("pageerror", (error) => assert.fail(`page error: ${error.message}`));
  await page.exposeFunction("__ipcInvoke", (channel: string, args: unknown[]) =>
    ipcMain.invoke(contents.mainFrame, channel, ...args));
  await page.exposeFunction("__ipcSend", (channel: string, args: unknown[]) => {
    ipcMain.send(contents.mainFrame, channel, ...args);
  });
  const deliver = contents.send.bind(contents);
  contents.send = (channel: string, ...args: unknown[]): void => {
    deliver(channel, ...args);
    void page.evaluate(([c, a]) => {
      (window as unknown as { __ipcDeliver: (c: string, a: unknown[]) => void }).__ipcDeliver(c, a);
    }, [channel, args] as const).catch(() => undefined);
  };
  // Runs before the page's own scripts, as a preload does: the generated CommonJS file, wrapped the way a
  // sandboxed preload is, with `require("electron")` answered by the stand-in.
  await page.addInitScript({ content: preloadScript() });
  await page.goto(`${origin}/index.html`);
  await page.locator('#conn-status[data-state="connected"]').waitFor();
  await page.waitForFunction(() => /^\d+$/.test(document.getElementById("my-id")?.textContent ?? ""));
  const id = Number(await page.locator("#my-id").textContent());
  return { page, contents, id };
}

function preloadScript(): string {
  const source = readFileSync(PRELOAD, "utf8");
  return `(() => {
  const listeners = new Map();
  window.__ipcDeliver = (channel, args) => {
    for (const listener of [...(listeners.get(channel) ?? [])]) listener({ sender: "IpcRenderer" }, ...args);
  };
  const electron = {
    contextBridge: { exposeInMainWorld: (key, api) => { window[key] = api; } },
    ipcRenderer: {
      send: (channel, ...args) => { void window.__ipcSend(channel, args); },
      invoke: (channel, ...args) => window.__ipcInvoke(channel, args),
      on: (channel, listener) => {
        const set = listeners.get(channel) ?? new Set();
        set.add(listener);
        listeners.set(channel, set);
      },
      removeListener: (channel, listener) => { listeners.get(channel)?.delete(listener); },
    },
  };
  const require = (id) => {
    if (id !== "electron") throw new Error("a sandboxed preload cannot require " + id);
    return electron;
  };
  (function (require, process) {
${source}
  })(require, { contextIsolated: true });
})();`;
}

before(async () => {
  for (const [what, path] of [["the demo core", CORE], ["the example's compiled main process", WIRING]] as const) {
    assert.ok(existsSync(path), `${what} is missing at ${path} (tests/electron/check.sh builds it)`);
  }
  filesDir = mkdtempSync(join(tmpdir(), "ipc-electron-demo-files-"));
  writeFileSync(join(filesDir, "hello.txt"), "Hello from the e2e folder.\n");
  wiring = (await import(pathToFileURL(WIRING).href)) as Wiring;
  demo = wiring.startDemoMain(ipcMain, { corePath: CORE, filesDir, stderr: "pipe" });
  const stderr = demo.core.child.stderr;
  assert.ok(stderr !== null);
  createInterface({ input: stderr }).on("line", (line) => {
    if (line.startsWith("{")) {
      records.push(JSON.parse(line) as Record);
    }
  });

  // The example's own app:// mapping decides what is served.
  server = createServer((request, response) => {
    const file = wiring.rendererFile(`app://${wiring.APP_HOST}${request.url ?? "/"}`);
    if (file === undefined || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === "object");
  origin = `http://127.0.0.1:${address.port}`;

  userDataDir = mkdtempSync(join(tmpdir(), "ipc-electron-demo-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
});

after(async () => {
  await context?.close();
  rmSync(userDataDir, { recursive: true, force: true });
  server?.close();
  await demo?.stop();
  rmSync(filesDir, { recursive: true, force: true });
});

describe("examples/electron: the four tutorial patterns through the generated CommonJS preload", () => {
  let a: Awaited<ReturnType<typeof openWindow>>;

  it("the app:// mapping serves the renderer folder only", () => {
    assert.ok(wiring.rendererFile("app://main/")?.endsWith("index.html"));
    assert.ok(wiring.rendererFile("app://main/js/src/main.js")?.endsWith("main.js"));
    // URL parsing already drops dot segments, even encoded ones: these stay inside the folder.
    const inside = join(ROOT, "examples/web/public/Cargo.toml");
    assert.equal(wiring.rendererFile("app://main/../../Cargo.toml"), inside);
    assert.equal(wiring.rendererFile("app://main/%2e%2e/%2e%2e/Cargo.toml"), inside);
    // An encoded slash survives parsing; once decoded, the path must not leave the folder.
    assert.equal(wiring.rendererFile("app://main/..%2f..%2fCargo.toml"), undefined);
    assert.equal(wiring.rendererFile("app://other/index.html"), undefined);
    assert.equal(wiring.rendererFile("https://main/index.html"), undefined);
  });

  it("the page finds window.demoIpc and says it runs under Electron", async () => {
    a = await openWindow();
    assert.match((await a.page.locator("#title").textContent()) ?? "", /in Electron$/);
    assert.deepEqual(await a.page.evaluate(() => Object.keys((window as unknown as { demoIpc: object }).demoIpc).sort()), [
      "chooseFile", "counterValue", "listFiles", "longJob", "messagePeer", "onPeerMessage", "onPeersChanged", "onUpdateCounter",
      "onWindowTitle", "openFile", "peers", "setTitle", "whoami",
    ]);
  });

  it("pattern 1: one-way set-title, applied by main through its event", async () => {
    const since = records.length;
    await a.page.fill("#title-input", "  Typed IPC in Electron  ");
    await a.page.click("#title-set");
    await a.page.waitForFunction(() => document.title === "Typed IPC in Electron");
    assert.deepEqual(await record((r) => r.record === "title", since), { record: "title", caller: a.id, title: "Typed IPC in Electron" });
  });

  it("pattern 2: two-way file pick, and a typed domain error shown in the page", async () => {
    await a.page.locator('#file-select option[value="hello.txt"]').waitFor({ state: "attached" });
    await a.page.selectOption("#file-select", "hello.txt");
    await a.page.click("#file-open");
    await a.page.locator("#file-name", { hasText: "hello.txt" }).waitFor();
    assert.equal(await a.page.locator("#file-preview").textContent(), "Hello from the e2e folder.\n");
    await a.page.click("#file-open-outside");
    await a.page.locator('#file-error[data-kind="outsideFolder"]').waitFor();
  });

  it("pattern 3: the main process's menu action changes the counter; the renderer replies", async () => {
    const since = records.length;
    assert.equal(demo.bumpCounter(a.contents, 1), true);
    await a.page.locator("#counter", { hasText: /^1$/ }).waitFor();
    assert.deepEqual(await record((r) => r.record === "counter_value", since), { record: "counter_value", caller: a.id, value: 1 });
    // A window showing another origin gets nothing.
    assert.equal(demo.bumpCounter(new FakeWebContents("https://evil.example"), 1), false);
  });

  it("pattern 4: renderer -> renderer through main, which refuses messages to self", async () => {
    const b = await openWindow();
    assert.notEqual(b.id, a.id);
    await a.page.locator(`#peer-list[data-ids="${b.id}"]`).waitFor();
    await a.page.fill("#peer-id", String(b.id));
    await a.page.fill("#peer-text", "hello from window A");
    await a.page.click("#peer-send");
    await b.page.locator("#peer-inbox li", { hasText: `from renderer ${a.id}: hello from window A` }).waitFor();
    await a.page.fill("#peer-id", String(a.id));
    await a.page.click("#peer-send");
    await a.page.locator('#peer-status[data-kind="toSelf"]').waitFor();
    assert.equal(demo.registration.callers, 2);
  });
});
