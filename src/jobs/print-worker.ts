/**
 * The print worker: claims due print jobs (a bounded batch, at most one in flight per printer,
 * each printer's jobs in order), renders each for its printer (paper width, code page, job
 * number, DUPLICATA), sends it, and writes the outcome: done, or back in the queue with an
 * exponential backoff (1 s, 2 s, 4 s... capped at 60 s) and the error for the admin to see. No job
 * is ever dropped. The printer's status follows each outcome (online and last contact, or
 * offline and the error).
 *
 * Time comes from the injected clock (a job is due when clock.nowMs() reaches its next attempt);
 * timers only decide when to look again. Tests drive it with `tick()` and `idle()`.
 */
import type { Writer } from "../db/index.ts";
import { isAppError, limits, type Clock, type Logger } from "../kernel/index.ts";
import {
  claimDuePrintJobs,
  completePrintJob,
  failPrintJob,
  hasDuePrintJob,
  jobTicket,
  notePrinterOutcome,
  recoverInterruptedPrintJobs,
  retryDelayMs,
  type ClaimedPrintJob,
} from "../pos/index.ts";
import { encodeDocument, isPrinterError, openPrinter, parseDocumentJson, SimulatedPrinters, type PrinterAddress, type ReceiptPrinter } from "../../hardware/printer/index.ts";

export interface PrintWorkerDeps {
  readonly writer: Writer;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface PrintWorkerOptions {
  /** Makes the transport for a printer; by default TCP, USB device, file or simulated by kind. */
  readonly openPrinter?: (printer: PrinterAddress) => ReceiptPrinter;
  /** Where simulated printers live (the default transport factory uses it). */
  readonly simulated?: SimulatedPrinters;
  readonly pollMs?: number;
  readonly batchJobs?: number;
  readonly retryBaseMs?: number;
  readonly retryCapMs?: number;
}

export interface SendOutcome {
  readonly jobId: number;
  readonly printerId: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly uncertain?: boolean;
}

export class PrintWorker {
  readonly simulated: SimulatedPrinters;
  readonly #deps: PrintWorkerDeps;
  readonly #open: (printer: PrinterAddress) => ReceiptPrinter;
  readonly #pollMs: number;
  readonly #batchJobs: number;
  readonly #retryBaseMs: number;
  readonly #retryCapMs: number;
  /** Printers with a send in flight, and the sends themselves. */
  readonly #busy = new Set<string>();
  readonly #sends = new Set<Promise<SendOutcome>>();
  /** Transports by printer, remade when a printer's kind or address changes. */
  readonly #transports = new Map<string, { key: string; printer: ReceiptPrinter }>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #immediate: ReturnType<typeof setImmediate> | undefined;
  #ticking: Promise<number> | undefined;
  #started = false;
  #stopped = false;
  /** A send finished during a pass: look again at once rather than at the next poll. */
  #again = false;
  #recovered = false;

  constructor(deps: PrintWorkerDeps, options: PrintWorkerOptions = {}) {
    this.#deps = deps;
    this.simulated = options.simulated ?? new SimulatedPrinters();
    this.#open = options.openPrinter ?? ((printer) => openPrinter(printer, { simulated: this.simulated }));
    this.#pollMs = options.pollMs ?? limits.printWorkerPollMs;
    this.#batchJobs = options.batchJobs ?? limits.printWorkerBatchJobs;
    this.#retryBaseMs = options.retryBaseMs ?? limits.printRetryBaseMs;
    this.#retryCapMs = options.retryCapMs ?? limits.printRetryCapMs;
  }

  /** Recovers jobs a crash left sending, then looks for due jobs every poll and after every send. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#schedule(0);
  }

  /** Stops looking for jobs and waits for the sends in flight (each bounded by its transport's timeouts). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearImmediate(this.#immediate);
    await this.#ticking?.catch(() => 0);
    await this.idle();
  }

  /** Resolves when no send is in flight. */
  async idle(): Promise<void> {
    while (this.#sends.size > 0) await Promise.allSettled([...this.#sends]);
  }

  /** Sends in flight now. */
  get inFlight(): number {
    return this.#sends.size;
  }

  /** One pass: claims the due jobs of idle printers and starts sending them. Returns how many started. */
  tick(): Promise<number> {
    if (this.#ticking) return this.#ticking;
    this.#ticking = this.#claimAndSend().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  /** Waits for the sends started by `tick()`, and returns their outcomes (for tests and benchmarks). */
  async settle(): Promise<SendOutcome[]> {
    const outcomes: SendOutcome[] = [];
    while (this.#sends.size > 0) {
      for (const result of await Promise.allSettled([...this.#sends])) if (result.status === "fulfilled") outcomes.push(result.value);
    }
    return outcomes;
  }

  async #claimAndSend(): Promise<number> {
    if (this.#stopped) return 0;
    if (!this.#recovered) {
      const recovered = await this.#deps.writer.submit((tx) => recoverInterruptedPrintJobs(tx));
      this.#recovered = true;
      if (recovered > 0) this.#deps.logger.log("warn", "print jobs interrupted by a stop will print again as DUPLICATA", { jobs: recovered });
    }
    const nowMs = this.#deps.clock.nowMs();
    if (!hasDuePrintJob(this.#deps.writer.sqlite, nowMs)) return 0;
    const busy = new Set(this.#busy);
    const claimed = await this.#deps.writer.submit((tx) => claimDuePrintJobs(tx, nowMs, { maxJobs: this.#batchJobs, skipPrinterIds: busy }));
    for (const claim of claimed) this.#launch(claim);
    return claimed.length;
  }

  #launch(claim: ClaimedPrintJob): void {
    this.#busy.add(claim.printer.id);
    const send: Promise<SendOutcome> = this.#send(claim).finally(() => {
      this.#busy.delete(claim.printer.id);
      this.#sends.delete(send);
      // The printer is free: its next job goes now, not at the next poll.
      if (this.#started) this.#wake();
    });
    this.#sends.add(send);
  }

  #transport(claim: ClaimedPrintJob): ReceiptPrinter {
    const key = `${claim.printer.kind} ${claim.printer.address}`;
    const known = this.#transports.get(claim.printer.id);
    if (known && known.key === key) return known.printer;
    const printer = this.#open({ kind: claim.printer.kind, address: claim.printer.address });
    this.#transports.set(claim.printer.id, { key, printer });
    return printer;
  }

  async #send(claim: ClaimedPrintJob): Promise<SendOutcome> {
    const { job, printer } = claim;
    try {
      const bytes = encodeDocument(jobTicket(job, parseDocumentJson(claim.documentJson)), { paperMm: printer.paperMm, codePage: printer.codePage });
      await this.#transport(claim).send(bytes);
    } catch (error) {
      if (!isAppError(error)) this.#deps.logger.log("error", "print job failed unexpectedly", { job: job.id, error: String(error) });
      const uncertain = isPrinterError(error) ? error.uncertain : false;
      const message = isAppError(error) ? `${error.code}: ${error.message}` : String(error);
      const retryAtMs = this.#deps.clock.nowMs() + retryDelayMs(job.attempts, this.#retryBaseMs, this.#retryCapMs);
      await this.#record(job.id, (tx) => {
        failPrintJob(tx, job.id, { error: message, uncertain, retryAtMs });
        notePrinterOutcome(tx, printer.id, { online: false, error: message });
      });
      this.#deps.logger.log("warn", "print job not delivered; it will be sent again", { job: job.id, printer: printer.id, attempts: job.attempts, uncertain, error: message });
      return { jobId: job.id, printerId: printer.id, ok: false, error: message, uncertain };
    }
    const atMs = this.#deps.clock.nowMs();
    await this.#record(job.id, (tx) => {
      completePrintJob(tx, job.id, atMs);
      notePrinterOutcome(tx, printer.id, { online: true, atMs });
    });
    return { jobId: job.id, printerId: printer.id, ok: true };
  }

  /** Writes an outcome. If the box is closing, the job stays `sending` and the next start resends it as uncertain. */
  async #record(jobId: number, write: Parameters<Writer["submit"]>[0]): Promise<void> {
    try {
      await this.#deps.writer.submit(write);
    } catch (error) {
      this.#deps.logger.log("warn", "print job outcome not recorded; it will print again as DUPLICATA after restart", { job: jobId, error: String(error) });
    }
  }

  #wake(): void {
    this.#again = true;
    if (!this.#ticking) this.#schedule(0);
  }

  /** Runs a pass after `delayMs`; 0 means on the next turn of the event loop (a timer would add a millisecond per job). */
  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    clearImmediate(this.#immediate);
    const run = () => {
      this.#timer = undefined;
      this.#immediate = undefined;
      this.#again = false;
      this.tick()
        .catch((error: unknown) => {
          // A pass cut short by the box closing is no error: the next start takes the queue up again.
          if (!this.#stopped) this.#deps.logger.log("error", "print worker pass failed", { error: String(error) });
          return 0;
        })
        .finally(() => this.#schedule(this.#again ? 0 : this.#pollMs));
    };
    if (delayMs === 0) this.#immediate = setImmediate(run);
    else this.#timer = setTimeout(run, delayMs);
  }
}

export function startPrintWorker(deps: PrintWorkerDeps, options: PrintWorkerOptions = {}): PrintWorker {
  const worker = new PrintWorker(deps, options);
  worker.start();
  return worker;
}
