/**
 * Business days. A venue's day does not end at midnight: the bar still sells at 1 a.m. A
 * business day ends at a configured local time (06:00 by default) in the venue's timezone and is
 * named by the date it starts: business day "2026-03-28" runs from 28 March 06:00 to 29 March
 * 06:00, local time. Across a daylight-saving change a business day lasts 23 or 25 hours, because
 * its bounds are local times (in Europe/Paris, the one holding the last Sunday of March's night is
 * 23 h, October's 25 h). A month ("2026-03") is the business days named in it, a year likewise.
 *
 * Local times are computed with Intl (the runtime's timezone data), never with the system's
 * timezone: the box may run in UTC.
 */
import { assert, fail } from "../kernel/index.ts";

const DAY_MS = 86_400_000;

interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly minuteOfDay: number;
}

function formatter(timezone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", { timeZone: timezone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
}

function localTime(ms: number, format: Intl.DateTimeFormat): LocalTime & { second: number } {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(ms)) if (part.type !== "literal") parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, minuteOfDay: parts.hour! * 60 + parts.minute!, second: parts.second! };
}

/** The timezone's offset from UTC at an instant, in milliseconds (whole seconds). */
function offsetAt(ms: number, format: Intl.DateTimeFormat): number {
  const local = localTime(ms, format);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, 0, local.minuteOfDay, local.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

function ymd(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

export function parseDay(day: string): { year: number; month: number; day: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) fail("period_invalid", `a business day is YYYY-MM-DD, got ${day}`);
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, date));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) fail("period_invalid", `no such date ${day}`);
  return { year, month, day: date };
}

/** The calendar date `days` after `day` (negative: before). */
export function addDays(day: string, days: number): string {
  const parsed = parseDay(day);
  const date = new Date(Date.UTC(parsed.year, parsed.month - 1, parsed.day) + days * DAY_MS);
  return ymd(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/**
 * The instant of a local wall time (a date and minutes after midnight) in a timezone. A wall time
 * skipped by a spring change resolves to the first instant after the gap; a repeated one (autumn)
 * to its first occurrence.
 */
export function instantOfLocal(day: string, minuteOfDay: number, timezone: string): number {
  assert(Number.isInteger(minuteOfDay) && minuteOfDay >= 0 && minuteOfDay < 1440, `minute of day ${minuteOfDay}`);
  const parsed = parseDay(day);
  const format = formatter(timezone);
  const wall = Date.UTC(parsed.year, parsed.month - 1, parsed.day, 0, minuteOfDay);
  // Try both offsets around the wall time; the earliest instant that shows this wall time wins.
  const candidates = [wall - offsetAt(wall - DAY_MS / 2, format), wall - offsetAt(wall + DAY_MS / 2, format)].sort((a, b) => a - b);
  for (const candidate of candidates) {
    const local = localTime(candidate, format);
    if (ymd(local.year, local.month, local.day) === day && local.minuteOfDay === minuteOfDay) return candidate;
  }
  // In a gap the wall time never happens: the first instant showing a later time of that day is
  // the change itself, found by bisection (so that businessDayOf and the windows always agree).
  let [before, after] = candidates as [number, number];
  const reached = (ms: number) => {
    const local = localTime(ms, format);
    return ymd(local.year, local.month, local.day) > day || (ymd(local.year, local.month, local.day) === day && local.minuteOfDay >= minuteOfDay);
  };
  assert(!reached(before) && reached(after), `no instant for ${day} ${minuteOfDay} in ${timezone}`);
  while (after - before > 1000) {
    const middle = before + Math.floor((after - before) / 2000) * 1000;
    if (reached(middle)) after = middle;
    else before = middle;
  }
  return after;
}

/** The business day an instant belongs to, "YYYY-MM-DD". */
export function businessDayOf(atMs: number, timezone: string, endMinute: number): string {
  const local = localTime(atMs, formatter(timezone));
  const date = ymd(local.year, local.month, local.day);
  return local.minuteOfDay < endMinute ? addDays(date, -1) : date;
}

export interface Window {
  readonly startMs: number;
  /** Exclusive. */
  readonly endMs: number;
}

/** The instants of a business day: from its start to the next one's. */
export function businessDayWindow(day: string, timezone: string, endMinute: number): Window {
  return { startMs: instantOfLocal(day, endMinute, timezone), endMs: instantOfLocal(addDays(day, 1), endMinute, timezone) };
}

export type PeriodKind = "daily" | "monthly" | "yearly";

/** Which closure a period names: "2026-03-28" a day, "2026-03" a month, "2026" a year. */
export function periodKind(period: string): PeriodKind {
  if (/^\d{4}-\d{2}-\d{2}$/.test(period)) {
    parseDay(period);
    return "daily";
  }
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) return "monthly";
  if (/^\d{4}$/.test(period)) return "yearly";
  fail("period_invalid", "a period is YYYY-MM-DD, YYYY-MM or YYYY");
}

/** The first business day of a period and the first one after it. */
export function periodDays(period: string): { first: string; next: string } {
  const kind = periodKind(period);
  if (kind === "daily") return { first: period, next: addDays(period, 1) };
  if (kind === "monthly") {
    const [year, month] = period.split("-").map(Number) as [number, number];
    return { first: `${period}-01`, next: month === 12 ? ymd(year + 1, 1, 1) : ymd(year, month + 1, 1) };
  }
  return { first: `${period}-01-01`, next: `${Number(period) + 1}-01-01` };
}

/** The instants a period covers: from its first business day's start to the next period's. */
export function periodWindow(period: string, timezone: string, endMinute: number): Window {
  const { first, next } = periodDays(period);
  return { startMs: instantOfLocal(first, endMinute, timezone), endMs: instantOfLocal(next, endMinute, timezone) };
}

/** The business days of a period, in order (at most 366). */
export function daysOf(period: string): string[] {
  const { first, next } = periodDays(period);
  const days: string[] = [];
  for (let day = first; day !== next && days.length < 366; day = addDays(day, 1)) days.push(day);
  return days;
}
