// What the Node tests of the main-process glue share: the real Rust core (target/debug/examples/stdio_core,
// trait CoreIpc in examples/examples/stdio_core.rs), the glue registered on the ipcMain stand-in, and cleanup.

import { existsSync } from "node:fs";
import { afterEach, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";

import { registerCoreIpc, type CoreIpcMainHandlers } from "./bindings/CoreIpc.main.js";
import { spawnCore, type CoreProcess, type MainOptions, type MainRegistration } from "./bindings/ipc-electron-main.js";
import { FakeIpcMain } from "./standins.js";

export const CORE = process.env["IPC_STDIO_CORE"]
  ?? fileURLToPath(new URL("../../../target/debug/examples/stdio_core", import.meta.url));
if (!existsSync(CORE)) {
  throw new Error(`${CORE} is missing: run \`cargo build -p ipc-examples --example stdio_core\``);
}

export interface World {
  readonly ipcMain: FakeIpcMain;
  readonly core: CoreProcess;
  readonly registration: MainRegistration;
  readonly refusals: { readonly channel: string; readonly detail: unknown }[];
}

const cores: CoreProcess[] = [];

/** A core child process, shut down after the test. */
export function startCore(options: Parameters<typeof spawnCore>[1] = { stderr: "ignore" }): CoreProcess {
  const core = spawnCore(CORE, options);
  cores.push(core);
  return core;
}

/** A fresh core with the CoreIpc glue on a fresh ipcMain; refusals are collected instead of logged. */
export function world<W = never>(options: MainOptions<W> & { readonly handlers?: CoreIpcMainHandlers<W> } = {}): World {
  const ipcMain = new FakeIpcMain();
  const core = startCore();
  const refusals: { channel: string; detail: unknown }[] = [];
  const registration = registerCoreIpc(ipcMain, core, {
    onRefusal: (channel, detail) => refusals.push({ channel, detail }),
    ...options,
  });
  return { ipcMain, core, registration, refusals };
}

afterEach(async () => {
  for (const core of cores.splice(0)) {
    core.shutdown();
    await core.exited;
  }
});

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` holds (polling), failing after `timeoutMs`. */
export async function until(done: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(5);
  }
}

/** Collects what the test makes `console[method]` print (one string per call, arguments joined). */
export function captured(t: TestContext, method: "warn" | "error"): string[] {
  const lines: string[] = [];
  t.mock.method(console, method, (...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  });
  return lines;
}
