// Proves the compiled x64 binary is self-contained: it is built, copied alone into an empty
// folder, and run there as a real process (serve, version, --help, init, verify, SIGTERM).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import packageJson from "../package.json" with { type: "json" };
import { binaryName, compile } from "../deploy/build.ts";
import { tempFolder } from "./helpers/box.ts";

const HEALTHY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

const buildFolder = tempFolder("tibox-build-");
const runFolder = tempFolder("tibox-bin-");
const binary = join(runFolder.path, binaryName("x64"));

/** The environment without TIBOX_* settings, so that only the flags below configure the box. */
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("TIBOX_")));

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

function run(...args: string[]) {
  const result = Bun.spawnSync([binary, ...args], { cwd: runFolder.path, env: childEnv, stdout: "pipe", stderr: "pipe", timeout: 30_000 });
  return { exitCode: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

/** Polls until the box answers 200, or fails early with its output if it exits. */
async function waitHealthy(url: string, child: Bun.Subprocess): Promise<Response> {
  const deadlineMs = performance.now() + HEALTHY_TIMEOUT_MS;
  while (performance.now() < deadlineMs) {
    if (child.exitCode !== null) throw new Error(`the box exited with code ${child.exitCode} before answering`);
    const response = await fetch(url).catch(() => undefined);
    if (response?.status === 200) return response;
    await Bun.sleep(25);
  }
  throw new Error(`no 200 from ${url} within ${HEALTHY_TIMEOUT_MS} ms`);
}

beforeAll(() => {
  // Built fresh every run (about 1 s), so the test never passes on a stale dist/ binary.
  const built = join(buildFolder.path, binaryName("x64"));
  compile("x64", built);
  copyFileSync(built, binary);
  expect(statSync(binary).mode & 0o111).not.toBe(0);
}, 120_000);

afterAll(() => {
  buildFolder.remove();
  runFolder.remove();
});

describe("compiled binary", () => {
  test("serves health and embedded assets from an empty folder, then stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const child = Bun.spawn([binary, "serve", "--data", "./data", "--host", "127.0.0.1", "--port", String(port), "--https-port", "0"], {
      cwd: runFolder.path,
      env: childEnv,
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      const health = await waitHealthy(`http://127.0.0.1:${port}/healthz`, child);
      const body = (await health.json()) as Record<string, unknown>;
      expect(body.status).toBe("ok");
      expect(body.version).toBe(packageJson.version);
      expect(body.setup).toBe("pending");
      expect(body.venue_id).toBeNull();
      expect(body.database).toBe("ok");
      expect(typeof body.uptime_s).toBe("number");

      expect(existsSync(join(runFolder.path, "data", "tibox.db"))).toBe(true);
      expect(statSync(join(runFolder.path, "data", "keys", "venue.key")).mode & 0o777).toBe(0o600);

      const htmx = await fetch(`http://127.0.0.1:${port}/assets/htmx.min.js`);
      expect(htmx.status).toBe(200);
      expect(htmx.headers.get("content-type")).toContain("javascript");
      expect((await htmx.text()).length).toBeGreaterThan(10_000);
      const css = await fetch(`http://127.0.0.1:${port}/assets/app.css`);
      expect(css.status).toBe(200);
      expect(await css.text()).not.toBe("");
      // The door camera's scanner and the QR decoder it falls back to, byte for byte.
      for (const [name, source] of [["door-camera.js", "ui/static/door-camera.js"], ["jsqr.js", "node_modules/jsqr/dist/jsQR.js"]] as const) {
        const asset = await fetch(`http://127.0.0.1:${port}/assets/${name}`);
        expect(asset.status).toBe(200);
        expect(await asset.text()).toBe(await Bun.file(join(import.meta.dir, "..", source)).text());
      }
    } finally {
      child.kill("SIGTERM");
    }
    const exitCode = await Promise.race([child.exited, Bun.sleep(STOP_TIMEOUT_MS).then(() => "timeout" as const)]);
    if (exitCode === "timeout") child.kill("SIGKILL");
    expect(exitCode).toBe(0);
    expect(await new Response(child.stdout).text()).toContain("tibox stopped");
  });

  test("prints its version and help", () => {
    const version = run("version");
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toBe(packageJson.version);

    const help = run("--help");
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain("Usage: tibox");
    expect(help.stdout).toContain("--https-port");
  });

  test("sets a venue up with init, and verify finds the folder sound", () => {
    const init = run("init", "--data", "./venue", "--venue", "Binary Test Club", "--admin-email", "admin@example.org", "--admin-password", "correct horse battery");
    expect(init.stderr).toBe("");
    expect(init.exitCode).toBe(0);
    expect(init.stdout).toContain("Binary Test Club");

    const verify = run("verify", "--data", "./venue");
    expect(verify.exitCode).toBe(0);
    expect(verify.stdout).toContain("sound");
    expect(verify.stdout).toContain("event log: 1 records");
  });
});
