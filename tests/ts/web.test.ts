// Runtime tests of the browser module `ipc-web.ts` (`connectWeb`) in Node, with a stand-in WebSocket fed the
// exact messages the Rust web host sends (ipc-runtime/src/web/handshake.rs and socket.rs). The real socket
// path runs in Chromium against the real host (tests/e2e).

import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";

import { AppIpcFingerprint, createAppIpcApi } from "../bindings/AppIpc.js";
import { IpcError } from "../bindings/ipc-bridge.js";
import { connectWeb, WebCloseCode, WebConnectError } from "../bindings/ipc-web.js";

type Listener = (event: unknown) => void;

/** The part of `WebSocket` that `connectWeb` uses; the test plays the host. */
class FakeSocket {
  static readonly OPEN = 1;
  static readonly last: FakeSocket[] = [];
  readonly url: string;
  binaryType = "blob";
  readyState = 0;
  readonly sent: unknown[] = [];
  closedByPage: { code: number; reason: string } | undefined;
  readonly #listeners = new Map<string, Listener[]>();

  constructor(url: string) {
    this.url = url;
    FakeSocket.last.push(this);
  }

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  send(data: unknown): void {
    this.sent.push(data);
  }

  close(code: number, reason: string): void {
    this.closedByPage = { code, reason };
  }

  #emit(type: string, event: unknown): void {
    for (const listener of this.#listeners.get(type) ?? []) {
      listener(event);
    }
  }

  /** Host side: the upgrade succeeded. */
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.#emit("open", {});
  }

  /** Host side: one text message. */
  message(data: string): void {
    this.#emit("message", { data });
  }

  /** Host side: a close frame. */
  closeWith(code: number, reason: string): void {
    this.readyState = 3;
    this.#emit("close", { code, reason, wasClean: true });
  }
}

const globals = globalThis as unknown as Record<string, unknown>;
const saved = { WebSocket: globals["WebSocket"], window: globals["window"] };

beforeEach(() => {
  FakeSocket.last.length = 0;
  globals["WebSocket"] = FakeSocket;
  const window: Record<string, unknown> = {};
  window["top"] = window;
  window["self"] = window;
  globals["window"] = window;
});

afterEach(() => {
  globals["WebSocket"] = saved.WebSocket;
  globals["window"] = saved.window;
});

function socket(): FakeSocket {
  const last = FakeSocket.last.at(-1);
  assert.ok(last !== undefined, "connectWeb opened no socket");
  return last;
}

const TOKEN = "0123456789abcdef0123";
const MISMATCH = {
  kind: "version_mismatch",
  traitName: "AppIpc",
  expected: "fedcba9876543210",
  actual: AppIpcFingerprint,
} as const;

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  assert.fail("expected connectWeb to reject");
}

describe("connectWeb", () => {
  it("presents the token, the frame and the factory's fingerprint in its hello, and resolves on welcome", async () => {
    const connecting = connectWeb(createAppIpcApi, { url: "ws://host/ws", token: TOKEN });
    const ws = socket();
    assert.equal(ws.url, "ws://host/ws");
    ws.open();
    assert.equal(ws.sent.length, 1);
    assert.deepEqual(JSON.parse(String(ws.sent[0])), {
      kind: "hello",
      token: TOKEN,
      topFrame: true,
      fingerprint: AppIpcFingerprint,
    });
    ws.message('{"kind":"welcome"}');
    const connection = await connecting;
    void connection.api.setTitle("t");
    assert.equal(ws.sent[1], '{"kind":"send","channel":"app_ipc:set_title","payload":["t"]}');
  });

  it("rejects with a typed version_mismatch IpcError when the host serves other bindings", async () => {
    const connecting = connectWeb(createAppIpcApi, { url: "ws://host/ws", token: TOKEN });
    const ws = socket();
    ws.open();
    // What the host sends: the error envelope without id, then the close frame.
    ws.message(JSON.stringify({ kind: "error", error: MISMATCH }));
    ws.closeWith(WebCloseCode.versionMismatch, "version mismatch");
    const error = await refusal(connecting);
    assert.ok(error instanceof IpcError, `expected an IpcError, got ${String(error)}`);
    assert.equal(error.kind, "version_mismatch");
    assert.deepEqual(error.detail, MISMATCH);
    assert.match(error.message, /fedcba9876543210/);
    assert.equal(ws.closedByPage, undefined, "the host closes, the page does not have to");
  });

  it("a close without a readable notice is a WebConnectError with the host's code", async () => {
    for (const notice of [undefined, JSON.stringify({ kind: "error", error: { ...MISMATCH, expected: 7 } })]) {
      const connecting = connectWeb(createAppIpcApi, { url: "ws://host/ws", token: TOKEN });
      const ws = socket();
      ws.open();
      if (notice !== undefined) {
        ws.message(notice);
        assert.deepEqual(ws.closedByPage, { code: WebCloseCode.badHello, reason: "expected welcome" });
      }
      ws.closeWith(WebCloseCode.versionMismatch, "version mismatch");
      const error = await refusal(connecting);
      assert.ok(error instanceof WebConnectError, `expected a WebConnectError, got ${String(error)}`);
      assert.equal(error.code, WebCloseCode.versionMismatch);
    }
  });
});
