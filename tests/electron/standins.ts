// Stand-ins for Electron's main-process IPC objects, for Node tests of the generated glue. What they copy from
// Electron 34 (shell/browser/api/electron_api_web_frame_main.cc, electron_api_web_contents.cc,
// gin_converters/frame_converter.cc, docs/api/web-frame-main.md, web-contents.md):
// - arguments and results cross as structured clones (`structuredClone`), never by reference;
// - `ipcMain.handle` allows one handler per channel; a handler that throws reaches the renderer as
//   `Error: Error invoking remote method '<channel>': <String(error)>` (only the message survives);
// - an invoke on a channel without a handler rejects with "No handler registered for '<channel>'";
// - a message remembers the document that sent it (its process and routing ids); `event.senderFrame` looks that
//   document up when it is read: null once the document is gone, the frame's object while it is the frame's
//   current document, and a separate object whose `detached` is true while it runs unload handlers after a
//   navigation replaced it;
// - a frame's object (`WebFrameMain`) follows the frame (main frame or iframe) to each new document: the same
//   object then shows the new origin, and new ids when the navigation got a new document host;
// - once the frame is gone (an iframe removed, the window destroyed) `isDestroyed()` is true, `detached` too,
//   and reading `origin`, `processId`, `routingId` or calling `send` throws "Render frame was disposed before
//   WebFrameMain could be accessed"; removing an iframe emits nothing;
// - navigations emit `did-frame-navigate(event, url, httpResponseCode, httpStatusText, isMainFrame,
//   frameProcessId, frameRoutingId)` with the new document's ids, then, for the main frame, `did-navigate`;
//   `did-fail-load(event, errorCode, errorDescription, validatedURL, isMainFrame, frameProcessId,
//   frameRoutingId)`;
// - a page served from a scheme that is not registered as standard has the origin "null";
// - `webContents.send` after destruction throws, so callers must check `isDestroyed()` first.

import { EventEmitter } from "node:events";

import type { IpcEventLike, IpcMainLike } from "./bindings/ipc-electron-main.js";

type Handler = (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>;
type Listener = (event: IpcEventLike, ...args: unknown[]) => void;

const DISPOSED = "Render frame was disposed before WebFrameMain could be accessed";

let nextProcessId = 100;
let nextRoutingId = 1;

/** One document host (Chromium's RenderFrameHost): its ids and origin never change. */
export class FakeDocument {
  state: "active" | "unloading" | "gone" = "active";
  /** The object Electron makes for this document while it unloads (not the frame's own object). */
  private unloadingView: FakeFrame | undefined;

  constructor(
    readonly frame: FakeFrame,
    readonly origin: string,
    readonly processId: number,
    readonly routingId: number,
  ) {}

  /** What `event.senderFrame` gives for a message this document sent. */
  senderFrame(): FakeFrame | null {
    switch (this.state) {
      case "active":
        return this.frame.document === this ? this.frame : null;
      case "unloading":
        this.unloadingView ??= FakeFrame.detachedView(this);
        return this.unloadingView;
      case "gone": {
        // Electron finds the frame by the sender's ids: a host kept for the next document answers for it.
        const now = this.frame.document;
        return now !== null && now.processId === this.processId && now.routingId === this.routingId ? this.frame : null;
      }
    }
  }

  end(): void {
    this.state = "gone";
  }
}

export interface NavigateOptions {
  /** Keep the old document running its unload handlers (senderFrame: detached) until `finishUnload()`. */
  readonly unload?: boolean;
  /** Commit in the same document host (same ids), as Chromium may for a same-site navigation. */
  readonly sameHost?: boolean;
  /** HTTP status of the response (default 200). */
  readonly status?: number;
}

/** `WebFrameMain`: one per frame; it follows its frame across navigations and throws once the frame is gone. */
export class FakeFrame {
  /** The current document; null once the frame is destroyed. */
  private current: FakeDocument | null = null;
  /** Set on the object made for an unloading document: it shows that document, detached, until it is gone. */
  private unloading: FakeDocument | undefined;
  readonly children = new Set<FakeFrame>();
  readonly received: { readonly channel: string; readonly args: unknown[] }[] = [];
  /** Documents still unloading after a navigation (`finishUnload` ends them). */
  private readonly unloadingDocuments: FakeDocument[] = [];

  constructor(
    readonly webContents: FakeWebContents,
    readonly parent: FakeFrame | null,
    origin: string,
  ) {
    if (origin !== "") {
      this.current = new FakeDocument(this, origin, nextProcessId++, nextRoutingId++);
    }
  }

  static detachedView(document: FakeDocument): FakeFrame {
    const view = new FakeFrame(document.frame.webContents, document.frame.parent, "");
    view.unloading = document;
    return view;
  }

  /** The document this object shows (its frame's current one, or the unloading one it was made for). */
  get document(): FakeDocument | null {
    if (this.unloading !== undefined) {
      return this.unloading.state === "gone" ? null : this.unloading;
    }
    return this.current;
  }

  private shown(): FakeDocument {
    const document = this.document;
    if (document === null) {
      throw new Error(DISPOSED);
    }
    return document;
  }

  isDestroyed(): boolean {
    return this.document === null;
  }

  get detached(): boolean {
    return this.unloading !== undefined || this.current === null;
  }

  get origin(): string {
    return this.shown().origin;
  }

  get processId(): number {
    return this.shown().processId;
  }

  get routingId(): number {
    return this.shown().routingId;
  }

  get top(): FakeFrame {
    return this.parent === null ? this : this.parent.top;
  }

  send(channel: string, ...args: unknown[]): void {
    this.shown();
    this.received.push({ channel, args: structuredClone(args) });
  }

  /** The document that would send a message from this frame now. */
  sendingDocument(): FakeDocument {
    if (this.unloading !== undefined) {
      throw new Error("a detached frame object stands for an old document; send from the frame itself");
    }
    return this.shown();
  }

  /** An iframe inside this frame's document. */
  addFrame(origin: string): FakeFrame {
    this.shown();
    const child = new FakeFrame(this.webContents, this, origin);
    this.children.add(child);
    return child;
  }

  /** Navigates this frame to `origin`: the same object, a new document; emits what Electron emits. */
  navigate(origin = this.origin, options: NavigateOptions = {}): this {
    const old = this.shown();
    this.destroyChildren();
    const sameOrigin = origin === old.origin;
    const next = options.sameHost === true
      ? new FakeDocument(this, origin, old.processId, old.routingId)
      : new FakeDocument(this, origin, sameOrigin ? old.processId : nextProcessId++, nextRoutingId++);
    if (options.unload === true && options.sameHost !== true) {
      old.state = "unloading";
      this.unloadingDocuments.push(old);
    } else {
      old.end();
    }
    this.current = next;
    const isMainFrame = this.parent === null;
    const status = options.status ?? 200;
    this.webContents.emit("did-frame-navigate", {}, `${origin}/`, status, "OK", isMainFrame, next.processId, next.routingId);
    if (isMainFrame) {
      this.webContents.emit("did-navigate", {}, `${origin}/`, status, "OK");
    }
    return this;
  }

  /** The documents still running unload handlers are gone now. */
  finishUnload(): void {
    for (const document of this.unloadingDocuments.splice(0)) {
      document.end();
    }
  }

  /** The frame's load failed (`did-fail-load` with its document's ids); the document stays. */
  failLoad(errorCode = -2, description = "ERR_FAILED"): void {
    const document = this.shown();
    this.webContents.emit("did-fail-load", {}, errorCode, description, `${document.origin}/`, this.parent === null,
      document.processId, document.routingId);
  }

  /**
   * A navigation that failed and committed Chromium's error page (an opaque origin, a new document host).
   * Electron emits `did-fail-provisional-load`, and `did-fail-load` too unless the request was aborted
   * (ERR_ABORTED, -3); never `did-frame-navigate`.
   */
  failNavigation(url: string, errorCode = -3, description = "ERR_ABORTED"): void {
    const old = this.shown();
    this.destroyChildren();
    old.end();
    const next = new FakeDocument(this, "null", nextProcessId++, nextRoutingId++);
    this.current = next;
    const args = [errorCode, description, url, this.parent === null, next.processId, next.routingId] as const;
    this.webContents.emit("did-fail-provisional-load", {}, ...args);
    if (errorCode !== -3) {
      this.webContents.emit("did-fail-load", {}, ...args);
    }
  }

  /** The iframe is removed from its parent's DOM: destroyed, and Electron emits nothing. */
  remove(): void {
    if (this.parent === null) {
      throw new Error("the main frame goes with its webContents: use destroy()");
    }
    this.parent.children.delete(this);
    this.destroy();
  }

  /** This frame and every frame inside it are gone. */
  destroy(): void {
    this.destroyChildren();
    this.current?.end();
    this.finishUnload();
    this.current = null;
  }

  private destroyChildren(): void {
    for (const child of [...this.children]) {
      child.destroy();
    }
    this.children.clear();
  }
}

let nextWebContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  /** The main frame's object: it follows every main-frame navigation. */
  readonly mainFrame: FakeFrame;
  private destroyed = false;
  readonly received: { readonly channel: string; readonly args: unknown[] }[] = [];
  private waiters: { readonly channel: string; readonly resolve: (args: unknown[]) => void }[] = [];

  constructor(origin: string) {
    super();
    this.mainFrame = new FakeFrame(this, null, origin);
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

  /** An iframe in the page. */
  addFrame(origin: string): FakeFrame {
    return this.mainFrame.addFrame(origin);
  }

  /** A main-frame navigation or reload: a new document (same origin unless given) in the same frame object. */
  navigate(origin = this.mainFrame.origin, options: NavigateOptions = {}): FakeFrame {
    return this.mainFrame.navigate(origin, options);
  }

  destroy(): void {
    this.mainFrame.destroy();
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

  /** The event of a message `document` sent: `senderFrame` is looked up when read, as Electron does. */
  private eventFor(document: FakeDocument): IpcEventLike {
    return {
      get senderFrame() {
        return document.senderFrame();
      },
      sender: document.frame.webContents,
    };
  }

  /** `ipcRenderer.invoke(channel, ...args)` from `frame`'s current document. */
  async invoke(frame: FakeFrame, channel: string, ...args: unknown[]): Promise<unknown> {
    const document = frame.sendingDocument();
    const copy = structuredClone(args);
    await new Promise((resolve) => setImmediate(resolve));
    const handler = this.handlers.get(channel);
    if (handler === undefined) {
      throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    }
    try {
      return structuredClone(await handler(this.eventFor(document), ...copy));
    } catch (error) {
      throw new Error(`Error invoking remote method '${channel}': ${String(error)}`);
    }
  }

  /** `ipcRenderer.send(channel, ...args)` from `frame`'s current document: delivered asynchronously, like Electron. */
  send(frame: FakeFrame, channel: string, ...args: unknown[]): void {
    const document = frame.sendingDocument();
    const copy = structuredClone(args);
    setImmediate(() => {
      for (const listener of this.listeners.get(channel) ?? []) {
        listener(this.eventFor(document), ...copy);
      }
    });
  }
}
