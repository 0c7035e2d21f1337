// The generated main-process glue (CoreIpc.main.ts + ipc-electron-main.ts) against the REAL Rust core
// (target/debug/examples/stdio_core, a child process speaking the framed stdio protocol), with stand-ins for
// ipcMain / webContents / senderFrame (standins.ts).

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { CoreIpcFingerprint } from "./bindings/CoreIpc.js";
import { CoreIpcMainEvents, CoreIpcMainSpec, registerCoreIpc } from "./bindings/CoreIpc.main.js";
import { registerChannels, spawnCore } from "./bindings/ipc-electron-main.js";
import { FakeIpcMain, FakeWebContents } from "./standins.js";
import { captured, sleep, startCore, until, world } from "./world.js";

const ECHO = "core:echo";
const SLEEP = "core:sleep";
const PARSE = "core:parse";
const WHOAMI = "core:whoami";
const NOTE = "core:note";
const ECHOED = "core:echoed";
const REVERSE_BYTES = "core:reverse_bytes";
const CANCEL = CoreIpcMainSpec.cancelChannel;

describe("Electron main glue against the real stdio core", () => {
  it("registers exactly one handler or listener per channel, plus the cancel channel", () => {
    const { ipcMain, registration } = world();
    assert.equal(ipcMain.handlerCount, 6); // echo, sleep, parse, whoami, reverseBytes, configure
    assert.equal(ipcMain.listenerCount(NOTE), 1);
    assert.equal(ipcMain.listenerCount(CANCEL), 1);
    registration.dispose();
    assert.equal(ipcMain.handlerCount, 0);
    assert.equal(ipcMain.listenerCount(NOTE), 0);
    assert.equal(ipcMain.listenerCount(CANCEL), 0);
  });

  it("dispose removes its webContents listeners, closes callers and fails what is in flight", async () => {
    const { ipcMain, registration } = world();
    const page = new FakeWebContents("app://main");
    const watchedEvents = ["did-navigate", "render-process-gone", "did-frame-navigate", "destroyed"] as const;
    const before = watchedEvents.map((name) => page.listenerCount(name));
    const running = ipcMain.invoke(page.mainFrame, SLEEP, 1, [10_000], undefined);
    await sleep(50);
    assert.equal(registration.callers, 1);
    assert.deepEqual(watchedEvents.map((name) => page.listenerCount(name)), before.map((n) => n + 1));
    registration.dispose();
    assert.deepEqual(await running, { ok: false, error: { kind: "disconnected" } });
    assert.equal(registration.callers, 0);
    assert.equal(registration.pending, 0);
    assert.deepEqual(watchedEvents.map((name) => page.listenerCount(name)), before);
  });

  it("main-raised events: typed, to allowed live windows only", () => {
    const page = new FakeWebContents("app://main");
    assert.equal(CoreIpcMainEvents.echoed(page, "from the menu"), true);
    assert.deepEqual(page.received, [{ channel: ECHOED, args: [["from the menu"]] }]);
    const foreign = new FakeWebContents("https://evil.example");
    assert.equal(CoreIpcMainEvents.echoed(foreign, "x"), false);
    assert.deepEqual(foreign.received, []);
    page.navigate("https://evil.example");
    assert.equal(CoreIpcMainEvents.echoed(page, "after navigating away"), false);
    const closed = new FakeWebContents("app://main");
    closed.destroy();
    assert.equal(CoreIpcMainEvents.echoed(closed, "x"), false);
    assert.equal(page.received.length, 1);
  });

  it("invoke: replies as plain data, and the handler's event reaches the page as its payload only", async () => {
    const { ipcMain } = world();
    const page = new FakeWebContents("app://main");
    const echoed = page.next(ECHOED);
    const outcome = await ipcMain.invoke(page.mainFrame, ECHO, 1, ["hi"], undefined);
    assert.deepEqual(outcome, { ok: true, value: "hi (caller caller#1 from app://main)" });
    assert.deepEqual(await echoed, [["hi"]]);
  });

  it("binary data crosses as Uint8Array both ways (binary stdio frames, never arrays of numbers)", async () => {
    const { ipcMain } = world();
    const page = new FakeWebContents("app://main");
    const data = new Uint8Array(1024 * 1024);
    for (let i = 0; i < data.length; i += 1) {
      data[i] = i % 251;
    }
    const outcome = (await ipcMain.invoke(page.mainFrame, REVERSE_BYTES, 1, [data], undefined)) as { ok: boolean; value: unknown };
    assert.equal(outcome.ok, true);
    assert.ok(outcome.value instanceof Uint8Array, `a Uint8Array comes back, not ${typeof outcome.value}`);
    assert.equal(outcome.value.length, data.length);
    assert.deepEqual(outcome.value.subarray(0, 4), data.slice(-4).reverse());
    // A Node Buffer is a Uint8Array too: it is sent as bytes, not as Buffer's JSON form.
    const small = (await ipcMain.invoke(page.mainFrame, REVERSE_BYTES, 2, [Buffer.from("abc")], undefined)) as { value: Uint8Array };
    assert.deepEqual([...small.value], [..."cba"].map((c) => c.charCodeAt(0)));
  });

  it("send: reaches the handler, which answers with an event", async () => {
    const { ipcMain } = world();
    const page = new FakeWebContents("app://main");
    const echoed = page.next(ECHOED);
    ipcMain.send(page.mainFrame, NOTE, ["x"]);
    assert.deepEqual(await echoed, [["noted x"]]);
  });

  it("typed errors survive as data (handle never throws, so nothing is reduced to a message)", async () => {
    const { ipcMain } = world();
    const page = new FakeWebContents("app://main");
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, PARSE, 1, ["42"], undefined), { ok: true, value: 42 });
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, PARSE, 2, ["abc"], undefined), {
      ok: false,
      error: { kind: "handler", error: { kind: "notANumber", text: "abc" } },
    });
    // Bad input is decoded strictly by the core and answered with a typed error too.
    const bad = (await ipcMain.invoke(page.mainFrame, ECHO, 3, [42], undefined)) as { ok: boolean; error: { kind: string } };
    assert.equal(bad.ok, false);
    assert.equal(bad.error.kind, "invalid_input");
  });

  it("refuses forged and unknown origins before anything reaches the core", async () => {
    const { ipcMain, registration, refusals } = world();
    const evil = new FakeWebContents("https://evil.example");
    assert.deepEqual(await ipcMain.invoke(evil.mainFrame, ECHO, 1, ["hi"], undefined), {
      ok: false,
      error: { kind: "denied", channel: ECHO, origin: "https://evil.example" },
    });
    // A prefix is not a match.
    const prefixed = new FakeWebContents("app://main.evil");
    assert.deepEqual(await ipcMain.invoke(prefixed.mainFrame, ECHO, 1, ["hi"], undefined), {
      ok: false,
      error: { kind: "denied", channel: ECHO, origin: "app://main.evil" },
    });
    // A page from an unregistered scheme has the opaque origin "null".
    const opaque = new FakeWebContents("null");
    assert.deepEqual(await ipcMain.invoke(opaque.mainFrame, ECHO, 1, ["hi"], undefined), {
      ok: false,
      error: { kind: "denied", channel: ECHO, origin: "null" },
    });
    ipcMain.send(evil.mainFrame, NOTE, ["x"]);
    await sleep(50);
    assert.deepEqual(refusals, [{ channel: NOTE, detail: { kind: "denied", channel: NOTE, origin: "https://evil.example" } }]);
    assert.equal(evil.received.length, 0);
    assert.equal(registration.callers, 0, "no refused sender was ever opened in the core");
  });

  it("refuses iframes unless the channel allows sub-frames", async () => {
    const { ipcMain } = world();
    const page = new FakeWebContents("app://main");
    const frame = page.addFrame("app://main");
    assert.deepEqual(await ipcMain.invoke(frame, ECHO, 1, ["hi"], undefined), {
      ok: false,
      error: { kind: "denied", channel: ECHO, origin: "app://main" },
    });
    const whoami = (await ipcMain.invoke(frame, WHOAMI, 2, [], undefined)) as { ok: boolean; value: string };
    assert.equal(whoami.ok, true);
    assert.match(whoami.value, /from app:\/\/main$/);
    // An iframe of a foreign origin is refused even where sub-frames are allowed.
    const foreign = page.addFrame("https://ads.example");
    assert.deepEqual(await ipcMain.invoke(foreign, WHOAMI, 1, [], undefined), {
      ok: false,
      error: { kind: "denied", channel: WHOAMI, origin: "https://ads.example" },
    });
  });

  it("refuses a message whose frame navigated away before it was handled (senderFrame null)", async () => {
    const { ipcMain } = world();
    const page = new FakeWebContents("app://main");
    const old = page.mainFrame;
    const pending = ipcMain.invoke(old, ECHO, 1, ["late"], undefined);
    page.navigate();
    assert.deepEqual(await pending, { ok: false, error: { kind: "denied", channel: ECHO, origin: "unknown" } });
  });

  it("a reload is a new caller: in-flight calls end, ids start afresh without confusion", async () => {
    const { ipcMain, registration } = world();
    const page = new FakeWebContents("app://main");
    const first = await ipcMain.invoke(page.mainFrame, ECHO, 1, ["a"], undefined);
    assert.deepEqual(first, { ok: true, value: "a (caller caller#1 from app://main)" });
    const inFlight = ipcMain.invoke(page.mainFrame, SLEEP, 2, [10_000], undefined);
    await sleep(50);
    page.navigate();
    assert.deepEqual(await inFlight, { ok: false, error: { kind: "disconnected" } });
    // The reloaded page reuses id 2: a fresh caller in the core, so no duplicate and no stale reply.
    const again = await ipcMain.invoke(page.mainFrame, ECHO, 2, ["b"], undefined);
    assert.deepEqual(again, { ok: true, value: "b (caller caller#2 from app://main)" });
    assert.equal(registration.callers, 1);
  });

  it("cancels a call by id from the same frame, and only there", async () => {
    const { ipcMain } = world();
    const page = new FakeWebContents("app://main");
    const other = new FakeWebContents("app://main");
    const call = ipcMain.invoke(page.mainFrame, SLEEP, 7, [10_000], undefined);
    await sleep(50);
    ipcMain.send(other.mainFrame, CANCEL, 7); // another window cannot cancel it
    await sleep(50);
    assert.equal(await Promise.race([call.then(() => "settled"), sleep(100).then(() => "running")]), "running");
    ipcMain.send(page.mainFrame, CANCEL, 7);
    assert.deepEqual(await call, { ok: false, error: { kind: "cancelled" } });
  });

  it("passes the per-call deadline to the core and validates it first", async () => {
    const { ipcMain } = world();
    const page = new FakeWebContents("app://main");
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, SLEEP, 1, [10_000], 50), {
      ok: false,
      error: { kind: "timeout", timeoutMs: 50 },
    });
    const bad = (await ipcMain.invoke(page.mainFrame, SLEEP, 2, [1], 0)) as { ok: boolean; error: { kind: string } };
    assert.equal(bad.error.kind, "invalid_input");
    const badId = (await ipcMain.invoke(page.mainFrame, SLEEP, "x", [1], undefined)) as { ok: boolean; error: { kind: string } };
    assert.equal(badId.error.kind, "protocol");
  });

  it("refuses a duplicate in-flight id without disturbing the running call", async () => {
    const { ipcMain } = world();
    const page = new FakeWebContents("app://main");
    const running = ipcMain.invoke(page.mainFrame, SLEEP, 5, [100], undefined);
    await sleep(20);
    const duplicate = (await ipcMain.invoke(page.mainFrame, ECHO, 5, ["x"], undefined)) as { ok: boolean; error: { kind: string } };
    assert.equal(duplicate.error.kind, "protocol");
    assert.deepEqual(await running, { ok: true, value: 100 });
  });

  it("fails in-flight and later calls with `disconnected` when the core dies", async () => {
    const { ipcMain, core } = world();
    const page = new FakeWebContents("app://main");
    const call = ipcMain.invoke(page.mainFrame, SLEEP, 1, [10_000], undefined);
    await sleep(100);
    core.child.kill("SIGKILL");
    assert.deepEqual(await call, { ok: false, error: { kind: "disconnected" } });
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, ECHO, 2, ["x"], undefined), { ok: false, error: { kind: "disconnected" } });
  });

  it("a normal shutdown is quiet; a crash says so, and whether a restart is coming", async (t) => {
    const warnings = captured(t, "warn");
    const { ipcMain, core } = world();
    const page = new FakeWebContents("app://main");
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, PARSE, 1, ["1"], undefined), { ok: true, value: 1 });
    core.shutdown();
    assert.deepEqual(await core.exited, { code: 0, signal: null });
    await sleep(20);
    assert.deepEqual(warnings, [], "nothing is said about a shutdown that was asked for");
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, PARSE, 2, ["1"], undefined), { ok: false, error: { kind: "disconnected" } });
    const crashing = world();
    assert.deepEqual(await crashing.ipcMain.invoke(page.mainFrame, PARSE, 1, ["1"], undefined), { ok: true, value: 1 });
    crashing.core.child.kill("SIGKILL");
    await crashing.core.exited;
    await until(() => warnings.length === 1, "the crash to be reported");
    assert.match(warnings[0] ?? "", /^CoreIpc: the core stopped \(.+\); calls fail with "disconnected"$/, "no restart is coming");
  });

  it("with restart on, a dead core is replaced: in-flight calls fail, later calls reach a fresh core", async () => {
    const ipcMain = new FakeIpcMain();
    const core = startCore({ stderr: "ignore", restart: { maxRestarts: 1, delayMs: 50 } });
    const registration = registerCoreIpc(ipcMain, core, { onRefusal: () => undefined });
    const page = new FakeWebContents("app://main");
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, ECHO, 1, ["first"], undefined), { ok: true, value: "first (caller caller#1 from app://main)" });
    const call = ipcMain.invoke(page.mainFrame, SLEEP, 2, [10_000], undefined);
    await sleep(100);
    const first = core.child;
    first.kill("SIGKILL");
    assert.deepEqual(await call, { ok: false, error: { kind: "disconnected" } });
    assert.equal(registration.callers, 0, "the dead core's callers are forgotten");
    const deadline = Date.now() + 5000;
    while (core.child === first && Date.now() < deadline) {
      await sleep(10);
    }
    assert.notEqual(core.child, first, "a new child was started");
    assert.equal(core.restarts, 1);
    // The same frame is a new caller of the new core, whose ids start afresh.
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, ECHO, 3, ["again"], undefined), { ok: true, value: "again (caller caller#1 from app://main)" });
    assert.equal(registration.callers, 1);
    // No restart left: the next death is final.
    core.child.kill("SIGKILL");
    assert.deepEqual(await core.exited, { code: null, signal: "SIGKILL" });
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, ECHO, 4, ["x"], undefined), { ok: false, error: { kind: "disconnected" } });
  });

  it("presents the fingerprint of the bindings it was generated with, which the core accepts", async () => {
    assert.equal(CoreIpcMainSpec.fingerprint, CoreIpcFingerprint);
    assert.match(CoreIpcMainSpec.fingerprint, /^[0-9a-f]{16}$/);
    const { ipcMain } = world();
    const page = new FakeWebContents("app://main");
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, PARSE, 1, ["5"], undefined), { ok: true, value: 5 });
  });

  it("glue generated from other bindings: every call fails with version_mismatch, logged once", async (t) => {
    const logged: unknown[][] = [];
    t.mock.method(console, "error", (...args: unknown[]) => {
      logged.push(args);
    });
    const ipcMain = new FakeIpcMain();
    const core = startCore();
    const refusals: { channel: string; detail: unknown }[] = [];
    const stale = "0123456789abcdef";
    const registration = registerChannels(ipcMain, core, { ...CoreIpcMainSpec, fingerprint: stale }, {
      onRefusal: (channel, detail) => refusals.push({ channel, detail }),
    });
    const mismatch = { kind: "version_mismatch", traitName: "CoreIpc", expected: CoreIpcFingerprint, actual: stale };
    const page = new FakeWebContents("app://main");
    const other = new FakeWebContents("app://main");
    // Calls in flight when the core's refusal arrives (two windows, so two `open`s), then calls after it.
    const first = await Promise.all([
      ipcMain.invoke(page.mainFrame, ECHO, 1, ["a"], undefined),
      ipcMain.invoke(page.mainFrame, SLEEP, 2, [10_000], undefined),
      ipcMain.invoke(other.mainFrame, ECHO, 1, ["b"], undefined),
    ]);
    const later = await Promise.all([
      ipcMain.invoke(page.mainFrame, ECHO, 3, ["c"], undefined),
      ipcMain.invoke(page.mainFrame, SLEEP, 4, [1], undefined),
      ipcMain.invoke(page.mainFrame, PARSE, 5, ["1"], undefined),
      ipcMain.invoke(page.mainFrame, WHOAMI, 6, [], undefined),
      ipcMain.invoke(page.mainFrame, REVERSE_BYTES, 7, [new Uint8Array([1, 2])], undefined),
      ipcMain.invoke(other.mainFrame, ECHO, 2, ["d"], undefined),
    ]);
    for (const outcome of [...first, ...later]) {
      assert.deepEqual(outcome, { ok: false, error: mismatch });
    }
    ipcMain.send(page.mainFrame, NOTE, ["n"]);
    await sleep(50);
    assert.deepEqual(refusals, [{ channel: NOTE, detail: mismatch }]);
    assert.deepEqual(page.received, [], "no event came from the core");
    assert.equal(registration.callers, 0);
    assert.equal(registration.pending, 0);
    assert.equal(logged.length, 1, `logged once: ${JSON.stringify(logged)}`);
    assert.match(String(logged[0]?.[0]), new RegExp(`CoreIpc: the core serves other bindings \\(its fingerprint ${CoreIpcFingerprint}, these are ${stale}\\)`));
  });

  it("does not deliver events to a destroyed window", async () => {
    const { ipcMain, registration } = world();
    const page = new FakeWebContents("app://main");
    const call = ipcMain.invoke(page.mainFrame, SLEEP, 1, [10_000], undefined);
    await sleep(50);
    page.destroy();
    assert.deepEqual(await call, { ok: false, error: { kind: "disconnected" } });
    assert.equal(registration.callers, 0);
  });

  it("keeps a piped stderr that nobody reads drained, so it never blocks the core", async () => {
    // A stand-in core that writes 4 MiB to stderr (64 pipes' worth) and exits 7: it only gets to exit when
    // something drains the pipe.
    const core = spawnCore("/bin/sh", { args: ["-c", "head -c 4194304 /dev/zero >&2; exit 7"], stderr: "pipe" });
    const timeout = sleep(10_000).then(() => "blocked" as const);
    const outcome = await Promise.race([core.exited, timeout]);
    if (outcome === "blocked") {
      core.child.kill("SIGKILL");
    }
    assert.deepEqual(outcome, { code: 7, signal: null });
  });
});
