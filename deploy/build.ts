/**
 * `npm run build`: compiles src/main.ts into one self-contained executable per target, in dist/,
 * each with a `<name>.sha256` beside it in sha256sum format (so `sha256sum -c` checks a copy).
 *
 *   bun deploy/build.ts [--target x64|arm64|all]     (default all)
 *
 * The arm64 build is a cross-compile: Bun fetches its arm64 runtime from the npm registry the
 * first time and keeps it in its cache.
 */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

export const ROOT = join(import.meta.dir, "..");
export const DIST = join(ROOT, "dist");

export type Arch = "x64" | "arm64";
const ARCHS: readonly Arch[] = ["x64", "arm64"];

/** Worker files, bundled beside src/main.ts into the binary. */
export const WORKER_ENTRYPOINTS: readonly string[] = ["hardware/nfc/pcsc-worker.ts"];

/** Compiling takes about 1 s; a build that runs minutes is stuck (e.g. a hung download). */
const BUILD_TIMEOUT_MS = 5 * 60_000;

export function binaryName(arch: Arch): string {
  return `tibox-linux-${arch}`;
}

/**
 * Compiles one binary to `outfile`. --bytecode precompiles the JavaScript (first HTTP 200 comes
 * about twice as fast); Bun only accepts it with top-level await (src/main.ts has one) when the
 * bundle is ESM, hence --format=esm.
 */
export function compile(arch: Arch, outfile: string): void {
  const command = [
    // process.execPath is the running bun, also when npm started us without bun on PATH.
    process.execPath,
    "build",
    "src/main.ts",
    // Workers are separate entrypoints of a compiled binary (Bun embeds only what it is given):
    // the PC/SC poller; hardware/nfc/pcsc.ts finds it there (workerLocation).
    ...WORKER_ENTRYPOINTS,
    "--compile",
    "--minify",
    "--bytecode",
    "--format=esm",
    `--target=bun-linux-${arch}`,
    "--outfile",
    outfile,
  ];
  const result = Bun.spawnSync(command, { cwd: ROOT, stdout: "pipe", stderr: "pipe", timeout: BUILD_TIMEOUT_MS });
  if (result.exitCode !== 0) {
    throw new Error(`bun build for ${arch} failed (exit ${result.exitCode}):\n${result.stdout.toString()}${result.stderr.toString()}`);
  }
}

/** Hashes by streaming: the binaries are over 100 MB. */
export async function sha256File(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return hasher.digest("hex");
}

export interface Built {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** Builds dist/tibox-linux-<arch> and its .sha256 file. */
export async function buildRelease(arch: Arch): Promise<Built> {
  mkdirSync(DIST, { recursive: true });
  const path = join(DIST, binaryName(arch));
  compile(arch, path);
  const sha256 = await sha256File(path);
  // Two spaces between hash and name: the format `sha256sum -c` reads.
  writeFileSync(`${path}.sha256`, `${sha256}  ${basename(path)}\n`);
  return { path, bytes: statSync(path).size, sha256 };
}

function parseTarget(argv: readonly string[]): readonly Arch[] {
  const index = argv.indexOf("--target");
  const inline = argv.find((arg) => arg.startsWith("--target="))?.slice("--target=".length);
  const value = inline ?? (index >= 0 ? argv[index + 1] : "all");
  if (value === "all") return ARCHS;
  if (value === "x64" || value === "arm64") return [value];
  throw new Error(`--target must be x64, arm64 or all, got ${value}`);
}

if (import.meta.main) {
  try {
    for (const arch of parseTarget(process.argv.slice(2))) {
      const startedMs = performance.now();
      const built = await buildRelease(arch);
      const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
      console.log(`${basename(built.path)}  ${(built.bytes / 1e6).toFixed(1)} MB  sha256 ${built.sha256}  (${seconds} s)`);
    }
  } catch (error) {
    console.error(`build: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
