// The demo's main-process logic that does not need Electron itself: where the files are, how app:// URLs map
// to the renderer's files, and the Rust core with the generated glue. main.ts adds the windows and the menu.
// Kept apart so it is type-checked against Electron's types AND run in tests (tests/electron/demo.test.ts)
// with stand-ins for ipcMain and webContents.

import { dirname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

import { DemoIpcMainEvents, registerDemoIpc } from "../../web/bindings/DemoIpc.main.js";
import {
  spawnCore,
  type CoreProcess,
  type IpcMainLike,
  type MainRegistration,
  type WebContentsLike,
} from "../../web/bindings/ipc-electron-main.js";

/** The scheme and host the renderer is loaded from: `app://main` is the origin DemoIpc allows. */
export const APP_SCHEME = "app";
export const APP_HOST = "main";
export const START_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

// From dist/electron/src/ back to examples/.
const EXAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

export const paths = {
  /** The web demo's compiled renderer: the same page runs under both hosts. */
  renderer: join(EXAMPLES, "web", "public"),
  /** The generated CommonJS preload: usable by a sandboxed window as it is. */
  preload: join(EXAMPLES, "web", "bindings", "DemoIpc.preload.cjs"),
  /** `cargo build -p ipc-examples --example demo_core` puts the core here; DEMO_CORE overrides it. */
  core: process.env["DEMO_CORE"] ?? join(EXAMPLES, "..", "target", "debug", "examples", "demo_core"),
} as const;

/**
 * The file an `app://main/...` URL names inside the renderer folder, or undefined for anything else (another
 * host, a path that escapes the folder once decoded and normalised).
 */
export function rendererFile(url: string, root: string = paths.renderer): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) {
    return undefined;
  }
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  const file = normalize(join(root, path === "/" ? "index.html" : path));
  return file.startsWith(root + sep) ? file : undefined;
}

export interface DemoMain {
  readonly core: CoreProcess;
  readonly registration: MainRegistration;
  /** Pattern 3, as in the tutorial's menu: the main side changes one window's counter. */
  bumpCounter(target: WebContentsLike, delta: number): boolean;
  /** Removes the handlers and ends the core (it cancels what runs and exits). */
  stop(): Promise<void>;
}

export interface DemoMainOptions {
  readonly corePath?: string;
  /** The folder pattern 2 may read (the core's default: the web demo's sample files). */
  readonly filesDir?: string;
  /** The core's log and records (JSON lines); default: this process's stderr. */
  readonly stderr?: "inherit" | "pipe";
}

/** Spawns the Rust core and registers DemoIpc's channels on `ipcMain`. */
export function startDemoMain(ipcMain: IpcMainLike, options: DemoMainOptions = {}): DemoMain {
  const args = options.filesDir === undefined ? [] : ["--files", options.filesDir];
  // A crashed core is replaced a few times; calls in flight when it died fail with `disconnected`.
  const core = spawnCore(options.corePath ?? paths.core, {
    args,
    stderr: options.stderr ?? "inherit",
    restart: { maxRestarts: 3, delayMs: 500 },
  });
  const registration = registerDemoIpc(ipcMain, core);
  void core.exited.then(({ code, signal }) => {
    if (code !== 0) {
      console.error(`demo_core stopped for good (${signal ?? `code ${String(code)}`}); calls now fail with "disconnected"`);
    }
  });
  return {
    core,
    registration,
    bumpCounter: (target, delta) => DemoIpcMainEvents.updateCounter(target, delta),
    async stop() {
      registration.dispose();
      core.shutdown();
      await core.exited;
    },
  };
}
