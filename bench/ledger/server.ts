/**
 * The real server in a child process: `bun src/main.ts serve` on loopback (HTTP only), with the
 * commit counter preloaded (bench/ledger/commits.ts). Its access log (one JSON line a request)
 * goes to stdout, which is discarded, as a service manager would write it to a journal.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const BUN = process.execPath;
const HEALTHY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (address && typeof address === "object" ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

/** `tibox terminal add --kind till`, as an operator would run it; returns the device token. */
export async function addTillTerminal(dataFolder: string): Promise<string> {
  const child = Bun.spawn([BUN, "src/main.ts", "terminal", "add", "--data", dataFolder, "--kind", "till", "--name", "Bench"], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new Error(`terminal add failed (${code}): ${err}`);
  const token = out.trim().split("\n").at(-1)!.trim();
  if (!/^[A-Za-z0-9_-]{20,128}$/.test(token)) throw new Error(`no device token in: ${out}`);
  return token;
}

export interface ServerChild {
  readonly url: string;
  readonly pid: number;
  /** Commits made by the server so far (asks the child with SIGUSR2). */
  commits(): Promise<number>;
  stop(): Promise<void>;
}

export async function startServer(dataFolder: string, scratch: string): Promise<ServerChild> {
  const port = await freePort();
  const commitsFile = join(scratch, `commits-${port}`);
  const stderrFile = join(scratch, `server-${port}.stderr`);
  const child = Bun.spawn(
    [BUN, "--preload", "./bench/ledger/commits.ts", "src/main.ts", "serve", "--data", dataFolder, "--port", String(port), "--https-port", "0", "--host", "127.0.0.1"],
    { cwd: ROOT, stdout: "ignore", stderr: Bun.file(stderrFile), env: { ...process.env, TIBOX_BENCH_COMMITS_FILE: commitsFile } },
  );
  const url = `http://127.0.0.1:${port}`;
  const startMs = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${readFileSync(stderrFile, "utf8")}`);
    const response = await fetch(`${url}/healthz`).catch(() => undefined);
    if (response?.status === 200) break;
    if (performance.now() - startMs > HEALTHY_TIMEOUT_MS) {
      child.kill("SIGKILL");
      throw new Error(`no 200 from ${url}/healthz within ${HEALTHY_TIMEOUT_MS} ms`);
    }
    await Bun.sleep(20);
  }
  return {
    url,
    pid: child.pid,
    async commits() {
      rmSync(commitsFile, { force: true });
      child.kill("SIGUSR2");
      const askedMs = performance.now();
      while (!existsSync(commitsFile)) {
        if (performance.now() - askedMs > 5_000) throw new Error("the server did not report its commits");
        await Bun.sleep(1);
      }
      return Number(readFileSync(commitsFile, "utf8"));
    },
    async stop() {
      child.kill("SIGTERM");
      const code = await Promise.race([child.exited, Bun.sleep(STOP_TIMEOUT_MS).then(() => "timeout" as const)]);
      if (code !== 0) {
        child.kill("SIGKILL");
        throw new Error(`the server did not stop cleanly (${code}): ${readFileSync(stderrFile, "utf8")}`);
      }
    },
  };
}
