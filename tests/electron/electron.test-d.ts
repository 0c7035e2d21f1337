// Compile-time checks: Electron's real objects fit the structural interfaces the generated main glue takes,
// and renderer code gets the typed API from `window` with no casts.

import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents, type WebFrameMain } from "electron";

import { registerCoreIpc } from "./bindings/CoreIpc.main.js";
import { electronCoreIpcApi, type CoreIpcPreloadApi } from "./bindings/CoreIpc.electron.js";
import type { CoreIpcApi } from "./bindings/CoreIpc.js";
import type { FrameLike, IpcEventLike, IpcMainLike, WebContentsLike } from "./bindings/ipc-electron-main.js";
import { spawnCore } from "./bindings/ipc-electron-main.js";
import { registerAppIpc } from "../bindings/AppIpc.main.js";
import { electronAppIpcApi } from "../bindings/AppIpc.electron.js";
import type { AppIpcApi } from "../bindings/AppIpc.js";

export function checks(frame: WebFrameMain, contents: WebContents, event: IpcMainEvent, invokeEvent: IpcMainInvokeEvent): void {
  const f: FrameLike = frame;
  const w: WebContentsLike = contents;
  const e: IpcEventLike = event;
  const i: IpcEventLike = invokeEvent;
  const m: IpcMainLike = ipcMain;
  void [f, w, e, i, m];
  // The real ipcMain goes straight in.
  const core = spawnCore("/path/to/core");
  registerCoreIpc(ipcMain, core).dispose();
  registerAppIpc(ipcMain, core, { onRefusal: (channel, detail) => console.warn(channel, detail) });
}

export async function renderer(): Promise<void> {
  // No casts: `window.coreIpc` is declared by CoreIpc.electron.ts.
  const exposed: CoreIpcPreloadApi | undefined = window.coreIpc;
  void exposed;
  const api: CoreIpcApi = electronCoreIpcApi();
  const text: string = await api.echo("hi", { signal: new AbortController().signal, timeoutMs: 100 });
  const off: () => void = api.onEchoed((echoed: string) => console.log(echoed, text));
  off();
  const app: AppIpcApi = electronAppIpcApi();
  const path: string | null = await app.openFile("a.txt");
  void path;
}
