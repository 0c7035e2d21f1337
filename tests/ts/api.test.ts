// Runtime tests of the generated `createAppIpcApi` / `createShapesApi` over the envelope bridge, fed the exact
// frames the Rust main side writes. Run by check.sh with `node --test` after compiling with tsconfig.build.json.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { AppIpcChannels, AppIpcFingerprint, createAppIpcApi, type OpenError } from "../bindings/AppIpc.js";
import { createShapesApi, ShapesFingerprint, type Drawing, type Point, type Shape } from "../bindings/Shapes.js";
import { IpcError, isIpcError } from "../bindings/ipc-bridge.js";
import { fakePipe, flush, frame, track } from "./pipe.js";

/** Asserts that `promise` rejects with an `IpcError` and returns it for further checks. */
async function rejection<E = unknown>(promise: Promise<unknown>): Promise<IpcError<E>> {
  try {
    await promise;
  } catch (error: unknown) {
    assert.ok(error instanceof IpcError, `expected an IpcError, got ${String(error)}`);
    assert.ok(error instanceof Error);
    assert.ok(isIpcError<E>(error));
    return error;
  }
  assert.fail("expected the call to reject");
}

describe("generated AppIpc api: invoke", () => {
  it("posts exactly the invoke envelope the Rust side parses and resolves with the reply payload", async () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const result = api.openFile("/a");
    assert.deepEqual(pipe.texts(), ['{"kind":"invoke","id":1,"channel":"app_ipc:open_file","payload":["/a"]}']);
    assert.equal(pipe.transport.pending, 1);
    pipe.feed(frame.reply(1, '"contents of /a"'));
    assert.equal(await result, "contents of /a");
    assert.equal(pipe.transport.pending, 0);
  });

  it("resolves Option::None as null and a unit reply as undefined", async () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const none = api.openFile("");
    pipe.feed(frame.reply(pipe.lastId(), "null"));
    assert.equal(await none, null);
    const unit = api.explode();
    assert.deepEqual(pipe.posted.at(-1)?.message, { kind: "invoke", id: 2, channel: "app_ipc:explode", payload: [] });
    pipe.feed(frame.reply(pipe.lastId(), "null"));
    assert.equal(await unit, undefined);
  });

  it("rejects a handler error with a typed IpcError whose detail keeps the handler's payload intact", async () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const first = api.openFile("/a");
    const second = api.openFile("/x");
    assert.equal(pipe.lastId(), 2);
    pipe.feed(frame.error(2, '{"kind":"handler","error":{"kind":"notFound","path":"/x"}}'));
    const error = await rejection<OpenError>(second);
    assert.equal(error.name, "IpcError");
    assert.equal(error.channel, "app_ipc:open_file");
    assert.equal(error.kind, "handler");
    assert.deepEqual(error.detail, { kind: "handler", error: { kind: "notFound", path: "/x" } });
    assert.match(error.message, /^app_ipc:open_file: handler error/);
    // Narrowing works at run time the way the types say.
    const detail = error.detail;
    assert.ok(detail.kind === "handler" && detail.error.kind === "notFound" && detail.error.path === "/x");
    // The other call is untouched.
    assert.equal(pipe.transport.pending, 1);
    pipe.feed(frame.error(1, '{"kind":"handler","error":{"kind":"permissionDenied"}}'));
    assert.deepEqual((await rejection(first)).detail, { kind: "handler", error: { kind: "permissionDenied" } });
  });

  it("rebuilds every runtime error kind the Rust side sends", async () => {
    const cases: ReadonlyArray<readonly [string, object]> = [
      ['{"kind":"timeout","timeoutMs":30000}', { kind: "timeout", timeoutMs: 30000 }],
      ['{"kind":"cancelled"}', { kind: "cancelled" }],
      [
        '{"kind":"denied","channel":"app_ipc:settings_only","origin":"app://main"}',
        { kind: "denied", channel: "app_ipc:settings_only", origin: "app://main" },
      ],
      [
        '{"kind":"invalid_input","channel":"app_ipc:open_file","message":"invalid type: integer `1`, expected a string"}',
        { kind: "invalid_input", channel: "app_ipc:open_file", message: "invalid type: integer `1`, expected a string" },
      ],
      ['{"kind":"unknown_channel","channel":"app_ipc:open_file"}', { kind: "unknown_channel", channel: "app_ipc:open_file" }],
      ['{"kind":"too_large","size":9000000,"limit":8388608}', { kind: "too_large", size: 9000000, limit: 8388608 }],
      ['{"kind":"protocol","message":"request id 1 is already in flight"}', { kind: "protocol", message: "request id 1 is already in flight" }],
      ['{"kind":"internal","message":"the handler panicked"}', { kind: "internal", message: "the handler panicked" }],
      ['{"kind":"disconnected"}', { kind: "disconnected" }],
      [
        '{"kind":"version_mismatch","traitName":"AppIpc","expected":"00112233445566ff","actual":null}',
        { kind: "version_mismatch", traitName: "AppIpc", expected: "00112233445566ff", actual: null },
      ],
    ];
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    for (const [wire, detail] of cases) {
      const call = api.settingsOnly();
      pipe.feed(frame.error(pipe.lastId(), wire));
      const error = await rejection(call);
      assert.deepEqual(error.detail, detail);
      assert.equal(error.channel, "app_ipc:settings_only");
    }
  });

  it("each factory carries its own bindings' fingerprint, which connectors present", () => {
    assert.equal(createAppIpcApi.fingerprint, AppIpcFingerprint);
    assert.equal(createShapesApi.fingerprint, ShapesFingerprint);
    for (const fingerprint of [AppIpcFingerprint, ShapesFingerprint]) {
      assert.match(fingerprint, /^[0-9a-f]{16}$/);
    }
    assert.notEqual(AppIpcFingerprint, ShapesFingerprint);
  });

  it("turns an unreadable error into a protocol error", async () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    for (const wire of ['"nope"', '{"kind":"exploded"}', "null", '["handler"]']) {
      const call = api.frameFriendly();
      pipe.feed(frame.error(pipe.lastId(), wire));
      assert.deepEqual((await rejection(call)).detail, { kind: "protocol", message: "the main side sent an unreadable error" });
    }
  });

  it("timeoutMs rejects with kind timeout exactly at the deadline and posts a cancel", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const call = track(api.slow(1000, { timeoutMs: 50 }));
    assert.deepEqual(pipe.texts(), ['{"kind":"invoke","id":1,"channel":"app_ipc:slow","payload":[1000],"timeoutMs":50}']);
    t.mock.timers.tick(49);
    await flush();
    assert.equal(call.settled(), false);
    assert.equal(pipe.posted.length, 1);
    t.mock.timers.tick(1);
    const error = await rejection(call.promise);
    assert.deepEqual(error.detail, { kind: "timeout", timeoutMs: 50 });
    assert.equal(error.channel, "app_ipc:slow");
    assert.deepEqual(pipe.texts().slice(1), ['{"kind":"cancel","id":1}']);
    assert.equal(pipe.transport.pending, 0);
    // The main side's own timeout error (or a late reply) for that id is ignored.
    pipe.feed(frame.error(1, '{"kind":"timeout","timeoutMs":50}'));
    pipe.feed(frame.reply(1, "1000"));
    assert.equal(pipe.refusals.length, 0);
  });

  it("a reply before the deadline wins, clears the timer and posts no cancel", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const call = api.slow(5, { timeoutMs: 50 });
    pipe.feed(frame.reply(1, "5"));
    assert.equal(await call, 5);
    t.mock.timers.tick(1000);
    assert.equal(pipe.posted.length, 1);
  });

  it("the main side's timeout error rejects with kind timeout", async () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const call = api.slow(1000);
    pipe.feed(frame.error(1, '{"kind":"timeout","timeoutMs":50}'));
    assert.deepEqual((await rejection(call)).detail, { kind: "timeout", timeoutMs: 50 });
    assert.equal(pipe.posted.length, 1, "no cancel for a call the main side already ended");
  });

  it("aborting the signal rejects with kind cancelled and posts a cancel", async () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const controller = new AbortController();
    const call = api.openFile("/big", { signal: controller.signal });
    controller.abort();
    const error = await rejection(call);
    assert.deepEqual(error.detail, { kind: "cancelled" });
    assert.deepEqual(pipe.texts().slice(1), ['{"kind":"cancel","id":1}']);
    assert.equal(pipe.transport.pending, 0);
    controller.abort();
    assert.equal(pipe.posted.length, 2, "a second abort posts nothing");
  });

  it("an already-aborted signal rejects without posting anything", async () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const error = await rejection(api.openFile("/a", { signal: AbortSignal.abort() }));
    assert.deepEqual(error.detail, { kind: "cancelled" });
    assert.equal(pipe.posted.length, 0);
    assert.equal(pipe.transport.pending, 0);
  });

  it("aborting after the reply changes nothing and posts no cancel", async () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const controller = new AbortController();
    const call = api.openFile("/a", { signal: controller.signal });
    pipe.feed(frame.reply(1, '"contents of /a"'));
    assert.equal(await call, "contents of /a");
    controller.abort();
    assert.equal(pipe.posted.length, 1);
  });

  it("refuses a timeoutMs the main side would not accept, without posting", async () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    for (const timeoutMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, 2 ** 32]) {
      const error = await rejection(api.slow(1, { timeoutMs }));
      assert.equal(error.detail.kind, "invalid_input", `timeoutMs ${timeoutMs}`);
    }
    assert.equal(pipe.posted.length, 0);
    // The largest value a browser or Node timer can hold is accepted.
    const call = api.slow(1, { timeoutMs: 2 ** 31 - 1 });
    assert.equal(pipe.posted.at(-1)?.message["timeoutMs"], 2 ** 31 - 1);
    pipe.feed(frame.reply(pipe.lastId(), "1"));
    assert.equal(await call, 1);
  });

  it("accepts explicitly undefined options (exactOptionalPropertyTypes callers)", async () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const call = api.openFile("/a", { signal: undefined, timeoutMs: undefined });
    assert.deepEqual(pipe.texts(), ['{"kind":"invoke","id":1,"channel":"app_ipc:open_file","payload":["/a"]}']);
    pipe.feed(frame.reply(1, '"x"'));
    assert.equal(await call, "x");
  });

  it("correlates out-of-order replies to the right calls", async () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const a = api.openFile("/a");
    const b = api.slow(7);
    const c = api.settingsOnly();
    pipe.feed(frame.reply(3, '"app://settings"'));
    pipe.feed(frame.reply(1, '"contents of /a"'));
    pipe.feed(frame.reply(2, "7"));
    assert.deepEqual(await Promise.all([a, b, c]), ["contents of /a", 7, "app://settings"]);
  });
});

describe("generated AppIpc api: send", () => {
  it("posts a send envelope with the arguments as the payload array and returns nothing", () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    assert.equal(api.setTitle("My \"title\""), undefined);
    api.counterValue(-3);
    assert.deepEqual(pipe.texts(), [
      '{"kind":"send","channel":"app_ipc:set_title","payload":["My \\"title\\""]}',
      '{"kind":"send","channel":"app_ipc:counter_value","payload":[-3]}',
    ]);
    assert.equal(pipe.transport.pending, 0);
  });

  it("a refused send (error envelope without an id) reaches onRefusal", () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    api.setTitle("x");
    pipe.feed(frame.refusal('{"kind":"denied","channel":"app_ipc:set_title","origin":"http://evil.example"}'));
    assert.equal(pipe.refusals.length, 1);
    const [refusal] = pipe.refusals;
    assert.ok(refusal instanceof IpcError);
    assert.equal(refusal.channel, "<main>");
    assert.deepEqual(refusal.detail, { kind: "denied", channel: "app_ipc:set_title", origin: "http://evil.example" });
  });
});

describe("generated AppIpc api: events", () => {
  it("passes the listener the payload only, as its arguments", () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const calls: unknown[][] = [];
    const off = api.onUpdateCounter((...args: unknown[]) => {
      calls.push(args);
    });
    assert.equal(typeof off, "function");
    pipe.feed(frame.event("app_ipc:update_counter", "[1]"));
    pipe.feed(frame.event("app_ipc:update_counter", "[-2]"));
    assert.deepEqual(calls, [[1], [-2]]);
    assert.equal(pipe.posted.length, 0, "subscribing posts nothing");
  });

  it("does not deliver other channels' events", () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const values: number[] = [];
    api.onUpdateCounter((value) => values.push(value));
    pipe.feed(frame.event("app_ipc:counter_value", "[1]"));
    pipe.feed(frame.event("draw:moved", '[{"type":"empty"},{"xPos":1.0,"yPos":2.0}]'));
    assert.deepEqual(values, []);
  });

  it("unsubscribe stops delivery, is idempotent and leaves other listeners alone", () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const first: number[] = [];
    const second: number[] = [];
    const offFirst = api.onUpdateCounter((value) => first.push(value));
    api.onUpdateCounter((value) => second.push(value));
    pipe.feed(frame.event("app_ipc:update_counter", "[1]"));
    offFirst();
    offFirst();
    pipe.feed(frame.event("app_ipc:update_counter", "[2]"));
    assert.deepEqual(first, [1]);
    assert.deepEqual(second, [1, 2]);
  });

  it("subscribing the same function twice gives two independent subscriptions", () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const values: number[] = [];
    const listener = (value: number): void => {
      values.push(value);
    };
    const offOne = api.onUpdateCounter(listener);
    api.onUpdateCounter(listener);
    pipe.feed(frame.event("app_ipc:update_counter", "[1]"));
    offOne();
    pipe.feed(frame.event("app_ipc:update_counter", "[2]"));
    assert.deepEqual(values, [1, 1, 2]);
  });

  it("a listener unsubscribed by an earlier listener during delivery is not called", () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const seen: string[] = [];
    api.onUpdateCounter((value) => {
      seen.push(`first ${value}`);
      offSecond();
    });
    const offSecond = api.onUpdateCounter((value) => {
      seen.push(`second ${value}`);
    });
    pipe.feed(frame.event("app_ipc:update_counter", "[1]"));
    assert.deepEqual(seen, ["first 1"]);
  });

  it("a listener subscribed during delivery gets the next event, not the current one", () => {
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const seen: string[] = [];
    let added = false;
    api.onUpdateCounter((value) => {
      seen.push(`outer ${value}`);
      if (!added) {
        added = true;
        api.onUpdateCounter((inner) => seen.push(`inner ${inner}`));
      }
    });
    pipe.feed(frame.event("app_ipc:update_counter", "[1]"));
    pipe.feed(frame.event("app_ipc:update_counter", "[2]"));
    assert.deepEqual(seen, ["outer 1", "outer 2", "inner 2"]);
  });

  it("a throwing listener does not stop the others, and its error is rethrown asynchronously", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const pipe = fakePipe();
    const api = createAppIpcApi(pipe.transport);
    const values: number[] = [];
    api.onUpdateCounter(() => {
      throw new Error("listener bug");
    });
    api.onUpdateCounter((value) => values.push(value));
    assert.doesNotThrow(() => pipe.feed(frame.event("app_ipc:update_counter", "[5]")));
    assert.deepEqual(values, [5]);
    // The error is not swallowed: it surfaces on a later task, like an uncaught error in an event handler.
    assert.throws(() => t.mock.timers.tick(0), /listener bug/);
  });

  it("the api object is frozen: renderer code cannot swap a channel function", () => {
    const api = createAppIpcApi(fakePipe().transport);
    assert.ok(Object.isFrozen(api));
    assert.throws(() => {
      Object.assign(api, { openFile: () => Promise.resolve("forged") });
    }, TypeError);
    assert.deepEqual(Object.keys(api).sort(), Object.keys(AppIpcChannels).sort());
  });
});

describe("generated Shapes api", () => {
  it("sends several arguments in order and returns the tagged reply", async () => {
    const pipe = fakePipe();
    const api = createShapesApi(pipe.transport);
    const circle: Shape = { type: "circle", data: { center: { xPos: 1, yPos: 2 }, radius: 3 } };
    const call = api.place(circle, "Red", null);
    assert.deepEqual(pipe.texts(), [
      '{"kind":"invoke","id":1,"channel":"draw:place","payload":[{"type":"circle","data":{"center":{"xPos":1,"yPos":2},"radius":3}},"Red",null]}',
    ]);
    pipe.feed(frame.reply(1, '{"type":"circle","data":{"center":{"xPos":1.0,"yPos":2.0},"radius":6.0}}'));
    assert.deepEqual(await call, { type: "circle", data: { center: { xPos: 1, yPos: 2 }, radius: 6 } });
  });

  it("uses the renamed wire name and rejects with the externally tagged handler error", async () => {
    const pipe = fakePipe();
    const api = createShapesApi(pipe.transport);
    const drawing: Drawing = { shapes: [], labels: { a: null }, palette: { Red: 1 }, anchor: [1, -1], "z-index": 3 };
    const call = api.summarise(drawing);
    assert.equal(pipe.posted[0]?.message["channel"], "draw:summarise-v2");
    pipe.feed(frame.error(1, '{"kind":"handler","error":"Empty"}'));
    assert.deepEqual((await rejection(call)).detail, { kind: "handler", error: "Empty" });
    const big = api.summarise(drawing);
    pipe.feed(frame.error(2, '{"kind":"handler","error":{"TooManyShapes":101}}'));
    assert.deepEqual((await rejection(big)).detail, { kind: "handler", error: { TooManyShapes: 101 } });
  });

  it("spreads several event arguments and calls a no-argument listener with none", () => {
    const pipe = fakePipe();
    const api = createShapesApi(pipe.transport);
    const moved: unknown[][] = [];
    const cleared: unknown[][] = [];
    api.onMoved((...args: unknown[]) => {
      moved.push(args);
    });
    api.onCleared((...args: unknown[]) => {
      cleared.push(args);
    });
    pipe.feed(frame.event("draw:moved", '[{"type":"empty"},{"xPos":5.0,"yPos":6.0}]'));
    pipe.feed(frame.event("draw:cleared", "[]"));
    const to: Point = { xPos: 5, yPos: 6 };
    assert.deepEqual(moved, [[{ type: "empty" }, to]]);
    assert.deepEqual(cleared, [[]]);
  });
});
