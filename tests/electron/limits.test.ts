// What the glue bounds before anything reaches the REAL Rust core: the size of one message, what one caller
// may have in flight (calls and bytes), and new calls while the core does not read; and how the core's own
// refusals settle the calls they name.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { registerCoreIpc } from "./bindings/CoreIpc.main.js";
import { decodeEnvelope } from "./bindings/ipc-bridge.js";
import type { CoreReceiver, IpcCore } from "./bindings/ipc-electron-main.js";
import { FakeIpcMain, FakeWebContents } from "./standins.js";
import { captured, sleep, startCore, until, world } from "./world.js";

/** The core's own `Limits::default().max_message_bytes`, which the glue's default equals. */
const CORE_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

describe("limits in the glue, against the real core", () => {
  it("an invoke over the message limit settles at once with `too_large`, and its id is free again", async () => {
    const { ipcMain, registration } = world();
    const page = new FakeWebContents("app://main");
    const big = "x".repeat(CORE_MAX_MESSAGE_BYTES);
    const outcome = (await ipcMain.invoke(page.mainFrame, "core:echo", 1, [big], undefined)) as {
      ok: boolean;
      error: { kind: string; size: number; limit: number };
    };
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error.kind, "too_large");
    assert.equal(outcome.error.limit, CORE_MAX_MESSAGE_BYTES);
    assert.ok(outcome.error.size > CORE_MAX_MESSAGE_BYTES);
    assert.equal(registration.pending, 0);
    assert.equal(registration.callers, 0, "nothing reached the core");
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:echo", 1, ["small"], undefined), { ok: true, value: "small (caller caller#1 from app://main)" });
  });

  it("the limit counts UTF-8 bytes of text and whole binary messages; sends over it are refused too", async () => {
    const { ipcMain, refusals } = world({ maxMessageBytes: 1_000 });
    const page = new FakeWebContents("app://main");
    // 320 characters of three UTF-8 bytes each: under 1,000 characters with the envelope, over 1,000 bytes.
    const wide = (await ipcMain.invoke(page.mainFrame, "core:echo", 1, ["€".repeat(320)], undefined)) as { error: { kind: string; size: number } };
    assert.equal(wide.error.kind, "too_large");
    assert.ok(wide.error.size > 960 && wide.error.size < 1_100, `${wide.error.size}`);
    const bytes = (await ipcMain.invoke(page.mainFrame, "core:reverse_bytes", 2, [new Uint8Array(1_000)], undefined)) as { error: { kind: string; limit: number } };
    assert.deepEqual([bytes.error.kind, bytes.error.limit], ["too_large", 1_000]);
    const fits = (await ipcMain.invoke(page.mainFrame, "core:reverse_bytes", 3, [new Uint8Array(900)], undefined)) as { ok: boolean; value: Uint8Array };
    assert.equal(fits.ok, true);
    assert.equal(fits.value.length, 900);
    ipcMain.send(page.mainFrame, "core:note", ["n".repeat(2_000)]);
    await until(() => refusals.length === 1, "the send's refusal");
    assert.equal((refusals[0]?.detail as { kind: string }).kind, "too_large");
  });

  it("a caller may have `maxInFlight` calls in flight; other callers are not affected", async () => {
    const { ipcMain, registration } = world({ maxInFlight: 2 });
    const page = new FakeWebContents("app://main");
    const first = ipcMain.invoke(page.mainFrame, "core:sleep", 1, [10_000], undefined);
    const second = ipcMain.invoke(page.mainFrame, "core:sleep", 2, [10_000], undefined);
    await until(() => registration.pending === 2, "two calls in flight");
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:echo", 3, ["x"], undefined), {
      ok: false,
      error: { kind: "protocol", message: "more than 2 calls in flight; request 3 refused" },
    });
    const other = new FakeWebContents("app://main");
    assert.deepEqual(await ipcMain.invoke(other.mainFrame, "core:parse", 1, ["4"], undefined), { ok: true, value: 4 });
    ipcMain.send(page.mainFrame, "CoreIpc:__cancel", 1);
    assert.deepEqual(await first, { ok: false, error: { kind: "cancelled" } });
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:parse", 3, ["5"], undefined), { ok: true, value: 5 });
    page.navigate();
    assert.deepEqual(await second, { ok: false, error: { kind: "disconnected" } });
  });

  it("a caller may have `maxInFlightBytes` unanswered; past it calls are refused with `too_large`", async () => {
    const { ipcMain, registration } = world({ maxInFlightBytes: 4_000 });
    const page = new FakeWebContents("app://main");
    // Two sleeps (about 64 bytes each) in flight; a message of about 3,940 bytes fits alone but not beside them.
    const one = ipcMain.invoke(page.mainFrame, "core:sleep", 1, [10_000], undefined);
    const two = ipcMain.invoke(page.mainFrame, "core:sleep", 2, [10_000], undefined);
    await until(() => registration.pending === 2, "two sleeps in flight");
    const refused = (await ipcMain.invoke(page.mainFrame, "core:reverse_bytes", 3, [new Uint8Array(3_850)], undefined)) as {
      error: { kind: string; size: number; limit: number };
    };
    assert.equal(refused.error.kind, "too_large");
    assert.equal(refused.error.limit, 4_000);
    assert.ok(refused.error.size > 4_000);
    // Alone, the same message fits.
    page.navigate();
    assert.deepEqual((await Promise.all([one, two])).map((o) => (o as { error: { kind: string } }).error.kind), ["disconnected", "disconnected"]);
    const alone = (await ipcMain.invoke(page.mainFrame, "core:reverse_bytes", 3, [new Uint8Array(3_850)], undefined)) as { ok: boolean };
    assert.equal(alone.ok, true);
  });

  it("limits that are not positive integers are refused at registration", () => {
    const core = startCore();
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => registerCoreIpc(new FakeIpcMain(), core, { maxMessageBytes: bad }), /MainOptions\.maxMessageBytes must be an integer from 1/);
    }
    assert.throws(() => registerCoreIpc(new FakeIpcMain(), core, { defaultTimeoutMs: 2 ** 31 }), /defaultTimeoutMs must be an integer from 1 to 2147483647/);
  });
});

describe("the core's back-pressure and refusals, through the glue", () => {
  it("while the core does not read, new calls are refused (typed, logged once) instead of queued", async (t) => {
    const warnings = captured(t, "warn");
    const { ipcMain, core, registration } = world({ maxCoreBacklogBytes: 256 * 1024 });
    const page = new FakeWebContents("app://main");
    // Opens the caller while the core still reads.
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:parse", 1, ["1"], undefined), { ok: true, value: 1 });
    core.child.kill("SIGSTOP");
    try {
      const chunk = "y".repeat(100 * 1024);
      const queued: Promise<unknown>[] = [];
      let refused: unknown;
      for (let id = 2; id < 40 && refused === undefined; id += 1) {
        const call = ipcMain.invoke(page.mainFrame, "core:echo", id, [chunk], undefined);
        const early = await Promise.race([call, sleep(20).then(() => undefined)]);
        if (early === undefined) {
          queued.push(call);
        } else {
          refused = early;
        }
      }
      assert.deepEqual(refused, { ok: false, error: { kind: "internal", message: "the core is not keeping up; try again later" } });
      assert.ok(core.backlog > 256 * 1024, `backlog ${core.backlog}`);
      assert.ok(queued.length >= 2 && queued.length < 10, `${queued.length} calls were taken before the bound`);
      assert.equal(registration.pending, queued.length, "the refused call left nothing in flight");
      // Sends are refused the same way, and the developer is told once.
      ipcMain.send(page.mainFrame, "core:note", ["n"]);
      await sleep(20);
      assert.equal(warnings.filter((w) => /bytes wait for the core to read them/.test(w)).length, 1, JSON.stringify(warnings));
      core.child.kill("SIGCONT");
      // What was taken is answered once the core reads again, and new calls are taken again.
      for (const outcome of await Promise.all(queued)) {
        assert.equal((outcome as { ok: boolean }).ok, true);
      }
      await until(() => core.backlog === 0, "the backlog to drain");
      assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:parse", 50, ["2"], undefined), { ok: true, value: 2 });
    } finally {
      core.child.kill("SIGCONT");
    }
  });

  it("a message over the core's frame limit (the glue's limit set above it) is refused by the core, and the call settles", async () => {
    const { ipcMain, registration } = world({ maxMessageBytes: 32 * 1024 * 1024, maxInFlightBytes: 64 * 1024 * 1024 });
    const page = new FakeWebContents("app://main");
    const outcome = (await ipcMain.invoke(page.mainFrame, "core:echo", 1, ["z".repeat(2 * CORE_MAX_MESSAGE_BYTES + 4096)], undefined)) as {
      ok: boolean;
      error: { kind: string };
    };
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error.kind, "too_large");
    assert.equal(registration.pending, 0);
    assert.deepEqual(await ipcMain.invoke(page.mainFrame, "core:parse", 1, ["6"], undefined), { ok: true, value: 6 });
  });

  it("a refusal the core could not answer on the caller (`failed`) settles the call it names", async () => {
    // A core that takes everything and answers nothing, so the test can play the core's `failed`.
    let receiver: CoreReceiver | undefined;
    const sent: { readonly key: number; readonly envelope: Record<string, unknown> }[] = [];
    const core: IpcCore = {
      open: () => undefined,
      message: (key, message) => {
        sent.push({ key, envelope: decodeEnvelope(message) as Record<string, unknown> });
        return true;
      },
      close: () => undefined,
      connect: (next) => {
        receiver = next;
      },
      backlog: 0,
    };
    const ipcMain = new FakeIpcMain();
    const refusals: unknown[] = [];
    const registration = registerCoreIpc(ipcMain, core, { onRefusal: (_channel, detail) => refusals.push(detail) });
    const page = new FakeWebContents("app://main");
    const call = ipcMain.invoke(page.mainFrame, "core:echo", 1, ["x"], undefined);
    await until(() => sent.length === 1, "the envelope");
    const { key, envelope } = sent[0] ?? assert.fail("nothing sent");
    const tooLarge = { kind: "too_large", size: 20_000_000, limit: 16_778_240 };
    // The core names the call by the id it was given (the glue's own, not the renderer's).
    receiver?.failed?.(key, envelope["id"] as number, tooLarge);
    assert.deepEqual(await call, { ok: false, error: tooLarge });
    assert.equal(registration.pending, 0);
    // Without an id there is no call to settle: it is reported.
    receiver?.failed?.(key, undefined, { kind: "protocol", message: "unreadable" });
    assert.deepEqual(refusals, [{ kind: "protocol", message: "unreadable" }]);
  });
});
