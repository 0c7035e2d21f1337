// Binary payloads in the bridge: `Uint8Array`s travel as attachments of a binary message, never as arrays of
// numbers, and come back as views of the received buffer. The layout is the one ipc-runtime's
// `binary::frame` writes (its Rust tests check the same bytes from the other side).

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { decodeEnvelope, encodeEnvelope } from "../bindings/ipc-bridge.js";
import { fakePipe } from "./pipe.js";

/** A binary message built by hand, the way the Rust side lays it out. */
function binaryMessage(envelope: string, attachments: Uint8Array[]): Uint8Array {
  const json = new TextEncoder().encode(envelope);
  const size = 8 + json.length + 4 * attachments.length + attachments.reduce((n, a) => n + a.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  view.setUint32(at, json.length);
  out.set(json, 4);
  at = 4 + json.length;
  view.setUint32(at, attachments.length);
  at += 4;
  for (const a of attachments) {
    view.setUint32(at, a.length);
    at += 4;
  }
  for (const a of attachments) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

describe("binary messages", () => {
  it("text stays text when there is nothing binary", () => {
    assert.equal(encodeEnvelope({ kind: "send", channel: "c", payload: [1] }), '{"kind":"send","channel":"c","payload":[1]}');
  });

  it("Uint8Arrays (and Node Buffers) become attachments with placeholders", () => {
    const a = new Uint8Array([1, 2, 3]);
    const b = Buffer.from("xyz");
    const encoded = encodeEnvelope({ kind: "invoke", id: 1, channel: "c", payload: [a, { inner: b }, "s"] });
    assert.ok(encoded instanceof Uint8Array);
    assert.deepEqual(
      encoded,
      binaryMessage('{"kind":"invoke","id":1,"channel":"c","payload":[{"$bin":0},{"inner":{"$bin":1}},"s"]}', [a, new Uint8Array(b)]),
    );
    const decoded = decodeEnvelope(encoded) as { payload: [Uint8Array, { inner: Uint8Array }, string] };
    assert.deepEqual([...decoded.payload[0]], [1, 2, 3]);
    assert.deepEqual([...decoded.payload[1].inner], [...b]);
    // A view of the received buffer, not a copy.
    assert.equal(decoded.payload[0].buffer, encoded.buffer);
  });

  it("a 16 MB attachment round-trips", () => {
    const big = new Uint8Array(16 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) {
      big[i] = i % 251;
    }
    const decoded = decodeEnvelope(encodeEnvelope({ kind: "reply", id: 9, payload: big })) as { payload: Uint8Array };
    assert.equal(decoded.payload.length, big.length);
    assert.equal(decoded.payload[4096 * 7], (4096 * 7) % 251);
  });

  it("placeholders are only read in binary messages", () => {
    assert.deepEqual(decodeEnvelope('{"payload":{"$bin":0}}'), { payload: { $bin: 0 } });
  });

  it("malformed binary messages throw, and the transport ignores them and keeps working", async () => {
    const good = binaryMessage('{"kind":"reply","id":1,"payload":{"$bin":0}}', [new Uint8Array([5])]);
    for (const bad of [
      good.subarray(0, 3),
      good.subarray(0, good.length - 1),
      binaryMessage('{"kind":"reply","id":1,"payload":[{"$bin":0},{"$bin":0}]}', [new Uint8Array([5])]),
      binaryMessage('{"kind":"reply","id":1,"payload":{"$bin":1}}', [new Uint8Array([5])]),
      new Uint8Array([...good, 0]),
    ]) {
      assert.throws(() => decodeEnvelope(bad));
    }
    const pipe = fakePipe();
    const reply = pipe.transport.invoke("c", [new Uint8Array([9, 9])]);
    const posted = pipe.posted[0];
    assert.ok(posted?.binary instanceof Uint8Array, "args with bytes go out as a binary message");
    assert.deepEqual(posted.message["payload"], [new Uint8Array([9, 9])]);
    pipe.feed(good.subarray(0, 5));
    assert.equal(pipe.transport.pending, 1);
    pipe.feed(good);
    assert.deepEqual([...((await reply) as Uint8Array)], [5]);
  });
});
