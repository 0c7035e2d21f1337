// Compile-time tests of the generated API. Nothing here runs: `tsc -p tsconfig.json --noEmit` is the test.
// `Expect<Equal<A, B>>` fails to compile unless A and B are identical types; every `@ts-expect-error` fails the
// build if the line below it compiles (i.e. if misuse stopped being an error).

import {
  AppIpcChannels,
  AppIpcFingerprint,
  createAppIpcApi,
  type AppIpcApi,
  type AppIpcErrors,
  type OpenError,
} from "../bindings/AppIpc.js";
import {
  createShapesApi,
  type Color,
  type DrawError,
  type Drawing,
  type Point,
  type Shape,
  type ShapesApi,
  type ShapesErrors,
} from "../bindings/Shapes.js";
import {
  createEnvelopeTransport,
  IpcError,
  isIpcError,
  type ApiFactory,
  type CallOptions,
  type EnvelopeTransport,
  type IpcErrorDetail,
  type IpcErrorKind,
  type IpcTransport,
  type Unsubscribe,
} from "../bindings/ipc-bridge.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

/** Compiles only when the argument's type is exactly `T` (not a subtype, not `any`). */
function exact<T>(): <U>(value: U & (Equal<T, U> extends true ? unknown : never)) => void {
  return () => undefined;
}

/** The helpers themselves reject near misses, so a passing check means something. */
export function helperSelfTest(value: string | null, anyValue: any): void {
  exact<string | null>()(value);
  // @ts-expect-error a supertype is not exact
  exact<string | null | undefined>()(value);
  // @ts-expect-error a subtype is not exact
  exact<string>()(value);
  // @ts-expect-error any is not exact
  exact<string>()(anyValue);
}
export type HelperSelfTest = [
  Expect<Equal<string, string>>,
  // @ts-expect-error a union member is not equal to the union
  Expect<Equal<string, string | null>>,
  // @ts-expect-error any is not equal to a real type
  Expect<Equal<any, number>>,
];

// --- The shape of the API object -------------------------------------------------------------------------------

/** One member per declared channel and nothing else: no generic invoke/send/on, no ipcRenderer. */
export type ApiMembers = [
  Expect<
    Equal<
      keyof AppIpcApi,
      "setTitle" | "openFile" | "onUpdateCounter" | "counterValue" | "slow" | "explode" | "settingsOnly" | "frameFriendly"
    >
  >,
  Expect<Equal<keyof ShapesApi, "place" | "summarise" | "clear" | "onMoved" | "onCleared">>,
  Expect<Equal<ReturnType<typeof createAppIpcApi>, AppIpcApi>>,
  Expect<Equal<ReturnType<typeof createShapesApi>, ShapesApi>>,
  Expect<Equal<Parameters<typeof createAppIpcApi>, [transport: IpcTransport]>>,
];

/** Exact signatures. */
export type Signatures = [
  Expect<Equal<AppIpcApi["setTitle"], (title: string) => void>>,
  Expect<Equal<AppIpcApi["openFile"], (path: string, options?: CallOptions) => Promise<string | null>>>,
  Expect<Equal<AppIpcApi["onUpdateCounter"], (listener: (value: number) => void) => Unsubscribe>>,
  Expect<Equal<AppIpcApi["counterValue"], (value: number) => void>>,
  Expect<Equal<AppIpcApi["slow"], (millis: number, options?: CallOptions) => Promise<number>>>,
  Expect<Equal<AppIpcApi["explode"], (options?: CallOptions) => Promise<void>>>,
  Expect<Equal<AppIpcApi["settingsOnly"], (options?: CallOptions) => Promise<string>>>,
  Expect<Equal<AppIpcApi["frameFriendly"], (options?: CallOptions) => Promise<boolean>>>,
  Expect<Equal<Unsubscribe, () => void>>,
  Expect<
    Equal<ShapesApi["place"], (shape: Shape, color: Color, scale: number | null, options?: CallOptions) => Promise<Shape>>
  >,
  Expect<Equal<ShapesApi["summarise"], (drawing: Drawing, options?: CallOptions) => Promise<Drawing>>>,
  Expect<Equal<ShapesApi["clear"], (options?: CallOptions) => Promise<void>>>,
  Expect<Equal<ShapesApi["onMoved"], (listener: (shape: Shape, to: Point) => void) => Unsubscribe>>,
  Expect<Equal<ShapesApi["onCleared"], (listener: () => void) => Unsubscribe>>,
];

/** Payload types match what `JSON.parse` yields for the serde representation. */
export type Payloads = [
  Expect<Equal<OpenError, { kind: "notFound"; path: string } | { kind: "permissionDenied" }>>,
  Expect<Equal<Color, "Red" | "Green">>,
  Expect<Equal<DrawError, { TooManyShapes: number } | "Empty">>,
  Expect<Equal<Point, { xPos: number; yPos: number }>>,
  Expect<Equal<Drawing["anchor"], [number, number]>>,
  Expect<Equal<Drawing["z-index"], number>>,
  Expect<Equal<Extract<Shape, { type: "polygon" }>["data"], Point[]>>,
];

/** What each invoke rejects with. */
export type Errors = [
  Expect<Equal<AppIpcErrors["openFile"], IpcError<OpenError>>>,
  Expect<Equal<AppIpcErrors["slow"], IpcError<never>>>,
  Expect<Equal<keyof AppIpcErrors, "openFile" | "slow" | "explode" | "settingsOnly" | "frameFriendly">>,
  Expect<Equal<ShapesErrors["summarise"], IpcError<DrawError>>>,
  Expect<Equal<ShapesErrors["place"], IpcError<never>>>,
  Expect<Equal<Extract<IpcErrorDetail<OpenError>, { kind: "handler" }>["error"], OpenError>>,
  Expect<
    Equal<
      IpcErrorKind,
      | "handler"
      | "timeout"
      | "cancelled"
      | "denied"
      | "invalid_input"
      | "unknown_channel"
      | "too_large"
      | "protocol"
      | "internal"
      | "disconnected"
      | "version_mismatch"
    >
  >,
  Expect<Equal<IpcError<OpenError>["kind"], IpcErrorKind>>,
];

/** The channel table is literal and readonly, for hosts. */
/** Every factory carries its bindings' fingerprint, which connectors (`connectWeb`) present to the host. */
export const factories: readonly [ApiFactory<AppIpcApi>, ApiFactory<ShapesApi>] = [createAppIpcApi, createShapesApi];
export type Fingerprints = [
  Expect<Equal<typeof createAppIpcApi.fingerprint, string>>,
  Expect<typeof AppIpcFingerprint extends string ? true : false>,
];
// @ts-expect-error a bare function has no fingerprint: a connector cannot present it
export const bare: ApiFactory<AppIpcApi> = (transport: IpcTransport) => createAppIpcApi(transport);

export type Channels = [
  Expect<Equal<(typeof AppIpcChannels)["openFile"], { readonly name: "app_ipc:open_file"; readonly kind: "invoke" }>>,
  Expect<Equal<(typeof AppIpcChannels)["onUpdateCounter"]["kind"], "event">>,
  Expect<Equal<keyof typeof AppIpcChannels, keyof AppIpcApi>>,
];

/** The envelope transport is a transport. */
export type Transports = [Expect<EnvelopeTransport extends IpcTransport ? true : false>];

// --- Calls that must compile, with the exact types they produce --------------------------------------------------

export function correctUse(api: AppIpcApi, shapes: ShapesApi, signal: AbortSignal, maybeSignal?: AbortSignal): void {
  const path: Promise<string | null> = api.openFile("x");
  exact<Promise<string | null>>()(path);
  exact<Promise<string | null>>()(api.openFile("x", { signal }));
  exact<Promise<string | null>>()(api.openFile("x", { timeoutMs: 50, signal }));
  exact<Promise<string | null>>()(api.openFile("x", {}));
  // exactOptionalPropertyTypes: forwarding an optional value must still compile.
  exact<Promise<string | null>>()(api.openFile("x", { signal: maybeSignal, timeoutMs: undefined }));
  exact<Promise<number>>()(api.slow(5, { timeoutMs: 10 }));
  exact<Promise<void>>()(api.explode());
  exact<void>()(api.setTitle("title"));
  exact<void>()(api.counterValue(1));

  const off = api.onUpdateCounter((value) => {
    exact<number>()(value);
  });
  exact<() => void>()(off);
  exact<Unsubscribe>()(off);
  off();
  // A listener may ignore the payload.
  api.onUpdateCounter(() => undefined)();

  shapes.onMoved((shape, to) => {
    exact<Shape>()(shape);
    exact<Point>()(to);
    if (shape.type === "circle") {
      exact<number>()(shape.data.radius);
    }
  });
  shapes.onCleared(() => undefined);

  exact<Promise<Shape>>()(shapes.place({ type: "empty" }, "Green", null));
  exact<Promise<Shape>>()(shapes.place({ type: "polygon", data: [{ xPos: 0, yPos: 0 }] }, "Red", 2.5, { signal }));
  const drawing: Drawing = { shapes: [], labels: { a: "b", c: null }, palette: { Red: 1 }, anchor: [0, 0], "z-index": 1 };
  exact<Promise<Drawing>>()(shapes.summarise(drawing));
  // noUncheckedIndexedAccess: map lookups are possibly undefined, as they are at run time.
  exact<string | null | undefined>()(drawing.labels["a"]);
  exact<number | undefined>()(drawing.palette.Green);

  const transport: EnvelopeTransport = createEnvelopeTransport((message) => {
    exact<string | Uint8Array>()(message);
  });
  exact<AppIpcApi>()(createAppIpcApi(transport));
  exact<number>()(transport.pending);
}

// --- Typed errors ------------------------------------------------------------------------------------------------

function assertNever(value: never): never {
  throw new Error(`unexpected ${String(value)}`);
}

/** IpcError<OpenError> narrows by `detail.kind`, and the handler error narrows by its own tag. */
export function describeOpenError(error: IpcError<OpenError>): string {
  const detail = error.detail;
  switch (detail.kind) {
    case "handler": {
      exact<OpenError>()(detail.error);
      switch (detail.error.kind) {
        case "notFound":
          exact<string>()(detail.error.path);
          return `missing ${detail.error.path}`;
        case "permissionDenied":
          return "denied";
        default:
          return assertNever(detail.error);
      }
    }
    case "timeout":
      exact<number>()(detail.timeoutMs);
      return `timeout ${detail.timeoutMs}`;
    case "cancelled":
      return "cancelled";
    case "denied":
      return `${detail.channel} ${detail.origin}`;
    case "invalid_input":
      return `${detail.channel} ${detail.message}`;
    case "unknown_channel":
      return detail.channel;
    case "too_large":
      exact<number>()(detail.size);
      return `${detail.size} > ${detail.limit}`;
    case "protocol":
    case "internal":
      return detail.message;
    case "disconnected":
      return "disconnected";
    case "version_mismatch":
      exact<string | null>()(detail.actual);
      return `${detail.traitName}: ${detail.expected} vs ${detail.actual ?? "none"}`;
    default:
      return assertNever(detail);
  }
}

export async function openOrExplain(api: AppIpcApi): Promise<string> {
  try {
    return (await api.openFile("/x")) ?? "(none)";
  } catch (error) {
    // useUnknownInCatchVariables: the rejection is unknown until narrowed.
    exact<unknown>()(error);
    if (isIpcError<OpenError>(error)) {
      exact<IpcError<OpenError>>()(error);
      exact<string>()(error.channel);
      exact<IpcErrorKind>()(error.kind);
      if (error.detail.kind === "handler" && error.detail.error.kind === "notFound") {
        return error.detail.error.path;
      }
      return describeOpenError(error);
    }
    throw error;
  }
}

/** A channel that cannot fail has no handler error to read. */
export function neverHandler(error: AppIpcErrors["slow"]): void {
  if (error.detail.kind === "handler") {
    exact<never>()(error.detail.error);
  }
}

// --- Misuse that must not compile --------------------------------------------------------------------------------

export function misuse(api: AppIpcApi, shapes: ShapesApi, transport: IpcTransport): void {
  // @ts-expect-error wrong argument type
  void api.openFile(42);
  // @ts-expect-error missing argument
  void api.openFile();
  // @ts-expect-error too many arguments
  api.setTitle("a", "b");
  // @ts-expect-error wrong argument type for a send
  api.setTitle(1);
  // @ts-expect-error a send returns nothing to await on
  void api.setTitle("a").then;
  // @ts-expect-error no generic invoke on the api object
  void api.invoke("app_ipc:open_file", ["x"]);
  // @ts-expect-error no generic send on the api object
  api.send("app_ipc:set_title", ["x"]);
  // @ts-expect-error no generic on on the api object
  api.on("app_ipc:update_counter", () => undefined);
  // @ts-expect-error no ipcRenderer on the api object
  void api.ipcRenderer;
  // @ts-expect-error an event is not a method to call
  api.updateCounter(1);
  // @ts-expect-error an event subscription takes a listener, not a payload
  api.onUpdateCounter(1);
  // @ts-expect-error the listener gets a number, not a string
  api.onUpdateCounter((value: string) => value);
  // @ts-expect-error the listener gets the payload only: there is no event object
  api.onUpdateCounter((_event: unknown, value: number) => value);
  // @ts-expect-error the unsubscribe takes no arguments
  api.onUpdateCounter(() => undefined)(true);
  // @ts-expect-error timeoutMs is a number
  void api.openFile("x", { timeoutMs: "50" });
  // @ts-expect-error signal is an AbortSignal, not a controller
  void api.openFile("x", { signal: new AbortController() });
  // @ts-expect-error no such option
  void api.openFile("x", { timeout: 50 });
  // @ts-expect-error sends take no call options
  api.setTitle("x", { timeoutMs: 5 });
  // @ts-expect-error the reply is string | null, not string
  const notNull: Promise<string> = api.openFile("x");
  void notNull;
  // @ts-expect-error Option arguments are required (pass null), not optional
  void shapes.place({ type: "empty" }, "Red");
  // @ts-expect-error not a Color
  void shapes.place({ type: "empty" }, "Blue", null);
  // @ts-expect-error a circle carries data
  void shapes.place({ type: "circle" }, "Red", null);
  // @ts-expect-error moved gives (shape, to), not a Point first
  shapes.onMoved((to: Point) => to);
  // @ts-expect-error a frozen api stays typed: no new members
  api.extra = 1;
  // @ts-expect-error the transport's generic calls are not part of the api type
  const leaked: AppIpcApi["invoke"] = transport.invoke;
  void leaked;
}

/** Handler errors are not interchangeable across channels. */
export function errorMisuse(error: IpcError<OpenError>, drawError: IpcError<DrawError>): void {
  if (error.detail.kind === "handler") {
    // @ts-expect-error OpenError has no TooManyShapes
    void error.detail.error.TooManyShapes;
  }
  // @ts-expect-error detail is readonly
  error.detail = { kind: "cancelled" };
  // @ts-expect-error no such kind
  if (drawError.detail.kind === "not_a_kind") {
    return;
  }
  // @ts-expect-error timeoutMs exists only after narrowing to "timeout"
  void error.detail.timeoutMs;
}
