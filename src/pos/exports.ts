/**
 * Exports for spreadsheets and the accountant.
 *
 * CSV (sales lines, payments, closures): separated by semicolons, amounts with a decimal comma,
 * UTF-8 with a byte-order mark, CRLF line ends, so that Excel in French opens them as they are.
 * A cell holding a separator, a quote or a line break is quoted (quotes doubled, RFC 4180); a text
 * cell starting with = + - @ or a tab gets a leading apostrophe, so that a spreadsheet never
 * runs an item name as a formula.
 *
 * FEC (fichier des écritures comptables, art. A47 A-1 of the French tax procedure book): the
 * 18 columns, separated by "|", amounts with a decimal comma, dates YYYYMMDD. Per business day,
 * one entry in the sales journal (VE) from the fiscal records of the day's sales and voids:
 * revenue excluding VAT to 707 (goods) or 706 (a box office's services) per VAT rate, the VAT to
 * 44571 per rate, and each payment to its account: 530 cash, 512 card terminal and cheque, 4191
 * what card balances paid (a balance is an advance the holder made), 6234 what unbacked gifts on
 * cards and "offered" paid. And one entry in the cards journal (CA) from the ledger's reserve
 * movements (euro-backed assets: an offered gift brings no money): top-ups debit the money received
 * (530, or 512 for a bank card or online) and credit 4191; refunds debit 4191 and credit the cash
 * paid back. Top-ups are not sales (docs/pos.md, "Money on cards is not
 * revenue"). And one entry in the online sales journal (VW) from the orders paid online that day
 * (online-books.ts: not cash-register sales, no fiscal record): the provider's clearing account
 * 5115 against 706 per VAT rate and 44571, a refund reversing its order. Every entry balances, so every day does. Account numbers carry the rate in basis
 * points (7072000: goods at 20 %, 445710550: VAT at 5.5 %); the accountant maps them to the
 * venue's chart.
 */
import { assert, fail } from "../kernel/index.ts";
import type { Sqlite } from "../db/index.ts";
import { findVenue } from "../federation/index.ts";
import { listAssetsSql } from "../wallet/index.ts";
import { businessDayWindow, periodKind } from "./business-day.ts";
import { findPointOfSale, listPaymentMethods, readPosSettings } from "./catalogue.ts";
import { cardMoneyMovements, closureBySeq } from "./closures.ts";
import { daysOfRange, REPORT_LIMITS, type ReportRange } from "./reports.ts";
import { onlineOrders } from "./online-books.ts";
import { localDateTime } from "./tickets.ts";
import { formatRate } from "./vat.ts";

// CSV.

/** A cell: text (guarded and quoted as needed), a whole number, or an amount in cents. */
export type CsvCell = string | number | { readonly cents: number } | null;

export const CSV_BOM = "\uFEFF";

/** Cents with a decimal comma and no grouping: 123456 → "1234,56", -5 → "-0,05". */
export function decimalComma(cents: number): string {
  assert(Number.isSafeInteger(cents), "amounts are whole cents");
  const sign = cents < 0 ? "-" : "";
  const absolute = Math.abs(cents);
  return `${sign}${Math.floor(absolute / 100)},${String(absolute % 100).padStart(2, "0")}`;
}

export function csvCell(cell: CsvCell): string {
  if (cell === null) return "";
  if (typeof cell === "number") return String(cell);
  if (typeof cell === "object") return decimalComma(cell.cents);
  const guarded = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[;"\r\n]|^\s|\s$/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** The file's text: the byte-order mark, then one CRLF-ended line per row. */
export function csvText(rows: ReadonlyArray<ReadonlyArray<CsvCell>>): string {
  return CSV_BOM + rows.map((row) => `${row.map(csvCell).join(";")}\r\n`).join("");
}

function venueTimezone(sqlite: Sqlite): string {
  const venue = findVenue(sqlite);
  if (!venue) fail("setup_required", "the box has no venue yet");
  return venue.timezone;
}

function boundedRows<T>(rows: T[]): T[] {
  if (rows.length > REPORT_LIMITS.exportRows) fail("export_too_large", `at most ${REPORT_LIMITS.exportRows} rows in one export: choose a shorter range`);
  return rows;
}

function posFilter(range: ReportRange): { sql: string; params: string[] } {
  return range.pointOfSale === null ? { sql: "", params: [] } : { sql: "AND s.point_of_sale = ?3", params: [range.pointOfSale] };
}

/** One row per line of the real sales of the range (training sales are never exported). */
export function salesCsv(sqlite: Sqlite, range: ReportRange): string {
  const timezone = venueTimezone(sqlite);
  const filter = posFilter(range);
  type Row = { day: string; number: number; atMs: number; pos: string; operator: string; name: string; label: string; quantity: number; unit: number; amount: number; rate: number; voidedOn: string | null };
  const rows = boundedRows(
    sqlite
      .query<Row, string[]>(
        `SELECT s.business_day AS day, s.number, s.at_ms AS atMs, s.point_of_sale AS pos, s.operator_name AS operator, l.name, l.price_label AS label, l.quantity,
                l.unit_amount AS unit, l.amount, l.vat_rate_bp AS rate, v.business_day AS voidedOn
           FROM sales s JOIN sale_lines l ON l.sale_id = s.id LEFT JOIN sale_voids v ON v.sale_id = s.id
          WHERE s.training = 0 AND s.business_day BETWEEN ?1 AND ?2 ${filter.sql} ORDER BY s.number, l.idx LIMIT ${REPORT_LIMITS.exportRows + 1}`,
      )
      .all(range.from, range.to, ...filter.params),
  );
  const header: CsvCell[] = ["Journée", "Ticket", "Date", "Point de vente", "Opérateur", "Article", "Tarif", "Quantité", "Prix unitaire TTC", "Montant TTC", "Taux de TVA", "Annulée le"];
  return csvText([
    header,
    ...rows.map((row): CsvCell[] => [row.day, row.number, localDateTime(row.atMs, timezone), row.pos, row.operator, row.name, row.label, row.quantity, { cents: row.unit }, { cents: row.amount }, formatRate(row.rate), row.voidedOn]),
  ]);
}

/** One row per payment of the real sales of the range; cash is what it settled, the tendered amount beside it. */
export function paymentsCsv(sqlite: Sqlite, range: ReportRange): string {
  const timezone = venueTimezone(sqlite);
  const filter = posFilter(range);
  const names = new Map(listPaymentMethods(sqlite).map((method) => [method.code as string, method.name]));
  type Row = { day: string; number: number; atMs: number; pos: string; operator: string; method: string; amount: number; tendered: number; entrySeq: number | null; voidedOn: string | null };
  const rows = boundedRows(
    sqlite
      .query<Row, string[]>(
        `SELECT s.business_day AS day, s.number, s.at_ms AS atMs, s.point_of_sale AS pos, s.operator_name AS operator, p.method, p.amount, p.tendered,
                p.entry_seq AS entrySeq, v.business_day AS voidedOn
           FROM sales s JOIN sale_payments p ON p.sale_id = s.id LEFT JOIN sale_voids v ON v.sale_id = s.id
          WHERE s.training = 0 AND s.business_day BETWEEN ?1 AND ?2 ${filter.sql} ORDER BY s.number, p.idx LIMIT ${REPORT_LIMITS.exportRows + 1}`,
      )
      .all(range.from, range.to, ...filter.params),
  );
  const header: CsvCell[] = ["Journée", "Ticket", "Date", "Point de vente", "Opérateur", "Moyen de paiement", "Montant", "Donné", "Écriture du journal des cartes", "Annulée le"];
  return csvText([
    header,
    ...rows.map((row): CsvCell[] => [row.day, row.number, localDateTime(row.atMs, timezone), row.pos, row.operator, names.get(row.method) ?? row.method, { cents: row.amount }, { cents: row.tendered }, row.entrySeq, row.voidedOn]),
  ]);
}

const CSV_METHODS = ["nfc_card", "cash", "card_terminal", "cheque", "offered"] as const;

/** One row per closure whose period lies in the range (days in it; months and years that overlap it). */
export function closuresCsv(sqlite: Sqlite, range: ReportRange): string {
  const timezone = venueTimezone(sqlite);
  const rows = boundedRows(
    sqlite
      .query<{ seq: number }, [string, string, string, string, string, string]>(
        `SELECT fiscal_seq AS seq FROM closures
          WHERE (kind = 'daily' AND period BETWEEN ?1 AND ?2) OR (kind = 'monthly' AND period BETWEEN ?3 AND ?4) OR (kind = 'yearly' AND period BETWEEN ?5 AND ?6)
          ORDER BY fiscal_seq LIMIT ${REPORT_LIMITS.exportRows + 1}`,
      )
      .all(range.from, range.to, range.from.slice(0, 7), range.to.slice(0, 7), range.from.slice(0, 4), range.to.slice(0, 4)),
  );
  const kinds = { daily: "Journalière", monthly: "Mensuelle", yearly: "Annuelle" } as const;
  const names = new Map(listPaymentMethods(sqlite).map((method) => [method.code as string, method.name]));
  const header: CsvCell[] = [
    "Clôture",
    "Période",
    "Point de vente",
    "Enregistrement",
    "Établie le",
    "Ventes",
    "Annulations",
    "Total TTC",
    "Annulé",
    "Total HT",
    "Total TVA",
    ...CSV_METHODS.map((code) => names.get(code) ?? code),
    "Rechargements des cartes",
    "Remboursements des cartes",
    "Grand total perpétuel",
    "Tête du journal des cartes",
    "Signature",
  ];
  const sum = (record: Readonly<Record<string, number>>) => Object.values(record).reduce((total, amount) => total + amount, 0);
  return csvText([
    header,
    ...rows.map(({ seq }): CsvCell[] => {
      const closure = closureBySeq(sqlite, seq);
      const t = closure.totals;
      return [
        kinds[closure.kind],
        closure.period,
        closure.pointOfSale ?? "tout le lieu",
        closure.fiscalSeq,
        localDateTime(closure.atMs, timezone),
        t.sales,
        t.voids,
        { cents: t.total },
        { cents: t.voided },
        { cents: t.vat.reduce((total, line) => total + line.excl, 0) },
        { cents: t.vat.reduce((total, line) => total + line.vat, 0) },
        ...CSV_METHODS.map((code) => ({ cents: t.payments[code] ?? 0 })),
        { cents: sum(t.topups) },
        { cents: sum(t.refunds) },
        { cents: closure.grandTotal },
        closure.ledgerHead,
        closure.signatureExtract,
      ];
    }),
  ]);
}

// FEC.

export const FEC_COLUMNS = [
  "JournalCode",
  "JournalLib",
  "EcritureNum",
  "EcritureDate",
  "CompteNum",
  "CompteLib",
  "CompAuxNum",
  "CompAuxLib",
  "PieceRef",
  "PieceDate",
  "EcritureLib",
  "Debit",
  "Credit",
  "EcritureLet",
  "DateLet",
  "ValidDate",
  "Montantdevise",
  "Idevise",
] as const;

export const FEC_ACCOUNTS = {
  cash: { num: "530", lib: "Caisse" },
  bank: { num: "512", lib: "Banque" },
  cardAdvances: { num: "4191", lib: "Clients - avances reçues (cartes cashless)" },
  gifts: { num: "6234", lib: "Cadeaux à la clientèle" },
  /** What the payment provider owes the venue for orders paid online, until it pays out to the bank. */
  onlineClearing: { num: "5115", lib: "Paiements en ligne à encaisser (prestataire)" },
} as const;

type Account = { readonly num: string; readonly lib: string };

function rateSuffix(rateBp: number): string {
  return String(rateBp).padStart(4, "0");
}

function revenueAccount(kind: string, rateBp: number | null): Account {
  const services = kind === "box_office";
  const base = services ? "706" : "707";
  const what = services ? "Prestations de services" : "Ventes de marchandises";
  if (rateBp === null) return { num: base, lib: `${what} (TVA non applicable, art. 293 B du CGI)` };
  return { num: `${base}${rateSuffix(rateBp)}`, lib: `${what} TVA ${formatRate(rateBp)}` };
}

function vatAccount(rateBp: number): Account {
  return { num: `44571${rateSuffix(rateBp)}`, lib: `TVA collectée ${formatRate(rateBp)}` };
}

/** Where the money a method brought in sits: a sale's payment method, or a top-up's reserve (cash, card, online). */
function moneyAccount(method: string): Account {
  if (method === "cash") return FEC_ACCOUNTS.cash;
  if (method === "offered") return FEC_ACCOUNTS.gifts;
  if (method === "nfc_card") return FEC_ACCOUNTS.cardAdvances;
  return FEC_ACCOUNTS.bank;
}

/** Amounts per account for one entry: positive is a debit, negative a credit. */
class Posting {
  readonly amounts = new Map<string, { account: Account; amount: number }>();

  add(account: Account, debitMinusCredit: number): void {
    const known = this.amounts.get(account.num) ?? { account, amount: 0 };
    known.amount += debitMinusCredit;
    this.amounts.set(account.num, known);
  }

  lines(): Array<{ account: Account; debit: number; credit: number }> {
    const lines = [...this.amounts.values()]
      .filter((entry) => entry.amount !== 0)
      .map((entry) => ({ account: entry.account, debit: Math.max(entry.amount, 0), credit: Math.max(-entry.amount, 0) }));
    const debit = lines.reduce((total, line) => total + line.debit, 0);
    const credit = lines.reduce((total, line) => total + line.credit, 0);
    assert(debit === credit, `an entry balances (${debit} debit, ${credit} credit)`);
    return lines.sort((a, b) => b.debit - a.debit || a.account.num.localeCompare(b.account.num));
  }
}

interface SaleRecordPayload {
  point_of_sale: string;
  total: number;
  vat: Array<{ rate_bp: number; incl: number; vat: number; excl: number }>;
  payments: Array<{ method: string; amount: number; entry_seq: number | null }>;
}

/** The part of a card payment drawn from backed assets (money the holder advanced) and from the others (gifts). */
function cardPaymentParts(sqlite: Sqlite, entrySeq: number | null, amount: number, backed: ReadonlySet<string>): { advances: number; gifts: number } {
  if (entrySeq === null) return { advances: amount, gifts: 0 };
  const rows = sqlite
    .query<{ asset: string; amount: number }, [number]>(
      "SELECT asset, amount FROM ledger_transfers WHERE entry_seq = ? AND (credit_account LIKE 'revenue:%' OR debit_account LIKE 'revenue:%')",
    )
    .all(entrySeq);
  const sign = amount < 0 ? -1 : 1;
  const gifts = sign * rows.filter((row) => !backed.has(row.asset)).reduce((total, row) => total + row.amount, 0);
  const advances = sign * rows.filter((row) => backed.has(row.asset)).reduce((total, row) => total + row.amount, 0);
  assert(advances + gifts === amount, `card payment of entry ${entrySeq} matches its ledger transfers`);
  return { advances, gifts };
}

function dayRecords(sqlite: Sqlite, day: string): SaleRecordPayload[] {
  return sqlite
    .query<{ payload: string }, [string]>(
      `SELECT f.seq, f.payload FROM sales s JOIN fiscal_records f ON f.seq = s.fiscal_seq WHERE s.training = 0 AND s.business_day = ?1
       UNION ALL
       SELECT f.seq, f.payload FROM sale_voids v JOIN fiscal_records f ON f.seq = v.fiscal_seq WHERE v.business_day = ?1
       ORDER BY 1`,
    )
    .all(day)
    .map((row) => JSON.parse(row.payload) as SaleRecordPayload);
}

function salesPosting(sqlite: Sqlite, day: string, kindOf: (code: string) => string, backed: ReadonlySet<string>): Posting {
  const posting = new Posting();
  for (const record of dayRecords(sqlite, day)) {
    const kind = kindOf(record.point_of_sale);
    if (record.vat.length === 0) posting.add(revenueAccount(kind, null), -record.total);
    for (const line of record.vat) {
      posting.add(revenueAccount(kind, line.rate_bp), -line.excl);
      posting.add(vatAccount(line.rate_bp), -line.vat);
    }
    for (const payment of record.payments) {
      if (payment.method !== "nfc_card") {
        posting.add(moneyAccount(payment.method), payment.amount);
        continue;
      }
      const parts = cardPaymentParts(sqlite, payment.entry_seq, payment.amount, backed);
      posting.add(FEC_ACCOUNTS.cardAdvances, parts.advances);
      posting.add(FEC_ACCOUNTS.gifts, parts.gifts);
    }
  }
  return posting;
}

function cardsPosting(sqlite: Sqlite, day: string, timezone: string, endMinute: number): Posting {
  const posting = new Posting();
  const { topups, refunds } = cardMoneyMovements(sqlite, businessDayWindow(day, timezone, endMinute));
  for (const [method, amount] of topups) {
    posting.add(moneyAccount(method), amount);
    posting.add(FEC_ACCOUNTS.cardAdvances, -amount);
  }
  for (const [method, amount] of refunds) {
    posting.add(FEC_ACCOUNTS.cardAdvances, amount);
    posting.add(moneyAccount(method), -amount);
  }
  return posting;
}

/** Where the money of an online order's refund went back from: the provider, the cash drawer or the bank terminal. */
function onlineRefundAccount(method: string | null): Account | undefined {
  if (method === "cash") return FEC_ACCOUNTS.cash;
  if (method === "terminal") return FEC_ACCOUNTS.bank;
  if (method === "online" || method === null) return FEC_ACCOUNTS.onlineClearing;
  // "free": nothing went back, the revenue stays.
  return undefined;
}

/**
 * Orders paid online on the day (online-books.ts): the provider owes their total (5115) against
 * the services' revenue per VAT rate (706) and the VAT (44571); a refund reverses its order
 * against the account the money went back from. Not cash-register sales: no fiscal record.
 */
function onlinePosting(sqlite: Sqlite, window: { startMs: number; endMs: number }): Posting {
  const posting = new Posting();
  const { paid, refunded } = onlineOrders(sqlite, window);
  const book = (order: (typeof paid)[number], sign: 1 | -1, money: Account) => {
    posting.add(money, sign * order.total);
    if (order.vat.length === 0) posting.add(revenueAccount("box_office", null), -sign * order.total);
    for (const line of order.vat) {
      posting.add(revenueAccount("box_office", line.rateBp), -sign * line.excl);
      posting.add(vatAccount(line.rateBp), -sign * line.vat);
    }
  };
  for (const order of paid) book(order, 1, FEC_ACCOUNTS.onlineClearing);
  for (const order of refunded) {
    const account = onlineRefundAccount(order.refundMethod);
    if (account) book(order, -1, account);
  }
  return posting;
}

const compactDate = (day: string) => day.replaceAll("-", "");
const frenchDate = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/** A text field of the FEC: no separator, tab or line break may get in. */
function fecText(value: string): string {
  return value.replace(/[|\t\r\n]+/g, " ").trim();
}

/** The local date of an instant as YYYYMMDD. */
function localCompactDate(atMs: number, timezone: string): string {
  const stamp = localDateTime(atMs, timezone); // "28/03/2026 23:45"
  return `${stamp.slice(6, 10)}${stamp.slice(3, 5)}${stamp.slice(0, 2)}`;
}

export interface FecExport {
  readonly fileName: string;
  readonly text: string;
  readonly entries: number;
}

/**
 * The FEC of a range of business days (the whole venue). `nowMs` dates the validation of days not
 * yet closed; a closed day is validated on its daily closure's date, its Z is the entry's piece.
 */
export function fecExport(sqlite: Sqlite, range: Pick<ReportRange, "from" | "to">, nowMs: number): FecExport {
  const venue = findVenue(sqlite);
  if (!venue) fail("setup_required", "the box has no venue yet");
  periodKind(range.from);
  periodKind(range.to);
  const endMinute = readPosSettings(sqlite).businessDayEndMinute;
  const posKinds = new Map<string, string>();
  const kindOf = (code: string) => {
    if (!posKinds.has(code)) posKinds.set(code, findPointOfSale(sqlite, code)?.kind ?? "bar");
    return posKinds.get(code)!;
  };
  const backed = new Set(listAssetsSql(sqlite).filter((asset) => asset.backed).map((asset) => asset.code));
  const closureOf = sqlite.query<{ seq: number }, [string]>("SELECT fiscal_seq AS seq FROM closures WHERE kind = 'daily' AND period = ? AND point_of_sale = ''");
  const lines: string[] = [FEC_COLUMNS.join("|")];
  const counters = { VE: 0, CA: 0, VW: 0 };
  const journals = { VE: "Ventes", CA: "Cartes cashless (avances reçues)", VW: "Ventes en ligne" } as const;
  for (const day of daysOfRange(range)) {
    const closure = closureOf.get(day);
    const z = closure ? closureBySeq(sqlite, closure.seq) : undefined;
    const validDate = z ? localCompactDate(z.atMs, venue.timezone) : localCompactDate(nowMs, venue.timezone);
    const pieceRef = z ? `Z${z.fiscalSeq}` : `J${compactDate(day)}`;
    const entries: Array<{ journal: keyof typeof journals; label: string; posting: Posting }> = [
      { journal: "VE", label: `Ventes du ${frenchDate(day)}`, posting: salesPosting(sqlite, day, kindOf, backed) },
      { journal: "CA", label: `Rechargements et remboursements des cartes du ${frenchDate(day)}`, posting: cardsPosting(sqlite, day, venue.timezone, endMinute) },
      { journal: "VW", label: `Ventes en ligne du ${frenchDate(day)}`, posting: onlinePosting(sqlite, businessDayWindow(day, venue.timezone, endMinute)) },
    ];
    for (const entry of entries) {
      const entryLines = entry.posting.lines();
      if (entryLines.length === 0) continue;
      counters[entry.journal]++;
      const number = `${entry.journal}${String(counters[entry.journal]).padStart(6, "0")}`;
      for (const line of entryLines) {
        lines.push(
          [
            entry.journal,
            journals[entry.journal],
            number,
            compactDate(day),
            line.account.num,
            fecText(line.account.lib),
            "",
            "",
            pieceRef,
            compactDate(day),
            fecText(entry.label),
            decimalComma(line.debit),
            decimalComma(line.credit),
            "",
            "",
            validDate,
            "",
            "",
          ].join("|"),
        );
      }
    }
  }
  const siren = /^\d{9}/.exec(venue.siret)?.[0] ?? "000000000";
  return { fileName: `${siren}FEC${compactDate(range.to)}.txt`, text: lines.map((line) => `${line}\r\n`).join(""), entries: counters.VE + counters.CA + counters.VW };
}
