/**
 * `bun run bench:startup`: how fast the compiled x64 binary answers after exec, and how much
 * memory it holds when idle. Builds dist/tibox-linux-x64 when it is missing.
 *
 * Two cases, RUNS times each (default 20, `--runs N`):
 * - first run: an empty data folder, so the box creates its database, venue key and TLS CA;
 * - warm: the same, already populated data folder every time (an ordinary restart).
 * Latency is exec until the first 200 from /healthz, polled every millisecond; idle RSS is
 * VmRSS from /proc a moment after that answer. Prints a markdown table with the targets.
 * `--binary PATH` measures another build instead (e.g. one without --bytecode, to compare).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { createServer } from "node:net";
import { basename, join, resolve } from "node:path";
import { binaryName, buildRelease, DIST } from "../deploy/build.ts";

const TARGET_FIRST_200_MS = 150;
const TARGET_IDLE_RSS_MB = 80;
const HEALTHY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
/** Long enough for start-up work (migrations, jobs, first request) to have settled. */
const SETTLE_MS = 500;
const POLL_MS = 1;

interface Sample {
  readonly first200Ms: number;
  readonly idleRssMb: number;
  /** The part of RSS not backed by a file: heap and stacks. The rest is mostly the binary's own pages. */
  readonly idleAnonMb: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function statusMb(pid: number, field: "VmRSS" | "RssAnon"): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m"));
  if (!line) throw new Error(`no ${field} for ${pid}`);
  return Number(line[1]) / 1024;
}

/** Starts the binary on `dataFolder`, times its first 200, reads its idle RSS, stops it. */
async function sample(binary: string, cwd: string): Promise<Sample> {
  const [port, httpsPort] = [await freePort(), await freePort()];
  const args = ["serve", "--data", "./data", "--host", "127.0.0.1", "--port", String(port), "--https-port", String(httpsPort)];
  const url = `http://127.0.0.1:${port}/healthz`;
  const startMs = performance.now();
  const child = Bun.spawn([binary, ...args], { cwd, stdout: "ignore", stderr: "ignore" });
  let first200Ms: number | undefined;
  try {
    while (performance.now() - startMs < HEALTHY_TIMEOUT_MS) {
      if (child.exitCode !== null) throw new Error(`the box exited with code ${child.exitCode}`);
      const response = await fetch(url).catch(() => undefined);
      if (response?.status === 200) {
        first200Ms = performance.now() - startMs;
        break;
      }
      await Bun.sleep(POLL_MS);
    }
    if (first200Ms === undefined) throw new Error(`no 200 from ${url} within ${HEALTHY_TIMEOUT_MS} ms`);
    await Bun.sleep(SETTLE_MS);
    return { first200Ms, idleRssMb: statusMb(child.pid, "VmRSS"), idleAnonMb: statusMb(child.pid, "RssAnon") };
  } finally {
    child.kill("SIGTERM");
    const code = await Promise.race([child.exited, Bun.sleep(STOP_TIMEOUT_MS).then(() => "timeout" as const)]);
    if (code !== 0) {
      child.kill("SIGKILL");
      throw new Error(`the box did not stop cleanly on SIGTERM: ${code}`);
    }
  }
}

/** Nearest-rank percentile. */
function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

function parseRuns(argv: readonly string[]): number {
  const index = argv.indexOf("--runs");
  const runs = index >= 0 ? Number(argv[index + 1]) : 20;
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) throw new Error(`--runs must be 1 to 1000`);
  return runs;
}

async function main(): Promise<void> {
  const runs = parseRuns(process.argv.slice(2));
  const argv = process.argv.slice(2);
  const binaryIndex = argv.indexOf("--binary");
  const binary = binaryIndex >= 0 ? resolve(argv[binaryIndex + 1]!) : join(DIST, binaryName("x64"));
  if (binaryIndex < 0 && !existsSync(binary)) {
    console.error(`building ${binary}`);
    await buildRelease("x64");
  }
  const root = mkdtempSync(join(tmpdir(), "tibox-bench-"));
  try {
    const first: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      const cwd = mkdtempSync(join(root, "first-"));
      first.push(await sample(binary, cwd));
    }
    const warmFolder = mkdtempSync(join(root, "warm-"));
    await sample(binary, warmFolder); // populates the data folder; not counted
    const warm: Sample[] = [];
    for (let i = 0; i < runs; i++) warm.push(await sample(binary, warmFolder));

    const ms = (values: number[]) => [percentile(values, 0.5), percentile(values, 0.9)].map((v) => `${v.toFixed(0)} ms`);
    const mb = (values: number[]) => [percentile(values, 0.5), percentile(values, 0.9)].map((v) => `${v.toFixed(1)} MB`);
    const cpuModel = cpus()[0]?.model ?? "unknown";
    // Other work on the machine skews latency: the load average tells how quiet the run was.
    const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    console.log(`startup of ${basename(binary)}, ${runs} runs each; ${cpus().length} cores (${cpuModel}); load ${load}; bun ${Bun.version}; ${new Date().toISOString()}`);
    console.log("");
    console.log("| measure | median | p90 | target |");
    console.log("| --- | --- | --- | --- |");
    console.log(`| first 200, first run (creates DB, keys, TLS CA) | ${ms(first.map((s) => s.first200Ms)).join(" | ")} | < ${TARGET_FIRST_200_MS} ms |`);
    console.log(`| first 200, warm (existing data folder) | ${ms(warm.map((s) => s.first200Ms)).join(" | ")} | < ${TARGET_FIRST_200_MS} ms |`);
    console.log(`| idle RSS, first run | ${mb(first.map((s) => s.idleRssMb)).join(" | ")} | < ${TARGET_IDLE_RSS_MB} MB |`);
    console.log(`| idle RSS, warm | ${mb(warm.map((s) => s.idleRssMb)).join(" | ")} | < ${TARGET_IDLE_RSS_MB} MB |`);
    console.log(`| of which anonymous (RssAnon), warm | ${mb(warm.map((s) => s.idleAnonMb)).join(" | ")} | |`);
    console.log(`| binary size | ${(statSync(binary).size / 1e6).toFixed(1)} MB | | |`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
