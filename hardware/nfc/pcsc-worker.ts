/**
 * The PC/SC poller, run in a Worker because every pcsc-lite call blocks its thread. It watches
 * the readers and the PnP notification with SCardGetStatusChange, reads a card's UID once per
 * arrival, and posts plain messages (see WorkerMessage) to the PcscNfcReader that started it.
 *
 * Stopping: the parent sets a flag in a SharedArrayBuffer (a blocked thread reads no message);
 * every wait is bounded by `pollMs`, so the loop sees the flag within that time.
 * Losing pcscd (stopped, crashed) releases the context, reports every reader detached, and
 * retries every `retryMs`; readers come back as attached when the daemon does.
 */
import { PNP_NOTIFICATION, Pcsc, SCARD, scardCodeName, usePcscSocket, type WatchedReader } from "./pcsc-ffi.ts";
import { GET_UID_APDU, uidFromGetDataAnswer, type NfcErrorCode } from "./port.ts";

export interface WorkerStart {
  readonly type: "start";
  /** Int32Array over it: [0] becomes 1 when the parent asks the worker to stop. */
  readonly stopFlag: SharedArrayBuffer;
  readonly pollMs: number;
  readonly retryMs: number;
  /** Only readers whose name contains this text (case-insensitive) are watched. */
  readonly only: string | undefined;
  /** Another pcscd socket (tests); undefined for the system's. */
  readonly socketPath: string | undefined;
  readonly library: string;
}

export type WorkerMessage =
  | { readonly type: "ready" }
  | { readonly type: "stopped" }
  | { readonly type: "tap"; readonly readerName: string; readonly uid: string }
  | { readonly type: "removed" | "attached" | "detached"; readonly readerName: string }
  | { readonly type: "error"; readonly readerName: string | undefined; readonly code: NfcErrorCode; readonly detail: string };

declare var self: Worker;

interface ReaderState extends WatchedReader {
  present: boolean;
  counter: number;
}

const post = (message: WorkerMessage) => self.postMessage(message);
/** Readers watched at once: far more than a till has, and a bound on the loop. */
const MAX_READERS = 16;

function hex(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 32), (byte) => byte.toString(16).padStart(2, "0")).join(" ");
}

class Poller {
  readonly #pcsc: Pcsc;
  readonly #options: WorkerStart;
  readonly #stop: Int32Array;
  readonly #readers = new Map<string, ReaderState>();
  readonly #pnp: WatchedReader = { name: PNP_NOTIFICATION, currentState: SCARD.STATE_UNAWARE };
  #context: bigint | undefined;
  #needList = true;
  #serviceReported = false;

  constructor(pcsc: Pcsc, options: WorkerStart) {
    this.#pcsc = pcsc;
    this.#options = options;
    this.#stop = new Int32Array(options.stopFlag);
  }

  get stopping(): boolean {
    return Atomics.load(this.#stop, 0) === 1;
  }

  async run(): Promise<void> {
    while (!this.stopping) {
      const waitMs = this.#step();
      // Yield between blocking calls, so that posted messages leave and the flag is re-read.
      await Bun.sleep(waitMs);
    }
    this.#lose(false);
  }

  /** One round: connect if needed, list if needed, wait for one change; returns ms to pause. */
  #step(): number {
    if (this.#context === undefined) {
      const established = this.#pcsc.establish();
      if (established.code !== SCARD.S_SUCCESS) {
        if (!this.#serviceReported) post({ type: "error", readerName: undefined, code: "service_unavailable", detail: scardCodeName(established.code) });
        this.#serviceReported = true;
        return this.#options.retryMs;
      }
      this.#serviceReported = false;
      this.#context = established.context;
      this.#needList = true;
    }
    if (this.#needList && !this.#list()) return this.#options.retryMs;
    const watched: WatchedReader[] = [this.#pnp, ...this.#readers.values()];
    const { code, eventStates } = this.#pcsc.getStatusChange(this.#context, this.#options.pollMs, watched);
    if (code === SCARD.E_TIMEOUT) return 0;
    if (code === SCARD.E_UNKNOWN_READER) {
      this.#needList = true;
      return 0;
    }
    if (code !== SCARD.S_SUCCESS) {
      this.#lose(true);
      return this.#options.retryMs;
    }
    watched.forEach((reader, index) => this.#changed(reader, eventStates[index]!));
    return 0;
  }

  /** Lists the readers and reports the differences; false when the service is gone. */
  #list(): boolean {
    const { code, names } = this.#pcsc.listReaders(this.#context!);
    if (code !== SCARD.S_SUCCESS) {
      this.#lose(true);
      return false;
    }
    const only = this.#options.only?.toLowerCase();
    const wanted = names.filter((name) => !only || name.toLowerCase().includes(only)).slice(0, MAX_READERS);
    for (const [name, reader] of this.#readers) {
      if (wanted.includes(name)) continue;
      this.#detach(name, reader);
    }
    for (const name of wanted) {
      if (this.#readers.has(name)) continue;
      this.#readers.set(name, { name, currentState: SCARD.STATE_UNAWARE, present: false, counter: -1 });
      post({ type: "attached", readerName: name });
    }
    this.#needList = false;
    return true;
  }

  #detach(name: string, reader: ReaderState): void {
    this.#readers.delete(name);
    if (reader.present) post({ type: "removed", readerName: name });
    post({ type: "detached", readerName: name });
  }

  /** The service went away (or we stop): every reader is detached, the context released. */
  #lose(report: boolean): void {
    for (const [name, reader] of this.#readers) {
      if (report) this.#detach(name, reader);
    }
    this.#readers.clear();
    if (this.#context !== undefined) this.#pcsc.release(this.#context);
    this.#context = undefined;
    this.#pnp.currentState = SCARD.STATE_UNAWARE;
    if (report) post({ type: "error", readerName: undefined, code: "service_unavailable", detail: "pcscd stopped answering" });
    this.#serviceReported = report;
  }

  #changed(watched: WatchedReader, eventState: number): void {
    if ((eventState & SCARD.STATE_CHANGED) === 0) return;
    watched.currentState = eventState & ~SCARD.STATE_CHANGED;
    if (watched === this.#pnp) {
      this.#needList = true;
      return;
    }
    const reader = watched as ReaderState;
    if (eventState & (SCARD.STATE_UNKNOWN | SCARD.STATE_UNAVAILABLE)) {
      this.#needList = true;
      return;
    }
    const present = (eventState & SCARD.STATE_PRESENT) !== 0;
    const counter = eventState >>> 16;
    const arrived = present && (!reader.present || counter !== reader.counter);
    if (!present && reader.present) post({ type: "removed", readerName: reader.name });
    reader.present = present;
    reader.counter = counter;
    if (!arrived) return;
    if (eventState & SCARD.STATE_MUTE) {
      post({ type: "error", readerName: reader.name, code: "read_failed", detail: "the card does not answer (mute)" });
      return;
    }
    this.#read(reader.name);
  }

  #read(name: string): void {
    const { code, answer } = this.#pcsc.transmit(this.#context!, name, GET_UID_APDU);
    if (code !== SCARD.S_SUCCESS) {
      post({ type: "error", readerName: name, code: "read_failed", detail: scardCodeName(code) });
      return;
    }
    const uid = uidFromGetDataAnswer(answer);
    if (uid) post({ type: "tap", readerName: name, uid });
    else post({ type: "error", readerName: name, code: "uid_unreadable", detail: `answer ${hex(answer) || "(empty)"}` });
  }
}

self.onmessage = (event: MessageEvent<WorkerStart>) => {
  const options = event.data;
  if (options.type !== "start") return;
  if (options.socketPath) usePcscSocket(options.socketPath);
  let pcsc: Pcsc;
  try {
    pcsc = new Pcsc(options.library);
  } catch (error) {
    post({ type: "error", readerName: undefined, code: "library_missing", detail: error instanceof Error ? error.message : String(error) });
    post({ type: "stopped" });
    return;
  }
  post({ type: "ready" });
  new Poller(pcsc, options).run().then(
    () => {
      pcsc.close();
      post({ type: "stopped" });
    },
    (error: unknown) => {
      post({ type: "error", readerName: undefined, code: "read_failed", detail: error instanceof Error ? error.message : String(error) });
      post({ type: "stopped" });
    },
  );
};
