/**
 * The tap hub: where every card tap arrives (the box's PC/SC readers, reader agents, simulated
 * readers, and the tills' own pages for keyboard readers and Web NFC) and leaves for the one
 * terminal it belongs to, over that terminal's event streams.
 *
 * A tap is worth something for a few seconds only. The hub keeps at most one pending tap per
 * terminal, with its expiry (5 s after the card touched the reader): a till that connects later
 * than that never sees it, so a tap can never land on the next customer's sale. A tap delivered
 * to a connected page is consumed. A reader bound to no terminal has its taps dropped, and the
 * admin page says so.
 *
 * One hub per box (created in app.ts), state in memory only: taps are not records.
 */
import type { NfcEvent, NfcListener } from "../../hardware/nfc/port.ts";
import { SimulatedNfcReader } from "../../hardware/nfc/simulated.ts";
import { fail, type Clock, type IdFactory } from "../kernel/index.ts";

export type TapSource = "pcsc" | "agent" | "sim" | "wedge" | "webnfc";

export interface Tap {
  readonly id: string;
  readonly uid: string;
  readonly readerKey: string;
  readonly readerName: string;
  readonly source: TapSource;
  readonly terminalId: string;
  /** When the card touched the reader, in the box's time. */
  readonly atMs: number;
  readonly expiresAtMs: number;
}

export type TapOutcome =
  | { readonly status: "delivered" | "pending"; readonly tap: Tap }
  | { readonly status: "unbound" | "duplicate" | "expired" };

export interface KnownReader {
  readonly key: string;
  readonly name: string;
  readonly source: TapSource;
  state: "attached" | "detached" | "seen";
  lastEventAtMs: number;
  lastTapAtMs: number | undefined;
  lastError: { readonly code: string; readonly detail: string; readonly atMs: number } | undefined;
  droppedTaps: number;
  lastDroppedAtMs: number | undefined;
  /** What became of its last tap. */
  lastOutcome: TapOutcome["status"] | undefined;
  /** Set for readers at a terminal itself (its page, or simulated straight to it). */
  ownTerminalId: string | undefined;
}

export interface TapInput {
  readonly readerKey: string;
  readonly readerName: string;
  readonly source: TapSource;
  readonly uid: string;
  /** How long ago the card touched the reader (a remote agent's queue), in ms. */
  readonly ageMs?: number;
  /** A client's key: a retried tap with the same key is not delivered twice. */
  readonly idempotencyKey?: string | undefined;
}

type Subscriber = (tap: Tap) => void;

export const TAP_LIFETIME_MS = 5_000;
/** Readers the hub remembers; the least recently heard of is forgotten first. */
const MAX_KNOWN_READERS = 256;
/** Idempotency keys remembered (each for a tap's lifetime, after which a repeat is expired anyway). */
const MAX_REMEMBERED_KEYS = 4_096;
/** Taps remembered by id for their lifetime, so that a page can claim one (unlock, pay); the oldest go first. */
const MAX_CLAIMABLE_TAPS = 1_024;
/** Open event streams per terminal (tabs on one till) and in all. */
export const MAX_STREAMS_PER_TERMINAL = 8;
const MAX_STREAMS = 512;

export interface TapHubDeps {
  readonly clock: Clock;
  readonly newId: IdFactory;
  /** The terminal a reader is bound to, read on every tap (bindings change beside a serving box). */
  readonly bindingOf: (readerKey: string) => string | undefined;
}

export class TapHub {
  readonly #deps: TapHubDeps;
  readonly #pending = new Map<string, Tap>();
  readonly #subscribers = new Map<string, Set<Subscriber>>();
  readonly #readers = new Map<string, KnownReader>();
  readonly #keys = new Map<string, number>();
  /** Taps handed out (delivered or pending), by id, until they expire or a page claims them. */
  readonly #claimable = new Map<string, Tap>();
  readonly #closers = new Set<() => void>();
  #streams = 0;
  /** Readers played by hand (demo, `tibox tap --reader`); their taps route like real ones. */
  readonly simulator: SimulatedNfcReader;

  constructor(deps: TapHubDeps) {
    this.#deps = deps;
    this.simulator = new SimulatedNfcReader(deps.clock, []);
    void this.simulator.start(this.listenerFor("sim"));
  }

  /** A listener that feeds an NfcReader's events to the hub, its readers keyed `<prefix>:<name>`. */
  listenerFor(prefix: "pcsc" | "sim"): NfcListener {
    return (event: NfcEvent) => {
      if (event.readerName === undefined) return;
      const key = `${prefix}:${event.readerName}`;
      if (event.type === "tap") this.route({ readerKey: key, readerName: event.readerName, source: prefix, uid: event.uid });
      else if (event.type === "error") this.noteReader(key, event.readerName, prefix, { error: { code: event.code, detail: event.detail } });
      else if (event.type === "attached" || event.type === "detached") this.noteReader(key, event.readerName, prefix, { state: event.type });
    };
  }

  /** Records what a reader said about itself: plugged, unplugged, an error. */
  noteReader(key: string, name: string, source: TapSource, news: { state?: KnownReader["state"]; error?: { code: string; detail: string } }): KnownReader {
    const nowMs = this.#deps.clock.nowMs();
    let reader = this.#readers.get(key);
    if (!reader) {
      reader = {
        key,
        name,
        source,
        state: "seen",
        lastEventAtMs: nowMs,
        lastTapAtMs: undefined,
        lastError: undefined,
        droppedTaps: 0,
        lastDroppedAtMs: undefined,
        lastOutcome: undefined,
        ownTerminalId: undefined,
      };
      if (this.#readers.size >= MAX_KNOWN_READERS) this.#forgetOldestReader();
    } else {
      this.#readers.delete(key);
    }
    this.#readers.set(key, reader);
    reader.lastEventAtMs = nowMs;
    if (news.state) reader.state = news.state;
    if (news.error) reader.lastError = { ...news.error, atMs: nowMs };
    return reader;
  }

  #forgetOldestReader(): void {
    const oldest = this.#readers.keys().next();
    if (!oldest.done) this.#readers.delete(oldest.value);
  }

  readers(): KnownReader[] {
    return [...this.#readers.values()].map((reader) => ({ ...reader }));
  }

  /** A tap from a reader: to the terminal the reader is bound to, or dropped when unbound. */
  route(input: TapInput): TapOutcome {
    const terminalId = this.#deps.bindingOf(input.readerKey);
    const reader = this.noteReader(input.readerKey, input.readerName, input.source, {});
    if (terminalId === undefined) {
      reader.droppedTaps += 1;
      reader.lastDroppedAtMs = this.#deps.clock.nowMs();
      reader.lastOutcome = "unbound";
      return { status: "unbound" };
    }
    return this.#deliver(terminalId, input, reader);
  }

  /** A tap read at a terminal itself (its page's keyboard reader, Web NFC, simulation button). */
  deliver(terminalId: string, input: TapInput): TapOutcome {
    const reader = this.noteReader(input.readerKey, input.readerName, input.source, {});
    reader.ownTerminalId = terminalId;
    return this.#deliver(terminalId, input, reader);
  }

  #deliver(terminalId: string, input: TapInput, reader: KnownReader): TapOutcome {
    const outcome = this.#hand(terminalId, input, reader);
    reader.lastOutcome = outcome.status;
    return outcome;
  }

  #hand(terminalId: string, input: TapInput, reader: KnownReader): TapOutcome {
    const nowMs = this.#deps.clock.nowMs();
    this.#purge(nowMs);
    if (input.idempotencyKey !== undefined && !this.claimKey(`${input.readerKey}|${input.idempotencyKey}`)) return { status: "duplicate" };
    const ageMs = Math.min(Math.max(input.ageMs ?? 0, 0), TAP_LIFETIME_MS);
    const atMs = nowMs - ageMs;
    if (ageMs >= TAP_LIFETIME_MS) return { status: "expired" };
    reader.lastTapAtMs = atMs;
    const tap: Tap = { id: this.#deps.newId(), uid: input.uid, readerKey: input.readerKey, readerName: input.readerName, source: input.source, terminalId, atMs, expiresAtMs: atMs + TAP_LIFETIME_MS };
    if (this.#claimable.size >= MAX_CLAIMABLE_TAPS) this.#claimable.delete(this.#claimable.keys().next().value!);
    this.#claimable.set(tap.id, tap);
    const subscribers = this.#subscribers.get(terminalId);
    if (subscribers && subscribers.size > 0) {
      this.#pending.delete(terminalId);
      for (const subscriber of subscribers) subscriber(tap);
      return { status: "delivered", tap };
    }
    this.#pending.set(terminalId, tap);
    return { status: "pending", tap };
  }

  /** Remembers a client's key for a tap's lifetime; false when it was already there. */
  claimKey(key: string): boolean {
    const nowMs = this.#deps.clock.nowMs();
    this.#purge(nowMs);
    if (this.#keys.has(key)) return false;
    if (this.#keys.size >= MAX_REMEMBERED_KEYS) this.#keys.delete(this.#keys.keys().next().value!);
    this.#keys.set(key, nowMs + TAP_LIFETIME_MS);
    return true;
  }

  #purge(nowMs: number): void {
    for (const [terminalId, tap] of this.#pending) if (tap.expiresAtMs <= nowMs) this.#pending.delete(terminalId);
    for (const [key, expiresAtMs] of this.#keys) if (expiresAtMs <= nowMs) this.#keys.delete(key);
    for (const [id, tap] of this.#claimable) if (tap.expiresAtMs <= nowMs) this.#claimable.delete(id);
  }

  /**
   * A page of `terminalId` claims a tap it was shown (by id), to act on the card: unlock the
   * terminal with a staff card, pay, top up. Once: a tap unlocks or pays, never both, and never
   * after its 5 s. The page never holds the card's full UID, only the tap's id.
   */
  claim(terminalId: string, tapId: string): Tap | undefined {
    this.#purge(this.#deps.clock.nowMs());
    const tap = this.#claimable.get(tapId);
    if (!tap || tap.terminalId !== terminalId) return undefined;
    this.#claimable.delete(tapId);
    return tap;
  }

  /** The tap waiting for a terminal, if it is still fresh. */
  pendingFor(terminalId: string): Tap | undefined {
    this.#purge(this.#deps.clock.nowMs());
    return this.#pending.get(terminalId);
  }

  /**
   * Listens for a terminal's taps; a fresh pending tap is handed over at once (and consumed).
   * `close` is called when the hub shuts down. Returns the function that stops listening.
   */
  subscribe(terminalId: string, subscriber: Subscriber, close: () => void): () => void {
    const set = this.#subscribers.get(terminalId) ?? new Set<Subscriber>();
    if (set.size >= MAX_STREAMS_PER_TERMINAL || this.#streams >= MAX_STREAMS) fail("too_many_streams", "too many open event streams");
    set.add(subscriber);
    this.#subscribers.set(terminalId, set);
    this.#closers.add(close);
    this.#streams += 1;
    const pending = this.pendingFor(terminalId);
    if (pending) {
      this.#pending.delete(terminalId);
      subscriber(pending);
    }
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.#streams -= 1;
      this.#closers.delete(close);
      set.delete(subscriber);
      if (set.size === 0) this.#subscribers.delete(terminalId);
    };
  }

  /** Ends every open stream (the box is stopping). */
  close(): void {
    for (const close of [...this.#closers]) close();
    void this.simulator.stop();
  }
}
