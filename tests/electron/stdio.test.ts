// The stdio core client (ipc-electron-stdio.ts) against the REAL Rust core (target/debug/examples/stdio_core),
// without the glue: back-pressure (`backlog`, `maxBacklogBytes`), how a stop is reported (`exited`'s
// `expected`), refusals that name their call (`failed`, and `too_large` envelopes for frames over the core's
// limit), and `validate` envelopes answered by the core.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { afterEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { CoreIpcFingerprint } from "./bindings/CoreIpc.js";
import { decodeEnvelope, encodeEnvelope, type WireMessage } from "./bindings/ipc-bridge.js";
import type { CoreReceiver, CoreStop } from "./bindings/ipc-electron-core.js";
import { spawnCore, type CoreProcess, type SpawnCoreOptions } from "./bindings/ipc-electron-stdio.js";

const CORE = process.env["IPC_STDIO_CORE"]
  ?? fileURLToPath(new URL("../../../target/debug/examples/stdio_core", import.meta.url));
if (!existsSync(CORE)) {
  throw new Error(`${CORE} is missing: run \`cargo build -p ipc-examples --example stdio_core\``);
}

/** The core's envelope limit at its defaults (`Limits::max_message_bytes`), and its frame limit. */
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
const MAX_FRAME_BYTES = 2 * MAX_MESSAGE_BYTES + 1024;

/** Everything a core sent, in order. */
interface Seen {
  readonly messages: { readonly key: number; readonly envelope: Record<string, unknown> }[];
  readonly stops: { readonly reason: string; readonly stop: CoreStop }[];
  readonly failures: { readonly key: number; readonly id: number | undefined; readonly error: unknown }[];
  restarts: number;
}

const cores: CoreProcess[] = [];

afterEach(async () => {
  for (const core of cores.splice(0)) {
    core.shutdown();
    await core.exited;
  }
});

function start(options: SpawnCoreOptions = {}, withFailed = true): { core: CoreProcess; seen: Seen } {
  const core = spawnCore(CORE, { stderr: "ignore", ...options });
  cores.push(core);
  const seen: Seen = { messages: [], stops: [], failures: [], restarts: 0 };
  const receiver: CoreReceiver = {
    message(key, message) {
      seen.messages.push({ key, envelope: decodeEnvelope(message) as Record<string, unknown> });
    },
    exited(reason, stop) {
      seen.stops.push({ reason, stop });
    },
    restarted() {
      seen.restarts += 1;
    },
    refused() {
      assert.fail("the core refused an open with the right fingerprint");
    },
  };
  if (withFailed) {
    receiver.failed = (key, id, error) => {
      seen.failures.push({ key, id, error });
    };
  }
  core.connect(receiver);
  return { core, seen };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting for ${what}`);
    }
    await sleep(5);
  }
}

/** An invoke envelope in the bridges' field order (`kind`, then `id`): what the core reads ids from. */
function invoke(id: number, channel: string, args: readonly unknown[]): WireMessage {
  return encodeEnvelope({ kind: "invoke", id, channel, payload: args });
}

/** Captures `console.warn` while `body` runs (it sees the lines so far). */
async function warnings(body: (lines: readonly string[]) => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  };
  try {
    await body(lines);
  } finally {
    console.warn = original;
  }
  return lines;
}

describe("stdio core client against the real stdio core", () => {
  it("reports its backlog, refuses envelopes past maxBacklogBytes, and every one it took is answered", async () => {
    const maxBacklogBytes = 4 * 1024 * 1024;
    const { core, seen } = start({ maxBacklogBytes });
    core.open(1, "app://main", true, CoreIpcFingerprint);
    assert.equal(core.backlog, 0);
    const text = "x".repeat(1024 * 1024);
    const taken: number[] = [];
    const refused: number[] = [];
    let peak = 0;
    // All in one tick: the core cannot read any of it before the loop ends, so the bytes wait in stdin.
    for (let id = 1; id <= 16; id += 1) {
      if (core.message(1, invoke(id, "core:echo", [text]))) {
        taken.push(id);
      } else {
        refused.push(id);
      }
      peak = Math.max(peak, core.backlog);
    }
    assert.ok(core.backlog > 0, "what the pipe did not take waits in the backlog");
    assert.ok(refused.length > 0, "envelopes past the bound are refused");
    assert.ok(taken.length >= 3, `${taken.length} taken`);
    // Bounded: never more than the bound plus one frame.
    assert.ok(peak <= maxBacklogBytes + text.length + 1024, `peak backlog ${peak}`);
    // The control frames always go through, even now.
    core.open(2, "app://main", true, CoreIpcFingerprint);
    await until("the backlog to drain", () => core.backlog === 0);
    await until("every taken call to be answered", () => seen.messages.filter((m) => m.envelope["kind"] === "reply").length === taken.length);
    const answered = seen.messages.filter((m) => m.envelope["kind"] === "reply").map((m) => m.envelope["id"]);
    assert.deepEqual(answered, taken);
    // Drained, the core takes envelopes again; caller 2's open got through.
    assert.equal(core.message(2, invoke(99, "core:echo", ["again"])), true);
    await until("the reply after draining", () => seen.messages.some((m) => m.envelope["id"] === 99));
    const again = seen.messages.find((m) => m.envelope["id"] === 99);
    assert.equal(again?.key, 2);
    assert.match(String(again?.envelope["payload"]), /^again \(caller/);
  });

  it("a shutdown is reported as expected, once the core exited with 0, and prints nothing", async () => {
    const { core, seen } = start();
    core.open(1, "app://main", true, CoreIpcFingerprint);
    core.message(1, invoke(1, "core:sleep", [60_000]));
    const printed = await warnings(async () => {
      await sleep(50);
      core.shutdown();
      const exit = await core.exited;
      assert.deepEqual(exit, { code: 0, signal: null });
    });
    assert.deepEqual(printed, []);
    assert.equal(seen.stops.length, 1);
    assert.deepEqual(seen.stops[0]?.stop, { expected: true, restarting: false });
    // The running call was answered before the core exited.
    assert.deepEqual(seen.messages.map((m) => m.envelope), [{ kind: "error", id: 1, error: { kind: "cancelled" } }]);
    assert.equal(core.message(1, invoke(2, "core:echo", ["late"])), false, "a stopped core takes nothing");
    assert.equal(core.backlog, 0);
    // A receiver connected later hears the same.
    const late: CoreStop[] = [];
    core.connect({ message() {}, exited: (_reason, stop) => late.push(stop), restarted() {}, refused() {} });
    assert.deepEqual(late, [{ expected: true, restarting: false }]);
  });

  it("a core that dies is reported as unexpected, with whether a restart follows", async () => {
    const { core, seen } = start({ restart: { maxRestarts: 1, delayMs: 10 } });
    const printed = await warnings(async () => {
      core.child.kill("SIGKILL");
      await until("the first stop", () => seen.stops.length === 1);
      await until("the restart", () => seen.restarts === 1);
      core.child.kill("SIGKILL");
      await until("the second stop", () => seen.stops.length === 2);
      await core.exited;
    });
    assert.deepEqual(seen.stops.map((s) => s.stop), [
      { expected: false, restarting: true },
      { expected: false, restarting: false },
    ]);
    assert.equal(printed.length, 1, "the restart is announced");
    assert.match(printed[0] ?? "", /restarting it \(1 of 1\)/);
  });

  it("an envelope over the core's frame limit is answered too_large with its id", async () => {
    const { core, seen } = start();
    core.open(1, "app://main", true, CoreIpcFingerprint);
    const big = "x".repeat(MAX_FRAME_BYTES);
    const oversized = invoke(7, "core:echo", [big]);
    const size = typeof oversized === "string" ? Buffer.byteLength(oversized) : oversized.length;
    assert.equal(core.message(1, oversized), true);
    await until("the refusal", () => seen.messages.length === 1);
    assert.deepEqual(seen.messages[0], {
      key: 1,
      envelope: { kind: "error", id: 7, error: { kind: "too_large", size, limit: MAX_MESSAGE_BYTES } },
    });
    // The same frame for a key the core does not have: `failed`, naming the key and the call.
    core.message(5, oversized);
    await until("the failure", () => seen.failures.length === 1);
    assert.deepEqual(seen.failures[0], { key: 5, id: 7, error: { kind: "too_large", size, limit: MAX_MESSAGE_BYTES } });
    // The core keeps serving.
    core.message(1, invoke(8, "core:echo", ["after"]));
    await until("the next reply", () => seen.messages.some((m) => m.envelope["kind"] === "reply"));
    assert.equal(seen.messages.find((m) => m.envelope["kind"] === "reply")?.envelope["id"], 8);
  });

  it("an envelope for a key the core does not have open is failed with its id", async () => {
    const { core, seen } = start();
    core.open(1, "app://main", true, CoreIpcFingerprint);
    core.close(1);
    core.message(1, invoke(3, "core:echo", ["after close"]));
    core.message(2, encodeEnvelope({ kind: "send", channel: "core:note", payload: ["never opened"] }));
    await until("both failures", () => seen.failures.length === 2);
    const [closed, never] = seen.failures;
    assert.equal(closed?.key, 1);
    assert.equal(closed?.id, 3, "the invoke is named: the glue settles it");
    assert.equal((closed?.error as Record<string, unknown>)["kind"], "protocol");
    assert.equal(never?.key, 2);
    assert.equal(never?.id, undefined, "a send has no call to settle");
    assert.equal((never?.error as Record<string, unknown>)["kind"], "protocol");
    assert.deepEqual(seen.messages, []);
  });

  it("without a `failed` receiver, a refusal is logged naming its caller and call", async () => {
    const { core } = start({}, false);
    const printed = await warnings(async (lines) => {
      core.message(4, invoke(11, "core:echo", ["nobody"]));
      await until("the warning", () => lines.length > 0);
    });
    assert.equal(printed.length, 1);
    assert.match(printed[0] ?? "", /caller 4 \(call 11\): no open caller 4/);
  });

  it("validate envelopes: the arguments as a Rust handler would get them, or the invoke's refusal", async () => {
    const { core, seen } = start();
    core.open(1, "app://main", true, CoreIpcFingerprint);
    core.message(1, encodeEnvelope({ kind: "validate", id: 1, channel: "core:echo", payload: ["hi"] }));
    const data = new Uint8Array([1, 2, 3, 250]);
    core.message(1, encodeEnvelope({ kind: "validate", id: 2, channel: "core:reverse_bytes", payload: [data] }));
    core.message(1, encodeEnvelope({ kind: "validate", id: 3, channel: "core:echo", payload: [7] }));
    core.message(1, encodeEnvelope({ kind: "validate", id: 4, channel: "core:echoed", payload: ["x"] }));
    await until("four answers", () => seen.messages.length === 4);
    const [echo, bytes, wrong, event] = seen.messages.map((m) => m.envelope);
    assert.deepEqual(echo, { kind: "reply", id: 1, payload: ["hi"] });
    assert.equal(bytes?.["id"], 2);
    const [first] = bytes?.["payload"] as unknown[];
    assert.ok(first instanceof Uint8Array, "bytes come back as an attachment");
    assert.deepEqual([...first], [...data]);
    assert.equal((wrong?.["error"] as Record<string, unknown>)["kind"], "invalid_input");
    assert.equal((event?.["error"] as Record<string, unknown>)["kind"], "unknown_channel");
  });
});
