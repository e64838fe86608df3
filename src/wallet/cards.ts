/**
 * Cards and wallets. A card's UID is 4, 7 or 10 bytes of hex (stored uppercase, bare); its QR id
 * is a random 128-bit value, never derived from the UID, so the holder's page cannot be found
 * from a card read over the air, nor the UID from the page.
 */
import { fail, limits, toHex, type IdFactory, type RandomSource } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { normalizeCardUid } from "../auth/index.ts";
import type { CardState } from "./schema.ts";

export interface Card {
  readonly id: string;
  readonly uid: string | null;
  readonly printedNumber: string;
  readonly qrId: string;
  readonly state: CardState;
  readonly walletId: string;
  readonly replacedBy: string | null;
  readonly createdAtMs: number;
}

const CARD_COLUMNS = `id, uid, printed_number AS printedNumber, qr_id AS qrId, state, wallet_id AS walletId, replaced_by AS replacedBy, created_at_ms AS createdAtMs`;

export { normalizeCardUid };

export function cardByUid(sqlite: Sqlite, uid: string): Card | undefined {
  return sqlite.query<Card, [string]>(`SELECT ${CARD_COLUMNS} FROM cards WHERE uid = ?`).get(uid) ?? undefined;
}

export function cardByQr(sqlite: Sqlite, qrId: string): Card | undefined {
  return sqlite.query<Card, [string]>(`SELECT ${CARD_COLUMNS} FROM cards WHERE qr_id = ?`).get(qrId) ?? undefined;
}

export function cardById(sqlite: Sqlite, id: string): Card | undefined {
  return sqlite.query<Card, [string]>(`SELECT ${CARD_COLUMNS} FROM cards WHERE id = ?`).get(id) ?? undefined;
}

export function cardByPrintedNumber(sqlite: Sqlite, printedNumber: string): Card | undefined {
  return sqlite.query<Card, [string]>(`SELECT ${CARD_COLUMNS} FROM cards WHERE printed_number = ?`).get(printedNumber) ?? undefined;
}

export function listCards(sqlite: Sqlite, rows = limits.listPageRows): Card[] {
  return sqlite.query<Card, [number]>(`SELECT ${CARD_COLUMNS} FROM cards ORDER BY created_at_ms DESC, id DESC LIMIT ?`).all(rows);
}

export function cardsOfWallet(sqlite: Sqlite, walletId: string): Card[] {
  return sqlite.query<Card, [string]>(`SELECT ${CARD_COLUMNS} FROM cards WHERE wallet_id = ? ORDER BY created_at_ms`).all(walletId);
}

export function insertWallet(tx: Tx, newId: IdFactory): string {
  const id = newId();
  tx.sqlite.query("INSERT INTO wallets (id, created_at_ms) VALUES (?, ?)").run(id, tx.stamp().atMs);
  return id;
}

export interface NewCard {
  readonly uid?: string | undefined;
  readonly printedNumber?: string | undefined;
  readonly state?: CardState;
}

/** Printed numbers given by the box: "T" and the next number, when none is printed on the card. */
function nextPrintedNumber(sqlite: Sqlite): string {
  const count = sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM cards").get()!.n;
  for (let n = count + 1; n < count + 1000; n++) {
    const candidate = `T${String(n).padStart(6, "0")}`;
    if (!cardByPrintedNumber(sqlite, candidate)) return candidate;
  }
  fail("printed_number_exhausted", "no free printed number");
}

export function insertCard(tx: Tx, newId: IdFactory, random: RandomSource, input: NewCard): Card {
  const uid = input.uid ? normalizeCardUid(input.uid) : null;
  if (uid && cardByUid(tx.sqlite, uid)) fail("card_exists", `a card with UID ${uid} is already registered`);
  const printedNumber = input.printedNumber?.trim() || nextPrintedNumber(tx.sqlite);
  if (printedNumber.length > 32 || !/^[\w.-]+$/.test(printedNumber)) fail("printed_number_invalid", "a printed number is 1 to 32 letters, digits, . _ or -");
  if (cardByPrintedNumber(tx.sqlite, printedNumber)) fail("card_exists", `printed number ${printedNumber} is already registered`);
  const walletId = insertWallet(tx, newId);
  const nowMs = tx.stamp().atMs;
  const card: Card = {
    id: newId(),
    uid,
    printedNumber,
    qrId: toHex(random(16)),
    state: input.state ?? "new",
    walletId,
    replacedBy: null,
    createdAtMs: nowMs,
  };
  tx.sqlite
    .query("INSERT INTO cards (id, uid, printed_number, qr_id, state, wallet_id, replaced_by, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)")
    .run(card.id, card.uid, card.printedNumber, card.qrId, card.state, card.walletId, nowMs, nowMs);
  return card;
}

export function setCardState(tx: Tx, cardId: string, state: CardState, replacedBy: string | null = null): void {
  tx.sqlite.query("UPDATE cards SET state = ?, replaced_by = coalesce(?, replaced_by), updated_at_ms = ? WHERE id = ?").run(state, replacedBy, tx.stamp().atMs, cardId);
}

export function setCardWallet(tx: Tx, cardId: string, walletId: string): void {
  tx.sqlite.query("UPDATE cards SET wallet_id = ?, updated_at_ms = ? WHERE id = ?").run(walletId, tx.stamp().atMs, cardId);
}

export function bindCardUid(tx: Tx, cardId: string, uid: string): void {
  const bare = normalizeCardUid(uid);
  if (cardByUid(tx.sqlite, bare)) fail("card_exists", `a card with UID ${bare} is already registered`);
  tx.sqlite.query("UPDATE cards SET uid = ?, updated_at_ms = ? WHERE id = ?").run(bare, tx.stamp().atMs, cardId);
}

/** Parses a card-import CSV: a header with "uid" and/or "printed_number", one card a line. */
export function parseCardCsv(text: string): Array<{ uid?: string; printedNumber?: string; line: number }> {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).map((line) => line.trim());
  const header = (lines[0] ?? "").split(/[;,]/).map((cell) => cell.trim().toLowerCase());
  const uidAt = header.indexOf("uid");
  const numberAt = header.indexOf("printed_number");
  if (uidAt < 0 && numberAt < 0) fail("csv_invalid", "the first line must name the columns uid and/or printed_number");
  const rows: Array<{ uid?: string; printedNumber?: string; line: number }> = [];
  for (let index = 1; index < lines.length; index++) {
    if (!lines[index]) continue;
    if (rows.length >= CARD_IMPORT_LIMIT) fail("csv_too_large", `at most ${CARD_IMPORT_LIMIT} cards per import`);
    const cells = lines[index]!.split(/[;,]/).map((cell) => cell.trim());
    const row: { uid?: string; printedNumber?: string; line: number } = { line: index + 1 };
    if (uidAt >= 0 && cells[uidAt]) row.uid = cells[uidAt];
    if (numberAt >= 0 && cells[numberAt]) row.printedNumber = cells[numberAt];
    rows.push(row);
  }
  return rows;
}

export const CARD_IMPORT_LIMIT = 5_000;
