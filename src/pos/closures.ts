/**
 * Closures (Z): per business day, month and year, per point of sale and for the whole venue.
 * A daily closure adds up the fiscal records of the day's sales and voids (their signed payloads
 * are the truth, so the Z equals the journal): totals per payment method, per VAT rate (the sum of
 * the receipts' VAT), per item and per operator; top-ups and refunds of card balances apart (they
 * are not sales: read from the ledger's entries of the day, venue closures only); the perpetual
 * grand total; and the ledger's chain head (seq:hash) to print on the Z ticket. A monthly closure
 * is the sum of the month's dailies, a yearly one of its monthlies. Each closure is a signed
 * fiscal record, made once per (kind, period, point of sale): asking again returns the first.
 *
 * A period is closed only once it has ended (`period_open` before). Per-operator figures are what
 * each operator recorded: their sales, and the voids they made.
 */
import { fail, type Canonical } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { findVenue } from "../federation/index.ts";
import { chainHead } from "../ledger/index.ts";
import type { OperationDeps } from "../wallet/index.ts";
import { addDays, businessDayOf, businessDayWindow, daysOf, periodKind, periodWindow, type PeriodKind, type Window } from "./business-day.ts";
import { findPointOfSale, readPosSettings } from "./catalogue.ts";
import { appendFiscalRecord, fiscalHead, fiscalTime, readFiscalRecord, signatureExtract } from "./fiscal.ts";
import type { PosActor } from "./sales.ts";

export interface ClosureTotals {
  readonly sales: number;
  readonly voids: number;
  /** Net of voids, VAT included. */
  readonly total: number;
  /** What the voids took back (positive). */
  readonly voided: number;
  readonly payments: Readonly<Record<string, number>>;
  readonly vat: ReadonlyArray<{ readonly rate_bp: number; readonly incl: number; readonly vat: number; readonly excl: number }>;
  readonly items: ReadonlyArray<{ readonly item_id: string; readonly name: string; readonly quantity: number; readonly amount: number }>;
  readonly operators: ReadonlyArray<{ readonly operator_id: string | null; readonly name: string; readonly sales: number; readonly voids: number; readonly total: number }>;
  /** Euros that came in onto cards, by method (cash, card, online); not sales. */
  readonly topups: Readonly<Record<string, number>>;
  /** Euros paid back from cards, by method; not sales. */
  readonly refunds: Readonly<Record<string, number>>;
}

export interface ClosureView {
  readonly kind: PeriodKind;
  readonly period: string;
  /** The point of sale's code, or null for the whole venue. */
  readonly pointOfSale: string | null;
  readonly fiscalSeq: number;
  readonly atMs: number;
  readonly totals: ClosureTotals;
  readonly grandTotal: number;
  readonly ledgerHead: string | null;
  readonly hash: string;
  readonly signatureExtract: string;
  /** False when the closure already existed (idempotent). */
  readonly created: boolean;
}

/** Bound on the past business days one automatic run closes (the box was off for a while). */
export const CLOSURE_CATCH_UP_DAYS = 400;

// Adding up.

class Tally {
  sales = 0;
  voids = 0;
  total = 0;
  voided = 0;
  readonly payments = new Map<string, number>();
  readonly vat = new Map<number, { incl: number; vat: number; excl: number }>();
  readonly items = new Map<string, { item_id: string; name: string; quantity: number; amount: number }>();
  readonly operators = new Map<string, { operator_id: string | null; name: string; sales: number; voids: number; total: number }>();
  readonly topups = new Map<string, number>();
  readonly refunds = new Map<string, number>();

  addRecord(kind: string, payload: RecordPayload): void {
    const isVoid = kind === "sale_void";
    if (isVoid) {
      this.voids++;
      this.voided -= payload.total;
    } else this.sales++;
    this.total += payload.total;
    for (const payment of payload.payments) add(this.payments, payment.method, payment.amount);
    for (const line of payload.vat) this.addVat(line);
    for (const line of payload.lines) this.addItem({ item_id: line.item_id, name: line.name, quantity: line.quantity, amount: line.amount });
    const key = payload.operator_id ?? `name:${payload.operator_name}`;
    const operator = this.operators.get(key) ?? { operator_id: payload.operator_id, name: payload.operator_name, sales: 0, voids: 0, total: 0 };
    if (isVoid) operator.voids++;
    else operator.sales++;
    operator.total += payload.total;
    this.operators.set(key, operator);
  }

  addVat(line: { rate_bp: number; incl: number; vat: number; excl: number }): void {
    const known = this.vat.get(line.rate_bp) ?? { incl: 0, vat: 0, excl: 0 };
    this.vat.set(line.rate_bp, { incl: known.incl + line.incl, vat: known.vat + line.vat, excl: known.excl + line.excl });
  }

  addItem(item: { item_id: string; name: string; quantity: number; amount: number }): void {
    const known = this.items.get(item.item_id) ?? { ...item, quantity: 0, amount: 0 };
    this.items.set(item.item_id, { ...known, quantity: known.quantity + item.quantity, amount: known.amount + item.amount });
  }

  addTotals(totals: ClosureTotals): void {
    this.sales += totals.sales;
    this.voids += totals.voids;
    this.total += totals.total;
    this.voided += totals.voided;
    for (const [method, amount] of Object.entries(totals.payments)) add(this.payments, method, amount);
    for (const line of totals.vat) this.addVat(line);
    for (const item of totals.items) this.addItem(item);
    for (const operator of totals.operators) {
      const key = operator.operator_id ?? `name:${operator.name}`;
      const known = this.operators.get(key) ?? { ...operator, sales: 0, voids: 0, total: 0 };
      this.operators.set(key, { ...known, sales: known.sales + operator.sales, voids: known.voids + operator.voids, total: known.total + operator.total });
    }
    for (const [method, amount] of Object.entries(totals.topups)) add(this.topups, method, amount);
    for (const [method, amount] of Object.entries(totals.refunds)) add(this.refunds, method, amount);
  }

  result(): ClosureTotals {
    return {
      sales: this.sales,
      voids: this.voids,
      total: this.total,
      voided: this.voided,
      payments: Object.fromEntries([...this.payments].sort()),
      vat: [...this.vat].sort(([a], [b]) => b - a).map(([rate_bp, line]) => ({ rate_bp, ...line })),
      items: [...this.items.values()].sort((a, b) => a.name.localeCompare(b.name) || a.item_id.localeCompare(b.item_id)),
      operators: [...this.operators.values()].sort((a, b) => a.name.localeCompare(b.name)),
      topups: Object.fromEntries([...this.topups].sort()),
      refunds: Object.fromEntries([...this.refunds].sort()),
    };
  }
}

function add(map: Map<string, number>, key: string, amount: number): void {
  map.set(key, (map.get(key) ?? 0) + amount);
}

interface RecordPayload {
  total: number;
  operator_id: string | null;
  operator_name: string;
  payments: Array<{ method: string; amount: number }>;
  vat: Array<{ rate_bp: number; incl: number; vat: number; excl: number }>;
  lines: Array<{ item_id: string; name: string; quantity: number; amount: number }>;
}

/** The fiscal records of a business day's sales and voids, at one point of sale or all. */
function dayRecords(sqlite: Sqlite, day: string, pointOfSale: string | null): Array<{ kind: string; payload: string }> {
  const pos = pointOfSale === null ? "" : "AND s.point_of_sale = ?2";
  const sql = `SELECT f.seq, f.kind, f.payload FROM sales s JOIN fiscal_records f ON f.seq = s.fiscal_seq WHERE s.training = 0 AND s.business_day = ?1 ${pos}
     UNION ALL
     SELECT f.seq, f.kind, f.payload FROM sale_voids v JOIN sales s ON s.id = v.sale_id JOIN fiscal_records f ON f.seq = v.fiscal_seq WHERE v.business_day = ?1 ${pos}
     ORDER BY 1`;
  return pointOfSale === null
    ? sqlite.query<{ kind: string; payload: string }, [string]>(sql).all(day)
    : sqlite.query<{ kind: string; payload: string }, [string, string]>(sql).all(day, pointOfSale);
}

/**
 * The ledger entries written in a window: the journal's times never go backwards (a hybrid
 * logical clock), so the window is a range of sequence numbers, found by bisection.
 */
export function ledgerSeqRange(sqlite: Sqlite, window: Window): { from: number; to: number } {
  const atOf = sqlite.query<{ at: number }, [number]>("SELECT at_ms AS at FROM ledger_entries WHERE seq = ?");
  const last = chainHead(sqlite).seq;
  const firstAtOrAfter = (ms: number) => {
    let low = 1;
    let high = last + 1;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (atOf.get(middle)!.at >= ms) high = middle;
      else low = middle + 1;
    }
    return low;
  };
  return { from: firstAtOrAfter(window.startMs), to: firstAtOrAfter(window.endMs) - 1 };
}

/** Top-ups and refunds of card balances in a window, by method, from the ledger's reserve movements (voids deducted). */
export function cardMoneyMovements(sqlite: Sqlite, window: Window): { topups: Map<string, number>; refunds: Map<string, number>; entries: number } {
  const { from, to } = ledgerSeqRange(sqlite, window);
  const topups = new Map<string, number>();
  const refunds = new Map<string, number>();
  const seen = new Set<number>();
  if (to < from) return { topups, refunds, entries: 0 };
  const rows = sqlite
    .query<{ seq: number; kind: string; memo: string; debit: string; credit: string; amount: number }, [number, number]>(
      `SELECT e.seq, e.kind, e.memo, t.debit_account AS debit, t.credit_account AS credit, t.amount FROM ledger_entries e JOIN ledger_transfers t ON t.entry_seq = e.seq
        WHERE e.seq BETWEEN ? AND ? AND (t.credit_account LIKE 'reserve:%' OR t.debit_account LIKE 'reserve:%') ORDER BY e.seq, t.idx`,
    )
    .all(from, to);
  for (const row of rows) {
    const of = row.kind === "void" ? (JSON.parse(row.memo) as { kind?: string }).kind : row.kind;
    const intoReserve = row.credit.startsWith("reserve:");
    const method = (intoReserve ? row.credit : row.debit).slice("reserve:".length);
    const signed = intoReserve ? row.amount : -row.amount;
    if (of === "topup") add(topups, method, signed);
    else if (of === "refund") add(refunds, method, -signed);
    else continue;
    seen.add(row.seq);
  }
  return { topups, refunds, entries: seen.size };
}

function dailyTotals(sqlite: Sqlite, day: string, pointOfSale: string | null, window: Window): ClosureTotals {
  const tally = new Tally();
  for (const record of dayRecords(sqlite, day, pointOfSale)) tally.addRecord(record.kind, JSON.parse(record.payload) as RecordPayload);
  if (pointOfSale === null) {
    const { topups, refunds } = cardMoneyMovements(sqlite, window);
    for (const [method, amount] of topups) add(tally.topups, method, amount);
    for (const [method, amount] of refunds) add(tally.refunds, method, amount);
  }
  return tally.result();
}

/**
 * The totals of a range of business days, added up as a daily closure adds up its day (the
 * records' signed payloads), for reports; top-ups and refunds apart, from the ledger over the
 * range's window, for the venue only. Nothing is written: a report is not a closure.
 */
export function totalsOfDays(sqlite: Sqlite, range: { from: string; to: string; pointOfSale: string | null }): ClosureTotals {
  const ctx = context(sqlite);
  const tally = new Tally();
  const pos = range.pointOfSale === null ? "" : "AND s.point_of_sale = ?3";
  const sql = `SELECT f.seq, f.kind, f.payload FROM sales s JOIN fiscal_records f ON f.seq = s.fiscal_seq WHERE s.training = 0 AND s.business_day BETWEEN ?1 AND ?2 ${pos}
     UNION ALL
     SELECT f.seq, f.kind, f.payload FROM sale_voids v JOIN sales s ON s.id = v.sale_id JOIN fiscal_records f ON f.seq = v.fiscal_seq WHERE v.business_day BETWEEN ?1 AND ?2 ${pos}
     ORDER BY 1`;
  const records =
    range.pointOfSale === null
      ? sqlite.query<{ kind: string; payload: string }, [string, string]>(sql).all(range.from, range.to)
      : sqlite.query<{ kind: string; payload: string }, [string, string, string]>(sql).all(range.from, range.to, range.pointOfSale);
  for (const record of records) tally.addRecord(record.kind, JSON.parse(record.payload) as RecordPayload);
  if (range.pointOfSale === null) {
    const window = { startMs: businessDayWindow(range.from, ctx.timezone, ctx.endMinute).startMs, endMs: businessDayWindow(range.to, ctx.timezone, ctx.endMinute).endMs };
    const { topups, refunds } = cardMoneyMovements(sqlite, window);
    for (const [method, amount] of topups) add(tally.topups, method, amount);
    for (const [method, amount] of refunds) add(tally.refunds, method, amount);
  }
  return tally.result();
}

// Reading closures.

function closureRow(sqlite: Sqlite, kind: PeriodKind, period: string, pointOfSale: string | null): { fiscalSeq: number } | undefined {
  return (
    sqlite
      .query<{ fiscalSeq: number }, [string, string, string]>("SELECT fiscal_seq AS fiscalSeq FROM closures WHERE kind = ? AND period = ? AND point_of_sale = ?")
      .get(kind, period, pointOfSale ?? "") ?? undefined
  );
}

export function closureBySeq(sqlite: Sqlite, fiscalSeq: number, created = false): ClosureView {
  const record = readFiscalRecord(sqlite, fiscalSeq);
  if (!record || !record.kind.startsWith("closure_")) fail("closure_unknown", "no such closure");
  const payload = record.payload as unknown as { closure: PeriodKind; period: string; point_of_sale: string | null; totals: ClosureTotals; grand_total: number; ledger_head: string | null };
  return {
    kind: payload.closure,
    period: payload.period,
    pointOfSale: payload.point_of_sale,
    fiscalSeq: record.seq,
    atMs: record.atMs,
    totals: payload.totals,
    grandTotal: payload.grand_total,
    ledgerHead: payload.ledger_head,
    hash: record.hash,
    signatureExtract: signatureExtract(record.signature),
    created,
  };
}

export function findClosure(sqlite: Sqlite, period: string, pointOfSale: string | null = null): ClosureView | undefined {
  const row = closureRow(sqlite, periodKind(period), period, pointOfSale);
  return row ? closureBySeq(sqlite, row.fiscalSeq) : undefined;
}

export function listClosures(sqlite: Sqlite, rows = 100): Array<{ kind: PeriodKind; period: string; pointOfSale: string | null; fiscalSeq: number; atMs: number }> {
  return sqlite
    .query<{ kind: PeriodKind; period: string; pointOfSale: string; fiscalSeq: number; atMs: number }, [number]>(
      "SELECT kind, period, point_of_sale AS pointOfSale, fiscal_seq AS fiscalSeq, at_ms AS atMs FROM closures ORDER BY fiscal_seq DESC LIMIT ?",
    )
    .all(rows)
    .map((row) => ({ ...row, pointOfSale: row.pointOfSale || null }));
}

// Making closures.

interface ClosureContext {
  readonly timezone: string;
  readonly endMinute: number;
}

function context(sqlite: Sqlite): ClosureContext {
  const venue = findVenue(sqlite);
  if (!venue) fail("setup_required", "the box has no venue yet");
  return { timezone: venue.timezone, endMinute: readPosSettings(sqlite).businessDayEndMinute };
}

function checkPointOfSale(sqlite: Sqlite, pointOfSale: string | null | undefined): string | null {
  if (pointOfSale === undefined || pointOfSale === null || pointOfSale === "") return null;
  if (!findPointOfSale(sqlite, pointOfSale)) fail("point_of_sale_unknown", `no point of sale ${pointOfSale}`);
  return pointOfSale;
}

function writeClosure(tx: Tx, deps: OperationDeps, actor: PosActor, kind: PeriodKind, period: string, pointOfSale: string | null, window: Window, totals: ClosureTotals, sources: number[]): ClosureView {
  const atMs = fiscalTime(tx);
  const head = chainHead(tx.sqlite);
  const payload: { [key: string]: Canonical } = {
    closure: kind,
    period,
    point_of_sale: pointOfSale,
    window_start_ms: window.startMs,
    window_end_ms: window.endMs,
    totals: totals as unknown as Canonical,
    grand_total: fiscalHead(tx.sqlite).grandTotal,
    ledger_head: head.seq > 0 ? `${head.seq}:${head.hash}` : null,
    sources,
    operator_id: actor.operatorId ?? null,
    operator_name: actor.operatorName ?? "",
  };
  const record = appendFiscalRecord(tx, deps.signer, { kind: `closure_${kind}`, atMs, grandTotalDelta: 0, payload });
  tx.sqlite.query("INSERT INTO closures (kind, period, point_of_sale, fiscal_seq, at_ms) VALUES (?, ?, ?, ?, ?)").run(kind, period, pointOfSale ?? "", record.seq, atMs);
  return closureBySeq(tx.sqlite, record.seq, true);
}

function requireEnded(tx: Tx, period: string, window: Window): void {
  if (tx.stamp().atMs < window.endMs) fail("period_open", `${period} has not ended yet`, { ends_at_ms: window.endMs });
}

/** The Z of a business day, at one point of sale or for the venue; made once. */
export function closeDay(tx: Tx, deps: OperationDeps, actor: PosActor, input: { day: string; pointOfSale?: string | null | undefined }): ClosureView {
  const ctx = context(tx.sqlite);
  if (periodKind(input.day) !== "daily") fail("period_invalid", "a business day is YYYY-MM-DD");
  const pointOfSale = checkPointOfSale(tx.sqlite, input.pointOfSale);
  const existing = closureRow(tx.sqlite, "daily", input.day, pointOfSale);
  if (existing) return closureBySeq(tx.sqlite, existing.fiscalSeq);
  const window = businessDayWindow(input.day, ctx.timezone, ctx.endMinute);
  requireEnded(tx, input.day, window);
  return writeClosure(tx, deps, actor, "daily", input.day, pointOfSale, window, dailyTotals(tx.sqlite, input.day, pointOfSale, window), []);
}

/** Whether a business day had sales or voids (at a point of sale), or, for the venue, card money movements. */
export function dayHasActivity(sqlite: Sqlite, day: string, pointOfSale: string | null, ctx: ClosureContext = context(sqlite)): boolean {
  if (dayRecords(sqlite, day, pointOfSale).length > 0) return true;
  return pointOfSale === null && cardMoneyMovements(sqlite, businessDayWindow(day, ctx.timezone, ctx.endMinute)).entries > 0;
}

function sumOf(sqlite: Sqlite, kind: PeriodKind, periods: readonly string[], pointOfSale: string | null): { totals: ClosureTotals; sources: number[] } {
  const tally = new Tally();
  const sources: number[] = [];
  for (const period of periods) {
    const row = closureRow(sqlite, kind, period, pointOfSale);
    if (!row) continue;
    tally.addTotals(closureBySeq(sqlite, row.fiscalSeq).totals);
    sources.push(row.fiscalSeq);
  }
  return { totals: tally.result(), sources };
}

/** The monthly closure: the sum of the month's daily closures, making those still missing first. */
export function closeMonth(tx: Tx, deps: OperationDeps, actor: PosActor, input: { month: string; pointOfSale?: string | null | undefined }): ClosureView {
  const ctx = context(tx.sqlite);
  if (periodKind(input.month) !== "monthly") fail("period_invalid", "a month is YYYY-MM");
  const pointOfSale = checkPointOfSale(tx.sqlite, input.pointOfSale);
  const existing = closureRow(tx.sqlite, "monthly", input.month, pointOfSale);
  if (existing) return closureBySeq(tx.sqlite, existing.fiscalSeq);
  const window = periodWindow(input.month, ctx.timezone, ctx.endMinute);
  requireEnded(tx, input.month, window);
  const days = daysOf(input.month);
  for (const day of days) if (!closureRow(tx.sqlite, "daily", day, pointOfSale) && dayHasActivity(tx.sqlite, day, pointOfSale, ctx)) closeDay(tx, deps, actor, { day, pointOfSale });
  const { totals, sources } = sumOf(tx.sqlite, "daily", days, pointOfSale);
  return writeClosure(tx, deps, actor, "monthly", input.month, pointOfSale, window, totals, sources);
}

/** The yearly closure: the sum of the year's monthly closures, making those still missing first. */
export function closeYear(tx: Tx, deps: OperationDeps, actor: PosActor, input: { year: string; pointOfSale?: string | null | undefined }): ClosureView {
  const ctx = context(tx.sqlite);
  if (periodKind(input.year) !== "yearly") fail("period_invalid", "a year is YYYY");
  const pointOfSale = checkPointOfSale(tx.sqlite, input.pointOfSale);
  const existing = closureRow(tx.sqlite, "yearly", input.year, pointOfSale);
  if (existing) return closureBySeq(tx.sqlite, existing.fiscalSeq);
  const window = periodWindow(input.year, ctx.timezone, ctx.endMinute);
  requireEnded(tx, input.year, window);
  const months = Array.from({ length: 12 }, (_, index) => `${input.year}-${String(index + 1).padStart(2, "0")}`);
  for (const month of months) {
    if (closureRow(tx.sqlite, "monthly", month, pointOfSale)) continue;
    if (daysOf(month).some((day) => closureRow(tx.sqlite, "daily", day, pointOfSale) || dayHasActivity(tx.sqlite, day, pointOfSale, ctx))) closeMonth(tx, deps, actor, { month, pointOfSale });
  }
  const { totals, sources } = sumOf(tx.sqlite, "monthly", months, pointOfSale);
  return writeClosure(tx, deps, actor, "yearly", input.year, pointOfSale, window, totals, sources);
}

/** Any closure, by its period's form: "YYYY-MM-DD", "YYYY-MM" or "YYYY". */
export function closePeriod(tx: Tx, deps: OperationDeps, actor: PosActor, input: { period: unknown; pointOfSale?: unknown }): ClosureView {
  if (typeof input.period !== "string") fail("period_invalid", "a period is YYYY-MM-DD, YYYY-MM or YYYY");
  if (input.pointOfSale !== undefined && input.pointOfSale !== null && typeof input.pointOfSale !== "string") fail("point_of_sale_invalid", "point_of_sale is a code");
  const pointOfSale = (input.pointOfSale as string | null | undefined) ?? null;
  switch (periodKind(input.period)) {
    case "daily":
      return closeDay(tx, deps, actor, { day: input.period, pointOfSale });
    case "monthly":
      return closeMonth(tx, deps, actor, { month: input.period, pointOfSale });
    case "yearly":
      return closeYear(tx, deps, actor, { year: input.period, pointOfSale });
  }
}

/** Points of sale that had sales or voids on a business day. */
function pointsOfSaleActive(sqlite: Sqlite, day: string): string[] {
  return sqlite
    .query<{ code: string }, [string]>(
      `SELECT point_of_sale AS code FROM sales WHERE training = 0 AND business_day = ?1
       UNION SELECT s.point_of_sale FROM sale_voids v JOIN sales s ON s.id = v.sale_id WHERE v.business_day = ?1 ORDER BY 1`,
    )
    .all(day)
    .map((row) => row.code);
}

/**
 * The automatic closures, run at the end of each business day (jobs room) and at start-up: every
 * ended business day with activity and no closure yet (bounded catch-up), per point of sale and
 * for the venue; then the monthly and yearly closures of the periods that ended.
 */
export function runDueClosures(tx: Tx, deps: OperationDeps, actor: PosActor = { scope: "system", idempotencyKey: "", operatorName: "automatique" }): ClosureView[] {
  if (!findVenue(tx.sqlite)) return [];
  const ctx = context(tx.sqlite);
  const today = businessDayOf(tx.stamp().atMs, ctx.timezone, ctx.endMinute);
  const ended = addDays(today, -1);
  const pending = tx.sqlite
    .query<{ day: string }, [string, number]>(
      `SELECT day FROM (SELECT business_day AS day FROM sales WHERE training = 0 UNION SELECT business_day FROM sale_voids)
        WHERE day < ?1 AND NOT EXISTS (SELECT 1 FROM closures c WHERE c.kind = 'daily' AND c.period = day AND c.point_of_sale = '') ORDER BY day LIMIT ?2`,
    )
    .all(today, CLOSURE_CATCH_UP_DAYS)
    .map((row) => row.day);
  if (!pending.includes(ended) && !closureRow(tx.sqlite, "daily", ended, null) && dayHasActivity(tx.sqlite, ended, null, ctx)) pending.push(ended);
  const made: ClosureView[] = [];
  const keep = (view: ClosureView) => {
    if (view.created) made.push(view);
  };
  const months = new Set<string>();
  for (const day of pending) {
    for (const code of pointsOfSaleActive(tx.sqlite, day)) keep(closeDay(tx, deps, actor, { day, pointOfSale: code }));
    keep(closeDay(tx, deps, actor, { day, pointOfSale: null }));
    months.add(day.slice(0, 7));
  }
  months.add(ended.slice(0, 7));
  const nowMs = tx.stamp().atMs;
  const years = new Set<string>();
  for (const month of [...months].sort()) {
    if (periodWindow(month, ctx.timezone, ctx.endMinute).endMs > nowMs) continue;
    for (const code of pointsOfSaleWithDailies(tx.sqlite, month)) keep(closeMonth(tx, deps, actor, { month, pointOfSale: code }));
    keep(closeMonth(tx, deps, actor, { month, pointOfSale: null }));
    years.add(month.slice(0, 4));
  }
  for (const year of [...years].sort()) {
    if (periodWindow(year, ctx.timezone, ctx.endMinute).endMs > nowMs) continue;
    for (const code of pointsOfSaleWithMonthlies(tx.sqlite, year)) keep(closeYear(tx, deps, actor, { year, pointOfSale: code }));
    keep(closeYear(tx, deps, actor, { year, pointOfSale: null }));
  }
  return made;
}

function pointsOfSaleWithDailies(sqlite: Sqlite, month: string): string[] {
  return sqlite
    .query<{ code: string }, [string]>("SELECT DISTINCT point_of_sale AS code FROM closures WHERE kind = 'daily' AND period LIKE ? AND point_of_sale != '' ORDER BY 1")
    .all(`${month}-%`)
    .map((row) => row.code);
}

function pointsOfSaleWithMonthlies(sqlite: Sqlite, year: string): string[] {
  return sqlite
    .query<{ code: string }, [string]>("SELECT DISTINCT point_of_sale AS code FROM closures WHERE kind = 'monthly' AND period LIKE ? AND point_of_sale != '' ORDER BY 1")
    .all(`${year}-%`)
    .map((row) => row.code);
}
