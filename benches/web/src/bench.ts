// Times, in the same page and the same run, (a) a typed invoke through the web host (`api.echo(item)`:
// envelope encode, host dispatch to the Rust handler, reply decode) and (b) the baseline: the same envelope
// text sent to a raw WebSocket echo server in the same Rust process and parsed when it comes back.
// Blocks of the two alternate so that drift (GC, CPU frequency, other load) hits both alike.
// Query: ?echo=ws://...&calls=N&rounds=R&pipelined=P. Results go to `window.benchResults`.

import { createWebBenchIpcApi, type Item } from "../bindings/WebBenchIpc.js";
import { decodeEnvelope, encodeEnvelope } from "../bindings/ipc-bridge.js";
import { connectWeb } from "../bindings/ipc-web.js";

interface Summary {
  readonly calls: number;
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

interface BytesFigure {
  readonly bytes: number;
  readonly calls: number;
  /** Payload bytes moved per second, both directions counted. */
  readonly typedMiBPerSecond: number;
  readonly rawMiBPerSecond: number;
}

interface Results {
  readonly crossOriginIsolated: boolean;
  readonly binary: readonly BytesFigure[];
  readonly roundTrip: { readonly typed: Summary; readonly raw: Summary };
  readonly pipelined: {
    readonly inFlight: number;
    readonly typedPerSecond: number;
    readonly rawPerSecond: number;
  };
}

declare global {
  interface Window {
    benchResults?: Results | { readonly error: string };
  }
}

const query = new URLSearchParams(window.location.search);
const numberParam = (name: string, fallback: number): number => {
  const value = Number(query.get(name));
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const CALLS_PER_BLOCK = numberParam("calls", 200);
const ROUNDS = numberParam("rounds", 10);
const IN_FLIGHT = numberParam("pipelined", 1000);
const ITEM: Item = { id: 7, name: "widget", tags: ["red", "green", "blue"] };

/** A raw WebSocket whose echoes resolve in order. */
class RawEcho {
  private readonly waiting: ((message: string | Uint8Array) => void)[] = [];
  private nextId = 1;

  private constructor(private readonly socket: WebSocket) {
    socket.onmessage = (event: MessageEvent<unknown>) => {
      const resolve = this.waiting.shift();
      if (resolve !== undefined && typeof event.data === "string") {
        resolve(event.data);
      } else if (resolve !== undefined && event.data instanceof ArrayBuffer) {
        resolve(new Uint8Array(event.data));
      }
    };
  }

  static open(url: string): Promise<RawEcho> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.binaryType = "arraybuffer";
      socket.onopen = () => resolve(new RawEcho(socket));
      socket.onerror = () => reject(new Error(`cannot open ${url}`));
    });
  }

  /** The same work the typed path does on the page side: encode an envelope, decode the reply. */
  call(payload: readonly unknown[] = [ITEM], channel = "bench:echo"): Promise<unknown> {
    const message = encodeEnvelope({ kind: "invoke", id: this.nextId++, channel, payload });
    return new Promise((resolve) => {
      this.waiting.push((reply) => resolve(decodeEnvelope(reply)));
      this.socket.send(message);
    });
  }
}

/** Round trips of `size` bytes each way: typed `echoBytes` against the raw echo of the same binary message. */
async function binaryFigure(
  typedCall: (data: Uint8Array) => Promise<Uint8Array>,
  raw: RawEcho,
  size: number,
  calls: number,
): Promise<BytesFigure> {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i += 997) {
    data[i] = i % 251;
  }
  const back = await typedCall(data);
  if (back.length !== size || back[997 * 3] !== data[997 * 3]) {
    throw new Error(`echoBytes returned ${back.length} bytes, not the ${size} sent`);
  }
  await raw.call([data], "bench:echo_bytes");
  let typedMs = 0;
  let rawMs = 0;
  for (let i = 0; i < calls; i += 1) {
    let started = performance.now();
    await typedCall(data);
    typedMs += performance.now() - started;
    started = performance.now();
    await raw.call([data], "bench:echo_bytes");
    rawMs += performance.now() - started;
  }
  const rate = (ms: number): number => Math.round((2 * size * calls) / (1024 * 1024) / (ms / 1000));
  return { bytes: size, calls, typedMiBPerSecond: rate(typedMs), rawMiBPerSecond: rate(rawMs) };
}

function summarise(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  const us = (ms: number): number => Math.round(ms * 1000 * 10) / 10;
  return { calls: sorted.length, meanUs: us(mean), p50Us: us(at(0.5)), p99Us: us(at(0.99)) };
}

async function sequential(call: () => Promise<unknown>, count: number, into: number[]): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await call();
    into.push(performance.now() - started);
  }
}

async function pipelined(call: () => Promise<unknown>, count: number): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, () => call()));
  return performance.now() - started;
}

async function run(): Promise<Results> {
  const echoUrl = query.get("echo");
  if (echoUrl === null) {
    throw new Error("missing ?echo=ws://...");
  }
  const { api } = await connectWeb(createWebBenchIpcApi);
  const raw = await RawEcho.open(echoUrl);
  const typedCall = (): Promise<unknown> => api.echo(ITEM);
  const rawCall = (): Promise<unknown> => raw.call();

  const check = await api.echo(ITEM);
  if (JSON.stringify(check) !== JSON.stringify(ITEM)) {
    throw new Error(`echo returned ${JSON.stringify(check)}`);
  }
  // Warm-up: JIT, connection buffers, the server's allocator.
  await sequential(typedCall, CALLS_PER_BLOCK, []);
  await sequential(rawCall, CALLS_PER_BLOCK, []);

  const typed: number[] = [];
  const rawSamples: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    await sequential(typedCall, CALLS_PER_BLOCK, typed);
    await sequential(rawCall, CALLS_PER_BLOCK, rawSamples);
  }

  let typedMs = 0;
  let rawMs = 0;
  await pipelined(typedCall, IN_FLIGHT);
  await pipelined(rawCall, IN_FLIGHT);
  const pipelinedRounds = Math.max(1, Math.floor(ROUNDS / 2));
  for (let round = 0; round < pipelinedRounds; round += 1) {
    typedMs += await pipelined(typedCall, IN_FLIGHT);
    rawMs += await pipelined(rawCall, IN_FLIGHT);
  }
  const perSecond = (ms: number): number => Math.round((IN_FLIGHT * pipelinedRounds) / (ms / 1000));
  const echoBytes = (data: Uint8Array): Promise<Uint8Array> => api.echoBytes(data);
  const binary = [
    await binaryFigure(echoBytes, raw, 1024 * 1024, ROUNDS * 2),
    await binaryFigure(echoBytes, raw, 16 * 1024 * 1024, Math.max(1, Math.floor(ROUNDS / 2))),
  ];
  return {
    crossOriginIsolated: window.crossOriginIsolated,
    binary,
    roundTrip: { typed: summarise(typed), raw: summarise(rawSamples) },
    pipelined: { inFlight: IN_FLIGHT, typedPerSecond: perSecond(typedMs), rawPerSecond: perSecond(rawMs) },
  };
}

const output = document.getElementById("results");
run().then(
  (results) => {
    window.benchResults = results;
    if (output !== null) {
      output.textContent = JSON.stringify(results, null, 2);
    }
  },
  (error: unknown) => {
    window.benchResults = { error: String(error) };
    if (output !== null) {
      output.textContent = `failed: ${String(error)}`;
    }
  },
);
