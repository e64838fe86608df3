// Proves that every NfcReader implementation keeps the same promises, by running one table of
// cases against each: the simulated reader (driven by its methods) and the PC/SC reader (a
// private pcscd with vsmartcard's virtual reader, and our own virtual card program answering
// FF CA over the vpcd socket). A tap is reported once with the right UID; a card held on the
// reader counts once until removed; a garbled or short UID answer is an error event, not a tap;
// unplugging mid-tap yields a detached event and no crash; plugging back works.
// Without pcscd/vpcd the PC/SC half is skipped locally (reason printed) and fails under CI.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { PcscNfcReader } from "../../hardware/nfc/pcsc.ts";
import type { NfcEvent, NfcReader } from "../../hardware/nfc/port.ts";
import { SimulatedNfcReader } from "../../hardware/nfc/simulated.ts";
import { systemClock } from "../../src/kernel/index.ts";
import { pcscTestsSkipped, releaseSharedPcscd, sharedPcscd, type PrivatePcscd } from "../helpers/pcscd.ts";
import { VirtualCard } from "../helpers/vpcd-card.ts";

/** What a hand and a cable do to one implementation's reader. */
interface Rig {
  readonly reader: NfcReader;
  readonly readerName: string;
  /** How long to wait before concluding that nothing more will be reported. */
  readonly quietMs: number;
  present(uid: string): Promise<void>;
  presentGarbled(uid: string, how: "garbled" | "short"): Promise<void>;
  remove(): Promise<void>;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  dispose(): Promise<void>;
}

interface Implementation {
  readonly name: string;
  readonly skipped: boolean;
  readonly make: () => Promise<Rig>;
}

function simulatedRig(): Promise<Rig> {
  const reader = new SimulatedNfcReader(systemClock, ["Bar"]);
  return Promise.resolve({
    reader,
    readerName: "Bar",
    quietMs: 50,
    present: async (uid) => reader.tap(uid, "Bar"),
    presentGarbled: async () => reader.tapUnreadable("Bar"),
    remove: async () => reader.remove("Bar"),
    unplug: async () => reader.unplug("Bar"),
    replug: async () => reader.plug("Bar"),
    dispose: () => reader.stop(),
  });
}

let pcscd: PrivatePcscd | undefined;
/** pcscd's polling period for readers without card-event interrupts, such as vpcd's slots. */
const PCSCD_POLL_MS = 400;

async function pcscRig(): Promise<Rig> {
  pcscd ??= await sharedPcscd();
  const daemon = pcscd;
  if (!daemon.running) await daemon.start();
  const card = new VirtualCard({ port: daemon.port });
  const reader = new PcscNfcReader({ clock: systemClock, socketPath: daemon.socketPath, retryMs: 200 });
  return {
    reader,
    readerName: daemon.readerNames[0],
    // pcscd polls a vpcd slot every 400 ms: a second read would show within about a second.
    quietMs: 1_200,
    present: (uid) => card.insert(uid),
    presentGarbled: (uid, how) => card.insert(uid, how),
    remove: async () => card.remove(),
    unplug: () => daemon.stop(),
    replug: () => daemon.start(),
    dispose: async () => {
      card.remove();
      await reader.stop();
      if (!daemon.running) await daemon.start();
      // pcscd notices a card's absence at its next poll (400 ms): the next case starts empty.
      await Bun.sleep(PCSCD_POLL_MS + 200);
    },
  };
}

const IMPLEMENTATIONS: readonly Implementation[] = [
  { name: "simulated", skipped: false, make: simulatedRig },
  { name: "PC/SC (pcscd + vpcd virtual card)", skipped: pcscTestsSkipped(), make: pcscRig },
];

/** Every event a reader reported, and a way to wait for one. */
class Events {
  readonly all: NfcEvent[] = [];
  #waiters: Array<() => void> = [];

  readonly listener = (event: NfcEvent) => {
    this.all.push(event);
    for (const wake of this.#waiters.splice(0)) wake();
  };

  of(type: NfcEvent["type"], readerName?: string): NfcEvent[] {
    return this.all.filter((event) => event.type === type && (readerName === undefined || !("readerName" in event) || event.readerName === readerName));
  }

  taps(readerName: string): string[] {
    return this.all.flatMap((event) => (event.type === "tap" && event.readerName === readerName ? [event.uid] : []));
  }

  async waitFor(what: string, found: () => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!found()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`waited ${timeoutMs} ms for ${what}; events: ${JSON.stringify(this.all)}`);
      await Promise.race([new Promise<void>((resolve) => this.#waiters.push(resolve)), Bun.sleep(Math.min(left, 100))]);
    }
  }
}

for (const implementation of IMPLEMENTATIONS) {
  describe.skipIf(implementation.skipped)(`NfcReader contract: ${implementation.name}`, () => {
    let rig: Rig | undefined;
    let events: Events;

    async function started(): Promise<Rig> {
      const made = await implementation.make();
      rig = made;
      events = new Events();
      await made.reader.start(events.listener);
      await events.waitFor("the reader attached", () => events.of("attached", made.readerName).length > 0);
      return made;
    }

    afterEach(async () => {
      await rig?.dispose();
      rig = undefined;
    });

    afterAll(async () => {
      if (pcscd) await releaseSharedPcscd();
      pcscd = undefined;
    });

    test("a tap is reported once, with the UID in uppercase hex (4, 7 and 10 bytes)", async () => {
      const rig = await started();
      const uids = ["04a1b2c3", "04A1B2C3D4E5F6", "0411223344556677889A"];
      for (const [index, uid] of uids.entries()) {
        const before = Date.now();
        await rig.present(uid);
        await events.waitFor(`tap ${uid}`, () => events.taps(rig.readerName).length === index + 1);
        const tap = events.of("tap", rig.readerName).at(-1)!;
        expect(tap.type === "tap" && tap.uid).toBe(uid.toUpperCase());
        expect(tap.atMs).toBeGreaterThanOrEqual(before - 1);
        await rig.remove();
        await events.waitFor("the card removed", () => events.of("removed", rig.readerName).length === index + 1);
      }
      await Bun.sleep(rig.quietMs);
      expect(events.taps(rig.readerName)).toEqual(uids.map((uid) => uid.toUpperCase()));
      expect(events.of("error")).toEqual([]);
    });

    test("a card held on the reader counts once until it is removed", async () => {
      const rig = await started();
      await rig.present("04CAFE01");
      await events.waitFor("the first tap", () => events.taps(rig.readerName).length === 1);
      await Bun.sleep(rig.quietMs * 2);
      expect(events.taps(rig.readerName)).toEqual(["04CAFE01"]);
      await rig.remove();
      await events.waitFor("the card removed", () => events.of("removed", rig.readerName).length === 1);
      await rig.present("04CAFE01");
      await events.waitFor("the second tap", () => events.taps(rig.readerName).length === 2);
      expect(events.taps(rig.readerName)).toEqual(["04CAFE01", "04CAFE01"]);
    });

    for (const how of ["garbled", "short"] as const) {
      test(`a ${how} UID answer is an error event, not a tap, and the reader carries on`, async () => {
        const rig = await started();
        await rig.presentGarbled("04BADBAD", how);
        await events.waitFor("an error event", () => events.of("error", rig.readerName).length === 1);
        const error = events.of("error", rig.readerName)[0]!;
        expect(error.type === "error" && error.code).toBe("uid_unreadable");
        await Bun.sleep(rig.quietMs);
        expect(events.taps(rig.readerName)).toEqual([]);
        await rig.remove();
        await events.waitFor("the card removed", () => events.of("removed", rig.readerName).length === 1);
        await rig.present("04600D01");
        await events.waitFor("a good tap after the bad one", () => events.taps(rig.readerName).length === 1);
        expect(events.taps(rig.readerName)).toEqual(["04600D01"]);
      });
    }

    test("unplugging the reader mid-tap yields a detached event, no crash; plugging it back works", async () => {
      const rig = await started();
      await rig.present("04DEAD01");
      await rig.unplug();
      await events.waitFor("a detached event", () => events.of("detached", rig.readerName).length === 1);
      // Whether the UID was read before the cable went is a race; at most once in any case.
      expect(events.taps(rig.readerName).length).toBeLessThanOrEqual(1);
      await rig.remove();
      await rig.replug();
      await events.waitFor("attached again", () => events.of("attached", rig.readerName).length === 2);
      const tapsBefore = events.taps(rig.readerName).length;
      await rig.present("04A11FE0");
      await events.waitFor("a tap after plugging back", () => events.taps(rig.readerName).length === tapsBefore + 1);
      expect(events.taps(rig.readerName).at(-1)).toBe("04A11FE0");
    });

    test("plugging back a reader unplugged while idle reports it attached and reads taps", async () => {
      const rig = await started();
      await rig.unplug();
      await events.waitFor("a detached event", () => events.of("detached", rig.readerName).length === 1);
      await rig.replug();
      await events.waitFor("attached again", () => events.of("attached", rig.readerName).length === 2);
      await rig.present("04B0B0B0");
      await events.waitFor("a tap", () => events.taps(rig.readerName).length === 1);
      expect(events.taps(rig.readerName)).toEqual(["04B0B0B0"]);
      expect(events.of("tap").length).toBe(1);
    });

    test("after stop, nothing more is reported", async () => {
      const rig = await started();
      await rig.reader.stop();
      const count = events.all.length;
      await rig.present("04570901");
      await Bun.sleep(rig.quietMs);
      expect(events.all.length).toBe(count);
    });
  });
}
