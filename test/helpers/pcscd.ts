/**
 * A private pcscd for the NFC tests and the benchmark: its own reader configuration (two vpcd
 * "Virtual PCD" slots on free TCP ports), its own socket in a temporary folder, started in a
 * mount namespace of its own (`unshare -m`, root only) so that its /run/pcscd is that folder.
 * The tests thus never touch the machine's pcscd or its readers, and can stop and restart this
 * one: for pcsc-lite that is every reader being unplugged, then plugged back.
 *
 * pcsc-lite reads the socket's path once per process, so one process uses one private daemon:
 * `sharedPcscd()` starts it on first use and every suite of the process shares it.
 *
 * When something is missing, `pcscdMissing()` names the Debian package: CI fails with it, a
 * developer machine skips the PC/SC cases with the reason printed.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PCSCD = "/usr/sbin/pcscd";
const VPCD_DRIVERS = ["/usr/lib/pcsc/drivers/serial/libifdvpcd.so", "/usr/lib64/pcsc/drivers/serial/libifdvpcd.so"];
const LIBPCSCLITE = ["/usr/lib/x86_64-linux-gnu/libpcsclite.so.1", "/usr/lib/aarch64-linux-gnu/libpcsclite.so.1", "/usr/lib/libpcsclite.so.1", "/usr/lib64/libpcsclite.so.1"];
const UNSHARE = "/usr/bin/unshare";
/** pcscd is ready in about 50 ms here; 10 s leaves room for a loaded CI machine. */
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** The first missing requirement, named by what to install; undefined when all are there. */
export function pcscdMissing(): string | undefined {
  if (!existsSync(PCSCD)) return "pcscd (apt-get install -y pcscd)";
  if (!VPCD_DRIVERS.some((path) => existsSync(path))) return "the vpcd driver (apt-get install -y vsmartcard-vpcd)";
  if (!LIBPCSCLITE.some((path) => existsSync(path))) return "libpcsclite.so.1 (apt-get install -y libpcsclite1)";
  if (!existsSync(UNSHARE)) return "unshare (apt-get install -y util-linux)";
  if (process.getuid?.() !== 0) return "root (a private pcscd runs in its own mount namespace)";
  return undefined;
}

/**
 * True when the PC/SC cases must be skipped; under CI a missing requirement throws instead, so
 * that a skipped suite can never pass for a tested one.
 */
export function pcscTestsSkipped(): boolean {
  const missing = pcscdMissing();
  if (!missing) return false;
  if (process.env.CI) throw new Error(`the PC/SC tests need ${missing}`);
  console.warn(`PC/SC tests skipped: they need ${missing}`);
  return true;
}

async function portFree(port: number): Promise<boolean> {
  try {
    const server = Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } });
    server.stop(true);
    return true;
  } catch {
    return false;
  }
}

/** Two consecutive free ports: vpcd's slot 00 00 listens on `port`, slot 00 01 on `port + 1`. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
  }
  throw new Error("no two consecutive free ports found");
}

export class PrivatePcscd {
  readonly folder: string;
  readonly socketPath: string;
  /** The TCP port of "Virtual PCD 00 00"; "Virtual PCD 00 01" is on port + 1. */
  readonly port: number;
  readonly readerNames = ["Virtual PCD 00 00", "Virtual PCD 00 01"] as const;
  #child: Bun.Subprocess<"ignore", "pipe", "pipe"> | undefined;
  /** The daemon's output, for failure messages. */
  readonly log: string[] = [];

  private constructor(folder: string, port: number) {
    this.folder = folder;
    this.port = port;
    this.socketPath = join(folder, "run", "pcscd.comm");
  }

  /**
   * A daemon in `folder` (default: one folder per test process, since pcsc-lite keeps the first
   * socket path it used for the life of the process; a later daemon of the same process must
   * listen on the same path).
   */
  static async create(folder = join(tmpdir(), `tibox-pcscd-${process.pid}`)): Promise<PrivatePcscd> {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(join(folder, "conf"), { recursive: true });
    mkdirSync(join(folder, "run"));
    const port = await freePortPair();
    const driver = VPCD_DRIVERS.find((path) => existsSync(path))!;
    const hex = `0x${port.toString(16).toUpperCase()}`;
    writeFileSync(join(folder, "conf", "vpcd"), `FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:${hex}\nLIBPATH      ${driver}\nCHANNELID    ${hex}\n`);
    const daemon = new PrivatePcscd(folder, port);
    await daemon.start();
    return daemon;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null;
  }

  /** Starts the daemon (plugs both virtual readers in) and waits until its socket answers. */
  async start(): Promise<void> {
    if (this.running) return;
    rmSync(this.socketPath, { force: true });
    rmSync(join(this.folder, "run", "pcscd.pid"), { force: true });
    const run = join(this.folder, "run");
    const script = `mkdir -p /run/pcscd && mount --bind '${run}' /run/pcscd && exec ${PCSCD} --foreground --info --config '${join(this.folder, "conf")}'`;
    const child = Bun.spawn([UNSHARE, "--mount", "--propagation", "private", "sh", "-c", script], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    this.#child = child;
    let ready = false;
    const keep = async (stream: ReadableStream<Uint8Array>) => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) {
        const text = decoder.decode(chunk, { stream: true });
        for (const line of text.split("\n")) if (line) this.log.push(line);
        if (this.log.length > 400) this.log.splice(0, this.log.length - 400);
        if (text.includes("daemon ready")) ready = true;
      }
    };
    void keep(child.stdout);
    void keep(child.stderr);
    const deadlineMs = performance.now() + READY_TIMEOUT_MS;
    while (!(ready && existsSync(this.socketPath))) {
      if (child.exitCode !== null) throw new Error(`pcscd exited with ${child.exitCode}:\n${this.log.join("\n")}`);
      if (performance.now() > deadlineMs) throw new Error(`pcscd was not ready in time:\n${this.log.join("\n")}`);
      await Bun.sleep(20);
    }
  }

  /** Stops the daemon: for its clients, every reader is unplugged at once. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    child.kill("SIGTERM");
    const outcome = await Promise.race([child.exited, Bun.sleep(STOP_TIMEOUT_MS).then(() => "timeout" as const)]);
    if (outcome === "timeout") {
      child.kill("SIGKILL");
      await child.exited;
    }
  }

  /** For the process's exit handler: no waiting is possible there. */
  killNow(): void {
    if (this.running) this.#child!.kill("SIGKILL");
    rmSync(this.folder, { recursive: true, force: true });
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

const SHARED = Symbol.for("tibox.test.sharedPcscd");
type Holder = { [SHARED]?: Promise<PrivatePcscd> | undefined };

/** The process's private pcscd, started on first use; suites release it in their afterAll. */
export function sharedPcscd(): Promise<PrivatePcscd> {
  const holder = globalThis as Holder;
  if (!holder[SHARED]) {
    holder[SHARED] = PrivatePcscd.create().then((daemon) => {
      // A backstop for a run that ends without its afterAll (killed, crashed).
      process.once("exit", () => daemon.killNow());
      return daemon;
    });
  }
  return holder[SHARED];
}

/** Stops the process's private pcscd and removes its folder; the next sharedPcscd() starts another. */
export async function releaseSharedPcscd(): Promise<void> {
  const holder = globalThis as Holder;
  const daemon = await holder[SHARED];
  holder[SHARED] = undefined;
  await daemon?.dispose();
}
