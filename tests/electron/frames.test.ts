// Frames and the callers the glue keeps for them, against the REAL Rust core, with stand-ins that behave as
// Electron 34's frames do (standins.ts): sub-frame navigations, removed iframes, frame objects that follow
// their iframe to another document, detached senders, load failures, and what the developer is told about
// refused origins.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { FakeWebContents, type FakeFrame } from "./standins.js";
import { captured, sleep, until, world, type World } from "./world.js";

/** `whoami` from `frame`: the core's answer names the caller ("caller caller#N from <origin>"). */
async function whoami(w: World, frame: FakeFrame, id = 1): Promise<unknown> {
  const outcome = (await w.ipcMain.invoke(frame, "core:whoami", id, [], undefined)) as { ok: boolean; value?: unknown; error?: unknown };
  return outcome.ok ? outcome.value : outcome.error;
}

describe("frames, against the real core", () => {
  it("a sub-frame navigation ends that iframe's caller and keeps the page's", async () => {
    const w = world();
    const page = new FakeWebContents("app://main");
    const frame = page.addFrame("app://main");
    assert.equal(await whoami(w, page.mainFrame), "caller caller#1 from app://main");
    assert.equal(await whoami(w, frame), "caller caller#2 from app://main");
    assert.equal(w.registration.callers, 2);
    // A new document host (new ids): found by the sweep that `did-frame-navigate` starts.
    frame.navigate("app://main");
    assert.equal(w.registration.callers, 1);
    assert.equal(await whoami(w, frame), "caller caller#3 from app://main", "the new document is a new caller");
    // The same host kept for the next document: `did-frame-navigate` names its ids.
    frame.navigate("app://main", { sameHost: true });
    assert.equal(w.registration.callers, 1);
    assert.equal(await whoami(w, frame), "caller caller#4 from app://main");
    assert.equal(await whoami(w, page.mainFrame), "caller caller#1 from app://main", "the page's caller is untouched");
  });

  it("a removed iframe (no event says so) is pruned, and a destroyed frame never breaks the navigation listener", async () => {
    const w = world();
    const page = new FakeWebContents("app://main");
    const a = page.addFrame("app://main");
    const b = page.addFrame("app://main");
    const c = page.addFrame("app://main");
    await whoami(w, page.mainFrame);
    await whoami(w, a);
    await whoami(w, b);
    assert.equal(w.registration.callers, 3);
    a.remove();
    assert.throws(() => a.processId, /Render frame was disposed before WebFrameMain could be accessed/);
    // A new caller in the window makes the glue look at the others.
    assert.equal(await whoami(w, c), "caller caller#4 from app://main");
    assert.equal(w.registration.callers, 3, "main, b and c: a's caller was freed");
    // Another removal, then a navigation of a surviving iframe: the destroyed frame is read without throwing
    // and every caller after it is still looked at.
    b.remove();
    c.navigate("https://ads.example");
    assert.equal(w.registration.callers, 1, "only the page's caller is left");
  });

  it("a frame object that follows its iframe to another document gets nothing meant for the old one", async () => {
    const w = world();
    const page = new FakeWebContents("app://main");
    const frame = page.addFrame("app://main");
    // Control: an event the core sends later reaches the iframe (not the page).
    w.ipcMain.send(frame, "core:echo_later", [1, "to the iframe"]);
    await until(() => frame.received.length === 1, "the control event");
    assert.deepEqual(frame.received, [{ channel: "core:echoed", args: [["to the iframe"]] }]);
    // The iframe goes to another origin while the core is about to answer: its caller ends there.
    w.ipcMain.send(frame, "core:echo_later", [100, "for the old document"]);
    await until(() => w.registration.callers === 1, "the iframe's caller");
    frame.navigate("https://ads.example");
    assert.equal(w.registration.callers, 0);
    // A failed navigation that committed an error page with ERR_ABORTED: Electron emits only
    // did-fail-provisional-load, so the glue learns of it when it is about to deliver.
    frame.navigate("app://main");
    w.ipcMain.send(frame, "core:echo_later", [100, "for the document before the error page"]);
    await until(() => w.registration.callers === 1, "the new caller");
    frame.failNavigation("app://main/missing");
    assert.equal(frame.origin, "null");
    assert.equal(w.registration.callers, 1, "nothing told the glue yet");
    await until(() => w.registration.callers === 0, "the caller to end at delivery");
    await sleep(150);
    assert.equal(frame.received.length, 1, `only the control event: ${JSON.stringify(frame.received)}`);
    assert.deepEqual(page.received, []);
  });

  it("a detached sender (a document running unload handlers) is denied", async () => {
    const w = world();
    const page = new FakeWebContents("app://main");
    const pending = w.ipcMain.invoke(page.mainFrame, "core:echo", 1, ["while unloading"], undefined);
    w.ipcMain.send(page.mainFrame, "core:note", ["while unloading"]);
    page.navigate("app://main", { unload: true });
    assert.deepEqual(await pending, { ok: false, error: { kind: "denied", channel: "core:echo", origin: "app://main" } });
    await until(() => w.refusals.length === 1, "the send's refusal");
    assert.deepEqual(w.refusals, [{ channel: "core:note", detail: { kind: "denied", channel: "core:note", origin: "app://main" } }]);
    assert.equal(w.registration.callers, 0);
    page.mainFrame.finishUnload();
    // The new document is served.
    assert.deepEqual(await w.ipcMain.invoke(page.mainFrame, "core:parse", 1, ["3"], undefined), { ok: true, value: 3 });
  });

  it("did-fail-load ends the callers of the failing frame (all of them for the main frame)", async () => {
    const w = world();
    const page = new FakeWebContents("app://main");
    const frame = page.addFrame("app://main");
    await whoami(w, page.mainFrame);
    await whoami(w, frame);
    const running = w.ipcMain.invoke(page.mainFrame, "core:sleep", 2, [10_000], undefined);
    await until(() => w.registration.pending === 1, "the sleep to start");
    frame.failLoad();
    assert.equal(w.registration.callers, 1);
    page.mainFrame.failLoad();
    assert.deepEqual(await running, { ok: false, error: { kind: "disconnected" } });
    assert.equal(w.registration.callers, 0);
  });

  it("an origin refused is logged once per channel and origin, escaped; file:// and null say why and what to do", async (t) => {
    const warnings = captured(t, "warn");
    const w = world();
    const evil = new FakeWebContents("https://evil.example");
    await w.ipcMain.invoke(evil.mainFrame, "core:echo", 1, ["a"], undefined);
    await w.ipcMain.invoke(evil.mainFrame, "core:echo", 2, ["b"], undefined);
    await w.ipcMain.invoke(evil.mainFrame, "core:parse", 3, ["1"], undefined);
    assert.equal(warnings.length, 2, JSON.stringify(warnings));
    assert.match(warnings[0] ?? "", /^CoreIpc: refused core:echo from the origin https:\/\/evil\.example, which is not in its allow_origins \(app:\/\/main\)\. Logged once\.$/);
    assert.match(warnings[1] ?? "", /refused core:parse from the origin https:\/\/evil\.example/);

    const file = new FakeWebContents("file://");
    await w.ipcMain.invoke(file.mainFrame, "core:echo", 1, ["a"], undefined);
    assert.match(warnings[2] ?? "", /origin file:\/\/, which every local file shares/);
    assert.match(warnings[2] ?? "", /registerAppScheme and serveAppScheme in ipc-electron-scheme\.ts give them the origin app:\/\/main/);

    const opaque = new FakeWebContents("null");
    w.ipcMain.send(opaque.mainFrame, "core:note", ["a"]);
    await until(() => warnings.length === 4, "the null origin's line");
    assert.match(warnings[3] ?? "", /The origin "null" is opaque .* Register the app's scheme as standard and secure \(registerAppScheme/);

    const forged = new FakeWebContents("https://x.example\nWARN forged \u001b[31m\u202e");
    await w.ipcMain.invoke(forged.mainFrame, "core:echo", 1, ["a"], undefined);
    assert.match(warnings[4] ?? "", /https:\/\/x\.example\\nWARN forged \\u\{1b\}\[31m\\u\{202e\}/);
    assert.doesNotMatch(warnings[4] ?? "", /[\n\u001b\u202e]/);

    const page = new FakeWebContents("app://main");
    await w.ipcMain.invoke(page.addFrame("app://main"), "core:echo", 1, ["a"], undefined);
    assert.match(warnings[5] ?? "", /refused core:echo from an iframe of app:\/\/main, and the channel does not allow sub-frames/);
    assert.equal(warnings.length, 6);
  });
});
