/**
 * PC/SC readers (ACR122U, and any contactless reader pcscd drives) through pcsc-lite, with the
 * blocking poller in a Worker (pcsc-worker.ts). This side owns the worker's life and turns its
 * messages into NfcEvents stamped with the injected clock.
 *
 * In a compiled binary the worker is a separate entrypoint of `bun build --compile` (see
 * deploy/build.ts, and workerLocation below); test/hardware/pcsc-binary.test.ts proves it.
 */
import type { Clock } from "../../src/kernel/index.ts";
import type { WorkerMessage, WorkerStart } from "./pcsc-worker.ts";
import type { NfcEvent, NfcListener, NfcReader } from "./port.ts";

export interface PcscOptions {
  readonly clock: Clock;
  /** Only readers whose name contains this text (case-insensitive); all readers by default. */
  readonly only?: string | undefined;
  /** Longest blocking wait, in ms: how soon a stop is seen. Changes arrive at once regardless. */
  readonly pollMs?: number;
  /** Pause before asking an absent pcscd again, in ms. */
  readonly retryMs?: number;
  /** Another pcscd socket than the system's (tests use a private daemon). */
  readonly socketPath?: string | undefined;
  readonly library?: string;
}

const DEFAULT_POLL_MS = 250;
const DEFAULT_RETRY_MS = 1_000;
/** The worker ends its wait within pollMs; past this it is terminated. */
const STOP_GRACE_MS = 3_000;

/**
 * Where the worker's code is. From source, beside this file. In a compiled binary, Bun keeps
 * each extra entrypoint under its path from the entrypoints' common root (the repository), and
 * resolves a relative specifier from there; `import.meta.url` is then the binary's own.
 */
export function workerLocation(moduleUrl: string): string | URL {
  return moduleUrl.includes("/$bunfs/") ? "./hardware/nfc/pcsc-worker.ts" : new URL("./pcsc-worker.ts", moduleUrl);
}

export class PcscNfcReader implements NfcReader {
  readonly kind = "pcsc";
  readonly #options: PcscOptions;
  #worker: Worker | undefined;
  #stopFlag: Int32Array | undefined;
  #stopped: Promise<void> | undefined;
  #listener: NfcListener | undefined;

  constructor(options: PcscOptions) {
    this.#options = options;
  }

  start(listener: NfcListener): Promise<void> {
    if (this.#worker) throw new Error("this PC/SC reader is already started");
    this.#listener = listener;
    const stopFlag = new SharedArrayBuffer(4);
    this.#stopFlag = new Int32Array(stopFlag);
    // A small heap: the poller keeps a few readers' states, and the box counts its idle memory.
    const worker = new Worker(workerLocation(import.meta.url), { smol: true });
    this.#worker = worker;
    let markStopped: () => void = () => undefined;
    this.#stopped = new Promise((resolve) => (markStopped = resolve));
    const ready = new Promise<void>((resolve) => {
      worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
        const message = event.data;
        if (message.type === "ready") resolve();
        else if (message.type === "stopped") {
          resolve();
          markStopped();
        } else this.#report(message);
      };
      worker.onerror = (event) => {
        this.#report({ type: "error", readerName: undefined, code: "read_failed", detail: event.message });
        resolve();
        markStopped();
      };
    });
    const start: WorkerStart = {
      type: "start",
      stopFlag,
      pollMs: this.#options.pollMs ?? DEFAULT_POLL_MS,
      retryMs: this.#options.retryMs ?? DEFAULT_RETRY_MS,
      only: this.#options.only,
      socketPath: this.#options.socketPath,
      library: this.#options.library ?? "libpcsclite.so.1",
    };
    worker.postMessage(start);
    return ready;
  }

  #report(message: Exclude<WorkerMessage, { type: "ready" | "stopped" }>): void {
    const listener = this.#listener;
    if (!listener) return;
    const atMs = this.#options.clock.nowMs();
    const event: NfcEvent = message.type === "error" ? { ...message, atMs } : message.type === "tap" ? { ...message, atMs } : { type: message.type, readerName: message.readerName, atMs };
    listener(event);
  }

  async stop(): Promise<void> {
    const worker = this.#worker;
    if (!worker || !this.#stopFlag) return;
    Atomics.store(this.#stopFlag, 0, 1);
    await Promise.race([this.#stopped, Bun.sleep(STOP_GRACE_MS)]);
    this.#listener = undefined;
    worker.terminate();
    this.#worker = undefined;
  }
}
