// The demo's main-process logic that does not need Electron itself: where the files are, the app:// scheme,
// the Rust core with the generated glue, and the two channels the main process implements itself (the
// tutorial's dialog and window title). main.ts adds Electron's windows, dialog, menu and guards. Kept apart so
// it is type-checked against Electron's types AND run in tests (tests/electron/demo.test.ts) with stand-ins.

import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { DemoIpcMainEvents, registerDemoIpc, type DemoIpcMainHandlers } from "../../web/bindings/DemoIpc.main.js";
import {
  spawnCore,
  type CoreProcess,
  type IpcMainLike,
  type MainRegistration,
  type WebContentsLike,
} from "../../web/bindings/ipc-electron-main.js";
import { appFile, type AppSchemeOptions } from "../../web/bindings/ipc-electron-scheme.js";

// From dist/electron/src/ back to examples/.
const EXAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

export const paths = {
  /** The web demo's compiled renderer: the same page runs under both hosts. */
  renderer: join(EXAMPLES, "web", "public"),
  /** The generated CommonJS preload: usable by a sandboxed window as it is. */
  preload: join(EXAMPLES, "web", "bindings", "DemoIpc.preload.cjs"),
  /** `cargo build -p ipc-examples --example demo_core` puts the core here; DEMO_CORE overrides it. */
  core: process.env["DEMO_CORE"] ?? join(EXAMPLES, "..", "target", "debug", "examples", "demo_core"),
  /** The folder pattern 2 offers (the dialog opens there, the core reads only from there). */
  files: join(EXAMPLES, "web", "sample-files"),
} as const;

/** `app://main` serves the renderer folder: the origin DemoIpc allows. */
export const APP_SCHEME_OPTIONS = { scheme: "app", host: "main", root: paths.renderer } as const satisfies AppSchemeOptions;
export const START_URL = "app://main/index.html";

/** Whether `url` is one of the app's own pages (navigation anywhere else is blocked). */
export function isAppUrl(url: string): boolean {
  return appFile(url, APP_SCHEME_OPTIONS) !== undefined;
}

/** What the demo needs of a window: Electron's `BrowserWindow` has it. */
export interface DemoWindow {
  setTitle(title: string): void;
  readonly webContents: WebContentsLike;
}

/** Electron's `dialog.showOpenDialog(window, options)`, as the demo calls it. */
export type ShowOpenDialog<W> = (
  window: W,
  options: { title: string; defaultPath: string; properties: ("openFile")[] },
) => Promise<{ canceled: boolean; filePaths: string[] }>;

export interface DemoMainOptions<W extends DemoWindow> {
  /** The window a caller's webContents belongs to (Electron: `BrowserWindow.fromWebContents`). */
  windowOf(contents: WebContentsLike): W | null;
  readonly showOpenDialog: ShowOpenDialog<W>;
  readonly corePath?: string;
  /** The folder pattern 2 may read (default: the web demo's sample files). */
  readonly filesDir?: string;
  /** The core's log and records (JSON lines); default: this process's stderr. */
  readonly stderr?: "inherit" | "pipe";
}

export interface DemoMain {
  readonly core: CoreProcess;
  readonly registration: MainRegistration;
  /** Pattern 3, as in the tutorial's menu: the main side changes one window's counter. */
  bumpCounter(target: WebContentsLike, delta: number): boolean;
  /** Removes the handlers and ends the core (it cancels what runs and exits). */
  stop(): Promise<void>;
}

/** Longest window title applied, like the Rust side's limit for the web host. */
const MAX_TITLE_CHARS = 120;

/** The channels only Electron's main process can serve; every other channel goes to the Rust core. */
function mainHandlers<W extends DemoWindow>(options: DemoMainOptions<W>, filesDir: string): DemoIpcMainHandlers<W> {
  return {
    // Pattern 1, as the tutorial's `win.setTitle(title)`; the page hears back through its usual event.
    setTitle: (caller, title) => {
      const window = caller.window();
      if (window !== null) {
        const applied = [...title.trim()].slice(0, MAX_TITLE_CHARS).join("");
        window.setTitle(applied);
        DemoIpcMainEvents.windowTitle(window.webContents, applied);
      }
    },
    // Pattern 2, as the tutorial's `dialog.showOpenDialog`: the user picks; the core reads (`openFile`).
    chooseFile: async (caller) => {
      const window = caller.window();
      if (window === null) {
        return caller.fail({ kind: "noDialog" });
      }
      const { canceled, filePaths } = await options.showOpenDialog(window, {
        title: "Open a file",
        defaultPath: filesDir,
        properties: ["openFile"],
      });
      const chosen = filePaths[0];
      if (canceled || chosen === undefined || caller.signal.aborted) {
        return null;
      }
      // The core opens names from its own folder only: a file elsewhere is refused here, with its reason.
      return dirname(resolve(chosen)) === resolve(filesDir)
        ? basename(chosen)
        : caller.fail({ kind: "outsideFolder", name: chosen });
    },
  };
}

/** Spawns the Rust core and registers DemoIpc's channels on `ipcMain`. */
export function startDemoMain<W extends DemoWindow>(ipcMain: IpcMainLike, options: DemoMainOptions<W>): DemoMain {
  const filesDir = options.filesDir ?? paths.files;
  // A crashed core is replaced a few times; calls in flight when it died fail with `disconnected`.
  const core = spawnCore(options.corePath ?? paths.core, {
    args: ["--files", filesDir],
    stderr: options.stderr ?? "inherit",
    restart: { maxRestarts: 3, delayMs: 500 },
  });
  const registration = registerDemoIpc(ipcMain, core, {
    windowOf: (contents) => options.windowOf(contents),
    handlers: mainHandlers(options, filesDir),
  });
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
