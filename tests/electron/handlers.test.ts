// Channels implemented in main-process TypeScript (`options.handlers` of registerCoreIpc), beside the REAL
// Rust core (which decodes their arguments strictly first), on the ipcMain / webContents stand-ins.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { Settings } from "./bindings/CoreIpc.js";
import { CoreIpcMainSpec, registerCoreIpc } from "./bindings/CoreIpc.main.js";
import type { MainCaller } from "./bindings/ipc-electron-main.js";
import { FakeIpcMain, FakeWebContents } from "./standins.js";
import { captured, sleep, startCore, until, world } from "./world.js";

const CANCEL = CoreIpcMainSpec.cancelChannel;

/** A handler that waits until its call is abandoned, and keeps what it saw. */
function waiting(): { readonly callers: MainCaller<never, never>[]; handler: (caller: MainCaller<never, never>) => Promise<number> } {
  const callers: MainCaller<never, never>[] = [];
  return {
    callers,
    handler: (caller) => {
      callers.push(caller);
      return new Promise((resolve) => caller.signal.addEventListener("abort", () => resolve(0)));
    },
  };
}

describe("main-process handlers beside the real core", () => {
  it("answer with the handler's typed value; every other channel still reaches the core", async () => {
    const seen: { readonly id: number; readonly origin: string; readonly topFrame: boolean }[] = [];
    const { ipcMain, registration } = world({
      handlers: {
        echo: (caller, text) => {
          seen.push({ id: caller.id, origin: caller.origin, topFrame: caller.topFrame });
          return `main heard ${text}`;
        },
      },
    });
    const page = new FakeWebContents("app://main");
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:echo", 1, ["hi"], undefined), { ok: true, value: "main heard hi" });
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:echo", 2, ["again"], undefined), { ok: true, value: "main heard again" });
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:parse", 3, ["7"], undefined), { ok: true, value: 7 });
    // The handler's caller is the core's caller of the same frame: one caller, one `open`.
    assert.equal(registration.callers, 1);
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:whoami", 4, [], undefined), { ok: true, value: "caller caller#1 from app://main" });
    assert.equal(seen.length, 2);
    assert.ok(Number.isSafeInteger(seen[0]?.id) && (seen[0]?.id ?? 0) > 0);
    assert.deepEqual(seen[1], seen[0], "one caller for one frame document");
    assert.deepEqual(seen[0], { id: seen[0]?.id, origin: "app://main", topFrame: true });
    // A reload is a new caller.
    page.navigate();
    await ipcMain.invoke(page.mainFrame, "core:echo", 1, ["reloaded"], undefined);
    assert.notEqual(seen[2]?.id, seen[0]?.id);
  });

  it("get the arguments the core decoded: defaults filled in, unknown fields dropped", async () => {
    const got: Settings[] = [];
    const { ipcMain } = world({
      handlers: {
        configure: (_caller, settings) => {
          got.push(settings);
          return { ...settings, name: `${settings.name}!` };
        },
      },
    });
    const page = new FakeWebContents("app://main");
    // What an untyped page may send: `retries` left out (serde's default), a field the type does not have.
    const outcome = await ipcMain.invoke(page.mainFrame, "core:configure", 1, [{ name: "fast", extra: true }], undefined);
    assert.deepEqual(got, [{ name: "fast", retries: 0 }]);
    assert.deepEqual(outcome, { ok: true, value: { name: "fast!", retries: 0 } });
  });

  it("`caller.fail` rejects with the typed handler error", async () => {
    const { ipcMain } = world({
      handlers: {
        parse: async (caller, text) => {
          await sleep(1);
          const value = Number(text);
          return Number.isInteger(value) ? value : caller.fail({ kind: "notANumber", text });
        },
      },
    });
    const page = new FakeWebContents("app://main");
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:parse", 1, ["12"], undefined), { ok: true, value: 12 });
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:parse", 2, ["twelve"], undefined), {
      ok: false,
      error: { kind: "handler", error: { kind: "notANumber", text: "twelve" } },
    });
  });

  it("a throw or rejection is `internal` without its detail, logged escaped on main", async (t) => {
    const errors = captured(t, "error");
    const { ipcMain } = world({
      handlers: {
        echo: (_caller, text) => {
          throw new Error(`secret ${text}\nERROR forged line`);
        },
        parse: async () => Promise.reject(new TypeError("rejected \u001b[31mred")),
      },
    });
    const page = new FakeWebContents("app://main");
    const internal = { ok: false, error: { kind: "internal", message: "the main-process handler failed" } };
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:echo", 1, ["/home/me"], undefined), internal);
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:parse", 2, ["1"], undefined), internal);
    assert.equal(errors.length, 2, JSON.stringify(errors));
    assert.match(errors[0] ?? "", /CoreIpc: the main-process handler of core:echo failed: Error: secret \/home\/me\\nERROR forged line/);
    assert.match(errors[1] ?? "", /TypeError: rejected \\u\{1b\}\[31mred/);
    for (const line of errors) {
      assert.doesNotMatch(line, /[\n\r\u001b]/, "no raw control character reaches the log");
    }
    // The glue still serves.
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:whoami", 3, [], undefined), { ok: true, value: "caller caller#1 from app://main" });
  });

  it("a reply JSON cannot carry is `internal`, as from the core", async (t) => {
    const errors = captured(t, "error");
    const { ipcMain } = world({ handlers: { configure: (_caller, settings) => ({ ...settings, retries: Number.NaN }) } });
    const page = new FakeWebContents("app://main");
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:configure", 1, [{ name: "n" }], undefined), {
      ok: false,
      error: { kind: "internal", message: "the main-process handler's result could not be encoded" },
    });
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? "", /returned what cannot cross to the page/);
  });

  it("past the deadline: `timeout`, and the signal aborts with a TimeoutError", async () => {
    const sleeper = waiting();
    const echoer = waiting();
    const { ipcMain, registration } = world({
      defaultTimeoutMs: 80,
      handlers: { sleep: sleeper.handler, echo: async (caller) => String(await echoer.handler(caller)) },
    });
    const page = new FakeWebContents("app://main");
    // The renderer's deadline.
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:sleep", 1, [10_000], 50), { ok: false, error: { kind: "timeout", timeoutMs: 50 } });
    assert.equal(sleeper.callers[0]?.signal.aborted, true);
    assert.equal((sleeper.callers[0]?.signal.reason as Error).name, "TimeoutError");
    // Neither the renderer nor the channel sets one (echo declares none): the glue's default.
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:echo", 2, ["x"], undefined), { ok: false, error: { kind: "timeout", timeoutMs: 80 } });
    assert.equal(echoer.callers[0]?.signal.aborted, true);
    assert.equal(registration.pending, 0);
    // The channel's own default comes from the Rust descriptor (`#[invoke(timeout_ms = 600_000)]`).
    assert.equal(CoreIpcMainSpec.channels.find((c) => c.name === "core:sleep")?.timeoutMs, 600_000);
    assert.equal(CoreIpcMainSpec.channels.find((c) => c.name === "core:echo")?.timeoutMs, null);
  });

  it("a renderer cancel: `cancelled`, and the signal aborts with an AbortError; only the caller's own frame can", async () => {
    const sleeper = waiting();
    const { ipcMain } = world({ handlers: { sleep: sleeper.handler } });
    const page = new FakeWebContents("app://main");
    const other = new FakeWebContents("app://main");
    const call = ipcMain.invoke(page.mainFrame, "core:sleep", 7, [10_000], undefined);
    await until(() => sleeper.callers.length === 1, "the handler to start");
    ipcMain.send(other.mainFrame, CANCEL, 7);
    await sleep(30);
    assert.equal(sleeper.callers[0]?.signal.aborted, false, "another window cannot cancel it");
    ipcMain.send(page.mainFrame, CANCEL, 7);
    assert.deepEqual(await call, { ok: false, error: { kind: "cancelled" } });
    assert.equal(sleeper.callers[0]?.signal.aborted, true);
    assert.equal((sleeper.callers[0]?.signal.reason as Error).name, "AbortError");
  });

  it("a cancel while the core still checks the arguments: `cancelled`, and the handler never runs", async () => {
    let ran = false;
    const { ipcMain } = world({ handlers: { sleep: () => { ran = true; return 1; } } });
    const page = new FakeWebContents("app://main");
    const call = ipcMain.invoke(page.mainFrame, "core:sleep", 1, [5], undefined);
    // Sent right behind the invoke: the glue has the call before the core's answer can arrive.
    ipcMain.send(page.mainFrame, CANCEL, 1);
    assert.deepEqual(await call, { ok: false, error: { kind: "cancelled" } });
    await sleep(50);
    assert.equal(ran, false);
  });

  it("navigation, reload or a destroyed window: `disconnected`, and the signal aborts", async () => {
    const sleeper = waiting();
    const { ipcMain, registration } = world({ handlers: { sleep: sleeper.handler } });
    const page = new FakeWebContents("app://main");
    const navigated = ipcMain.invoke(page.mainFrame, "core:sleep", 1, [10_000], undefined);
    await until(() => sleeper.callers.length === 1, "the handler to start");
    page.navigate();
    assert.deepEqual(await navigated, { ok: false, error: { kind: "disconnected" } });
    assert.equal(sleeper.callers[0]?.signal.aborted, true);
    const closed = new FakeWebContents("app://main");
    const destroyed = ipcMain.invoke(closed.mainFrame, "core:sleep", 1, [10_000], undefined);
    await until(() => sleeper.callers.length === 2, "the second handler to start");
    closed.destroy();
    assert.deepEqual(await destroyed, { ok: false, error: { kind: "disconnected" } });
    assert.equal(sleeper.callers[1]?.signal.aborted, true);
    assert.equal(registration.pending, 0);
  });

  it("arguments the core refuses: its error, and the handler never runs", async () => {
    let calls = 0;
    const { ipcMain } = world({ handlers: { echo: (_caller, text) => { calls += 1; return text; } } });
    const page = new FakeWebContents("app://main");
    for (const [id, args] of [[1, [42]], [2, []], [3, ["a", "b"]], [4, "not a tuple"]] as const) {
      const outcome = (await ipcMain.invoke(page.mainFrame, "core:echo", id, args, undefined)) as { ok: boolean; error: { kind: string; channel: string } };
      assert.equal(outcome.ok, false);
      assert.deepEqual([outcome.error.kind, outcome.error.channel], ["invalid_input", "core:echo"], JSON.stringify(outcome));
    }
    assert.equal(calls, 0);
  });

  it("a duplicate in-flight id is refused without disturbing the running call", async () => {
    const sleeper = waiting();
    const { ipcMain } = world({ handlers: { sleep: sleeper.handler } });
    const page = new FakeWebContents("app://main");
    const running = ipcMain.invoke(page.mainFrame, "core:sleep", 5, [10_000], 200);
    await until(() => sleeper.callers.length === 1, "the handler to start");
    // The same id on a channel the core serves: one id space per caller, whoever answers.
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:parse", 5, ["1"], undefined), {
      ok: false,
      error: { kind: "protocol", message: "request id 5 is already in flight" },
    });
    assert.equal(sleeper.callers.length, 1);
    assert.deepEqual(await running, { ok: false, error: { kind: "timeout", timeoutMs: 200 } });
  });

  it("with the core down: `disconnected`, and the handler never runs (nothing can check its arguments)", async () => {
    let calls = 0;
    const { ipcMain, core } = world({ handlers: { echo: (_caller, text) => { calls += 1; return text; } } });
    const page = new FakeWebContents("app://main");
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:echo", 1, ["up"], undefined), { ok: true, value: "up" });
    core.child.kill("SIGKILL");
    await core.exited;
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:echo", 2, ["down"], undefined), { ok: false, error: { kind: "disconnected" } });
    assert.equal(calls, 1);
  });

  it("a refused sender: denied, nothing reaches the core, the handler never runs", async () => {
    let calls = 0;
    const { ipcMain, registration } = world({ handlers: { echo: (_caller, text) => { calls += 1; return text; } } });
    const evil = new FakeWebContents("https://evil.example");
    assert.deepEqual(await ipcMain.invoke(evil.mainFrame, "core:echo", 1, ["hi"], undefined), {
      ok: false,
      error: { kind: "denied", channel: "core:echo", origin: "https://evil.example" },
    });
    const page = new FakeWebContents("app://main");
    assert.deepEqual(await ipcMain.invoke(page.addFrame("app://main"), "core:echo", 1, ["hi"], undefined), {
      ok: false,
      error: { kind: "denied", channel: "core:echo", origin: "app://main" },
    });
    assert.equal(calls, 0);
    assert.equal(registration.callers, 0, "no refused sender was opened in the core");
  });

  it("`window()` reaches the window only from its live top frame", async () => {
    const windows = new Map<number, { readonly title: string }>();
    const kept: MainCaller<never, { readonly title: string }>[] = [];
    const { ipcMain } = world({
      windowOf: (webContents) => windows.get(webContents.id) ?? null,
      handlers: {
        whoami: (caller) => {
          kept.push(caller);
          return caller.window()?.title ?? "no window";
        },
      },
    });
    const page = new FakeWebContents("app://main");
    windows.set(page.id, { title: "the main window" });
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:whoami", 1, [], undefined), { ok: true, value: "the main window" });
    // whoami allows sub-frames, but an iframe never reaches its window.
    const frame = page.addFrame("app://main");
    assert.deepEqual(await ipcMain.invoke(frame, "core:whoami", 1, [], undefined), { ok: true, value: "no window" });
    assert.equal(kept[1]?.topFrame, false);
    assert.equal(kept[0]?.window()?.title, "the main window");
    // Once its document is gone, a caller kept past its call reaches nothing.
    page.navigate();
    assert.equal(kept[0]?.window(), null);
  });

  it("sends: the handler gets the decoded arguments; a throw is logged escaped and never stops the glue", async (t) => {
    const errors = captured(t, "error");
    const noted: string[] = [];
    const { ipcMain, refusals } = world({
      handlers: {
        note: (caller, text) => {
          if (text === "boom") {
            throw new Error("boom\u202eevil");
          }
          if (text === "reject") {
            return Promise.reject(new Error("rejected"));
          }
          noted.push(`${caller.origin} ${text}`);
          return undefined;
        },
      },
    });
    const page = new FakeWebContents("app://main");
    ipcMain.send(page.mainFrame, "core:note", ["boom"]);
    ipcMain.send(page.mainFrame, "core:note", ["reject"]);
    ipcMain.send(page.mainFrame, "core:note", [42]);
    ipcMain.send(page.mainFrame, "core:note", ["fine"]);
    await until(() => noted.length === 1, "the good send");
    await until(() => errors.length === 2, "both failures logged");
    assert.deepEqual(noted, ["app://main fine"]);
    assert.match(errors[0] ?? "", /boom\\u\{202e\}evil/);
    assert.match(errors[1] ?? "", /rejected/);
    // The core refused the send's arguments: refused like a send the core takes, and the handler never ran.
    assert.equal(refusals.length, 1);
    assert.deepEqual((refusals[0]?.detail as { kind: string }).kind, "invalid_input");
    // A channel without a handler still goes to the core (which answers with an event).
    const echoed = page.next("core:echoed");
    ipcMain.send(page.mainFrame, "core:echo_later", [1, "from the core"]);
    assert.deepEqual(await echoed, [["from the core"]]);
  });

  it("registration refuses a handler for no send or invoke channel, naming it", () => {
    const ipcMain = new FakeIpcMain();
    const core = startCore();
    const bogus = { handlers: { echoo: () => "typo" } } as unknown as Parameters<typeof registerCoreIpc>[2];
    assert.throws(() => registerCoreIpc(ipcMain, core, bogus), (error: unknown) =>
      error instanceof TypeError && /CoreIpc has no send or invoke channel named "echoo"/.test(error.message));
    const event = { handlers: { onEchoed: () => undefined } } as unknown as Parameters<typeof registerCoreIpc>[2];
    assert.throws(() => registerCoreIpc(ipcMain, core, event), /no send or invoke channel named "onEchoed"/);
    const notAFunction = { handlers: { echo: "hi" } } as unknown as Parameters<typeof registerCoreIpc>[2];
    assert.throws(() => registerCoreIpc(ipcMain, core, notAFunction), /the main-process handler of "echo" must be a function/);
    assert.equal(ipcMain.handlerCount, 0, "a refused registration registers nothing");
  });
});
