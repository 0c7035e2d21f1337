// What the glue bounds before anything reaches the REAL Rust core: the size of one message, what one caller
// may have in flight (calls and bytes), and new calls while the core does not read.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { registerCoreIpc } from "./bindings/CoreIpc.main.js";
import { FakeIpcMain, FakeWebContents } from "./standins.js";
import { startCore, until, world } from "./world.js";

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
