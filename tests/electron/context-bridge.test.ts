// What the contextBridge stand-in (context-bridge.ts) does with each kind of value, case by case, against what
// Electron 34's electron_api_context_bridge.cc does (see the list at the top of context-bridge.ts).

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { copyAcross, createContextBridge } from "./context-bridge.js";

type Fn = (...args: unknown[]) => unknown;

/** Exposes `api` on a fresh main world and returns what the page sees. */
function expose(api: unknown): unknown {
  const main: Record<string, unknown> = {};
  createContextBridge(main).exposeInMainWorld("api", api);
  return main["api"];
}

const toMain = (value: unknown): unknown => copyAcross(value, "isolated", "main");

/** A chain of `levels` nested objects: { next: { next: ... { leaf: 1 } } }. */
function nested(levels: number): object {
  let value: object = { leaf: 1 };
  for (let i = 1; i < levels; i++) {
    value = { next: value };
  }
  return value;
}

describe("contextBridge stand-in: values", () => {
  it("passes primitives as they are, symbols and bigints included", () => {
    const symbol = Symbol("s");
    for (const value of ["s", 1.5, true, null, undefined, symbol, 10n]) {
      assert.equal(toMain(value), value);
    }
  });

  it("copies plain objects and arrays deeply: own enumerable keys (symbols too), getters read, prototypes dropped", () => {
    class Point {
      constructor(readonly x: number) {}
      norm(): number {
        return Math.abs(this.x);
      }
    }
    const key = Symbol("k");
    const source = {
      nested: { list: [1, { deep: "yes" }] },
      point: new Point(-2),
      [key]: "symbol-keyed",
      get computed(): string {
        return "read at copy time";
      },
    };
    Object.defineProperty(source, "hidden", { value: 1, enumerable: false });
    const copy = toMain(source) as typeof source & { hidden?: number };
    assert.notEqual(copy, source);
    assert.notEqual(copy.nested, source.nested);
    assert.notEqual(copy.nested.list, source.nested.list);
    assert.deepEqual(copy.nested, { list: [1, { deep: "yes" }] });
    assert.equal(copy[key], "symbol-keyed");
    assert.equal(Object.getOwnPropertyDescriptor(copy, "computed")?.value, "read at copy time");
    assert.equal(copy.hidden, undefined);
    assert.equal(Object.getPrototypeOf(copy.point), Object.prototype);
    assert.deepEqual({ ...copy.point }, { x: -2 });
    source.nested.list.push(3);
    assert.equal(copy.nested.list.length, 2, "a copy, not a view");
  });

  it("keeps shared references and cycles through objects", () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic["self"] = cyclic;
    cyclic["list"] = [cyclic];
    const copy = toMain(cyclic) as { shared: object; again: object; self: object; list: object[] };
    assert.notEqual(copy, cyclic);
    assert.equal(copy.self, copy);
    assert.equal(copy.list[0], copy);
    assert.equal(copy.shared, copy.again);
  });

  it("an array that contains itself runs into Electron's depth limit (arrays are recorded once copied)", () => {
    const array: unknown[] = [];
    array.push(array);
    assert.throws(() => toMain(array), { name: "TypeError", message: /recursion depth exceeded.*deeper than 1000/ });
  });

  it("refuses nesting past 1000 levels of recursion (an object counts two, as in Electron)", () => {
    assert.deepEqual(JSON.stringify(toMain(nested(499))), JSON.stringify(nested(499)));
    assert.throws(() => toMain(nested(500)), /Electron contextBridge recursion depth exceeded/);
  });

  it("structured-clones Map, Set, Date, RegExp and typed arrays", () => {
    const map = new Map<string, unknown>([["a", { b: 1 }]]);
    const set = new Set([1, 2]);
    const date = new Date(1_700_000_000_000);
    const regexp = /ab+c/gi;
    const bytes = new Uint8Array([1, 2, 250]);
    const copy = toMain({ map, set, date, regexp, bytes }) as {
      map: Map<string, unknown>; set: Set<number>; date: Date; regexp: RegExp; bytes: Uint8Array;
    };
    assert.ok(copy.map instanceof Map && copy.map !== map);
    assert.deepEqual([...copy.map], [["a", { b: 1 }]]);
    assert.ok(copy.set instanceof Set && copy.set !== set);
    assert.deepEqual([...copy.set], [1, 2]);
    assert.ok(copy.date instanceof Date && copy.date !== date && copy.date.getTime() === date.getTime());
    assert.ok(copy.regexp instanceof RegExp && copy.regexp !== regexp);
    assert.equal(copy.regexp.source, "ab+c");
    assert.equal(copy.regexp.flags, "gi");
    assert.ok(copy.bytes instanceof Uint8Array && copy.bytes.buffer !== bytes.buffer);
    assert.deepEqual([...copy.bytes], [1, 2, 250]);
  });

  it("a structured clone cannot hold a function (a Map of functions is refused)", () => {
    assert.throws(() => toMain(new Map([["f", () => 1]])), { name: "DataCloneError" });
  });

  it("refuses Proxies with a DataCloneError, revocable ones too; a callable Proxy is proxied like a function", () => {
    assert.throws(() => toMain(new Proxy({ a: 1 }, {})), { name: "DataCloneError", message: /could not be cloned/ });
    assert.throws(() => toMain({ inner: [Proxy.revocable({}, {}).proxy] }), { name: "DataCloneError" });
    assert.throws(() => expose({ p: new Proxy({}, {}) }), { name: "DataCloneError" });
    const callable = toMain(new Proxy(() => "called", {})) as Fn;
    assert.equal(callable(), "called");
  });

  it("rebuilds an Error from its message alone: class and custom properties are lost", () => {
    const error = Object.assign(new TypeError("boom"), { kind: "handler", detail: { a: 1 } });
    const copy = toMain({ error }) as { error: Error & { kind?: string } };
    assert.ok(copy.error instanceof Error);
    assert.notEqual(copy.error, error);
    assert.equal(Object.getPrototypeOf(copy.error), Error.prototype);
    assert.equal(copy.error.message, "boom");
    assert.equal(copy.error.kind, undefined);
  });
});

describe("contextBridge stand-in: functions", () => {
  it("proxies functions: arguments and results are copies, and the receiver is the object they were on", () => {
    const seen: unknown[] = [];
    const api = {
      count: 2,
      take(value: unknown): unknown {
        seen.push(value);
        return { got: value, count: (this as { count: number }).count };
      },
    };
    const exposed = expose(api) as { take: Fn };
    assert.notEqual(exposed.take, api.take);
    const argument = { a: [1] };
    const result = exposed.take(argument) as { got: { a: number[] }; count: number };
    assert.notEqual(seen[0], argument);
    assert.deepEqual(seen[0], argument);
    assert.equal(result.count, 2);
    assert.notEqual(result.got, seen[0], "the result is copied back too");
    assert.deepEqual(result.got, { a: [1] });
  });

  it("proxies callbacks passed the other way, and unwraps a proxy sent back to its own side", () => {
    let stored: Fn | undefined;
    const api = {
      subscribe(listener: Fn): void {
        stored = listener;
      },
      echo: (value: unknown): unknown => value,
    };
    const exposed = expose(api) as { subscribe: Fn; echo: Fn };
    const received: unknown[] = [];
    const listener = (value: unknown): void => {
      received.push(value);
    };
    exposed.subscribe(listener);
    assert.ok(stored !== undefined && stored !== listener);
    const payload = { n: 1 };
    stored(payload);
    assert.deepEqual(received, [{ n: 1 }]);
    assert.notEqual(received[0], payload);
    assert.equal(exposed.echo(listener), listener, "a page function through the bridge and back is itself");
  });

  it("a throw arrives as a new Error with the thrown value's message only", () => {
    const exposed = expose({
      throwsError: () => {
        throw Object.assign(new RangeError("out of range"), { code: 7 });
      },
      throwsObject: () => {
        throw { kind: "handler", message: "plain message" };
      },
      throwsString: () => {
        throw "text"; // eslint-disable-line no-throw-literal
      },
    }) as Record<string, Fn>;
    const caught = (fn: Fn | undefined): unknown => {
      try {
        fn?.();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const error = caught(exposed["throwsError"]) as Error & { code?: number };
    assert.equal(Object.getPrototypeOf(error), Error.prototype);
    assert.equal(error.message, "out of range");
    assert.equal(error.code, undefined);
    const fromObject = caught(exposed["throwsObject"]) as Error & { kind?: string };
    assert.ok(fromObject instanceof Error);
    assert.equal(fromObject.message, "plain message");
    assert.equal(fromObject.kind, undefined);
    assert.match((caught(exposed["throwsString"]) as Error).message, /a valid exception was not thrown/);
  });

  it("a result the bridge cannot copy becomes an Error at the caller", () => {
    const exposed = expose({ leak: () => new Proxy({}, {}) }) as { leak: Fn };
    assert.throws(() => exposed.leak(), (error: unknown) =>
      error instanceof Error && Object.getPrototypeOf(error) === Error.prototype && /could not be cloned/.test(error.message));
  });
});

describe("contextBridge stand-in: promises", () => {
  it("resolves with a copy of the value", async () => {
    const value = { path: "/tmp/a", nested: [1] };
    const exposed = expose({ open: () => Promise.resolve(value) }) as { open: () => Promise<unknown> };
    const result = await exposed.open();
    assert.notEqual(result, value);
    assert.deepEqual(result, value);
  });

  it("a rejection with an Error keeps only its message, as a new Error", async () => {
    const exposed = expose({
      fail: () => Promise.reject(Object.assign(new Error("failed"), { detail: { kind: "timeout" } })),
    }) as { fail: () => Promise<unknown> };
    const error: unknown = await exposed.fail().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof Error);
    assert.equal(error.message, "failed");
    assert.equal((error as { detail?: unknown }).detail, undefined);
  });

  it("a rejection with a plain object is copied with its data and stays a plain object", async () => {
    const detail = { kind: "handler", error: { kind: "notANumber", text: "abc" } };
    const exposed = expose({ fail: () => Promise.reject(detail) }) as { fail: () => Promise<unknown> };
    const reason: unknown = await exposed.fail().then(() => undefined, (e: unknown) => e);
    assert.ok(!(reason instanceof Error));
    assert.notEqual(reason, detail);
    assert.deepEqual(reason, detail);
    assert.equal(Object.getPrototypeOf(reason), Object.prototype);
  });

  it("a resolution value the bridge cannot copy rejects with an Error", async () => {
    const exposed = expose({ leak: async () => new Proxy({}, {}) }) as { leak: () => Promise<unknown> };
    await assert.rejects(exposed.leak(), (error: unknown) => error instanceof Error && /could not be cloned/.test(error.message));
  });
});

describe("contextBridge stand-in: exposeInMainWorld", () => {
  it("deep-freezes the exposed copy (not the preload's original), typed arrays excepted", () => {
    const api = { config: { list: [1, { x: 1 }] }, bytes: new Uint8Array([1]), fn: () => 1 };
    const exposed = expose(api) as typeof api;
    for (const value of [exposed, exposed.config, exposed.config.list, exposed.config.list[1], exposed.fn]) {
      assert.ok(Object.isFrozen(value), JSON.stringify(value));
    }
    assert.ok(!Object.isFrozen(exposed.bytes));
    exposed.bytes[0] = 9;
    assert.equal(exposed.bytes[0], 9);
    assert.ok(!Object.isFrozen(api) && !Object.isFrozen(api.config));
  });

  it("defines a read-only property, and refuses to bind over an existing one or without context isolation", () => {
    const main: Record<string, unknown> = { taken: 1 };
    const bridge = createContextBridge(main);
    bridge.exposeInMainWorld("api", { a: 1 });
    const descriptor = Object.getOwnPropertyDescriptor(main, "api");
    assert.equal(descriptor?.writable, false);
    assert.equal(descriptor?.configurable, false);
    assert.throws(() => bridge.exposeInMainWorld("api", {}), /Cannot bind an API on top of an existing property/);
    assert.throws(() => bridge.exposeInMainWorld("taken", {}), /Cannot bind an API on top of an existing property/);
    assert.throws(
      () => createContextBridge({}, () => false).exposeInMainWorld("api", {}),
      /can only be used when contextIsolation is enabled/,
    );
  });
});
