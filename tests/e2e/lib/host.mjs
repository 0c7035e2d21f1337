// Starts the web demo (`web_app`) as a child process and follows what it prints: the URL line, and the JSON
// records of what the main side did. Tests wait for records by content, never for a fixed time.

import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export class WebAppHost {
  /** @type {import("node:child_process").ChildProcess} */
  #child;
  /** Every JSON record printed so far, in order. */
  records = [];
  /** stderr (tracing logs), for asserting on refusals. */
  stderr = "";
  url = "";
  filesDir = "";
  #waiters = new Set();
  #exited;

  static async start(binary) {
    const host = new WebAppHost();
    host.filesDir = mkdtempSync(join(tmpdir(), "ipc-e2e-files-"));
    writeFileSync(join(host.filesDir, "hello.txt"), "Hello from the e2e folder.\n");
    writeFileSync(join(host.filesDir, "notes.md"), "# Notes\n");
    const child = spawn(binary, ["--files", host.filesDir], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, RUST_LOG: "info" },
    });
    host.#child = child;
    host.#exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      host.stderr += chunk;
      host.#wake();
    });
    const urlSeen = new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).on("line", (line) => {
        const url = /^web_app: open (http:\/\/\S+)$/.exec(line);
        if (url !== null) {
          host.url = url[1];
          resolve();
        } else if (line.startsWith("{")) {
          host.records.push(JSON.parse(line));
          host.#wake();
        }
      });
      host.#exited.then(({ code }) => reject(new Error(`web_app exited (${code}) before printing its URL:\n${host.stderr}`)));
    });
    await urlSeen;
    return host;
  }

  /** The page URL with a different token (or none). */
  urlWithToken(token) {
    const base = this.url.replace(/#.*$/, "");
    return token === undefined ? base : `${base}#token=${token}`;
  }

  get origin() {
    return new URL(this.url).origin;
  }

  /** Index to pass as `since`, so that only later records match. */
  mark() {
    return this.records.length;
  }

  /** Resolves with the first record (from index `since`) for which `match` is true. */
  waitForRecord(match, since = 0) {
    return this.#waitFor(() => this.records.slice(since).find(match));
  }

  /** Resolves once stderr contains `text`. */
  waitForLog(text) {
    return this.#waitFor(() => (this.stderr.includes(text) ? true : undefined));
  }

  /** Types a console command, as the person running web_app would. */
  command(line) {
    this.#child.stdin.write(`${line}\n`);
  }

  async stop() {
    if (this.#child.exitCode === null) {
      this.command("quit");
    }
    const exit = await this.#exited;
    rmSync(this.filesDir, { recursive: true, force: true });
    return exit;
  }

  #waitFor(probe) {
    const found = probe();
    if (found !== undefined) {
      return Promise.resolve(found);
    }
    return new Promise((resolve) => {
      const waiter = () => {
        const value = probe();
        if (value !== undefined) {
          this.#waiters.delete(waiter);
          resolve(value);
        }
      };
      this.#waiters.add(waiter);
    });
  }

  #wake() {
    for (const waiter of [...this.#waiters]) {
      waiter();
    }
  }
}
