// A fake text pipe for the runtime tests: it records every envelope the bridge posts and lets a test feed the
// bridge the exact frames the Rust main side writes (see ipc-runtime/src/envelope.rs and error.rs).

import {
  createEnvelopeTransport,
  decodeEnvelope,
  type EnvelopeTransport,
  type IpcError,
  type WireMessage,
} from "../bindings/ipc-bridge.js";

/** One envelope the bridge posted, decoded, next to the raw text (or the raw binary message). */
export interface Posted {
  readonly text: string;
  readonly binary: Uint8Array | undefined;
  readonly message: Record<string, unknown>;
}

export interface FakePipe {
  readonly transport: EnvelopeTransport;
  /** Everything the bridge posted, in order. */
  readonly posted: Posted[];
  /** Errors the bridge handed to `onRefusal`. */
  readonly refusals: IpcError[];
  /** The raw text of every posted envelope. */
  texts(): string[];
  /** The `id` of the last posted envelope (it must be a number). */
  lastId(): number;
  /** Feeds one frame from the main side, exactly as it would arrive. */
  feed(frame: WireMessage): void;
}

export interface FakePipeOptions {
  /** Runs after each post; lets a test answer synchronously or make `post` throw. */
  readonly onPost?: (text: WireMessage, pipe: FakePipe) => void;
}

export function fakePipe(options: FakePipeOptions = {}): FakePipe {
  const posted: Posted[] = [];
  const refusals: IpcError[] = [];
  const pipe: FakePipe = {
    transport: createEnvelopeTransport(
      (wire) => {
        const message: unknown = decodeEnvelope(wire);
        const text = typeof wire === "string" ? wire : "<binary>";
        if (typeof message !== "object" || message === null || Array.isArray(message)) {
          throw new Error(`the bridge posted a non-object envelope: ${text}`);
        }
        posted.push({ text, binary: typeof wire === "string" ? undefined : wire, message: message as Record<string, unknown> });
        options.onPost?.(wire, pipe);
      },
      { onRefusal: (error) => refusals.push(error) },
    ),
    posted,
    refusals,
    texts: () => posted.map((p) => p.text),
    lastId: () => {
      const last = posted.at(-1);
      const id = last?.message["id"];
      if (typeof id !== "number") {
        throw new Error(`the last posted envelope has no numeric id: ${last?.text ?? "(nothing posted)"}`);
      }
      return id;
    },
    feed: (frame) => pipe.transport.receive(frame),
  };
  return pipe;
}

/** The frames `ipc-runtime` writes, built the way serde serialises `OutboundEnvelope` (field order included). */
export const frame = {
  reply: (id: number, payloadJson: string): string => `{"kind":"reply","id":${id},"payload":${payloadJson}}`,
  error: (id: number, errorJson: string): string => `{"kind":"error","id":${id},"error":${errorJson}}`,
  refusal: (errorJson: string): string => `{"kind":"error","error":${errorJson}}`,
  event: (channel: string, payloadJson: string): string =>
    `{"kind":"event","channel":${JSON.stringify(channel)},"payload":${payloadJson}}`,
} as const;

/** Lets queued promise callbacks run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Tracks whether a promise has settled; read `settled` after `await flush()`. Never lets it reject unhandled. */
export function track<T>(promise: Promise<T>): { readonly promise: Promise<T>; readonly settled: () => boolean } {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  return { promise, settled: () => settled };
}
