// The examples/electron app with everything real except Electron itself: the example's compiled main-process
// logic (examples/electron/dist/electron/src/wiring.js) spawns the real Rust core (demo_core), registers the
// generated glue on the FakeIpcMain stand-in with its two main-process handlers (the window title and the file
// dialog, given stand-in windows and a stand-in dialog), and serves the web demo's real renderer
// (examples/web/public) through the generated app:// handler (serveAppScheme, as main.ts gives it to
// protocol.handle). Two pages run in REAL headless Chromium, each with the ready GENERATED CommonJS preload
// (DemoIpc.preload.cjs) behind the faithful contextBridge stand-in (chromium-harness.ts). The tutorial's four
// patterns, the dialog and typed domain errors are clicked through and asserted on the pages, on the stand-in
// windows and on what the core recorded.
// Not real: Electron's windows, dialog, menus, protocol.handle, contextBridge's isolated world and its IPC
// (Node stand-ins reproduce the behaviours listed in standins.ts).

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

import type { Page } from "playwright-core";

import type { IpcMainLike, MainRegistration, WebContentsLike } from "./bindings/ipc-electron-main.js";
import { serveAppScheme, type AppSchemeOptions, type ProtocolLike } from "./bindings/ipc-electron-scheme.js";
import { startHarness, type Harness } from "./chromium-harness.js";
import { FakeIpcMain, FakeWebContents } from "./standins.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CORE = process.env["IPC_DEMO_CORE"] ?? join(ROOT, "target/debug/examples/demo_core");
const WIRING = join(ROOT, "examples/electron/dist/electron/src/wiring.js");
const PRELOAD = join(ROOT, "examples/web/bindings/DemoIpc.preload.cjs");

/** A window as the example's main-process handlers use it (Electron's BrowserWindow has both). */
class FakeWindow {
  readonly titles: string[] = [];

  constructor(readonly webContents: FakeWebContents) {}

  setTitle(title: string): void {
    this.titles.push(title);
  }
}

type DialogOptions = { title: string; defaultPath: string; properties: "openFile"[] };
type DialogResult = { canceled: boolean; filePaths: string[] };

/** What this test uses of the example's wiring.ts (imported compiled, so it is the example's own code). */
interface Wiring {
  readonly START_URL: string;
  readonly APP_SCHEME_OPTIONS: AppSchemeOptions;
  isAppUrl(url: string): boolean;
  startDemoMain(
    ipcMain: IpcMainLike,
    options: {
      windowOf(contents: WebContentsLike): FakeWindow | null;
      showOpenDialog(window: FakeWindow, options: DialogOptions): Promise<DialogResult>;
      corePath: string;
      filesDir: string;
      stderr: "pipe";
    },
  ): {
    readonly core: { readonly child: { readonly stderr: NodeJS.ReadableStream | null } };
    readonly registration: MainRegistration;
    bumpCounter(target: WebContentsLike, delta: number): boolean;
    stop(): Promise<void>;
  };
}

type Record = { readonly record: string } & { readonly [key: string]: unknown };

let wiring: Wiring;
let demo: ReturnType<Wiring["startDemoMain"]>;
let harness: Harness;
let filesDir: string;
const ipcMain = new FakeIpcMain();
const records: Record[] = [];
const windows = new Map<number, FakeWindow>();
/** Each dialog shown: the window it was shown for and its options; `nextDialog` is what it answers. */
const dialogs: { window: FakeWindow; options: DialogOptions }[] = [];
let nextDialog: DialogResult = { canceled: true, filePaths: [] };

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

/** One "window": a FakeWebContents and FakeWindow for main, a Chromium page for the renderer, joined by the
 * generated preload. The page is served by the example's app:// handler; the harness's loopback URL stands in
 * for `app://main` (the FakeWebContents reports that origin to the glue). */
async function openWindow(): Promise<{ page: Page; contents: FakeWebContents; window: FakeWindow; id: number }> {
  const contents = new FakeWebContents("app://main");
  const window = new FakeWindow(contents);
  windows.set(contents.id, window);
  const page = await harness.openWindow(contents, ipcMain, { preload: readFileSync(PRELOAD, "utf8") });
  page.on("pageerror", (error) => assert.fail(`page error: ${error.message}`));
  await page.goto(harness.url(new URL(wiring.START_URL).pathname));
  await page.locator('#conn-status[data-state="connected"]').waitFor();
  await page.waitForFunction(() => /^\d+$/.test(document.getElementById("my-id")?.textContent ?? ""));
  const id = Number(await page.locator("#my-id").textContent());
  return { page, contents, window, id };
}

before(async () => {
  for (const [what, path] of [["the demo core", CORE], ["the example's compiled main process", WIRING]] as const) {
    assert.ok(existsSync(path), `${what} is missing at ${path} (tests/electron/check.sh builds it)`);
  }
  filesDir = mkdtempSync(join(tmpdir(), "ipc-electron-demo-files-"));
  writeFileSync(join(filesDir, "hello.txt"), "Hello from the e2e folder.\n");
  wiring = (await import(pathToFileURL(WIRING).href)) as Wiring;
  demo = wiring.startDemoMain(ipcMain, {
    windowOf: (contents) => windows.get(contents.id) ?? null,
    showOpenDialog: (window, options) => {
      dialogs.push({ window, options });
      return Promise.resolve(nextDialog);
    },
    corePath: CORE,
    filesDir,
    stderr: "pipe",
  });
  const stderr = demo.core.child.stderr;
  assert.ok(stderr !== null);
  createInterface({ input: stderr }).on("line", (line) => {
    if (line.startsWith("{")) {
      records.push(JSON.parse(line) as Record);
    }
  });

  // The example's own app:// handler decides what is served (and with which type).
  let handler: ((request: Request) => Response | Promise<Response>) | undefined;
  const protocol: ProtocolLike = {
    registerSchemesAsPrivileged: () => undefined,
    handle: (_scheme, serve) => {
      handler = serve;
    },
  };
  serveAppScheme(protocol, wiring.APP_SCHEME_OPTIONS);
  harness = await startHarness(async (path) => {
    const response = await handler?.(new Request(`app://main${path}`));
    if (response === undefined || response.status !== 200) {
      return undefined;
    }
    return { type: response.headers.get("content-type") ?? "", body: Buffer.from(await response.arrayBuffer()) };
  });
});

after(async () => {
  await harness?.close();
  await demo?.stop();
  rmSync(filesDir, { recursive: true, force: true });
});

describe("examples/electron: the four tutorial patterns through the generated CommonJS preload", () => {
  let a: Awaited<ReturnType<typeof openWindow>>;

  it("navigation stays on the app's own pages", () => {
    assert.equal(wiring.isAppUrl("app://main/index.html"), true);
    assert.equal(wiring.isAppUrl("app://main/js/src/main.js"), true);
    for (const url of ["https://evil.example/", "app://other/index.html", "file:///etc/passwd", "app://main/..%2fsecret"]) {
      assert.equal(wiring.isAppUrl(url), false, url);
    }
  });

  it("the page finds window.demoIpc and says it runs under Electron", async () => {
    a = await openWindow();
    assert.match((await a.page.locator("#title").textContent()) ?? "", /in Electron$/);
    assert.deepEqual(await a.page.evaluate(() => Object.keys((window as unknown as { demoIpc: object }).demoIpc).sort()), [
      "chooseFile", "counterValue", "listFiles", "longJob", "messagePeer", "onPeerMessage", "onPeersChanged",
      "onUpdateCounter", "onWindowTitle", "openFile", "peers", "setTitle", "whoami",
    ]);
  });

  it("pattern 1: one-way set-title, handled in the main process: the window's title, then the page's", async () => {
    const since = records.length;
    await a.page.fill("#title-input", "  Typed IPC in Electron  ");
    await a.page.click("#title-set");
    await a.page.waitForFunction(() => document.title === "Typed IPC in Electron");
    assert.deepEqual(a.window.titles, ["Typed IPC in Electron"]);
    // The main process answered it: the Rust core never saw the title.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(records.slice(since).filter((r) => r.record === "title").length, 0);
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

  it("pattern 2 as in the tutorial: the main process's dialog picks, the Rust core reads", async () => {
    writeFileSync(join(filesDir, "chosen.txt"), "picked in the dialog\n");
    nextDialog = { canceled: false, filePaths: [join(filesDir, "chosen.txt")] };
    const since = records.length;
    await a.page.click("#file-choose");
    await a.page.locator("#file-name", { hasText: "chosen.txt" }).waitFor();
    assert.equal(await a.page.locator("#file-preview").textContent(), "picked in the dialog\n");
    const shown = dialogs.at(-1);
    assert.ok(shown !== undefined);
    assert.equal(shown.window, a.window, "the dialog belongs to the calling window");
    assert.equal(shown.options.defaultPath, filesDir);
    assert.deepEqual(await record((r) => r.record === "file_opened", since), {
      record: "file_opened", caller: a.id, name: "chosen.txt", bytes: 21,
    });
    // A file outside the folder is refused by the main-process handler, typed.
    nextDialog = { canceled: false, filePaths: [join(ROOT, "Cargo.toml")] };
    await a.page.click("#file-choose");
    await a.page.locator('#file-error[data-kind="outsideFolder"]').waitFor();
    // A cancelled dialog changes nothing and shows no error.
    nextDialog = { canceled: true, filePaths: [] };
    await a.page.click("#file-choose");
    await a.page.waitForFunction(() => document.getElementById("file-error")?.dataset["kind"] === "");
    assert.equal(await a.page.locator("#file-name").textContent(), "chosen.txt");
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
    assert.deepEqual(b.window.titles, [], "one window's title never reaches another");
  });
});
