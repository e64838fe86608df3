/**
 * A simulated NFC reader, for the demo and the tests: methods play what a hand does (put a card
 * on a reader, take it away, put an unreadable card, unplug and plug the reader back) and the
 * reader reports it exactly as a real one would, through the same NfcEvents.
 */
import type { Clock } from "../../src/kernel/index.ts";
import { parseCardUid, type NfcListener, type NfcReader } from "./port.ts";

export const SIMULATED_READER_NAME = "Simulated reader";

interface SimulatedSlot {
  plugged: boolean;
  /** The card on the reader: a UID, "unreadable", or none. */
  card: string | undefined;
}

export class SimulatedNfcReader implements NfcReader {
  readonly kind = "simulated";
  readonly #clock: Clock;
  readonly #slots = new Map<string, SimulatedSlot>();
  #listener: NfcListener | undefined;

  constructor(clock: Clock, readerNames: readonly string[] = [SIMULATED_READER_NAME]) {
    this.#clock = clock;
    for (const name of readerNames) this.#slots.set(name, { plugged: true, card: undefined });
  }

  get readerNames(): string[] {
    return [...this.#slots.keys()];
  }

  async start(listener: NfcListener): Promise<void> {
    if (this.#listener) throw new Error("this simulated reader is already started");
    this.#listener = listener;
    for (const [readerName, slot] of this.#slots) if (slot.plugged) listener({ type: "attached", readerName, atMs: this.#clock.nowMs() });
  }

  async stop(): Promise<void> {
    this.#listener = undefined;
  }

  #slot(readerName: string): SimulatedSlot {
    const slot = this.#slots.get(readerName);
    if (!slot) throw new Error(`no simulated reader named ${readerName}`);
    return slot;
  }

  #arrive(readerName: string, card: string): void {
    const slot = this.#slot(readerName);
    // A card held on the reader is read once; another card cannot be put on top of it.
    if (!slot.plugged || slot.card !== undefined) return;
    slot.card = card;
    const atMs = this.#clock.nowMs();
    if (card === "unreadable") this.#listener?.({ type: "error", readerName, code: "uid_unreadable", detail: "simulated unreadable card", atMs });
    else this.#listener?.({ type: "tap", readerName, uid: card, atMs });
  }

  /** Puts a card on the reader. A UID in any usual form; a malformed one plays an unreadable card. */
  tap(uid: string, readerName = this.readerNames[0]!): void {
    this.#arrive(readerName, parseCardUid(uid) ?? "unreadable");
  }

  /** Puts a card whose UID answer is garbled on the reader. */
  tapUnreadable(readerName = this.readerNames[0]!): void {
    this.#arrive(readerName, "unreadable");
  }

  /** Takes the card away. */
  remove(readerName = this.readerNames[0]!): void {
    const slot = this.#slot(readerName);
    if (slot.card === undefined) return;
    slot.card = undefined;
    if (slot.plugged) this.#listener?.({ type: "removed", readerName, atMs: this.#clock.nowMs() });
  }

  unplug(readerName = this.readerNames[0]!): void {
    const slot = this.#slot(readerName);
    if (!slot.plugged) return;
    this.remove(readerName);
    slot.plugged = false;
    this.#listener?.({ type: "detached", readerName, atMs: this.#clock.nowMs() });
  }

  plug(readerName = this.readerNames[0]!): void {
    const slot = this.#slots.get(readerName) ?? { plugged: false, card: undefined };
    this.#slots.set(readerName, slot);
    if (slot.plugged) return;
    slot.plugged = true;
    this.#listener?.({ type: "attached", readerName, atMs: this.#clock.nowMs() });
  }
}
