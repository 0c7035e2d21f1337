// The app:// file server (ipc-electron-scheme.ts) called the way Electron's `protocol.handle` calls it: with a
// WHATWG Request, answering a Response. Real files in a temporary folder; symbolic links included.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import {
  appFile,
  DEFAULT_APP_CSP,
  registerAppScheme,
  serveAppScheme,
  type ProtocolLike,
  type SchemePrivileges,
} from "./bindings/ipc-electron-scheme.js";

class FakeProtocol implements ProtocolLike {
  readonly registered: { scheme: string; privileges?: SchemePrivileges }[] = [];
  readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();

  registerSchemesAsPrivileged(schemes: { scheme: string; privileges?: SchemePrivileges }[]): void {
    this.registered.push(...schemes);
  }

  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    assert.ok(!this.handlers.has(scheme), `a second handler for ${scheme}`);
    this.handlers.set(scheme, handler);
  }
}

let base: string;
let root: string;
let serve: (request: Request) => Promise<Response>;
const protocol = new FakeProtocol();

before(() => {
  base = mkdtempSync(join(tmpdir(), "ipc-scheme-"));
  root = join(base, "renderer");
  mkdirSync(join(root, "js"), { recursive: true });
  mkdirSync(join(root, ".git"));
  writeFileSync(join(root, "index.html"), "<!doctype html><title>app</title>");
  writeFileSync(join(root, "js", "app.js"), "console.log(1);");
  writeFileSync(join(root, "data.bin"), Buffer.alloc(200_000, 7));
  writeFileSync(join(root, ".env"), "SECRET=1");
  writeFileSync(join(root, ".git", "config"), "[core]");
  writeFileSync(join(base, "secret.txt"), "outside");
  symlinkSync(join(base, "secret.txt"), join(root, "link.txt"));
  symlinkSync(join(root, "js", "app.js"), join(root, "inside-link.js"));
  serve = serveAppScheme(protocol, { root });
});

after(() => rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = "GET"): Promise<Response> => serve(new Request(url, { method }));

describe("app:// scheme", () => {
  it("registers a standard, secure scheme and its handler", () => {
    const other = new FakeProtocol();
    registerAppScheme(other);
    assert.deepEqual(other.registered, [
      { scheme: "app", privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
    ]);
    assert.equal(protocol.handlers.get("app"), serve);
  });

  it("serves the index, nested files and binary bodies with their types", async () => {
    const index = await get("app://main/");
    assert.equal(index.status, 200);
    assert.equal(index.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(index.headers.get("content-security-policy"), DEFAULT_APP_CSP);
    assert.equal(index.headers.get("x-content-type-options"), "nosniff");
    assert.equal(await index.text(), "<!doctype html><title>app</title>");
    const script = await get("app://main/js/app.js");
    assert.equal(script.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal(script.headers.get("content-security-policy"), null, "the CSP is a document's, not a script's");
    assert.equal(await script.text(), "console.log(1);");
    const data = await get("app://main/data.bin");
    assert.equal(data.headers.get("content-type"), "application/octet-stream");
    assert.equal(data.headers.get("content-length"), "200000");
    const bytes = new Uint8Array(await data.arrayBuffer());
    assert.equal(bytes.length, 200_000);
    assert.ok(bytes.every((b) => b === 7));
    const head = await get("app://main/index.html", "HEAD");
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
  });

  it("keeps a symbolic link inside the folder and refuses one that leads out", async () => {
    assert.equal(await (await get("app://main/inside-link.js")).text(), "console.log(1);");
    const out = await get("app://main/link.txt");
    assert.equal(out.status, 404);
    assert.equal(await out.text(), "not found");
  });

  it("refuses every way out of the folder, dot-files, other hosts and other methods", async () => {
    const refused = [
      "app://main/../secret.txt",
      "app://main/%2e%2e/secret.txt",
      "app://main/js/%2e%2e%2f%2e%2e%2fsecret.txt",
      "app://main/..%5csecret.txt",
      "app://main/.env",
      "app://main/.git/config",
      "app://main/%2egit/config",
      "app://main/index.html%00.js",
      "app://main/%E0%A4%A",
      "app://main/js",
      "app://main/missing.html",
      "app://other/index.html",
      "app://main:8080/index.html",
    ];
    for (const url of refused) {
      const response = await get(url);
      assert.equal(response.status, 404, url);
      assert.ok(!(await response.text()).includes("outside"), url);
    }
    assert.equal((await get("app://main/index.html", "POST")).status, 405);
    assert.equal(appFile("other://main/index.html", { root }), undefined);
    assert.equal(appFile("app://main/", { root }), join(root, "index.html"));
    assert.equal(appFile("app://main/x", { root, scheme: "app", host: "ui" }), undefined);
  });

  it("takes only an absolute folder", () => {
    assert.throws(() => serveAppScheme(new FakeProtocol(), { root: "renderer" }), /absolute path/);
  });
});
