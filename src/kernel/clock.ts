/**
 * Time is injected: every service takes a Clock, so tests drive time and nothing reads the
 * system clock behind the caller's back. This module is the only one allowed to call Date.now().
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
};

/** A clock that moves only when told to; for tests and the deterministic simulation. */
export class FakeClock implements Clock {
  #nowMs: number;

  constructor(startMs = Date.UTC(2026, 0, 15, 12, 0, 0)) {
    this.#nowMs = startMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  advance(deltaMs: number): void {
    if (deltaMs < 0) throw new RangeError("a fake clock moves forward; use set() to go back");
    this.#nowMs += deltaMs;
  }

  /** Sets the time, backwards too: this is how tests play a box that boots with a wrong clock. */
  set(ms: number): void {
    this.#nowMs = ms;
  }
}

export function isoFromMs(ms: number): string {
  return new Date(ms).toISOString();
}
