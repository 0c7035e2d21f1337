// The Electron main process of the demo: two sandboxed, context-isolated windows on app://main, the
// generated CommonJS preload, the Rust core as a child process, and the tutorial's Counter menu.
// Run it with `npm start` (needs Electron's binary: `npm install` here downloads it).

import { app, BrowserWindow, ipcMain, Menu, net, protocol } from "electron";
import { pathToFileURL } from "node:url";

import { APP_HOST, APP_SCHEME, paths, rendererFile, START_URL, startDemoMain, type DemoMain } from "./wiring.js";

// A standard, secure scheme gives pages the origin `app://main`, which DemoIpc's allowlist names. Must run
// before `ready`.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

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
    },
  });
  // Nothing but the app's own page: no navigation away, no new windows.
  window.webContents.on("will-navigate", (event, url) => {
    if (rendererFile(url) === undefined) {
      event.preventDefault();
    }
  });
  window.webContents.setWindowOpenHandler(() => ({ action: "deny" }));
  void window.loadURL(START_URL);
  return window;
}

function counterMenu(demo: DemoMain): Menu {
  const bump = (delta: number) => (): void => {
    const target = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
    if (target !== undefined) {
      demo.bumpCounter(target.webContents, delta);
    }
  };
  return Menu.buildFromTemplate([
    { role: "appMenu" },
    {
      label: "Counter",
      submenu: [
        { label: "Increment", accelerator: "CmdOrCtrl+Up", click: bump(1) },
        { label: "Decrement", accelerator: "CmdOrCtrl+Down", click: bump(-1) },
      ],
    },
    { role: "viewMenu" },
  ]);
}

void app.whenReady().then(() => {
  protocol.handle(APP_SCHEME, (request) => {
    const file = rendererFile(request.url);
    if (file === undefined) {
      return new Response("not found", { status: 404 });
    }
    return net.fetch(pathToFileURL(file).href);
  });
  const demo = startDemoMain(ipcMain);
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
  console.log(`demo: serving ${APP_SCHEME}://${APP_HOST} from ${paths.renderer}, core ${paths.core}`);
});
