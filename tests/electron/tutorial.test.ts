// Electron's IPC tutorial, page code unchanged (tutorial/pattern-*/: the tutorial's index.html and renderer.js
// for patterns 1, 2 and 3 with its reply), in real Chromium windows (chromium-harness.ts) with the GENERATED
// CommonJS preload of the `ElectronAPI` trait (examples/examples/tutorial_core.rs: the tutorial's channel
// names, `expose_as = "electronAPI"`) run before the page's scripts through the faithful contextBridge
// stand-in. On the Node side: FakeIpcMain and the generated main glue, with the tutorial's `set-title` and
// `dialog:openFile` as main-process handlers (a stand-in window and dialog), and the real Rust core
// (tutorial_core) for `counter-value`.
// Pattern 4 (renderer to renderer) has no code in the tutorial, so it has no page here.
// The assertions read what the page shows.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import type { ConsoleMessage, Page } from "playwright-core";

import { ElectronAPIMainEvents, registerElectronAPI } from "./tutorial/bindings/ElectronAPI.main.js";
import { spawnCore, type CoreProcess } from "./tutorial/bindings/ipc-electron-main.js";
import { startHarness, type Harness } from "./chromium-harness.js";
import { FakeIpcMain, FakeWebContents } from "./standins.js";

const CORE = process.env["IPC_TUTORIAL_CORE"]
  ?? fileURLToPath(new URL("../../../target/debug/examples/tutorial_core", import.meta.url));
/** tests/electron/, where the pages and the generated preload are (this file runs from dist/). */
const SOURCE = fileURLToPath(new URL("../", import.meta.url));
const PRELOAD = readFileSync(join(SOURCE, "tutorial/bindings/ElectronAPI.preload.cjs"), "utf8");

/** A window as the tutorial's main.js uses it: `win.setTitle(title)`. */
class FakeWindow {
  readonly titles: string[] = [];

  setTitle(title: string): void {
    this.titles.push(title);
  }
}

/**
 * The tutorial's main.js, with its two Electron calls as main-process handlers (`handleSetTitle` and
 * `handleFileOpen`), a stand-in window per webContents and a stand-in dialog; the counter's reply goes to the
 * real Rust core, which appends each value to `state/counter-values`.
 */
function tutorialMain(state: string) {
  const windows = new Map<number, FakeWindow>();
  let nextDialog: { canceled: boolean; filePaths: string[] } = { canceled: true, filePaths: [] };
  const lines = (file: string): string[] => {
    try {
      return readFileSync(join(state, file), "utf8").split("\n").filter((line) => line !== "");
    } catch {
      return [];
    }
  };
  return {
    windowFor(contents: FakeWebContents): FakeWindow {
      const window = windows.get(contents.id) ?? new FakeWindow();
      windows.set(contents.id, window);
      return window;
    },
    start(ipcMain: FakeIpcMain): () => Promise<void> {
      const core: CoreProcess = spawnCore(CORE, { args: [state], stderr: "ignore" });
      const registration = registerElectronAPI(ipcMain, core, {
        windowOf: (contents) => windows.get(contents.id) ?? null,
        handlers: {
          setTitle: (caller, title) => {
            caller.window()?.setTitle(title);
          },
          openFile: async (caller) => {
            const { canceled, filePaths } = await Promise.resolve(nextDialog);
            const chosen = filePaths[0];
            if (canceled || chosen === undefined) {
              return caller.fail({ kind: "cancelled" });
            }
            return existsSync(chosen) ? chosen : caller.fail({ kind: "notFound", path: chosen });
          },
        },
      });
      return async () => {
        registration.dispose();
        core.shutdown();
        await core.exited;
      };
    },
    /** What the next open-file dialog returns: a path, or `null` for a dialog the user cancelled. */
    nextDialog(path: string | null): void {
      nextDialog = path === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [path] };
    },
    counterValues: (): number[] => lines("counter-values").map(Number),
  };
}

/** Polls `read` until it answers `expected` (or the deadline passes) and returns its last answer. */
async function eventually<T>(read: () => T | Promise<T>, expected: T): Promise<T> {
  const deadline = Date.now() + 5000;
  let last = await read();
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    last = await read();
  }
  return last;
}

const text = (page: Page, selector: string) => (): Promise<string> => page.locator(selector).innerText();

const state = mkdtempSync(join(tmpdir(), "ipc-tutorial-"));
const main = tutorialMain(state);
const ipcMain = new FakeIpcMain();
let stopMain: () => Promise<void>;
let harness: Harness;

before(async () => {
  stopMain = main.start(ipcMain);
  harness = await startHarness((path) => {
    const file = /^\/tutorial\/([\w-]+)\/(index\.html|renderer\.js)$/.exec(path);
    if (file === null) {
      return undefined;
    }
    const type = file[2] === "index.html" ? "text/html" : "text/javascript";
    return { type, body: readFileSync(join(SOURCE, "tutorial", file[1] ?? "", file[2] ?? "")) };
  });
});

after(async () => {
  await harness?.close();
  await stopMain?.();
  rmSync(state, { recursive: true, force: true });
});

/** A window of the app (its own webContents) showing one of the tutorial's pages. */
async function openWindow(pattern: string): Promise<{ page: Page; contents: FakeWebContents; window: FakeWindow; warnings: string[] }> {
  const contents = new FakeWebContents("app://main");
  const window = main.windowFor(contents);
  const page = await harness.openWindow(contents, ipcMain, { preload: PRELOAD });
  const warnings: string[] = [];
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() === "warning") {
      warnings.push(message.text());
    }
  });
  await page.goto(harness.url(`/tutorial/${pattern}/index.html`));
  return { page, contents, window, warnings };
}

describe("the IPC tutorial's own pages on the generated preload", () => {
  it("pattern 1: the page sets the window's title", async () => {
    const { page, window } = await openWindow("pattern-1");
    await page.fill("#title", "Hello from the tutorial");
    await page.click("#btn");
    assert.deepEqual(await eventually(() => window.titles, ["Hello from the tutorial"]), ["Hello from the tutorial"]);
    await page.close();
  });

  it("pattern 2: the page shows the chosen file's path, not [object Object]", async () => {
    const chosen = join(state, "notes.txt");
    writeFileSync(chosen, "hello");
    main.nextDialog(chosen);
    const { page } = await openWindow("pattern-2");
    await page.click("#btn");
    assert.equal(await eventually(text(page, "#filePath"), chosen), chosen);
    await page.close();
  });

  it("pattern 2 with a hand-written catch: the page reads the typed error's kind", async () => {
    const { page } = await openWindow("errors");
    main.nextDialog(null);
    await page.click("#btn");
    assert.equal(await eventually(text(page, "#filePath"), "not opened: cancelled"), "not opened: cancelled");
    main.nextDialog(join(state, "missing.txt"));
    await page.click("#btn");
    assert.equal(await eventually(text(page, "#filePath"), "not opened: notFound"), "not opened: notFound");
    await page.close();
  });

  it("pattern 3: main's +1/-1 update the page's counter, and the page reports each new value back", async () => {
    const { page, contents, warnings } = await openWindow("pattern-3");
    const before = main.counterValues().length;
    // The tutorial's menu items, with the typed sender instead of webContents.send.
    assert.equal(ElectronAPIMainEvents.updateCounter(contents, 1), true);
    assert.equal(ElectronAPIMainEvents.updateCounter(contents, 1), true);
    assert.equal(ElectronAPIMainEvents.updateCounter(contents, -1), true);
    assert.equal(await eventually(text(page, "#counter"), "1"), "1");
    const reported = () => main.counterValues().slice(before);
    assert.deepEqual(await eventually(reported, [1, 2, 1]), [1, 2, 1]);
    // The tutorial's own main.js sends `webContents.send('update-counter', 1)`: dropped, with one warning.
    contents.send("update-counter", 1);
    contents.send("update-counter", -1);
    const warned = await eventually(() => warnings.length, 1);
    assert.equal(warned, 1, warnings.join("\n"));
    assert.match(warnings[0] ?? "", /ElectronAPIMainEvents\.updateCounter\(webContents, value\) from ElectronAPI\.main\.ts/);
    assert.equal(await text(page, "#counter")(), "1", "the counter did not move");
    await page.close();
  });
});
