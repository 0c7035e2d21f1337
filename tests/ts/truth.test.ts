// The reverse truth test, TypeScript half: every case in truth.cases.ts goes through the real generated
// `createTruthApi` and bridge; the envelope each posts (text, or a binary message with its attachments) is
// written to dist/truth.posted.json. check.sh then runs tests/tests/truth_reverse.rs, which feeds each one to
// the real main-side dispatch and checks what the handler decoded.

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { describe, it } from "node:test";

import { createTruthApi } from "../bindings/Truth.js";
import { IpcError } from "../bindings/ipc-bridge.js";
import { cases, unencodable } from "./truth.cases.js";
import { fakePipe } from "./pipe.js";

/** Where the Rust half reads the envelopes (check.sh empties dist/ first, so it is never stale). */
const POSTED = new URL("../truth.posted.json", import.meta.url);

describe("truth: values built in TypeScript", () => {
  it("each case posts exactly one envelope, recorded for the Rust side", () => {
    const pipe = fakePipe();
    const api = createTruthApi(pipe.transport);
    const records = cases.map((c) => {
      const before = pipe.posted.length;
      const result = c.call(api);
      // Invokes stay pending: nothing answers them here.
      if (result instanceof Promise) {
        result.catch(() => undefined);
      }
      assert.equal(pipe.posted.length, before + 1, `${c.name}: one envelope`);
      const posted = pipe.posted[before];
      assert.ok(posted !== undefined);
      return posted.binary === undefined
        ? { case: c.name, text: posted.text }
        : { case: c.name, binary: Array.from(posted.binary) };
    });
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, "case names are unique");
    writeFileSync(POSTED, JSON.stringify(records));
  });
});

describe("truth: values JSON cannot carry", () => {
  it("are refused by the bridge with invalid_input, and nothing is posted", async () => {
    for (const c of unencodable) {
      const pipe = fakePipe();
      const api = createTruthApi(pipe.transport);
      const result = c.call(api);
      if (result instanceof Promise) {
        await assert.rejects(result, (error: unknown) => {
          assert.ok(error instanceof IpcError, `${c.name}: ${String(error)}`);
          assert.ok(error.detail.kind === "invalid_input", `${c.name}: ${error.detail.kind}`);
          assert.match(error.detail.message, /cannot cross JSON/, c.name);
          return true;
        });
      } else {
        // A send has no promise: the refusal goes to the transport's onRefusal.
        assert.deepEqual(pipe.refusals.map((e) => e.detail.kind), ["invalid_input"], c.name);
      }
      assert.equal(pipe.posted.length, 0, `${c.name}: nothing posted`);
      assert.equal(pipe.transport.pending, 0, `${c.name}: no call left pending`);
    }
  });
});
