// The web demo in real headless Chromium: the four Electron tutorial patterns, a typed domain error,
// reloads and disconnects, and the host's refusals, asserted on the page and on what the Rust side recorded.
// Tests run in order and share one host and one browser; they wait for page state and records, never for
// a fixed time (node:test's timeout is only a safety net).

import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launch } from "./lib/browser.mjs";
import { WebAppHost } from "./lib/host.mjs";

const BINARY = process.env.WEB_APP_BIN;
const ARTIFACTS = process.env.ARTIFACTS_DIR;
const SAFETY_NET = { timeout: 60_000 };

let host;
let browser;
/** Page A and its renderer id; page B joins in pattern 4. */
let pageA;
let idA;
let pageB;
let idB;

/** Opens the demo and waits until it is connected and knows its renderer id. */
async function openDemo(url = host.url) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  page.errors = errors;
  await page.goto(url);
  const id = await connectedId(page);
  return { page, id };
}

async function connectedId(page) {
  await page.locator('#conn-status[data-state="connected"]').waitFor();
  await page.waitForFunction(() => /^\d+$/.test(document.getElementById("my-id")?.textContent ?? ""));
  return Number(await page.locator("#my-id").textContent());
}

/** Clicks in `page`, brought to the front first: background tabs throttle the animation frames that
 * Playwright's actionability checks wait for. */
async function click(page, selector) {
  await page.bringToFront();
  await page.click(selector);
}

function text(page, selector) {
  return page.locator(selector).textContent();
}

before(async () => {
  assert.ok(BINARY, "WEB_APP_BIN must point at the built web_app example (tests/e2e/run.sh sets it)");
  host = await WebAppHost.start(BINARY);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  const exit = await host?.stop();
  if (exit !== undefined) {
    assert.deepEqual(exit, { code: 0, signal: null }, `web_app did not shut down cleanly:\n${host.stderr}`);
  }
});

test("the printed URL carries the token in its fragment and the page removes it from the address bar", SAFETY_NET, async () => {
  assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}$/);
  const token = host.url.split("#token=")[1];
  assert.ok(!host.stderr.includes(token), "the full token must never be logged");
  const since = host.mark();
  ({ page: pageA, id: idA } = await openDemo());
  assert.ok(idA >= 1);
  assert.equal(new URL(pageA.url()).hash, "", "token left in the address bar");
  const connected = await host.waitForRecord((r) => r.record === "connected" && r.caller === idA, since);
  assert.equal(connected.origin, "app://main", "the host maps its own pages to the trait's app://main origin");
});

test("pattern 1: renderer -> main one-way sets the window title", SAFETY_NET, async () => {
  const since = host.mark();
  await pageA.fill("#title-input", "  Typed IPC works  ");
  await click(pageA, "#title-set");
  // The main side trims the title and applies it through its window_title event.
  await pageA.waitForFunction(() => document.title === "Typed IPC works");
  assert.equal(await text(pageA, "#title-applied"), "Typed IPC works");
  const record = await host.waitForRecord((r) => r.record === "title", since);
  assert.deepEqual(record, { record: "title", caller: idA, title: "Typed IPC works" });
});

test("pattern 2: renderer -> main two-way picks a file the main side lists", SAFETY_NET, async () => {
  await pageA.locator('#file-select option[value="hello.txt"]').waitFor({ state: "attached" });
  const options = await pageA.locator("#file-select option").evaluateAll((all) => all.map((o) => o.value));
  assert.deepEqual(options, ["hello.txt", "notes.md"], "the listing comes from the folder given to web_app");
  const since = host.mark();
  await pageA.selectOption("#file-select", "hello.txt");
  await click(pageA, "#file-open");
  await pageA.locator("#file-name", { hasText: "hello.txt" }).waitFor();
  assert.equal(await text(pageA, "#file-preview"), "Hello from the e2e folder.\n");
  assert.equal(await text(pageA, "#file-size"), "(27 bytes)");
  const record = await host.waitForRecord((r) => r.record === "file_opened", since);
  assert.deepEqual(record, { record: "file_opened", caller: idA, name: "hello.txt", bytes: 27 });
});

test("a typed domain error from the main side is shown in the page", SAFETY_NET, async () => {
  const since = host.mark();
  await click(pageA, "#file-open-outside");
  await pageA.locator('#file-error[data-kind="outsideFolder"]').waitFor();
  assert.equal(await text(pageA, "#file-error"), 'refused: "../Cargo.toml" is outside the folder the main side allows');
  const record = await host.waitForRecord((r) => r.record === "file_refused", since);
  assert.equal(record.caller, idA);
  assert.equal(record.name, "../Cargo.toml");
  assert.match(record.error, /^OutsideFolder/);
});

test("pattern 3: main -> renderer counter, with the renderer's reply", SAFETY_NET, async () => {
  let since = host.mark();
  host.command("+");
  await pageA.locator("#counter", { hasText: /^1$/ }).waitFor();
  const sent = await host.waitForRecord((r) => r.record === "counter_sent", since);
  assert.deepEqual(sent, { record: "counter_sent", to: "all", delta: 1, delivered: 1 });
  assert.deepEqual(await host.waitForRecord((r) => r.record === "counter_value", since), {
    record: "counter_value",
    caller: idA,
    value: 1,
  });

  since = host.mark();
  host.command(`- ${idA}`);
  await pageA.locator("#counter", { hasText: /^0$/ }).waitFor();
  const one = await host.waitForRecord((r) => r.record === "counter_sent", since);
  assert.deepEqual(one.to, { one: idA });
  assert.equal((await host.waitForRecord((r) => r.record === "counter_value", since)).value, 0);
});

test("pattern 4: renderer -> renderer through the main side as broker", SAFETY_NET, async () => {
  ({ page: pageB, id: idB } = await openDemo());
  assert.notEqual(idB, idA);
  // Each page learns about the other through the peers_changed event / peers() call.
  await pageA.locator(`#peer-list[data-ids="${idB}"]`).waitFor();
  await pageB.locator(`#peer-list[data-ids="${idA}"]`).waitFor();

  const since = host.mark();
  await pageA.fill("#peer-id", String(idB));
  await pageA.fill("#peer-text", "hello from A");
  await click(pageA, "#peer-send");
  await pageA.locator('#peer-status[data-kind="sent"]').waitFor();
  await pageB.locator("#peer-inbox li", { hasText: `from renderer ${idA}: hello from A` }).waitFor();
  assert.deepEqual(await host.waitForRecord((r) => r.record === "peer_message", since), {
    record: "peer_message",
    from: idA,
    to: idB,
    text: "hello from A",
  });

  // The main side decides: messaging yourself is refused with a typed error.
  await pageA.fill("#peer-id", String(idA));
  await click(pageA, "#peer-send");
  await pageA.locator('#peer-status[data-kind="toSelf"]').waitFor();
  const refused = await host.waitForRecord((r) => r.record === "peer_refused", since);
  assert.deepEqual(refused, { record: "peer_refused", from: idA, to: idA, error: "ToSelf" });

  // Pattern 3 to all reaches both windows.
  const counterSince = host.mark();
  host.command("+");
  await pageB.locator("#counter", { hasText: /^1$/ }).waitFor();
  await pageA.locator("#counter", { hasText: /^1$/ }).waitFor();
  assert.equal((await host.waitForRecord((r) => r.record === "counter_sent", counterSince)).delivered, 2);
});

test("a long call finishes when the main side says so, and a cancelled one is dropped on the main side", SAFETY_NET, async () => {
  let since = host.mark();
  await click(pageA, "#job-start");
  await host.waitForRecord((r) => r.record === "job_started" && r.caller === idA, since);
  host.command("finish");
  await pageA.locator('#job-status[data-kind="finished"]').waitFor();
  assert.equal(await text(pageA, "#job-status"), "job 1 finished");
  await host.waitForRecord((r) => r.record === "job_finished" && r.caller === idA, since);

  since = host.mark();
  await click(pageA, "#job-start");
  await host.waitForRecord((r) => r.record === "job_started", since);
  await click(pageA, "#job-cancel");
  await pageA.locator('#job-status[data-kind="cancelled"]').waitFor();
  assert.deepEqual(await host.waitForRecord((r) => r.record === "job_cancelled", since), {
    record: "job_cancelled",
    caller: idA,
    label: "job 2",
  });
});

test("a reload cancels the old page's calls, unregisters it, and gives the new page a fresh id", SAFETY_NET, async () => {
  const since = host.mark();
  await click(pageB, "#job-start");
  await host.waitForRecord((r) => r.record === "job_started" && r.caller === idB, since);
  const oldB = idB;
  await pageB.reload();
  idB = await connectedId(pageB);
  assert.ok(idB > oldB, `ids only grow: ${idB} after ${oldB}`);
  // Main side: the old page's handler was dropped and the old id unregistered before the new one joined.
  await host.waitForRecord((r) => r.record === "job_cancelled" && r.caller === oldB, since);
  await host.waitForRecord((r) => r.record === "disconnected" && r.caller === oldB, since);
  await host.waitForRecord((r) => r.record === "connected" && r.caller === idB, since);
  // The token survived the reload (sessionStorage), and the other page's peer list was cleaned up.
  await pageA.locator(`#peer-list[data-ids="${idB}"]`).waitFor();

  // The old id addresses nobody: the broker answers with a typed error.
  await pageA.fill("#peer-id", String(oldB));
  await pageA.fill("#peer-text", "anyone there?");
  await click(pageA, "#peer-send");
  await pageA.locator('#peer-status[data-kind="notConnected"]').waitFor();
  assert.equal(await text(pageA, "#peer-status"), `renderer ${oldB} is not connected`);

  // Subscriptions of the new page work: the counter event reaches it.
  const counterSince = host.mark();
  host.command(`+ ${idB}`);
  await host.waitForRecord((r) => r.record === "counter_value" && r.caller === idB, counterSince);
});

test("closing the socket rejects an in-flight invoke with a typed `disconnected` error", SAFETY_NET, async () => {
  const since = host.mark();
  await click(pageB, "#job-start");
  await host.waitForRecord((r) => r.record === "job_started" && r.caller === idB, since);
  await click(pageB, "#conn-close");
  await pageB.locator('#job-status[data-kind="disconnected"]').waitFor();
  await pageB.locator('#conn-status[data-state="disconnected"]').waitFor();
  assert.equal(await text(pageB, "#conn-status"), "disconnected (1000: closed by the page)");
  await host.waitForRecord((r) => r.record === "job_cancelled" && r.caller === idB, since);
  await host.waitForRecord((r) => r.record === "disconnected" && r.caller === idB, since);
  await pageA.locator('#peer-list[data-ids=""]').waitFor();

  // Reconnect in the same page: a new id, and the page works again.
  const oldB = idB;
  await click(pageB, "#conn-open");
  idB = await connectedId(pageB);
  assert.ok(idB > oldB);
  await pageA.locator(`#peer-list[data-ids="${idB}"]`).waitFor();
});

test("a page with a wrong or missing token is refused with a clear reason", SAFETY_NET, async () => {
  const since = host.mark();
  for (const [token, reason] of [["0".repeat(64), "4401: invalid token"], [undefined, "4401: missing token"]]) {
    const page = await browser.context.newPage();
    await page.goto(host.urlWithToken(token));
    await page.locator('#conn-status[data-state="refused"]').waitFor();
    assert.equal(await text(page, "#conn-status"), `refused (${reason})`);
    await page.close();
  }
  assert.equal(host.records.slice(since).filter((r) => r.record === "connected").length, 0);
});

test("a stale page (built from other bindings) is refused with a typed version_mismatch, logged once", SAFETY_NET, async () => {
  const bindings = readFileSync(new URL("../../examples/web/bindings/DemoIpc.ts", import.meta.url), "utf8");
  const expected = /^export const DemoIpcFingerprint = "([0-9a-f]{16})";$/m.exec(bindings)?.[1];
  assert.ok(expected, "DemoIpcFingerprint in the committed bindings");
  const stale = "0123456789abcdef";
  const since = host.mark();
  const page = await browser.context.newPage();
  // What a cached bundle from an older build looks like: the same page, its bindings carrying another fingerprint.
  await page.route("**/js/bindings/DemoIpc.js", async (route) => {
    const response = await route.fetch();
    const current = await response.text();
    const body = current.replace(`DemoIpcFingerprint = "${expected}"`, `DemoIpcFingerprint = "${stale}"`);
    assert.notEqual(body, current, "the served bindings carry the committed fingerprint");
    await route.fulfill({ response, body });
  });
  await page.goto(host.url);
  await page.locator('#conn-status[data-state="refused"]').waitFor();
  assert.equal(await text(page, "#conn-status"), `refused (version mismatch: page ${stale}, host ${expected})`);
  await host.waitForLog(`fingerprint "${stale}"`);
  const warnings = host.stderr.split("\n").filter((line) => line.includes(`fingerprint "${stale}"`));
  assert.equal(warnings.length, 1, `logged once:\n${warnings.join("\n")}`);
  assert.match(warnings[0], /WARN/);
  assert.equal(host.records.slice(since).filter((r) => r.record === "connected").length, 0);
  await page.close();
});

test("a page on another origin cannot open the socket, even knowing the token", SAFETY_NET, async () => {
  const socketUrl = `${host.origin.replace("http:", "ws:")}/ws`;
  const token = host.url.split("#token=")[1];
  // The attacker's page: same machine, different port, so a different origin.
  const attacker = createServer((_request, response) => {
    response.setHeader("content-type", "text/html");
    response.end(`<!DOCTYPE html><title>attacker</title><p id="result">pending</p><script>
      const result = document.getElementById("result");
      const socket = new WebSocket(${JSON.stringify(socketUrl)});
      socket.onopen = () => socket.send(JSON.stringify({ kind: "hello", token: ${JSON.stringify(token)}, topFrame: true }));
      socket.onmessage = (event) => { result.textContent = "got " + event.data; };
      socket.onclose = (event) => { result.dataset.code = String(event.code); result.textContent = "closed " + event.code; };
    </script>`);
  });
  await new Promise((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  const attackerOrigin = `http://127.0.0.1:${attacker.address().port}`;
  const since = host.mark();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${attackerOrigin}/`);
    await page.locator("#result[data-code]").waitFor();
    // 1006: the upgrade was refused (HTTP 403), so the socket never opened and no message ever arrived.
    assert.equal(await text(page, "#result"), "closed 1006");
    await host.waitForLog(`origin "${attackerOrigin}" may not connect`);
    await page.close();
  } finally {
    attacker.close();
  }
  assert.equal(host.records.slice(since).filter((r) => r.record === "connected").length, 0);
});

test("the page is sensible: screenshot kept as a test artifact", SAFETY_NET, async () => {
  assert.deepEqual(pageA.errors, [], "page A threw");
  if (ARTIFACTS) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await pageA.screenshot({ path: join(ARTIFACTS, "web-app.png"), fullPage: true });
  }
});
