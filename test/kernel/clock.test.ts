// Proves the real and the fake clock honour one contract (milliseconds, never before 2020, and
// monotone between two reads), and that ULIDs sort by time and the stamp rule never goes back.
import { describe, expect, test } from "bun:test";
import { FakeClock, nextStamp, numericCode, seededRandom, systemClock, ulid, type Clock } from "../../src/kernel/index.ts";

function clockContract(name: string, make: () => Clock) {
  describe(`Clock contract: ${name}`, () => {
    test("reads integer milliseconds after 2020", () => {
      const now = make().nowMs();
      expect(Number.isInteger(now)).toBe(true);
      expect(now).toBeGreaterThan(Date.UTC(2020, 0, 1));
    });
    test("does not go backwards between two reads", () => {
      const clock = make();
      const first = clock.nowMs();
      expect(clock.nowMs()).toBeGreaterThanOrEqual(first);
    });
  });
}

clockContract("system", () => systemClock);
clockContract("fake", () => new FakeClock());

describe("ids and stamps", () => {
  test("ULIDs are 26 Crockford characters and sort by time", () => {
    const clock = new FakeClock();
    const random = seededRandom(1);
    const first = ulid(clock, random);
    clock.advance(1);
    const second = ulid(clock, random);
    expect(first).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(first < second).toBe(true);
  });

  test("numeric codes have the asked length and only digits", () => {
    expect(numericCode(seededRandom(3), 8)).toMatch(/^\d{8}$/);
  });

  test("a stamp never goes below the floor", () => {
    expect(nextStamp(1000, 500)).toEqual({ atMs: 1000, clockBehind: false });
    expect(nextStamp(400, 500)).toEqual({ atMs: 500, clockBehind: true });
  });
});
