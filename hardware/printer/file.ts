/**
 * A "printer" that appends every job to a file: to look at what a printer would get (the preview
 * reads it back), to debug, or to send a job later by hand (`cat jobs.bin > /dev/usb/lp0`). Its
 * folder must exist; the file is created on the first job or probe.
 */
import { limits } from "../../src/kernel/index.ts";
import { openForPrinting, writeToPath } from "./path-writer.ts";
import { ONLINE, PrinterError, offline, type PrinterStatus, type ReceiptPrinter } from "./port.ts";

export interface FilePrinterOptions {
  readonly path: string;
  readonly idleTimeoutMs?: number;
}

export class FilePrinter implements ReceiptPrinter {
  readonly description: string;
  readonly #path: string;
  readonly #idleTimeoutMs: number;

  constructor(options: FilePrinterOptions) {
    this.#path = options.path;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? limits.printerIdleTimeoutMs;
    this.description = `file ${this.#path}`;
  }

  send(bytes: Uint8Array): Promise<void> {
    return writeToPath(this.#path, bytes, { create: true, idleTimeoutMs: this.#idleTimeoutMs });
  }

  /** Opens the file as a job would (creating it, empty, when missing). */
  async probe(): Promise<PrinterStatus> {
    try {
      const handle = await openForPrinting(this.#path, true);
      await handle.close().catch(() => undefined);
      return ONLINE;
    } catch (error) {
      if (error instanceof PrinterError) return offline(error);
      throw error;
    }
  }
}
