// A stand-in for Electron's `contextBridge` that copies values the way Electron 34's does, for tests that run
// the generated preload without Electron (in Node, and in Chromium pages). Written from Electron v34.5.8's
// shell/renderer/api/electron_api_context_bridge.cc (PassValueToOtherContext, ProxyFunctionWrapper,
// CreateProxyForAPI, ExposeAPIInWorld, DeepFreeze) and docs/api/context-bridge.md. There is one JavaScript
// world here, so crossing the bridge means copying:
// - primitives (symbols and bigints too) pass as they are;
// - plain arrays and plain objects are copied element by element / own enumerable key by key (symbol keys
//   too; getters are read; prototypes are dropped); a value met twice in one crossing gets one copy, so
//   shared references and cycles through objects are kept (an array is recorded only once copied, so an array
//   that contains itself runs into the depth limit, as in Electron);
// - Errors become a new `Error` with the message only (every other property is lost, electron/electron#25596);
// - functions are proxied: arguments are copied to the function's side, its result back, and a throw arrives
//   as a new `Error` with the thrown value's `message`; a proxy sent back is unwrapped to the original;
// - promises are proxied: the resolution value is copied, and so is a rejection value (an Error keeps only
//   its message, a plain object keeps its data);
// - Elements and Blobs pass as the same object; everything else (Map, Set, Date, RegExp, typed arrays, ...) is
//   structured-cloned, so a Proxy, which JavaScript cannot tell from its target, is refused with a
//   DataCloneError (this module records every Proxy created after it is loaded to find them);
// - the exposed object is deep-frozen and defined read-only on the main world's `window`; exposing over an
//   existing property throws.
// Not modelled: worlds with their own prototypes (a copy here has this realm's `Object.prototype`), and
// Electron's later fixes (e.g. a `__proto__` key is assigned, as v34's `proxy.Set` does).

/** The two sides of the bridge: the preload's isolated world and the page's main world. */
export type World = "isolated" | "main";

const MAX_RECURSION = 1000;
const UNKNOWN_THROW =
  "An unknown exception occurred in the isolated context, an error occurred but a valid exception was not thrown.";

// JavaScript cannot tell a Proxy from its target; V8 can (`IsProxy`). Every Proxy made from now on is recorded,
// in one set per realm (shared by every copy of this module loaded into it).
const globals = globalThis as unknown as { Proxy: ProxyConstructor; __contextBridgeProxies?: WeakSet<object> };
const proxies = globals.__contextBridgeProxies ?? trackProxies();

function trackProxies(): WeakSet<object> {
  const tracked = new WeakSet<object>();
  const NativeProxy = globals.Proxy;
  globals.Proxy = new NativeProxy(NativeProxy, {
    construct(target, args, newTarget) {
      const proxy = Reflect.construct(target, args, newTarget) as object;
      tracked.add(proxy);
      return proxy;
    },
    get(target, key, receiver) {
      if (key === "revocable") {
        return <T extends object>(inner: T, handler: ProxyHandler<T>) => {
          const revocable = NativeProxy.revocable(inner, handler);
          tracked.add(revocable.proxy);
          return revocable;
        };
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  globals.__contextBridgeProxies = tracked;
  return tracked;
}

/** Functions proxied by the bridge: the original and the world it belongs to. */
const originals = new WeakMap<object, { readonly fn: AnyFunction; readonly world: World }>();

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

interface Crossing {
  readonly from: World;
  readonly to: World;
  /** One crossing's copies by source value (Electron's ObjectCache). */
  readonly cache: Map<unknown, unknown>;
}

/** `Object.prototype.toString`'s tag: V8's `IsXxx` checks read internal slots; the tag is close enough for the
 * rare kinds checked with it (arguments, iterators, generators, module namespaces). */
function tag(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

function hasSlot(value: object, probe: (value: object) => unknown): boolean {
  try {
    probe(value);
    return true;
  } catch {
    return false;
  }
}

/** A prototype's getter: it throws when called on an object without the internal slot it reads. */
function getter(prototype: object, name: string): (this: unknown) => unknown {
  const get = Object.getOwnPropertyDescriptor(prototype, name)?.get;
  if (get === undefined) {
    throw new Error(`no getter ${name}`);
  }
  return get;
}

const RE_SOURCE = getter(RegExp.prototype, "source");
const AB_LENGTH = getter(ArrayBuffer.prototype, "byteLength");

function isNativeError(value: object): boolean {
  return tag(value) === "Error" && value instanceof Error;
}

/** V8's `IsPlainObject` in electron_api_context_bridge.cc: an object that is none of the listed kinds. */
function isPlainObject(value: object): boolean {
  if (proxies.has(value) || Array.isArray(value) || ArrayBuffer.isView(value) || isNativeError(value)) {
    return false;
  }
  const probes: ((v: object) => unknown)[] = [
    (v) => Date.prototype.getTime.call(v),
    (v) => RE_SOURCE.call(v),
    (v) => Map.prototype.has.call(v, undefined),
    (v) => Set.prototype.has.call(v, undefined),
    (v) => WeakMap.prototype.has.call(v, {}),
    (v) => WeakSet.prototype.has.call(v, {}),
    (v) => AB_LENGTH.call(v),
    (v) => Number.prototype.valueOf.call(v),
    (v) => String.prototype.valueOf.call(v),
    (v) => Boolean.prototype.valueOf.call(v),
    (v) => Symbol.prototype.valueOf.call(v),
    (v) => BigInt.prototype.valueOf.call(v),
  ];
  if (value instanceof Promise || probes.some((probe) => hasSlot(value, probe))) {
    return false;
  }
  return !["Arguments", "Map Iterator", "Set Iterator", "Generator", "AsyncGenerator", "Module", "SharedArrayBuffer"]
    .includes(tag(value));
}

function isTypedArray(value: unknown): boolean {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** How V8 words an exception it reports as a message (`v8::Message::Get`). */
function messageOf(exception: unknown): string {
  if (exception instanceof Error || (typeof DOMException !== "undefined" && exception instanceof DOMException)) {
    return `Uncaught ${exception.name}: ${exception.message}`;
  }
  return `Uncaught ${String(exception)}`;
}

/** Electron's `PassValueToOtherContext`: `value` from `crossing.from` as `crossing.to` receives it. */
function pass(value: unknown, crossing: Crossing, parent: unknown, depth: number): unknown {
  if (depth >= MAX_RECURSION) {
    throw new TypeError(
      "Electron contextBridge recursion depth exceeded.  Nested objects deeper than 1000 are not supported.",
    );
  }
  if (value === null || (typeof value !== "object" && typeof value !== "function")) {
    return value;
  }
  if (crossing.cache.has(value)) {
    return crossing.cache.get(value);
  }
  if (typeof value === "function") {
    const original = originals.get(value);
    if (original !== undefined && original.world === crossing.to) {
      return original.fn;
    }
    const proxy = proxyFunction(value as AnyFunction, parent, crossing.from, crossing.to);
    crossing.cache.set(value, proxy);
    return proxy;
  }
  if (value instanceof Promise) {
    const proxy = proxyPromise(value, crossing.from, crossing.to);
    crossing.cache.set(value, proxy);
    return proxy;
  }
  if (isNativeError(value)) {
    const message: unknown = (value as { message?: unknown }).message;
    return new Error(typeof message === "string" ? message : messageOf(value));
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      copy[i] = pass(value[i], crossing, value, depth + 1);
    }
    crossing.cache.set(value, copy);
    return copy;
  }
  if ((typeof Element !== "undefined" && value instanceof Element) || (typeof Blob !== "undefined" && value instanceof Blob)) {
    return value;
  }
  if (isPlainObject(value)) {
    return copyObject(value, crossing, depth + 1);
  }
  const clone = structuredClone(value);
  crossing.cache.set(value, clone);
  return clone;
}

/** Electron's `CreateProxyForAPI` without dynamic properties: a fresh object, recorded before its keys are
 * copied (so cycles through it are kept), with the own enumerable keys' current values. */
function copyObject(source: object, crossing: Crossing, depth: number): object {
  const copy: Record<PropertyKey, unknown> = {};
  crossing.cache.set(source, copy);
  for (const key of Reflect.ownKeys(source)) {
    if (Object.prototype.propertyIsEnumerable.call(source, key)) {
      copy[key] = pass((source as Record<PropertyKey, unknown>)[key], crossing, source, depth + 1);
    }
  }
  return copy;
}

/** Electron's `ProxyFunctionWrapper`: a function in `to` that calls `fn` in `from`. */
function proxyFunction(fn: AnyFunction, receiver: unknown, from: World, to: World): AnyFunction {
  const proxy = function (...args: unknown[]): unknown {
    // Arguments and the result share one cache, as in v34. A failed argument copy throws at the caller.
    const crossing: Crossing = { from: to, to: from, cache: new Map() };
    const copied = args.map((arg) => pass(arg, crossing, globalThis, 0));
    let result: unknown;
    try {
      result = fn.apply(receiver, copied);
    } catch (exception) {
      const message: unknown = typeof exception === "object" && exception !== null
        ? (exception as { message?: unknown }).message
        : undefined;
      throw new Error(typeof message === "string" ? message : UNKNOWN_THROW);
    }
    try {
      return pass(result, { from, to, cache: crossing.cache }, globalThis, 0);
    } catch (exception) {
      throw new Error(messageOf(exception));
    }
  };
  originals.set(proxy, { fn, world: from });
  return proxy;
}

/** A promise in `to` that settles with copies of what `source` settles with in `from`. */
function proxyPromise(source: Promise<unknown>, from: World, to: World): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const settle = (value: unknown, done: (value: unknown) => void): void => {
      let copy: unknown;
      try {
        copy = pass(value, { from, to, cache: new Map() }, globalThis, 0);
      } catch (exception) {
        reject(new Error(messageOf(exception)));
        return;
      }
      done(copy);
    };
    source.then((value) => settle(value, resolve), (reason: unknown) => settle(reason, reject));
  });
}

/** Electron's `DeepFreeze`: every object reachable through own enumerable string keys, typed arrays excepted. */
function deepFreeze(object: object, frozen: Set<object>): void {
  if (frozen.has(object)) {
    return;
  }
  frozen.add(object);
  for (const key of Object.keys(object)) {
    const child: unknown = (object as Record<string, unknown>)[key];
    if (((typeof child === "object" && child !== null) || typeof child === "function") && !isTypedArray(child)) {
      deepFreeze(child, frozen);
    }
  }
  Object.freeze(object);
}

/** Copies `value` from one world to the other, as a function argument or result crossing the bridge would be. */
function copyAcross(value: unknown, from: World, to: World): unknown {
  return pass(value, { from, to, cache: new Map() }, globalThis, 0);
}

export interface ContextBridgeStandIn {
  exposeInMainWorld(key: string, api: unknown): void;
}

/**
 * `contextBridge` for a preload whose main world's global object is `mainWindow`. `contextIsolated` answers
 * what Electron's `process.contextIsolated` would (the bridge refuses to work without isolation).
 */
function createContextBridge(
  mainWindow: object,
  contextIsolated: () => boolean = () => true,
): ContextBridgeStandIn {
  return {
    exposeInMainWorld(key: string, api: unknown): void {
      if (!contextIsolated()) {
        throw new Error("contextBridge API can only be used when contextIsolation is enabled");
      }
      if (key in mainWindow) {
        throw new Error("Cannot bind an API on top of an existing property on the window object");
      }
      const exposed = copyAcross(api, "isolated", "main");
      if (((typeof exposed === "object" && exposed !== null) || typeof exposed === "function") && !isTypedArray(exposed)) {
        deepFreeze(exposed, new Set());
      }
      Object.defineProperty(mainWindow, key, { value: exposed, enumerable: true, writable: false, configurable: false });
    },
  };
}

// One export statement, last: chromium-harness.ts turns the compiled file into a classic script (a preload runs
// before any page script, which only a classic init script can) by replacing this line.
export { copyAcross, createContextBridge };
