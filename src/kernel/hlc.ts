/**
 * Stamps that never go backwards. A mini-PC without a battery clock can boot in 1970 or in the
 * past week; the box keeps the last time it stamped (its floor) and never stamps earlier. The
 * floor is stored by the caller (the db room persists it); this is the pure rule.
 */
export interface Stamp {
  /** The time written on the record, in milliseconds; never below the floor. */
  readonly atMs: number;
  /** True when the wall clock was behind the floor, so the stamp was held at the floor. */
  readonly clockBehind: boolean;
}

export function nextStamp(wallMs: number, floorMs: number): Stamp {
  if (wallMs >= floorMs) return { atMs: wallMs, clockBehind: false };
  return { atMs: floorMs, clockBehind: true };
}
