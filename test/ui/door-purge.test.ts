// Proves when an offline door drops a list's data (ui/client/door-purge.ts), with a clock given as
// an argument: a list goes only once its event ended more than 12 hours ago (not at 12 h exactly,
// not before, whatever the other lists) and only while none of its own scans waits to be sent
// (another list's waiting scans do not hold it); an unreadable end never counts as long ago. The
// "forget" action takes every stored list of the event, is refused while any of them has a scan
// waiting (with the count), and when nothing of the event is stored.
import { describe, expect, test } from "bun:test";
import { forgetPlan, listsToPurge, mayPurge, PURGE_AFTER_END_MS, type StoredList } from "../../ui/client/door-purge.ts";

const HOUR = 3_600_000;
const END = Date.UTC(2030, 4, 10, 23, 0);
const concert: StoredList = { listId: "L-concert", eventId: "E-concert", eventEndsMs: END };
const concertVip: StoredList = { listId: "L-concert-vip", eventId: "E-concert", eventEndsMs: END };
const tomorrow: StoredList = { listId: "L-tomorrow", eventId: "E-tomorrow", eventEndsMs: END + 24 * HOUR };

describe("the purge after the event", () => {
  test("12 hours after the end is the limit: kept at 12 h exactly, dropped one millisecond later", () => {
    expect(PURGE_AFTER_END_MS).toBe(12 * HOUR);
    expect(mayPurge(concert, 0, END - HOUR)).toBe(false);
    expect(mayPurge(concert, 0, END + HOUR)).toBe(false);
    expect(mayPurge(concert, 0, END + 12 * HOUR)).toBe(false);
    expect(mayPurge(concert, 0, END + 12 * HOUR + 1)).toBe(true);
    expect(mayPurge(concert, 0, END + 30 * 24 * HOUR)).toBe(true);
  });

  test("a list with a scan waiting is never dropped, however old: the scan must reach the box", () => {
    expect(mayPurge(concert, 1, END + 12 * HOUR + 1)).toBe(false);
    expect(mayPurge(concert, 20_000, END + 365 * 24 * HOUR)).toBe(false);
  });

  test("an end the page cannot read is never taken as long ago", () => {
    for (const eventEndsMs of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(mayPurge({ ...concert, eventEndsMs }, 0, END + 100 * HOUR)).toBe(false);
    }
  });

  test("among several lists, only the ended ones without waiting scans of their own go", () => {
    const stored = [concert, concertVip, tomorrow];
    expect(listsToPurge(stored, [], END + 13 * HOUR)).toEqual(["L-concert", "L-concert-vip"]);
    // A scan of the VIP list waits: that list stays, its sibling goes.
    expect(listsToPurge(stored, ["L-concert-vip"], END + 13 * HOUR)).toEqual(["L-concert"]);
    // Another event's waiting scans do not hold an ended list.
    expect(listsToPurge(stored, ["L-tomorrow", "L-tomorrow"], END + 13 * HOUR)).toEqual(["L-concert", "L-concert-vip"]);
    expect(listsToPurge(stored, [], END + 37 * HOUR)).toEqual(["L-concert", "L-concert-vip", "L-tomorrow"]);
    expect(listsToPurge(stored, [], END)).toEqual([]);
    expect(listsToPurge([], [], END + 100 * HOUR)).toEqual([]);
  });
});

describe("forgetting an event by hand", () => {
  const stored = [concert, concertVip, tomorrow];

  test("takes every stored list of the event, and only those, at any time", () => {
    expect(forgetPlan(stored, [], "E-concert")).toEqual({ allowed: true, listIds: ["L-concert", "L-concert-vip"] });
    expect(forgetPlan(stored, ["L-concert"], "E-tomorrow")).toEqual({ allowed: true, listIds: ["L-tomorrow"] });
  });

  test("is refused while any scan of the event waits, with their count", () => {
    expect(forgetPlan(stored, ["L-concert-vip", "L-tomorrow", "L-concert-vip"], "E-concert")).toEqual({ allowed: false, reason: "scans_waiting", waiting: 2 });
  });

  test("is refused when nothing of the event is stored", () => {
    expect(forgetPlan(stored, [], "E-other")).toEqual({ allowed: false, reason: "nothing_stored" });
    expect(forgetPlan(stored, [], "")).toEqual({ allowed: false, reason: "nothing_stored" });
    expect(forgetPlan([], [], "E-concert")).toEqual({ allowed: false, reason: "nothing_stored" });
  });
});
