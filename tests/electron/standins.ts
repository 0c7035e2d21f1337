// Faithful-enough stand-ins for Electron's main-process IPC objects, for Node tests of the generated glue.
// What they copy from Electron (34):
// - arguments and results cross as structured clones (`structuredClone`), never by reference;
// - `ipcMain.handle` allows one handler per channel; a handler that throws reaches the renderer as
//   `Error: Error invoking remote method '<channel>': <String(error)>` (only the message survives);
// - an invoke on a channel without a handler rejects with "No handler registered for '<channel>'";
// - `event.senderFrame` is read when the message is handled and is null once the frame navigated away or
//   was destroyed;
// - a page served from a scheme that is not registered as standard has the origin "null";
// - `webContents.send` after destruction throws, so callers must check `isDestroyed()` first;
// - main-frame navigations emit `did-navigate`, sub-frame ones `did-frame-navigate`.

import { EventEmitter } from "node:events";

import type { IpcEventLike, IpcMainLike } from "./bindings/ipc-electron-main.js";

type Handler = (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>;
type Listener = (event: IpcEventLike, ...args: unknown[]) => void;

let nextProcessId = 100;

export class FakeFrame {
  readonly processId: number;
  readonly routingId: number;
  /** Set when the frame navigated away or was destroyed: Electron then reports `senderFrame` as null. */
  gone = false;
  readonly received: { readonly channel: string; readonly args: unknown[] }[] = [];

  constructor(
    readonly webContents: FakeWebContents,
    readonly origin: string,
    routingId: number,
  ) {
    this.processId = nextProcessId++;
    this.routingId = routingId;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.gone) {
      throw new Error("Render frame was disposed before WebFrameMain could be accessed");
    }
    this.received.push({ channel, args: structuredClone(args) });
  }
}

let nextWebContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  mainFrame: FakeFrame;
  private destroyed = false;
  private nextRoutingId = 2;
  readonly received: { readonly channel: string; readonly args: unknown[] }[] = [];
  private waiters: { readonly channel: string; readonly resolve: (args: unknown[]) => void }[] = [];

  constructor(origin: string) {
    super();
    this.mainFrame = new FakeFrame(this, origin, 1);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** `ipcRenderer.on` listeners of the page (used by the preload stand-in). */
  readonly rendererListeners = new Map<string, Set<(event: object, ...args: unknown[]) => void>>();

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) {
      throw new Error("Object has been destroyed");
    }
    const copy = structuredClone(args);
    this.received.push({ channel, args: copy });
    setImmediate(() => {
      for (const listener of [...(this.rendererListeners.get(channel) ?? [])]) {
        listener({ sender: "IpcRenderer", ports: [] }, ...structuredClone(copy));
      }
    });
    const waiter = this.waiters.find((w) => w.channel === channel);
    if (waiter !== undefined) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(copy);
    }
  }

  /** The next message sent to this page on `channel`. */
  next(channel: string, timeoutMs = 5000): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nothing arrived on ${channel}`)), timeoutMs);
      this.waiters.push({
        channel,
        resolve: (args) => {
          clearTimeout(timer);
          resolve(args);
        },
      });
    });
  }

  /** An iframe inside the page. */
  addFrame(origin: string): FakeFrame {
    return new FakeFrame(this, origin, this.nextRoutingId++);
  }

  /** A main-frame navigation or reload: the old frame is gone, a new one (same origin unless given) takes over. */
  navigate(origin = this.mainFrame.origin): FakeFrame {
    this.mainFrame.gone = true;
    this.mainFrame = new FakeFrame(this, origin, this.nextRoutingId++);
    this.emit("did-navigate", {}, `${origin}/`, 200, "OK");
    return this.mainFrame;
  }

  destroy(): void {
    this.mainFrame.gone = true;
    this.destroyed = true;
    this.emit("destroyed");
  }
}

/** `ipcMain` plus the renderer's half (`invoke`/`send` from a given frame). */
export class FakeIpcMain implements IpcMainLike {
  private readonly handlers = new Map<string, Handler>();
  private readonly listeners = new Map<string, Listener[]>();

  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  on(channel: string, listener: Listener): this {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }

  removeListener(channel: string, listener: Listener): this {
    this.listeners.set(channel, (this.listeners.get(channel) ?? []).filter((l) => l !== listener));
    return this;
  }

  get handlerCount(): number {
    return this.handlers.size;
  }

  listenerCount(channel: string): number {
    return this.listeners.get(channel)?.length ?? 0;
  }

  private eventFor(frame: FakeFrame): IpcEventLike {
    const contents = frame.webContents;
    return {
      get senderFrame() {
        return frame.gone ? null : frame;
      },
      sender: contents,
    };
  }

  /** `ipcRenderer.invoke(channel, ...args)` from `frame`. */
  async invoke(frame: FakeFrame, channel: string, ...args: unknown[]): Promise<unknown> {
    const copy = structuredClone(args);
    await new Promise((resolve) => setImmediate(resolve));
    const handler = this.handlers.get(channel);
    if (handler === undefined) {
      throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    }
    try {
      return structuredClone(await handler(this.eventFor(frame), ...copy));
    } catch (error) {
      throw new Error(`Error invoking remote method '${channel}': ${String(error)}`);
    }
  }

  /** `ipcRenderer.send(channel, ...args)` from `frame`: delivered asynchronously, like Electron. */
  send(frame: FakeFrame, channel: string, ...args: unknown[]): void {
    const copy = structuredClone(args);
    setImmediate(() => {
      for (const listener of this.listeners.get(channel) ?? []) {
        listener(this.eventFor(frame), ...copy);
      }
    });
  }
}
