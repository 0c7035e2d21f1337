// Real headless Chromium (Debian's, via playwright-core) standing in for Electron's renderer: each page is one
// "window" whose ipcRenderer reaches a FakeIpcMain from that window's FakeWebContents, so the generated main
// glue and the real Rust core run on the Node side. Before any page script (as Electron runs a preload), an
// init script installs the page-side "electron": `contextBridge` is the faithful stand-in (context-bridge.ts),
// exposing on the page's `window`; `ipcRenderer` forwards to Node through functions Playwright exposes. It can
// also run a CommonJS preload right there. Not real: there is one JavaScript world (the stand-in copies values
// as Electron would between worlds), the page can see the stand-in's globals (`__electronStandIn`,
// `__ipcInvoke`, ...), and Electron's IPC is Playwright's.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium, type BrowserContext, type Page } from "playwright-core";

import type { FakeIpcMain, FakeWebContents } from "./standins.js";

const CHROMIUM = process.env["CHROMIUM"] ?? "/usr/bin/chromium";
/** dist/, where this file and the compiled context-bridge.js are. */
const DIST = fileURLToPath(new URL("./", import.meta.url));
const EXPORTS = "export { copyAcross, createContextBridge };";

/** context-bridge.js as a classic script's expression: `{ copyAcross, createContextBridge }`. */
function contextBridgeExpression(): string {
  const module = readFileSync(join(DIST, "context-bridge.js"), "utf8");
  const at = module.indexOf(`\n${EXPORTS}\n`);
  assert.ok(at >= 0 && module.indexOf(EXPORTS, at + 2) === -1, "context-bridge.js must end with its one export line");
  const body = module.slice(0, at) + module.slice(at + EXPORTS.length + 1);
  assert.ok(!/^\s*(import|export)\b/m.test(body), "context-bridge.js must have no other import or export");
  return `(() => {\n"use strict";\n${body}\nreturn { copyAcross, createContextBridge };\n})()`;
}

/** The init script of every page: the page-side "electron", then `preload` (CommonJS source), if any. */
function initScript(preload: string | undefined): string {
  const runPreload = preload === undefined
    ? ""
    : `(function (require, process) {\n${preload}\n})((id) => {
  if (id !== "electron") throw new Error("a sandboxed preload cannot require " + id);
  return electron;
}, window.process);`;
  return `(() => {
"use strict";
const bridge = ${contextBridgeExpression()};
window.process = { contextIsolated: true };
const listeners = new Map();
window.__ipcDeliver = (channel, args) => {
  for (const listener of [...(listeners.get(channel) ?? [])]) listener({ sender: "IpcRenderer" }, ...args);
};
window.__listenerCount = (channel) => listeners.get(channel)?.size ?? 0;
const ipcRenderer = {
  send: (channel, ...args) => { void window.__ipcSend(channel, args); },
  invoke: (channel, ...args) => window.__ipcInvoke(channel, args),
  on: (channel, listener) => {
    const set = listeners.get(channel) ?? new Set();
    set.add(listener);
    listeners.set(channel, set);
  },
  removeListener: (channel, listener) => { listeners.get(channel)?.delete(listener); },
};
const electron = {
  contextBridge: bridge.createContextBridge(window, () => window.process?.contextIsolated === true),
  ipcRenderer,
};
Object.defineProperty(window, "__electronStandIn", { value: electron });
Object.defineProperty(window, "__contextBridge", { value: bridge });
${runPreload}
})();`;
}

/** "electron" for a preload compiled to an ES module (mapped with an import map): the stand-in above. */
export const ELECTRON_MODULE = `const { contextBridge, ipcRenderer } = window.__electronStandIn;
export { contextBridge, ipcRenderer };
`;

export interface Served {
  readonly type: string;
  readonly body: string | Buffer;
}

export interface WindowOptions {
  /** A CommonJS preload (such as `<Trait>.preload.cjs`) run before any page script. */
  readonly preload?: string;
}

export interface Harness {
  readonly context: BrowserContext;
  url(path: string): string;
  /** A page standing for the window of `contents`: its ipcRenderer reaches `ipcMain` from `contents`' main frame,
   * and what main sends to `contents` reaches its ipcRenderer listeners. Not navigated yet. */
  openWindow(contents: FakeWebContents, ipcMain: FakeIpcMain, options?: WindowOptions): Promise<Page>;
  close(): Promise<void>;
}

/** Serves what `serve` answers on loopback (404 otherwise) and starts headless Chromium. */
export async function startHarness(
  serve: (path: string) => Served | undefined | Promise<Served | undefined>,
): Promise<Harness> {
  const server: Server = createServer((request, response) => {
    void Promise.resolve(serve(request.url?.split("?")[0] ?? "/")).then(
      (served) => {
        if (served === undefined) {
          response.writeHead(404).end();
        } else {
          response.writeHead(200, { "content-type": served.type }).end(served.body);
        }
      },
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === "object");
  const origin = `http://127.0.0.1:${address.port}`;
  const userDataDir = mkdtempSync(join(tmpdir(), "ipc-electron-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  return {
    context,
    url: (path) => `${origin}${path}`,
    async openWindow(contents, ipcMain, options = {}) {
      const page = await context.newPage();
      await page.addInitScript({ content: initScript(options.preload) });
      // What the page's ipcRenderer sends reaches Node through these; arguments cross as JSON-like copies.
      await page.exposeFunction("__ipcInvoke", (channel: string, args: unknown[]) =>
        ipcMain.invoke(contents.mainFrame, channel, ...args));
      await page.exposeFunction("__ipcSend", (channel: string, args: unknown[]) => {
        ipcMain.send(contents.mainFrame, channel, ...args);
      });
      // What main sends to the window goes to the page's ipcRenderer listeners.
      const deliver = contents.send.bind(contents);
      contents.send = (channel: string, ...args: unknown[]): void => {
        deliver(channel, ...args);
        page.evaluate(([c, a]) => {
          (window as unknown as { __ipcDeliver: (c: string, a: unknown[]) => void }).__ipcDeliver(c, a);
        }, [channel, args] as const).catch(() => undefined); // A closed page is a window gone: dropped.
      };
      return page;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
