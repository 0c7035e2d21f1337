// Runtime tests of `createEnvelopeTransport` itself: correlation, disconnects, refusals, malformed input.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { createAppIpcApi } from "../bindings/AppIpc.js";
import { createEnvelopeTransport, decodeEnvelope, IpcError, type IpcErrorDetail } from "../bindings/ipc-bridge.js";
import { fakePipe, flush, frame, track } from "./pipe.js";

async function detailOf(promise: Promise<unknown>): Promise<IpcErrorDetail<unknown>> {
  try {
    await promise;
  } catch (error: unknown) {
    assert.ok(error instanceof IpcError, `expected an IpcError, got ${String(error)}`);
    return error.detail;
  }
  assert.fail("expected the call to reject");
}

describe("envelope transport", () => {
  it("gives every invoke a unique, increasing id, including calls that failed locally", async () => {
    const pipe = fakePipe();
    const transport = pipe.transport;
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      void transport.invoke("c", [i]).catch(() => undefined);
      ids.push(pipe.lastId());
    }
    // An invalid timeout is refused before an id is taken, so the sequence has no gap.
    await detailOf(transport.invoke("c", [], { timeoutMs: 0 }));
    void transport.invoke("c", [6]).catch(() => undefined);
    ids.push(pipe.lastId());
    assert.deepEqual(ids, [1, 2, 3, 4, 5, 6]);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(transport.pending, 6);
  });

  it("ignores replies and errors for unknown or already-settled ids", async () => {
    const pipe = fakePipe();
    const call = track(pipe.transport.invoke("c", ["x"]));
    for (const text of [
      frame.reply(99, '"wrong"'),
      frame.error(0, '{"kind":"cancelled"}'),
      frame.reply(-1, "1"),
      '{"kind":"reply","id":"1","payload":"string id"}',
      '{"kind":"reply","payload":"no id"}',
    ]) {
      assert.doesNotThrow(() => pipe.feed(text));
    }
    await flush();
    assert.equal(call.settled(), false);
    assert.equal(pipe.transport.pending, 1);
    assert.equal(pipe.refusals.length, 0, "an error with an id, even an unknown one, is not a refusal");
    pipe.feed(frame.reply(1, '"right"'));
    assert.equal(await call.promise, "right");
    pipe.feed(frame.reply(1, '"again"'));
    pipe.feed(frame.error(1, '{"kind":"internal","message":"late"}'));
    assert.equal(pipe.transport.pending, 0);
  });

  it("ignores malformed frames from the main side without throwing", async () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const values: number[] = [];
    api.onUpdateCounter((value) => values.push(value));
    const call = track(api.openFile("/a"));
    for (const text of [
      "",
      "not json",
      "{",
      '{"kind":"reply","id":1,"payload":',
      "null",
      "42",
      '"reply"',
      "[]",
      '[{"kind":"reply","id":1,"payload":"in an array"}]',
      "{}",
      '{"kind":"bogus","id":1}',
      '{"kind":"invoke","id":1,"channel":"app_ipc:open_file","payload":["/a"]}',
      '{"kind":"cancel","id":1}',
      '{"kind":"event","channel":"app_ipc:update_counter","payload":5}',
      '{"kind":"event","channel":"app_ipc:update_counter"}',
      '{"kind":"event","channel":7,"payload":[1]}',
      '{"kind":"event","payload":[1]}',
    ]) {
      assert.doesNotThrow(() => pipe.feed(text), `frame ${JSON.stringify(text)}`);
    }
    await flush();
    assert.equal(call.settled(), false);
    assert.deepEqual(values, []);
    assert.equal(pipe.refusals.length, 0);
    // The transport still works afterwards.
    pipe.feed(frame.event("app_ipc:update_counter", "[3]"));
    pipe.feed(frame.reply(1, '"contents of /a"'));
    assert.equal(await call.promise, "contents of /a");
    assert.deepEqual(values, [3]);
  });

  it("disconnect rejects every pending call with disconnected, and later calls too", async () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const controller = new AbortController();
    const calls = [api.openFile("/a"), api.slow(10, { timeoutMs: 1000 }), api.settingsOnly({ signal: controller.signal })];
    assert.equal(pipe.transport.pending, 3);
    pipe.transport.disconnect();
    assert.equal(pipe.transport.pending, 0);
    for (const call of calls) {
      assert.deepEqual(await detailOf(call), { kind: "disconnected" });
    }
    // No cancel is attempted over a closed pipe, and abort after the disconnect does nothing.
    controller.abort();
    assert.equal(pipe.posted.length, 3);
    // Later calls reject at once without posting.
    assert.deepEqual(await detailOf(api.openFile("/b")), { kind: "disconnected" });
    assert.equal(pipe.posted.length, 3);
    assert.equal(pipe.transport.pending, 0);
    // Later sends are reported as refusals, not thrown.
    assert.doesNotThrow(() => api.setTitle("gone"));
    assert.equal(pipe.posted.length, 3);
    assert.deepEqual(pipe.refusals.map((e) => [e.channel, e.detail]), [["app_ipc:set_title", { kind: "disconnected" }]]);
  });

  it("disconnect drops listeners", () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const values: number[] = [];
    const off = api.onUpdateCounter((value) => values.push(value));
    pipe.transport.disconnect();
    pipe.feed(frame.event("app_ipc:update_counter", "[1]"));
    assert.deepEqual(values, []);
    assert.doesNotThrow(off);
  });

  it("a listener that disconnects stops delivery to the listeners after it", () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const seen: string[] = [];
    api.onUpdateCounter((value) => {
      seen.push(`first ${value}`);
      pipe.transport.disconnect();
    });
    api.onUpdateCounter((value) => seen.push(`second ${value}`));
    pipe.feed(frame.event("app_ipc:update_counter", "[1]"));
    assert.deepEqual(seen, ["first 1"]);
  });

  it("a pipe whose post throws behaves as disconnected for that call", async () => {
    const refusals: IpcError[] = [];
    const transport = createEnvelopeTransport(
      () => {
        throw new Error("pipe broken");
      },
      { onRefusal: (error) => refusals.push(error) },
    );
    assert.deepEqual(await detailOf(transport.invoke("c", [])), { kind: "disconnected" });
    assert.equal(transport.pending, 0);
    transport.send("s", []);
    assert.deepEqual(refusals.map((e) => e.detail), [{ kind: "disconnected" }]);
  });

  it("a synchronous pipe may answer from inside post", async () => {
    const pipe = fakePipe({
      onPost: (wire, self) => {
        const message: unknown = decodeEnvelope(wire);
        if (typeof message === "object" && message !== null && "id" in message && typeof message.id === "number") {
          self.feed(frame.reply(message.id, '"sync"'));
        }
      },
    });
    assert.equal(await pipe.transport.invoke("c", []), "sync");
    assert.equal(pipe.transport.pending, 0);
  });

  it("a refused message without an id reaches onRefusal, never a pending call", async () => {
    const pipe = fakePipe();
    const call = track(pipe.transport.invoke("c", []));
    pipe.feed(frame.refusal('{"kind":"protocol","message":"malformed envelope: expected value at line 1 column 1"}'));
    pipe.feed(frame.refusal('{"kind":"too_large","size":9000000,"limit":8388608}'));
    pipe.feed(frame.refusal('{"kind":"unknown_channel","channel":"app_ipc:nope"}'));
    pipe.feed(frame.refusal('"garbage"'));
    await flush();
    assert.equal(call.settled(), false);
    assert.deepEqual(
      pipe.refusals.map((e) => e.detail),
      [
        { kind: "protocol", message: "malformed envelope: expected value at line 1 column 1" },
        { kind: "too_large", size: 9000000, limit: 8388608 },
        { kind: "unknown_channel", channel: "app_ipc:nope" },
        { kind: "protocol", message: "the main side sent an unreadable error" },
      ],
    );
    for (const refusal of pipe.refusals) {
      assert.ok(refusal instanceof IpcError);
      assert.equal(refusal.channel, "<main>");
    }
  });

  it("reports refusals with console.warn when no onRefusal is given", (t) => {
    const warn = t.mock.method(console, "warn", () => undefined);
    const transport = createEnvelopeTransport(() => undefined);
    transport.receive(frame.refusal('{"kind":"denied","channel":"app_ipc:set_title","origin":"null"}'));
    assert.equal(warn.mock.callCount(), 1);
    assert.match(String(warn.mock.calls[0]?.arguments[0]), /origin null is not allowed/);
  });

  it("IpcError is a real Error with a readable message for every kind", () => {
    const details: ReadonlyArray<IpcErrorDetail<unknown>> = [
      { kind: "handler", error: { kind: "notFound", path: "/x" } },
      { kind: "timeout", timeoutMs: 50 },
      { kind: "cancelled" },
      { kind: "denied", channel: "c", origin: "http://evil" },
      { kind: "invalid_input", channel: "c", message: "bad" },
      { kind: "unknown_channel", channel: "c" },
      { kind: "too_large", size: 2, limit: 1 },
      { kind: "protocol", message: "p" },
      { kind: "internal", message: "i" },
      { kind: "disconnected" },
      { kind: "version_mismatch", traitName: "T", expected: "00ff", actual: "11ee" },
      { kind: "version_mismatch", traitName: "T", expected: "00ff", actual: null },
    ];
    for (const detail of details) {
      const error = new IpcError("ch", detail);
      assert.ok(error instanceof Error);
      assert.equal(error.name, "IpcError");
      assert.equal(error.kind, detail.kind);
      assert.match(error.message, /^ch: \S/);
    }
    assert.equal(new IpcError("ch", { kind: "timeout", timeoutMs: 50 }).message, "ch: timed out after 50 ms");
    const mismatch = new IpcError("<connect>", { kind: "version_mismatch", traitName: "T", expected: "00ff", actual: null });
    assert.equal(
      mismatch.message,
      "<connect>: version mismatch: these T bindings have fingerprint (none), the main side serves 00ff; rebuild both from the same source",
    );
  });
});
