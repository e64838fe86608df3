/**
 * A printer in memory: it keeps the jobs it received (the last few), and can be switched off or
 * told to drop the next job halfway, so that the demo and the tests play a real printer's
 * failures without hardware. The registry hands out one simulated printer per name, so the
 * worker and whoever inspects it see the same one; app.ts or the worker owns the registry.
 */
import { limits } from "../../src/kernel/index.ts";
import { ONLINE, PrinterError, type PrinterStatus, type ReceiptPrinter } from "./port.ts";

/** Jobs a simulated printer remembers; older ones are forgotten (it is a demo, not a log). */
export const SIMULATED_JOBS_KEPT = 20;

export class SimulatedPrinter implements ReceiptPrinter {
  readonly description: string;
  readonly name: string;
  /** The last jobs received whole, oldest first. */
  readonly jobs: Uint8Array[] = [];
  online = true;
  readonly #idleTimeoutMs: number;
  #dropAfterBytes: number | undefined;
  #stallAfterBytes: number | undefined;
  #received = 0;

  constructor(name: string, options: { idleTimeoutMs?: number } = {}) {
    this.name = name;
    this.description = `simulated ${name}`;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? limits.printerIdleTimeoutMs;
  }

  /** The next job stops being read after `bytes` bytes, and the send times out, as with a printer whose power was cut. */
  stallNextJobAfter(bytes: number): void {
    this.#stallAfterBytes = bytes;
  }

  /** The next job stops after `bytes` bytes, as a printer switched off in the middle would. */
  dropNextJobAfter(bytes: number): void {
    this.#dropAfterBytes = bytes;
  }

  /** Jobs received whole since the printer was made (including those no longer kept). */
  get jobsReceived(): number {
    return this.#received;
  }

  async send(bytes: Uint8Array): Promise<void> {
    // A real transport answers asynchronously; so does this one, so callers see the same ordering.
    await Promise.resolve();
    if (!this.online) throw new PrinterError("printer_offline", `${this.name} is switched off`, { uncertain: false, bytesWritten: 0 });
    const drop = this.#dropAfterBytes;
    if (drop !== undefined && drop < bytes.length) {
      this.#dropAfterBytes = undefined;
      throw new PrinterError("printer_disconnected", `${this.name} dropped the job after ${drop} of ${bytes.length} bytes`, { uncertain: true, bytesWritten: drop });
    }
    const stall = this.#stallAfterBytes;
    if (stall !== undefined && stall < bytes.length) {
      this.#stallAfterBytes = undefined;
      await Bun.sleep(this.#idleTimeoutMs);
      throw new PrinterError("printer_timeout", `${this.name} accepted no bytes for ${this.#idleTimeoutMs} ms (${stall} of ${bytes.length} written)`, {
        uncertain: stall > 0,
        bytesWritten: stall,
      });
    }
    this.jobs.push(bytes.slice());
    if (this.jobs.length > SIMULATED_JOBS_KEPT) this.jobs.shift();
    this.#received += 1;
  }

  async probe(): Promise<PrinterStatus> {
    return this.online ? ONLINE : { online: false, error: `${this.name} is switched off`, code: "printer_offline" };
  }
}

/** One simulated printer per name, made on first use. */
export class SimulatedPrinters {
  readonly #printers = new Map<string, SimulatedPrinter>();

  get(name: string): SimulatedPrinter {
    let printer = this.#printers.get(name);
    if (!printer) {
      printer = new SimulatedPrinter(name);
      this.#printers.set(name, printer);
    }
    return printer;
  }
}
