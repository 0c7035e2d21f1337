// Starts the benchmark server (WEB_BENCH_BIN), opens its page in Debian's headless Chromium, waits for the
// page's figures and prints them as a Markdown table. Arguments are passed to the page's query string
// (calls per block, rounds, pipelined calls); the raw figures are also written to $WEB_BENCH_OUT if set.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

import { chromium } from "playwright-core";

const binary = process.env.WEB_BENCH_BIN;
if (!binary) {
  throw new Error("WEB_BENCH_BIN must point at the built web_round_trip example (run.sh sets it)");
}
const [calls = "200", rounds = "10", pipelined = "1000"] = process.argv.slice(2);

const server = spawn(binary, [], { stdio: ["pipe", "pipe", "inherit"] });
const first = await new Promise((resolve, reject) => {
  createInterface({ input: server.stdout }).once("line", resolve);
  server.once("exit", (code) => reject(new Error(`web_round_trip exited with ${code}`)));
});
const { url, echo } = JSON.parse(first);
const [base, fragment] = url.split("#");
const page_url = `${base}?${new URLSearchParams({ echo, calls, rounds, pipelined })}#${fragment}`;

const userDataDir = mkdtempSync(join(tmpdir(), "ipc-web-bench-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"],
});
try {
  const page = await context.newPage();
  await page.goto(page_url);
  await page.waitForFunction(() => window.benchResults !== undefined, undefined, { timeout: 600_000 });
  const results = await page.evaluate(() => window.benchResults);
  if ("error" in results) {
    throw new Error(`the page failed: ${results.error}`);
  }
  if (process.env.WEB_BENCH_OUT) {
    writeFileSync(process.env.WEB_BENCH_OUT, JSON.stringify(results, null, 2));
  }
  const { typed, raw } = results.roundTrip;
  const ratio = (a, b) => (a / b).toFixed(2);
  console.log(`crossOriginIsolated (5 us timers): ${results.crossOriginIsolated}`);
  console.log(`round trips: ${typed.calls} typed, ${raw.calls} raw, alternating blocks of ${calls}`);
  console.log("");
  console.log("| | typed invoke | raw WebSocket echo | ratio |");
  console.log("|---|---|---|---|");
  for (const key of ["p50Us", "p99Us", "meanUs"]) {
    console.log(`| ${key.replace("Us", "")} (us) | ${typed[key]} | ${raw[key]} | ${ratio(typed[key], raw[key])}x |`);
  }
  const p = results.pipelined;
  console.log(`| pipelined, ${p.inFlight} in flight (calls/s) | ${p.typedPerSecond} | ${p.rawPerSecond} | ${ratio(p.typedPerSecond, p.rawPerSecond)} |`);
  for (const b of results.binary) {
    const mib = b.bytes / (1024 * 1024);
    console.log(`| ${mib} MiB each way, ${b.calls} round trips (MiB/s, both directions) | ${b.typedMiBPerSecond} | ${b.rawMiBPerSecond} | ${ratio(b.typedMiBPerSecond, b.rawMiBPerSecond)} |`);
  }
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
  server.stdin.end();
  await new Promise((resolve) => server.once("exit", resolve));
}
