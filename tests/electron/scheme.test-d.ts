// Compile-time check: Electron's real `protocol` module fits what the app:// file server takes.

import { protocol } from "electron";

import { registerAppScheme, serveAppScheme, type ProtocolLike } from "./bindings/ipc-electron-scheme.js";

export function schemeChecks(): void {
  const p: ProtocolLike = protocol;
  registerAppScheme(protocol);
  void serveAppScheme(p, { root: "/app/renderer" });
}
