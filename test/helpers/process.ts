/** Runs the real CLI as child processes (bun src/main.ts ...), and serves a box in one. */
import { join } from "node:path";

export const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function tibox(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const child = Bun.spawn([process.execPath, MAIN, ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}

export function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1) ?? "";
}

export async function freePort(): Promise<number> {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port!;
  await server.stop(true);
  return port;
}

export interface ServingChild {
  readonly url: string;
  readonly process: Bun.Subprocess<"ignore", "pipe", "pipe">;
  readonly setupCode: Promise<string | undefined>;
  stop(): Promise<number>;
}

/** Starts `tibox serve` on a free port, or on `port` (a restart), HTTPS off, and waits for /healthz. */
export async function serveChild(data: string, extra: readonly string[] = [], command = "serve", port?: number): Promise<ServingChild> {
  port ??= await freePort();
  const child = Bun.spawn([process.execPath, MAIN, command, "--data", data, "--port", String(port), "--host", "127.0.0.1", "--https-port", "0", ...extra], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const url = `http://127.0.0.1:${port}`;
  const setupCode = new Response(child.stdout).text().then((text) => /"setup_code":"(\d+)"/.exec(text)?.[1]);
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${await new Response(child.stderr).text()}`);
    await Bun.sleep(50);
  }
  return {
    url,
    process: child,
    setupCode,
    async stop() {
      child.kill("SIGTERM");
      return child.exited;
    },
  };
}
