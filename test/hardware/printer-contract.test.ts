// Proves that every ReceiptPrinter transport keeps the same contract, by running the same cases
// against each one (TCP to a real local listener, a USB device file played by a regular file and
// by a FIFO with a real reader process, a file, the simulated printer): bytes arrive byte-exact (a
// 12 kB receipt with a QR code, a 1.7 MB job), jobs arrive in order, a printer that is off rejects
// with printer_offline and nothing uncertain, a job dropped halfway or stalled rejects as
// uncertain, the probe tells online from offline, and the process survives all of it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  columns,
  cut,
  DevicePrinter,
  encodeDocument,
  FilePrinter,
  isPrinterError,
  printDocument,
  PrinterError,
  qrCode,
  separator,
  SimulatedPrinter,
  TcpPrinter,
  text,
  type Block,
  type ReceiptPrinter,
} from "../../hardware/printer/index.ts";
import { tempFolder } from "../helpers/box.ts";
import { mkfifoSync } from "../helpers/fifo.ts";
import { freePort } from "../helpers/process.ts";
import { patternBytes, TcpPrinterListener } from "../helpers/tcp-printer.ts";

const IDLE_TIMEOUT_MS = 300;

/** A realistic receipt of about 12 kB: many lines, accents, a QR code, a cut. */
function receipt12k(): Uint8Array {
  const blocks: Block[] = [text("Les Amis du Quartier", { align: "center", bold: true, size: 2 })];
  for (let i = 0; blocks.length < 240; i++) blocks.push(columns(`${i + 1} × Crêpe au sucre (n° ${i})`, `${(i % 9) + 1},50 €`));
  blocks.push(separator("="), qrCode("https://tibox.local/r/01JTESTRECEIPT0000000000"), cut());
  const bytes = encodeDocument(printDocument(...blocks), { paperMm: 80, codePage: "pc858" });
  expect(bytes.length).toBeGreaterThan(11_000);
  expect(bytes.length).toBeLessThan(14_000);
  return bytes;
}

const BIG_JOB_BYTES = 1_700_000;

interface Target {
  readonly printer: ReceiptPrinter;
  /** Every byte that reached the far end, once the far end has finished reading. */
  received(): Promise<Uint8Array>;
}

interface Harness {
  readonly name: string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  working(): Promise<Target>;
  off(): Promise<ReceiptPrinter>;
  /** The far end goes away after `afterBytes` bytes. */
  dropping(afterBytes: number): Promise<ReceiptPrinter>;
  /** The far end stops reading after `afterBytes` bytes and never goes away. */
  stalling(afterBytes: number): Promise<{ printer: ReceiptPrinter; release(): void }>;
}

/** Reads a FIFO with a child process (cat, or head -c N), into a file, like a printer that reads its port. */
function fifoReader(fifo: string, out: string, limitBytes?: number): { done: Promise<void>; kill(): void } {
  const command = limitBytes === undefined ? `cat "${fifo}" > "${out}"` : `head -c ${limitBytes} "${fifo}" > "${out}"`;
  const child = Bun.spawn(["sh", "-c", command], { stdout: "ignore", stderr: "ignore" });
  return { done: child.exited.then(() => undefined), kill: () => child.kill() };
}

/** Opens a FIFO for reading but never reads: a printer with a full buffer. */
function fifoStaller(fifo: string): { kill(): void } {
  const child = Bun.spawn(["sh", "-c", `exec 3< "${fifo}"; sleep 30`], { stdout: "ignore", stderr: "ignore" });
  return { kill: () => child.kill() };
}

async function waitForReader(): Promise<void> {
  // The reader process needs a moment to open its end of the FIFO.
  await Bun.sleep(60);
}

function tcpHarness(): Harness {
  let listener: TcpPrinterListener;
  const printerFor = (port: number) => new TcpPrinter({ host: "127.0.0.1", port, connectTimeoutMs: 1_000, idleTimeoutMs: IDLE_TIMEOUT_MS });
  return {
    name: "tcp (port 9100 listener)",
    async setup() {
      listener = await TcpPrinterListener.start();
    },
    async teardown() {
      await listener.off();
    },
    async working() {
      const before = listener.jobs.length;
      return {
        printer: printerFor(listener.port),
        received: async () => {
          const jobs = await listener.waitForJobs(listener.jobs.length > before ? listener.jobs.length : before + 1);
          return concat(jobs.slice(before));
        },
      };
    },
    async off() {
      return printerFor(await freePort());
    },
    async dropping(afterBytes) {
      listener.behave({ kind: "reset", afterBytes });
      return printerFor(listener.port);
    },
    async stalling(afterBytes) {
      listener.behave({ kind: "silent", afterBytes });
      return { printer: printerFor(listener.port), release: () => undefined };
    },
  };
}

function deviceHarness(): Harness {
  let folder: ReturnType<typeof tempFolder>;
  let n = 0;
  const next = (name: string) => join(folder.path, `${name}-${++n}`);
  const kill: Array<() => void> = [];
  return {
    name: "usb device (a regular file, then FIFOs read by a process)",
    async setup() {
      folder = tempFolder("tibox-lp-");
    },
    async teardown() {
      for (const k of kill) k();
      folder.remove();
    },
    async working() {
      // /dev/usb/lp0 exists before tibox writes it; a regular file stands for it here.
      const path = next("lp");
      writeFileSync(path, "");
      return { printer: new DevicePrinter({ path, idleTimeoutMs: IDLE_TIMEOUT_MS }), received: async () => new Uint8Array(readFileSync(path)) };
    },
    async off() {
      return new DevicePrinter({ path: join(folder.path, "missing", "lp0"), idleTimeoutMs: IDLE_TIMEOUT_MS });
    },
    async dropping(afterBytes) {
      const fifo = next("fifo");
      mkfifoSync(fifo);
      const reader = fifoReader(fifo, next("out"), afterBytes);
      kill.push(reader.kill);
      await waitForReader();
      return new DevicePrinter({ path: fifo, idleTimeoutMs: IDLE_TIMEOUT_MS });
    },
    async stalling() {
      const fifo = next("fifo");
      mkfifoSync(fifo);
      const staller = fifoStaller(fifo);
      kill.push(staller.kill);
      await waitForReader();
      return { printer: new DevicePrinter({ path: fifo, idleTimeoutMs: IDLE_TIMEOUT_MS }), release: staller.kill };
    },
  };
}

function fileHarness(): Harness {
  let folder: ReturnType<typeof tempFolder>;
  let n = 0;
  const next = (name: string) => join(folder.path, `${name}-${++n}`);
  const kill: Array<() => void> = [];
  return {
    name: "file",
    async setup() {
      folder = tempFolder("tibox-file-printer-");
    },
    async teardown() {
      for (const k of kill) k();
      folder.remove();
    },
    async working() {
      const path = next("jobs.bin");
      return {
        printer: new FilePrinter({ path, idleTimeoutMs: IDLE_TIMEOUT_MS }),
        received: async () => (existsSync(path) ? new Uint8Array(readFileSync(path)) : new Uint8Array()),
      };
    },
    async off() {
      return new FilePrinter({ path: join(folder.path, "no-such-folder", "jobs.bin"), idleTimeoutMs: IDLE_TIMEOUT_MS });
    },
    async dropping(afterBytes) {
      // A file printer pointed at a FIFO whose reader leaves: the same failure as a device unplugged.
      const fifo = next("fifo");
      mkfifoSync(fifo);
      const reader = fifoReader(fifo, next("out"), afterBytes);
      kill.push(reader.kill);
      await waitForReader();
      return new FilePrinter({ path: fifo, idleTimeoutMs: IDLE_TIMEOUT_MS });
    },
    async stalling() {
      const fifo = next("fifo");
      mkfifoSync(fifo);
      const staller = fifoStaller(fifo);
      kill.push(staller.kill);
      await waitForReader();
      return { printer: new FilePrinter({ path: fifo, idleTimeoutMs: IDLE_TIMEOUT_MS }), release: staller.kill };
    },
  };
}

function simulatedHarness(): Harness {
  return {
    name: "simulated",
    async setup() {},
    async teardown() {},
    async working() {
      const printer = new SimulatedPrinter("contract", { idleTimeoutMs: IDLE_TIMEOUT_MS });
      return { printer, received: async () => concat(printer.jobs) };
    },
    async off() {
      const printer = new SimulatedPrinter("contract-off");
      printer.online = false;
      return printer;
    },
    async dropping(afterBytes) {
      const printer = new SimulatedPrinter("contract-drop");
      printer.dropNextJobAfter(afterBytes);
      return printer;
    },
    async stalling(afterBytes) {
      const printer = new SimulatedPrinter("contract-stall", { idleTimeoutMs: IDLE_TIMEOUT_MS });
      printer.stallNextJobAfter(afterBytes);
      return { printer, release: () => undefined };
    },
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<PrinterError> {
  try {
    await promise;
  } catch (error) {
    if (isPrinterError(error)) return error;
    throw new Error(`rejected with something other than a PrinterError: ${String(error)}`);
  }
  throw new Error("the send resolved; it should have rejected");
}

function sameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  // Compare as Buffers: one call, and a readable diff on failure.
  expect(Buffer.from(actual).equals(Buffer.from(expected))).toBe(true);
}

for (const harness of [tcpHarness(), deviceHarness(), fileHarness(), simulatedHarness()]) {
  describe(`ReceiptPrinter contract: ${harness.name}`, () => {
    beforeAll(() => harness.setup());
    afterAll(() => harness.teardown());

    test("a 12 kB receipt with a QR code arrives byte-exact", async () => {
      const bytes = receipt12k();
      const target = await harness.working();
      await target.printer.send(bytes);
      sameBytes(await target.received(), bytes);
    });

    test("a 1.7 MB job arrives byte-exact, every byte value included", async () => {
      const bytes = patternBytes(BIG_JOB_BYTES, 7);
      const target = await harness.working();
      await target.printer.send(bytes);
      sameBytes(await target.received(), bytes);
    });

    test("two jobs sent one after the other arrive in order", async () => {
      const first = patternBytes(3_000, 11);
      const second = patternBytes(5_000, 12);
      const target = await harness.working();
      await target.printer.send(first);
      await target.printer.send(second);
      const received = await target.received();
      sameBytes(received, concat([first, second]));
    });

    test("the probe says online for a working printer", async () => {
      const target = await harness.working();
      expect(await target.printer.probe()).toEqual({ online: true, error: "", code: undefined });
    });

    test("a printer that is off rejects with printer_offline, nothing uncertain, and the probe says why", async () => {
      const printer = await harness.off();
      const error = await rejection(printer.send(patternBytes(1_000)));
      expect(error.code).toBe("printer_offline");
      expect(error.uncertain).toBe(false);
      expect(error.bytesWritten).toBe(0);
      expect(error.message.length).toBeGreaterThan(10);
      const status = await printer.probe();
      expect(status.online).toBe(false);
      expect(status.code).toBe("printer_offline");
      expect(status.error).toBe(error.message);
    });

    test("a job dropped halfway rejects as uncertain (the caller must resend it as a duplicate)", async () => {
      const printer = await harness.dropping(100_000);
      const error = await rejection(printer.send(patternBytes(BIG_JOB_BYTES, 3)));
      expect(["printer_disconnected", "printer_io_error"]).toContain(error.code);
      expect(error.uncertain).toBe(true);
      expect(error.bytesWritten).toBeGreaterThan(0);
    });

    test("a printer that stops reading makes the send time out as uncertain", async () => {
      const { printer, release } = await harness.stalling(50_000);
      const startedMs = performance.now();
      const error = await rejection(printer.send(patternBytes(BIG_JOB_BYTES, 5)));
      release();
      expect(error.code).toBe("printer_timeout");
      expect(error.uncertain).toBe(true);
      // It gave up after the idle timeout, not at once and not never.
      expect(performance.now() - startedMs).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 20);
      expect(performance.now() - startedMs).toBeLessThan(IDLE_TIMEOUT_MS * 10);
    });

    test("after failures, the same transport still delivers", async () => {
      const bytes = patternBytes(20_000, 9);
      const target = await harness.working();
      await target.printer.send(bytes);
      sameBytes(await target.received(), bytes);
    });
  });
}

describe("device specifics", () => {
  test("a FIFO with nobody reading is an offline printer (ENXIO), at once", async () => {
    const folder = tempFolder("tibox-lp-");
    try {
      const fifo = join(folder.path, "lp0");
      mkfifoSync(fifo);
      const error = await rejection(new DevicePrinter({ path: fifo }).send(patternBytes(10)));
      expect(error.code).toBe("printer_offline");
      expect(error.message).toContain("no device or reader");
    } finally {
      folder.remove();
    }
  });

  test("a device job read by a real process arrives byte-exact", async () => {
    const folder = tempFolder("tibox-lp-");
    try {
      const fifo = join(folder.path, "lp0");
      const out = join(folder.path, "paper.bin");
      mkfifoSync(fifo);
      const reader = fifoReader(fifo, out);
      await waitForReader();
      const bytes = patternBytes(BIG_JOB_BYTES, 21);
      await new DevicePrinter({ path: fifo }).send(bytes);
      await reader.done;
      sameBytes(new Uint8Array(readFileSync(out)), bytes);
    } finally {
      folder.remove();
    }
  });

  test("the device is never created: a missing /dev path stays missing", async () => {
    const folder = tempFolder("tibox-lp-");
    try {
      const path = join(folder.path, "lp9");
      await rejection(new DevicePrinter({ path }).send(patternBytes(10)));
      expect(existsSync(path)).toBe(false);
    } finally {
      folder.remove();
    }
  });
});
