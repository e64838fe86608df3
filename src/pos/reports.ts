/**
 * Reports for managers: a range of business days added up as closures add up a day (the fiscal
 * records' signed payloads, so a report of one closed day equals its Z), sales per hour of the
 * day, and money on cards from the ledger: top-ups and refunds (not sales) against what cards
 * spent. A report writes nothing.
 */
import { fail } from "../kernel/index.ts";
import type { Sqlite } from "../db/index.ts";
import { findVenue } from "../federation/index.ts";
import { addDays, businessDayWindow, periodKind, type Window } from "./business-day.ts";
import { findPointOfSale, readPosSettings } from "./catalogue.ts";
import { ledgerSeqRange, totalsOfDays, type ClosureTotals } from "./closures.ts";

/** Bounds of a report: days in a range, items in a top list, rows of one export. */
export const REPORT_LIMITS = { days: 366, topItems: 20, exportRows: 200_000 } as const;

export interface ReportRange {
  /** First and last business day, included ("YYYY-MM-DD"). */
  readonly from: string;
  readonly to: string;
  /** One point of sale, or null for the whole venue. */
  readonly pointOfSale: string | null;
}

/** Checks a range typed in a form: two business days in order, at most a year apart, a known point of sale. */
export function checkReportRange(sqlite: Sqlite, raw: { from: unknown; to: unknown; pointOfSale?: unknown }): ReportRange {
  const day = (value: unknown) => {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value) || periodKind(value) !== "daily") fail("period_invalid", "a business day is YYYY-MM-DD");
    return value;
  };
  const from = day(raw.from);
  const to = day(raw.to);
  if (to < from) fail("range_invalid", "the range ends before it starts");
  if (addDays(from, REPORT_LIMITS.days - 1) < to) fail("range_too_long", `a report covers at most ${REPORT_LIMITS.days} days`);
  let pointOfSale: string | null = null;
  if (typeof raw.pointOfSale === "string" && raw.pointOfSale !== "") {
    if (!findPointOfSale(sqlite, raw.pointOfSale)) fail("point_of_sale_unknown", `no point of sale ${raw.pointOfSale}`);
    pointOfSale = raw.pointOfSale;
  }
  return { from, to, pointOfSale };
}

/** The business days of a range, in order (bounded by checkReportRange). */
export function daysOfRange(range: Pick<ReportRange, "from" | "to">): string[] {
  const days: string[] = [];
  for (let day = range.from; day <= range.to && days.length < REPORT_LIMITS.days; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The instants a range of business days covers. */
export function rangeWindow(sqlite: Sqlite, range: Pick<ReportRange, "from" | "to">): Window {
  const venue = findVenue(sqlite);
  if (!venue) fail("setup_required", "the box has no venue yet");
  const endMinute = readPosSettings(sqlite).businessDayEndMinute;
  return { startMs: businessDayWindow(range.from, venue.timezone, endMinute).startMs, endMs: businessDayWindow(range.to, venue.timezone, endMinute).endMs };
}

export interface HourFigure {
  /** Local hour of the day, 0 to 23. */
  readonly hour: number;
  readonly sales: number;
  readonly amount: number;
}

export interface SalesReport {
  readonly range: ReportRange;
  readonly totals: ClosureTotals;
  /** 24 hours in the order of a business day (from its end hour), sales not voided. */
  readonly hours: readonly HourFigure[];
  /** Items by amount, largest first (at most REPORT_LIMITS.topItems). */
  readonly topItems: ClosureTotals["items"];
  /** What cards spent (ledger payments net of their voids), per asset; sales and plain card payments alike. */
  readonly cardSpending: Readonly<Record<string, number>>;
}

/** Sales per local hour, in quarter-hour buckets converted once each (every timezone's offset is a multiple of 15 minutes). */
function salesPerHour(sqlite: Sqlite, range: ReportRange, timezone: string, endMinute: number): HourFigure[] {
  const quarterMs = 900_000;
  const pos = range.pointOfSale === null ? "" : "AND s.point_of_sale = ?3";
  const sql = `SELECT s.at_ms / ${quarterMs} AS bucket, count(*) AS sales, sum(s.total) AS amount FROM sales s
     WHERE s.training = 0 AND s.business_day BETWEEN ?1 AND ?2 ${pos} AND NOT EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id)
     GROUP BY bucket`;
  type Row = { bucket: number; sales: number; amount: number };
  const rows =
    range.pointOfSale === null
      ? sqlite.query<Row, [string, string]>(sql).all(range.from, range.to)
      : sqlite.query<Row, [string, string, string]>(sql).all(range.from, range.to, range.pointOfSale);
  const format = new Intl.DateTimeFormat("en-GB", { timeZone: timezone, hourCycle: "h23", hour: "2-digit" });
  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, sales: 0, amount: 0 }));
  for (const row of rows) {
    const hour = Number(format.format(row.bucket * quarterMs)) % 24;
    byHour[hour]!.sales += row.sales;
    byHour[hour]!.amount += row.amount;
  }
  const first = Math.floor(endMinute / 60);
  return Array.from({ length: 24 }, (_, index) => byHour[(first + index) % 24]!);
}

/** What cards spent in a window, per asset: ledger transfers into revenue accounts, minus their voids. */
export function cardSpending(sqlite: Sqlite, window: Window, pointOfSale: string | null): Record<string, number> {
  const { from, to } = ledgerSeqRange(sqlite, window);
  const spent: Record<string, number> = {};
  if (to < from) return spent;
  const rows = sqlite
    .query<{ debit: string; credit: string; asset: string; amount: number }, [number, number]>(
      `SELECT t.debit_account AS debit, t.credit_account AS credit, t.asset, t.amount FROM ledger_transfers t
        WHERE t.entry_seq BETWEEN ? AND ? AND (t.credit_account LIKE 'revenue:%' OR t.debit_account LIKE 'revenue:%')`,
    )
    .all(from, to);
  for (const row of rows) {
    const intoRevenue = row.credit.startsWith("revenue:");
    const account = intoRevenue ? row.credit : row.debit;
    if (pointOfSale !== null && account !== `revenue:${pointOfSale}`) continue;
    spent[row.asset] = (spent[row.asset] ?? 0) + (intoRevenue ? row.amount : -row.amount);
  }
  return spent;
}

export function salesReport(sqlite: Sqlite, range: ReportRange): SalesReport {
  const venue = findVenue(sqlite);
  if (!venue) fail("setup_required", "the box has no venue yet");
  const endMinute = readPosSettings(sqlite).businessDayEndMinute;
  const totals = totalsOfDays(sqlite, range);
  const topItems = [...totals.items].sort((a, b) => b.amount - a.amount || a.name.localeCompare(b.name)).slice(0, REPORT_LIMITS.topItems);
  return {
    range,
    totals,
    hours: salesPerHour(sqlite, range, venue.timezone, endMinute),
    topItems,
    cardSpending: cardSpending(sqlite, rangeWindow(sqlite, range), range.pointOfSale),
  };
}
