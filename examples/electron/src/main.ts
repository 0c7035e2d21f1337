// The Electron main process of the demo: two sandboxed, context-isolated windows on app://main, the
// generated CommonJS preload, the Rust core as a child process, the tutorial's dialog and window title handled
// here in the main process, and the tutorial's Counter menu. Every item of Electron's security checklist it
// meets is named in ../README.md. Run it with `npm start` (needs Electron's binary: `npm install` downloads it).

import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, type MenuItemConstructorOptions, type WebContents } from "electron";

import { registerAppScheme, serveAppScheme } from "../../web/bindings/ipc-electron-scheme.js";
import { APP_SCHEME_OPTIONS, isAppUrl, paths, START_URL, startDemoMain, type DemoMain } from "./wiring.js";

// A standard, secure scheme gives pages the origin `app://main`, which DemoIpc's allowlist names (file:// would
// be shared by every file on the disk). Electron needs it before `ready`.
registerAppScheme(protocol, APP_SCHEME_OPTIONS.scheme);

/** DevTools only in a development build: a packaged app gives users no console to paste code into. */
const devTools = !app.isPackaged;

function createWindow(offset: number): BrowserWindow {
  const window = new BrowserWindow({
    width: 960,
    height: 900,
    x: 40 + offset,
    y: 40 + offset,
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      devTools,
    },
  });
  void window.loadURL(START_URL);
  return window;
}

/** Every webContents (windows, and any a page manages to create) stays on the app's own pages. */
function guard(contents: WebContents): void {
  const keepHome = (event: { preventDefault(): void; url: string }): void => {
    if (!isAppUrl(event.url)) {
      event.preventDefault();
      console.warn(`demo: blocked navigation to ${JSON.stringify(event.url)}`);
    }
  };
  contents.on("will-navigate", keepHome);
  contents.on("will-frame-navigate", keepHome);
  contents.on("will-redirect", keepHome);
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: "deny" }));
}

function counterMenu(demo: DemoMain): Menu {
  const bump = (delta: number) => (): void => {
    const target = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
    if (target !== undefined) {
      demo.bumpCounter(target.webContents, delta);
    }
  };
  const view: MenuItemConstructorOptions[] = [
    { role: "reload" },
    { role: "resetZoom" },
    { role: "zoomIn" },
    { role: "zoomOut" },
    { type: "separator" },
    { role: "togglefullscreen" },
  ];
  if (devTools) {
    view.push({ type: "separator" }, { role: "toggleDevTools" });
  }
  return Menu.buildFromTemplate([
    { role: "appMenu" },
    {
      label: "Counter",
      submenu: [
        { label: "Increment", accelerator: "CmdOrCtrl+Up", click: bump(1) },
        { label: "Decrement", accelerator: "CmdOrCtrl+Down", click: bump(-1) },
      ],
    },
    { label: "View", submenu: view },
  ]);
}

app.on("web-contents-created", (_event, contents) => guard(contents));

void app.whenReady().then(() => {
  // The demo needs no permission (camera, notifications, ...): refuse every request and every check.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  serveAppScheme(protocol, APP_SCHEME_OPTIONS);

  const demo = startDemoMain(ipcMain, {
    windowOf: (contents: WebContents) => BrowserWindow.fromWebContents(contents),
    showOpenDialog: (window, options) => dialog.showOpenDialog(window, options),
  });
  Menu.setApplicationMenu(counterMenu(demo));
  // Two windows, for pattern 4 (renderer -> renderer through main).
  createWindow(0);
  createWindow(60);

  let stopping = false;
  app.on("before-quit", (event) => {
    if (!stopping) {
      stopping = true;
      event.preventDefault();
      void demo.stop().finally(() => app.quit());
    }
  });
  app.on("window-all-closed", () => app.quit());
  console.log(`demo: serving ${START_URL} from ${paths.renderer}, core ${paths.core}`);
});
