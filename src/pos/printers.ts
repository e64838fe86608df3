/**
 * Printers: where print jobs go. Each has a transport (tcp, usb, file, simulated) and its
 * address, a paper width, a code page, the print groups it takes (kitchen, bar...) and whether a
 * cash drawer hangs on it. The print worker writes the status (online or offline, last error,
 * last contact); admins write the rest.
 */
import { fail, limits, type IdFactory } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { CODE_PAGES, isPaperMm, parseTcpAddress, type CodePage, type PaperMm } from "../../hardware/printer/index.ts";
import { PRINTER_KINDS, PRINTER_STATUSES } from "./schema.ts";

export type PrinterKind = (typeof PRINTER_KINDS)[number];
export type PrinterStatusName = (typeof PRINTER_STATUSES)[number];

export interface Printer {
  readonly id: string;
  readonly name: string;
  readonly kind: PrinterKind;
  readonly address: string;
  readonly paperMm: PaperMm;
  readonly codePage: CodePage;
  readonly printGroups: readonly string[];
  readonly hasCashDrawer: boolean;
  readonly status: PrinterStatusName;
  readonly lastError: string;
  readonly lastContactAtMs: number | null;
  readonly active: boolean;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface PrinterInput {
  readonly name: string;
  readonly kind: PrinterKind;
  readonly address: string;
  readonly paperMm: PaperMm;
  readonly codePage: CodePage;
  readonly printGroups: readonly string[];
  readonly hasCashDrawer: boolean;
  readonly active: boolean;
}

/** What a form or a caller sends, not yet checked. */
export interface RawPrinterInput {
  readonly name: string;
  readonly kind: string;
  readonly address: string;
  readonly paperMm: string | number;
  readonly codePage: string;
  /** Comma- or space-separated group names. */
  readonly printGroups: string | readonly string[];
  readonly hasCashDrawer: boolean;
  readonly active: boolean;
}

const PRINT_GROUPS_MAX = 20;
const ADDRESS_CHARS_MAX = 255;

/** A printer's address in its canonical form, or a refusal that says what is expected. */
export function checkPrinterAddress(kind: PrinterKind, raw: string): string {
  const address = raw.trim();
  if (!address || address.length > ADDRESS_CHARS_MAX || address.includes("\0")) fail("printer_address_invalid", "a printer needs an address");
  switch (kind) {
    case "tcp": {
      const target = parseTcpAddress(address);
      if (!target) fail("printer_address_invalid", "a network printer's address is host or host:port (192.168.1.50:9100)");
      return target.host.includes(":") ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
    }
    case "usb":
      if (!/^\/dev\/[A-Za-z0-9_.\-/]+$/.test(address) || address.includes("..")) fail("printer_address_invalid", "a USB printer's address is its device, /dev/usb/lp0");
      return address;
    case "file":
      // A file printer appends bytes to its file: a fixed extension keeps a typo from appending to the database.
      if (!address.startsWith("/") || address.includes("..") || !/\.(bin|prn)$/.test(address)) {
        fail("printer_address_invalid", "a file printer's address is an absolute path ending in .bin or .prn");
      }
      return address;
    case "simulated":
      if (address.length > 60) fail("printer_address_invalid", "a simulated printer's name is at most 60 characters");
      return address;
  }
}

export function parsePrintGroups(raw: string | readonly string[]): string[] {
  const parts = typeof raw === "string" ? raw.split(/[\s,;]+/) : [...raw];
  const groups = [...new Set(parts.map((part) => part.trim().toLowerCase()).filter((part) => part.length > 0))];
  if (groups.length > PRINT_GROUPS_MAX) fail("print_groups_invalid", `at most ${PRINT_GROUPS_MAX} print groups`);
  for (const group of groups) {
    if (!/^[\p{Ll}\p{N}_-]{1,32}$/u.test(group)) fail("print_groups_invalid", "a print group is one word of letters, digits, - or _ (kitchen, bar)");
  }
  return groups.sort();
}

export function checkPrinterInput(raw: RawPrinterInput): PrinterInput {
  const name = raw.name.trim();
  if (!name) fail("name_required", "a printer needs a name");
  if (name.length > limits.textFieldChars) fail("name_too_long", `at most ${limits.textFieldChars} characters`);
  if (!(PRINTER_KINDS as readonly string[]).includes(raw.kind)) fail("printer_kind_invalid", `kind is one of ${PRINTER_KINDS.join(", ")}`);
  const kind = raw.kind as PrinterKind;
  const paperMm = Number(raw.paperMm);
  if (!isPaperMm(paperMm)) fail("paper_width_invalid", "paper is 58 or 80 mm wide");
  if (!(CODE_PAGES as readonly string[]).includes(raw.codePage)) fail("code_page_invalid", `code page is one of ${CODE_PAGES.join(", ")}`);
  return {
    name,
    kind,
    address: checkPrinterAddress(kind, raw.address),
    paperMm,
    codePage: raw.codePage as CodePage,
    printGroups: parsePrintGroups(raw.printGroups),
    hasCashDrawer: raw.hasCashDrawer,
    active: raw.active,
  };
}

interface PrinterRow {
  id: string;
  name: string;
  kind: PrinterKind;
  address: string;
  paperMm: number;
  codePage: CodePage;
  printGroups: string;
  hasCashDrawer: number;
  status: PrinterStatusName;
  lastError: string;
  lastContactAtMs: number | null;
  active: number;
  createdAtMs: number;
  updatedAtMs: number;
}

const PRINTER_COLUMNS = `id, name, kind, address, paper_mm AS paperMm, code_page AS codePage, print_groups AS printGroups,
  has_cash_drawer AS hasCashDrawer, status, last_error AS lastError, last_contact_at_ms AS lastContactAtMs, active,
  created_at_ms AS createdAtMs, updated_at_ms AS updatedAtMs`;

function fromRow(row: PrinterRow): Printer {
  return {
    ...row,
    paperMm: isPaperMm(row.paperMm) ? row.paperMm : 80,
    printGroups: JSON.parse(row.printGroups) as string[],
    hasCashDrawer: Boolean(row.hasCashDrawer),
    active: Boolean(row.active),
  };
}

export function findPrinter(sqlite: Sqlite, id: string): Printer | undefined {
  const row = sqlite.query<PrinterRow, [string]>(`SELECT ${PRINTER_COLUMNS} FROM printers WHERE id = ?`).get(id);
  return row ? fromRow(row) : undefined;
}

export function requirePrinter(sqlite: Sqlite, id: string): Printer {
  const printer = findPrinter(sqlite, id);
  if (!printer) fail("printer_unknown", "no such printer");
  return printer;
}

export function listPrinters(sqlite: Sqlite): Printer[] {
  return sqlite
    .query<PrinterRow, [number]>(`SELECT ${PRINTER_COLUMNS} FROM printers ORDER BY active DESC, name, id LIMIT ?`)
    .all(limits.listPageRows)
    .map(fromRow);
}

/** The active printers that take a print group (the kitchen's orders go to every kitchen printer). */
export function printersForGroup(sqlite: Sqlite, group: string): Printer[] {
  return sqlite
    .query<PrinterRow, [string, number]>(
      `SELECT ${PRINTER_COLUMNS} FROM printers WHERE active = 1 AND EXISTS (SELECT 1 FROM json_each(print_groups) WHERE value = ?) ORDER BY name, id LIMIT ?`,
    )
    .all(group.trim().toLowerCase(), limits.listPageRows)
    .map(fromRow);
}

export function insertPrinter(tx: Tx, newId: IdFactory, input: RawPrinterInput): Printer {
  const checked = checkPrinterInput(input);
  const id = newId();
  const atMs = tx.stamp().atMs;
  tx.sqlite
    .query(
      `INSERT INTO printers (id, name, kind, address, paper_mm, code_page, print_groups, has_cash_drawer, active, created_at_ms, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, checked.name, checked.kind, checked.address, checked.paperMm, checked.codePage, JSON.stringify(checked.printGroups), checked.hasCashDrawer ? 1 : 0, checked.active ? 1 : 0, atMs, atMs);
  return requirePrinter(tx.sqlite, id);
}

/** Saves a printer's settings; returns it with the names of the settings that changed. */
export function updatePrinter(tx: Tx, id: string, input: RawPrinterInput): { printer: Printer; changed: string[] } {
  const before = requirePrinter(tx.sqlite, id);
  const checked = checkPrinterInput(input);
  const changed = (Object.keys(checked) as Array<keyof PrinterInput>).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(checked[key])).sort();
  if (changed.length === 0) return { printer: before, changed };
  // A new address is a new printer as far as the status goes.
  const resetStatus = changed.includes("kind") || changed.includes("address");
  tx.sqlite
    .query(
      `UPDATE printers SET name = ?, kind = ?, address = ?, paper_mm = ?, code_page = ?, print_groups = ?, has_cash_drawer = ?, active = ?, updated_at_ms = ?
       ${resetStatus ? ", status = 'unknown', last_error = ''" : ""} WHERE id = ?`,
    )
    .run(checked.name, checked.kind, checked.address, checked.paperMm, checked.codePage, JSON.stringify(checked.printGroups), checked.hasCashDrawer ? 1 : 0, checked.active ? 1 : 0, tx.stamp().atMs, id);
  return { printer: requirePrinter(tx.sqlite, id), changed };
}

/** The worker's word on a printer after a send: reached (online, contact now) or not (offline, why). */
export function notePrinterOutcome(tx: Tx, id: string, outcome: { online: true; atMs: number } | { online: false; error: string }): void {
  if (outcome.online) {
    tx.sqlite.query("UPDATE printers SET status = 'online', last_error = '', last_contact_at_ms = ? WHERE id = ?").run(outcome.atMs, id);
  } else {
    tx.sqlite.query("UPDATE printers SET status = 'offline', last_error = ? WHERE id = ?").run(outcome.error.slice(0, 500), id);
  }
}
