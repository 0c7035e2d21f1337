// Compile-time checks of main-process handlers against Electron's own types: `BrowserWindow.fromWebContents`
// is accepted as `windowOf` and makes `caller.window()` a `BrowserWindow`; handlers are typed from the trait;
// a key that is not a send or invoke channel is an excess-property error.

import { BrowserWindow, dialog, ipcMain, type WebFrameMain } from "electron";

import type { Settings } from "./bindings/CoreIpc.js";
import { registerCoreIpc, type CoreIpcMainHandlers } from "./bindings/CoreIpc.main.js";
import { spawnCore, type FrameLike, type MainCaller, type MainReply } from "./bindings/ipc-electron-main.js";

export function handlerChecks(frame: WebFrameMain): void {
  // Electron's frame has what the glue reads to follow and guard frames (`detached`, `isDestroyed`).
  const f: FrameLike = frame;
  void f;
  const core = spawnCore("/path/to/core");
  registerCoreIpc(ipcMain, core, {
    windowOf: BrowserWindow.fromWebContents,
    handlers: {
      // A send: `caller.window()` is the caller's BrowserWindow (or null).
      // (Were `W` not inferred, `window()` would be `null` and `setTitle` a type error.)
      note: (caller, text: string) => {
        caller.window()?.setTitle(text);
      },
      // An invoke with a typed error: `fail` takes exactly the trait's error type.
      parse: async (caller, text) => {
        const result = await dialog.showMessageBox({ message: text, signal: caller.signal });
        return result.response === 0 ? Number(text) : caller.fail({ kind: "notANumber", text });
      },
      configure: (_caller, settings: Settings): Settings => ({ ...settings, retries: settings.retries + 1 }),
    },
  });
  registerCoreIpc(ipcMain, core, {
    handlers: {
      // @ts-expect-error: `fail` takes the channel's error type only.
      parse: (caller) => caller.fail("a string is not a ParseFailure"),
      // @ts-expect-error: the reply is the channel's type (a string), not a number.
      echo: () => 42,
    },
  });
  registerCoreIpc(ipcMain, core, {
    handlers: {
      // @ts-expect-error: no send or invoke channel is called `echoo`.
      echoo: () => "typo",
    },
  });
  // Without `windowOf`, no window can be reached.
  const handlers: CoreIpcMainHandlers = {
    whoami: (caller: MainCaller<never, never>): MainReply<string, never> => String(caller.window()),
  };
  registerCoreIpc(ipcMain, core, { handlers });
}
