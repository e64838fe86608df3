/**
 * Wall-clock arithmetic in the venue's timezone, for membership windows. A "year" or a "month" of
 * membership is a calendar notion: it runs from a local date and time to the same local date and
 * time later, whatever daylight-saving changes lie between (so it is not a fixed count of hours).
 * Local times come from Intl (the runtime's timezone data), never from the system's timezone: the
 * box may run in UTC. The point-of-sale room has its own business-day version of the same idea; it
 * sits a tier above this room, so it cannot be shared from there.
 */
import { assert } from "../kernel/index.ts";

const DAY_MS = 86_400_000;

export interface WallTime {
  readonly year: number;
  /** 1 to 12. */
  readonly month: number;
  /** 1 to 31. */
  readonly day: number;
  /** Milliseconds after local midnight, 0 to 86_399_999. */
  readonly msOfDay: number;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
}

function wallWith(ms: number, format: Intl.DateTimeFormat): WallTime {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(ms)) if (part.type !== "literal") parts[part.type] = Number(part.value);
  const millis = ((ms % 1000) + 1000) % 1000;
  return { year: parts.year!, month: parts.month!, day: parts.day!, msOfDay: ((parts.hour! * 60 + parts.minute!) * 60 + parts.second!) * 1000 + millis };
}

/** The local wall time of an instant. */
export function wallTimeOf(ms: number, timeZone: string): WallTime {
  return wallWith(ms, formatter(timeZone));
}

function wallKey(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day) + wall.msOfDay;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The instant a local wall time happens. A wall time skipped by a spring change resolves to the
 * first instant after the gap; a repeated one (autumn) to its first occurrence.
 */
export function instantOfWall(wall: WallTime, timeZone: string): number {
  assert(Number.isInteger(wall.msOfDay) && wall.msOfDay >= 0 && wall.msOfDay < DAY_MS, `ms of day ${wall.msOfDay}`);
  assert(wall.day >= 1 && wall.day <= daysInMonth(wall.year, wall.month), `no day ${wall.year}-${wall.month}-${wall.day}`);
  const format = formatter(timeZone);
  const target = wallKey(wall);
  const offsetAt = (ms: number) => wallKey(wallWith(ms, format)) - ms;
  const candidates = [target - offsetAt(target - DAY_MS / 2), target - offsetAt(target + DAY_MS / 2)].sort((a, b) => a - b);
  for (const candidate of candidates) if (wallKey(wallWith(candidate, format)) === target) return candidate;
  // In a gap: the first instant whose wall time is at or after the target, by bisection.
  let [before, after] = candidates as [number, number];
  const reached = (ms: number) => wallKey(wallWith(ms, format)) >= target;
  assert(!reached(before) && reached(after), `no instant for ${JSON.stringify(wall)} in ${timeZone}`);
  for (let step = 0; step < 64 && after - before > 1; step++) {
    const middle = before + Math.floor((after - before) / 2);
    if (reached(middle)) after = middle;
    else before = middle;
  }
  return after;
}

/** The same wall time `months` calendar months later, the day clamped to the month's end (31 Jan + 1 month = 28 or 29 Feb). */
export function addMonths(wall: WallTime, months: number): WallTime {
  assert(Number.isSafeInteger(months), "whole months");
  const index = wall.year * 12 + (wall.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(wall.day, daysInMonth(year, month)), msOfDay: wall.msOfDay };
}

/** The same wall time `days` calendar days later. */
export function addDays(wall: WallTime, days: number): WallTime {
  assert(Number.isSafeInteger(days), "whole days");
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day) + days * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), msOfDay: wall.msOfDay };
}
