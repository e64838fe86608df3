/**
 * Check-ins, exactly once. Every scan a door sends carries its own nonce and is recorded, refused
 * ones too; the same nonce again answers the first result and writes nothing; a ticket is admitted
 * once whatever the number of doors (the writer runs one transaction at a time, and a partial
 * unique index on admitted rows backs it up). Checks, in order: the signature (event certificate
 * and venue key), revoked, wrong_event, not_yet_valid, expired, already_redeemed.
 */
import { fail, type IdFactory } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { findTicket } from "./issue.ts";
import { eventCertificate } from "./keys.ts";
import { decodeTicket, peekTicketEventId } from "./tickets.ts";

/** 8 to 128 characters of letters, digits and . _ : - */
export const NONCE_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
const EVENT_ID_PATTERN = /^[0-9A-Z]{26}$/;

export const CHECKIN_REFUSALS = ["qr_invalid", "invalid_signature", "revoked", "wrong_event", "not_yet_valid", "expired", "already_redeemed"] as const;
export type CheckinRefusal = (typeof CHECKIN_REFUSALS)[number];

export interface CheckinInput {
  readonly qr: unknown;
  readonly nonce: unknown;
  readonly terminalId: string;
  readonly nowMs: number;
  /** The event the door admits to, if it says; a ticket for another is wrong_event. */
  readonly eventId?: unknown;
}

export type CheckinOutcome = { readonly replayed: boolean; readonly checkinId: string; readonly atMs: number } & (
  | { readonly result: "admitted"; readonly ticket: { readonly id: string; readonly product: string; readonly holder: string } }
  | { readonly result: "refused"; readonly code: CheckinRefusal; readonly ticketId: string | null; readonly redeemedAtMs?: number; readonly door?: string }
);

interface CheckinRow {
  id: string;
  ticketId: string | null;
  device: string;
  result: "admitted" | "refused";
  code: CheckinRefusal | null;
  atMs: number;
}

const ROW_SELECT = "SELECT id, ticket_id AS ticketId, device, result, code, at_ms AS atMs FROM checkins";

function doorName(sqlite: Sqlite, terminalId: string): string {
  return sqlite.query<{ name: string }, [string]>("SELECT name FROM terminals WHERE id = ?").get(terminalId)?.name ?? terminalId;
}

function admittedRow(sqlite: Sqlite, ticketId: string): CheckinRow | undefined {
  return sqlite.query<CheckinRow, [string]>(`${ROW_SELECT} WHERE ticket_id = ? AND result = 'admitted'`).get(ticketId) ?? undefined;
}

/** The answer a recorded scan gave (rebuilt the same way every time: the admitted row never changes). */
function outcomeOf(sqlite: Sqlite, row: CheckinRow, replayed: boolean): CheckinOutcome {
  const base = { replayed, checkinId: row.id, atMs: row.atMs };
  if (row.result === "admitted") {
    const ticket = findTicket(sqlite, row.ticketId!)!;
    return { ...base, result: "admitted", ticket: { id: ticket.id, product: ticket.productName, holder: ticket.holderName } };
  }
  const code = row.code!;
  if (code === "already_redeemed" && row.ticketId) {
    const first = admittedRow(sqlite, row.ticketId);
    if (first) return { ...base, result: "refused", code, ticketId: row.ticketId, redeemedAtMs: first.atMs, door: doorName(sqlite, first.device) };
  }
  return { ...base, result: "refused", code, ticketId: row.ticketId };
}

function judge(sqlite: Sqlite, venuePublicKey: Uint8Array, qr: string, eventId: string | null, nowMs: number): { ticketId: string | null; code: CheckinRefusal | null } {
  const named = peekTicketEventId(qr);
  if (named === undefined) return { ticketId: null, code: "qr_invalid" };
  let certificate;
  try {
    certificate = eventCertificate(sqlite, named);
  } catch {
    // No key of this box signed for that event: a forgery or another venue's ticket.
    return { ticketId: null, code: "invalid_signature" };
  }
  const decoded = decodeTicket(qr, certificate, venuePublicKey);
  if (!decoded.ok) return { ticketId: null, code: decoded.code };
  const ticket = findTicket(sqlite, decoded.ticket.ticketId);
  // Signed by this event's key but never issued here: treated as a forgery.
  if (!ticket) return { ticketId: null, code: "invalid_signature" };
  if (ticket.state === "revoked") return { ticketId: ticket.id, code: "revoked" };
  if (eventId !== null && eventId !== ticket.eventId) return { ticketId: ticket.id, code: "wrong_event" };
  if (nowMs < decoded.ticket.validFromMs) return { ticketId: ticket.id, code: "not_yet_valid" };
  if (nowMs > decoded.ticket.validUntilMs) return { ticketId: ticket.id, code: "expired" };
  if (admittedRow(sqlite, ticket.id)) return { ticketId: ticket.id, code: "already_redeemed" };
  return { ticketId: ticket.id, code: null };
}

/**
 * Scans one ticket at a door. Throws only on a malformed request (nonce_invalid, qr_invalid when
 * the qr is not text, event_id_invalid): those are not scans and are not recorded. Every other
 * answer, refusals included, is recorded under its nonce in this transaction.
 */
export function performCheckin(tx: Tx, deps: { readonly newId: IdFactory; readonly venuePublicKey: Uint8Array }, input: CheckinInput): CheckinOutcome {
  if (typeof input.nonce !== "string" || !NONCE_PATTERN.test(input.nonce)) fail("nonce_invalid", "send a nonce of 8 to 128 characters [A-Za-z0-9._:-], new for every scan");
  if (typeof input.qr !== "string") fail("qr_invalid", "send the scanned text as qr");
  const eventId = input.eventId === undefined || input.eventId === null ? null : input.eventId;
  if (eventId !== null && (typeof eventId !== "string" || !EVENT_ID_PATTERN.test(eventId))) fail("event_id_invalid", "event_id is an event's id");
  const seen = tx.sqlite.query<CheckinRow, [string]>(`${ROW_SELECT} WHERE nonce = ?`).get(input.nonce);
  if (seen) return outcomeOf(tx.sqlite, seen, true);
  const verdict = judge(tx.sqlite, deps.venuePublicKey, input.qr, eventId, input.nowMs);
  const row: CheckinRow = { id: deps.newId(), ticketId: verdict.ticketId, device: input.terminalId, result: verdict.code === null ? "admitted" : "refused", code: verdict.code, atMs: input.nowMs };
  tx.sqlite
    .query("INSERT INTO checkins (id, ticket_id, nonce, device, result, code, at_ms, list, entry_no) VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT event_id FROM tickets WHERE id = ?), ?)")
    .run(row.id, row.ticketId, input.nonce, row.device, row.result, row.code, row.atMs, row.ticketId, row.result === "admitted" ? 1 : null);
  return outcomeOf(tx.sqlite, row, false);
}

/** How many scans are recorded for a ticket (tests, counters later). */
export function checkinsOf(sqlite: Sqlite, ticketId: string): { result: string; code: string | null; atMs: number; device: string }[] {
  return sqlite.query<{ result: string; code: string | null; atMs: number; device: string }, [string]>("SELECT result, code, at_ms AS atMs, device FROM checkins WHERE ticket_id = ? ORDER BY at_ms, id").all(ticketId);
}

/** At most this many tickets answer a door's search. */
export const DOOR_SEARCH_ROWS = 20;

export interface DoorTicketRow {
  readonly id: string;
  readonly holder: string;
  readonly product: string;
  readonly state: "valid" | "revoked";
  readonly admittedAtMs: number | null;
}

/** An event's tickets whose holder's name contains `query`, or whose number (id) starts or ends with it; bounded. */
export function searchEventTickets(sqlite: Sqlite, eventId: string, query: string): DoorTicketRow[] {
  const text = query.trim().slice(0, 100);
  if (text.length < 2) return [];
  const like = `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
  const id = text.toUpperCase();
  return sqlite
    .query<DoorTicketRow, [string, string, string, string, number]>(
      `SELECT t.id, t.holder_name AS holder, p.name AS product, t.state,
        (SELECT c.at_ms FROM checkins c WHERE c.ticket_id = t.id AND c.result = 'admitted') AS admittedAtMs
       FROM tickets t JOIN ticket_products p ON p.id = t.product_id
       WHERE t.event_id = ? AND (t.holder_name LIKE ? ESCAPE '\\' OR t.id LIKE ? || '%' OR t.id LIKE '%' || ?)
       ORDER BY t.holder_name, t.id LIMIT ?`,
    )
    .all(eventId, like, id, id, DOOR_SEARCH_ROWS);
}

export interface CheckinCounts {
  readonly products: readonly { readonly name: string; readonly admitted: number; readonly issued: number }[];
  readonly admitted: number;
  readonly issued: number;
}

/** How many of an event's valid tickets are checked in, per product and in all. */
export function checkinCounts(sqlite: Sqlite, eventId: string): CheckinCounts {
  const products = sqlite
    .query<{ name: string; admitted: number; issued: number }, [string]>(
      `SELECT p.name,
        (SELECT count(*) FROM tickets t WHERE t.product_id = p.id AND t.state = 'valid') AS issued,
        (SELECT count(*) FROM checkins c JOIN tickets t ON t.id = c.ticket_id WHERE t.product_id = p.id AND c.result = 'admitted') AS admitted
       FROM ticket_products p WHERE p.event_id = ? ORDER BY p.created_at_ms, p.id`,
    )
    .all(eventId);
  return { products, admitted: products.reduce((sum, row) => sum + row.admitted, 0), issued: products.reduce((sum, row) => sum + row.issued, 0) };
}
