/**
 * A USB printer seen by Linux's usblp driver as a character device, /dev/usb/lp0: the job is
 * written to the device file. The device must exist (it is never created: a typo must not fill a
 * plain file in /dev), and tibox must be allowed to write it (deploy/udev gives it to the lp group).
 */
import { limits } from "../../src/kernel/index.ts";
import { openForPrinting, writeToPath } from "./path-writer.ts";
import { ONLINE, offline, PrinterError, type PrinterStatus, type ReceiptPrinter } from "./port.ts";

export interface DevicePrinterOptions {
  readonly path: string;
  readonly idleTimeoutMs?: number;
}

export class DevicePrinter implements ReceiptPrinter {
  readonly description: string;
  readonly #path: string;
  readonly #idleTimeoutMs: number;

  constructor(options: DevicePrinterOptions) {
    this.#path = options.path;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? limits.printerIdleTimeoutMs;
    this.description = `usb ${this.#path}`;
  }

  send(bytes: Uint8Array): Promise<void> {
    return writeToPath(this.#path, bytes, { create: false, idleTimeoutMs: this.#idleTimeoutMs });
  }

  async probe(): Promise<PrinterStatus> {
    try {
      const handle = await openForPrinting(this.#path, false);
      await handle.close().catch(() => undefined);
      return ONLINE;
    } catch (error) {
      if (error instanceof PrinterError) return offline(error);
      throw error;
    }
  }
}
