// What a main-process handler costs beside a channel the Rust core serves, in one run, through the generated
// glue on the FakeIpcMain stand-in (structured clones both ways, as Electron's IPC copies), with the real core
// (stdio_core). Three ways to answer `echo`:
//   floor:  a bare `ipcMain.handle` answering from JavaScript (the stand-in's own cost, no glue);
//   core:   the glue forwards the invoke to the Rust core, whose handler answers (and emits its `echoed` event);
//   main:   a main-process TypeScript handler answers, after the core decoded the arguments (one `validate`
//           round trip to the core).
// Run: `node dist/handlers.bench.js [calls]` in tests/electron after `tsc -p tsconfig.build.json`.

import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

import { CoreIpcMainSpec, registerCoreIpc } from "./bindings/CoreIpc.main.js";
import { spawnCore } from "./bindings/ipc-electron-main.js";
import { FakeIpcMain, FakeWebContents } from "./standins.js";

const CORE = process.env["IPC_STDIO_CORE"]
  ?? fileURLToPath(new URL("../../../target/debug/examples/stdio_core", import.meta.url));
const CALLS = Number(process.argv[2] ?? 2000);
const PIPELINED = 100;

type Invoke = (id: number) => Promise<unknown>;

async function measure(name: string, invoke: Invoke): Promise<{ name: string; p50: number; perSecond: number }> {
  let id = 1;
  for (let i = 0; i < 200; i += 1) {
    await invoke(id++);
  }
  const times: number[] = [];
  for (let i = 0; i < CALLS; i += 1) {
    const start = performance.now();
    await invoke(id++);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const start = performance.now();
  let done = 0;
  const lane = async (): Promise<void> => {
    while (done < CALLS) {
      done += 1;
      await invoke(id++);
    }
  };
  await Promise.all(Array.from({ length: PIPELINED }, lane));
  const seconds = (performance.now() - start) / 1000;
  return { name, p50: (times[Math.floor(times.length / 2)] ?? 0) * 1000, perSecond: done / seconds };
}

const expectEcho = (reply: unknown): void => {
  const value = (reply as { ok?: boolean; value?: unknown }).value;
  if ((reply as { ok?: boolean }).ok !== true || typeof value !== "string" || !value.startsWith("bench")) {
    throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
  }
};

async function main(): Promise<void> {
  const floorMain = new FakeIpcMain();
  const floorContents = new FakeWebContents("app://main");
  floorMain.handle("floor", (_event, _id, args) => Promise.resolve({ ok: true, value: (args as unknown[])[0] }));
  const floor = await measure("floor (bare ipcMain.handle)", async (id) => {
    expectEcho(await floorMain.invoke(floorContents.mainFrame, "floor", id, ["bench"]));
  });

  const results = [floor];
  for (const here of [false, true]) {
    const ipcMain = new FakeIpcMain();
    const contents = new FakeWebContents("app://main");
    const core = spawnCore(CORE, { stderr: "ignore" });
    const registration = registerCoreIpc(ipcMain, core, here ? { handlers: { echo: (_caller, text) => text } } : {});
    const channel = CoreIpcMainSpec.channels.find((c) => c.member === "echo")?.name ?? "";
    results.push(await measure(here ? "main-process handler" : "Rust core handler", async (id) => {
      expectEcho(await ipcMain.invoke(contents.mainFrame, channel, id, ["bench"]));
    }));
    registration.dispose();
    core.shutdown();
    await core.exited;
  }

  console.log(`| ${CALLS} calls each | p50 (us) | ratio to floor | ${PIPELINED} in flight (calls/s) |`);
  console.log("|---|---|---|---|");
  for (const r of results) {
    console.log(`| ${r.name} | ${r.p50.toFixed(1)} | ${(r.p50 / floor.p50).toFixed(2)}x | ${Math.round(r.perSecond)} |`);
  }
}

await main();
