/**
 * Check-ins, exactly once. Every scan a door sends carries its own nonce and is recorded, refused
 * ones too; the same nonce again answers the first result and writes nothing. A scan is made on a
 * check-in list (checkin-lists.ts; the ticket's event's default list when the door names none),
 * as an entry or an exit. Checks, in order: the signature (event certificate and venue key),
 * revoked, wrong_event (a ticket of another event than the list's), product_not_admitted, unpaid
 * (its order is held or to be paid on site), not_yet_valid / expired (the ticket's window and the
 * list's; exits are never refused for the time), then already_redeemed for an entry (the ticket is
 * inside on this list; without re-entry: it entered on this list before) or not_inside for an exit.
 *
 * Admitted entries are numbered per list and ticket (1, then 2 after an exit where re-entry is
 * allowed); the writer runs one transaction at a time, and the unique index checkins_entry_once
 * on (list, ticket_id, entry_no) of admitted entries backs it up: one ticket enters once per turn
 * whatever the number of doors.
 *
 * Forced scans are uploaded by an offline door that already let the person in (forced, with the
 * door's scan time): a ticket that would have been admitted is admitted (forced = 1); any other
 * verdict is recorded as a "conflict" with its code, for the conflicts page. The person is inside
 * anyway, so a forced scan is never refused.
 */
import { fail, type IdFactory } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { type CertificateMemo } from "./certificate-memo.ts";
import { findCheckinList, LIST_ID_PATTERN, listAdmitsProduct, type CheckinList } from "./checkin-lists.ts";
import { findTicket } from "./issue.ts";
import { eventCertificate } from "./keys.ts";
import { decodeTicket, peekTicketEventId } from "./tickets.ts";

/** 8 to 128 characters of letters, digits and . _ : - */
export const NONCE_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
const EVENT_ID_PATTERN = /^[0-9A-Z]{26}$/;

export const CHECKIN_REFUSALS = [
  "qr_invalid",
  "invalid_signature",
  "revoked",
  "wrong_event",
  "product_not_admitted",
  "unpaid",
  "not_yet_valid",
  "expired",
  "already_redeemed",
  "not_inside",
] as const;
export type CheckinRefusal = (typeof CHECKIN_REFUSALS)[number];
export type CheckinDirection = "entry" | "exit";

/** Order states whose tickets are refused as unpaid at the door. */
const UNPAID_ORDER_STATES = ["held", "pay_on_site"] as const;

export interface CheckinInput {
  readonly qr: unknown;
  readonly nonce: unknown;
  readonly terminalId: string;
  readonly nowMs: number;
  /** The check-in list (its id); absent: the event's default list (event_id), else the ticket's event's. */
  readonly list?: unknown;
  /** The event the door admits to (older doors): its default list. */
  readonly eventId?: unknown;
  /** "entry" (default) or "exit". */
  readonly direction?: unknown;
  /** An offline door's upload of a scan it already let through. */
  readonly forced?: unknown;
  /** When the door scanned (ms); required when forced. */
  readonly scannedAtMs?: unknown;
}

/** The admitted entry that makes a later entry already_redeemed: when, and at which door. */
export interface FirstEntry {
  readonly atMs: number;
  readonly door: string;
}

interface OutcomeBase {
  readonly replayed: boolean;
  readonly checkinId: string;
  readonly atMs: number;
  readonly list: string | null;
  readonly direction: CheckinDirection;
  readonly forced: boolean;
  readonly scannedAtMs: number | null;
}

export type CheckinOutcome = OutcomeBase &
  (
    | { readonly result: "admitted"; readonly entryNo: number; readonly ticket: { readonly id: string; readonly product: string; readonly holder: string } }
    | { readonly result: "refused" | "conflict"; readonly code: CheckinRefusal; readonly ticketId: string | null; readonly redeemedAtMs?: number; readonly door?: string }
  );

interface CheckinRow {
  id: string;
  ticketId: string | null;
  device: string;
  result: "admitted" | "refused" | "conflict";
  code: CheckinRefusal | null;
  atMs: number;
  list: string | null;
  direction: CheckinDirection;
  entryNo: number | null;
  forced: number;
  scannedAtMs: number | null;
}

const ROW_SELECT =
  "SELECT id, ticket_id AS ticketId, device, result, code, at_ms AS atMs, list, direction, entry_no AS entryNo, forced, scanned_at_ms AS scannedAtMs FROM checkins";

export function doorName(sqlite: Sqlite, terminalId: string): string {
  return sqlite.query<{ name: string }, [string]>("SELECT name FROM terminals WHERE id = ?").get(terminalId)?.name ?? terminalId;
}

/**
 * The latest admitted entry of a ticket on a list recorded before the check-in `beforeId`
 * (insertion order: rowid), so that answering a scan again always names the same entry.
 */
function entryBefore(sqlite: Sqlite, list: string, ticketId: string, beforeId: string): FirstEntry | undefined {
  const row = sqlite
    .query<{ atMs: number; device: string }, [string, string, string]>(
      `SELECT at_ms AS atMs, device FROM checkins WHERE ticket_id = ? AND list = ? AND result = 'admitted' AND direction = 'entry'
        AND rowid < (SELECT rowid FROM checkins WHERE id = ?) ORDER BY entry_no DESC LIMIT 1`,
    )
    .get(ticketId, list, beforeId);
  return row ? { atMs: row.atMs, door: doorName(sqlite, row.device) } : undefined;
}

/** The answer a recorded scan gave (rebuilt the same way every time: recorded rows never change). */
function outcomeOf(sqlite: Sqlite, row: CheckinRow, replayed: boolean): CheckinOutcome {
  const base: OutcomeBase = { replayed, checkinId: row.id, atMs: row.atMs, list: row.list, direction: row.direction, forced: row.forced === 1, scannedAtMs: row.scannedAtMs };
  if (row.result === "admitted") {
    const ticket = findTicket(sqlite, row.ticketId!)!;
    return { ...base, result: "admitted", entryNo: row.entryNo!, ticket: { id: ticket.id, product: ticket.productName, holder: ticket.holderName } };
  }
  const code = row.code!;
  if (code === "already_redeemed" && row.ticketId && row.list) {
    const first = entryBefore(sqlite, row.list, row.ticketId, row.id);
    if (first) return { ...base, result: row.result, code, ticketId: row.ticketId, redeemedAtMs: first.atMs, door: first.door };
  }
  return { ...base, result: row.result, code, ticketId: row.ticketId };
}

/** How many admitted entries and exits a ticket has on a list. */
export function passesOf(sqlite: Sqlite, list: string, ticketId: string): { entries: number; exits: number } {
  const row = sqlite
    .query<{ entries: number | null; exits: number | null }, [string, string]>(
      "SELECT sum(direction = 'entry') AS entries, sum(direction = 'exit') AS exits FROM checkins WHERE ticket_id = ? AND list = ? AND result = 'admitted'",
    )
    .get(ticketId, list);
  return { entries: row?.entries ?? 0, exits: row?.exits ?? 0 };
}

/** An event's default list as stored, or as it was before lists existed (everything, no re-entry). */
function defaultList(sqlite: Sqlite, eventId: string): CheckinList {
  return findCheckinList(sqlite, eventId) ?? { id: eventId, eventId, name: "", productIds: [], allowReentry: false, validFromMs: null, validUntilMs: null, createdAtMs: 0, isDefault: true };
}

function orderUnpaid(sqlite: Sqlite, ticketId: string): boolean {
  const row = sqlite.query<{ state: string }, [string]>("SELECT o.state FROM tickets t JOIN orders o ON o.id = t.order_id WHERE t.id = ?").get(ticketId);
  return row !== null && (UNPAID_ORDER_STATES as readonly string[]).includes(row.state);
}

interface Verdict {
  readonly ticketId: string | null;
  readonly list: string | null;
  readonly code: CheckinRefusal | null;
  /** For an admitted scan: the entry number (an entry) or the entry it ends (an exit). */
  readonly entryNo: number | null;
}

function judge(sqlite: Sqlite, deps: CheckinDeps, qr: string, named: CheckinList | null, direction: CheckinDirection, atMs: number): Verdict {
  const listId = named?.id ?? null;
  const refuse = (code: CheckinRefusal, ticketId: string | null = null, list = listId): Verdict => ({ ticketId, list, code, entryNo: null });
  const eventId = peekTicketEventId(qr);
  if (eventId === undefined) return refuse("qr_invalid");
  let certificate;
  try {
    certificate = eventCertificate(sqlite, eventId);
  } catch {
    // No key of this box signed for that event: a forgery or another venue's ticket.
    return refuse("invalid_signature");
  }
  const decoded = deps.certificates ? decodeTicket(qr, certificate, deps.venuePublicKey, deps.certificates.check) : decodeTicket(qr, certificate, deps.venuePublicKey);
  if (!decoded.ok) return refuse(decoded.code);
  const ticket = findTicket(sqlite, decoded.ticket.ticketId);
  // Signed by this event's key but never issued here: treated as a forgery.
  if (!ticket) return refuse("invalid_signature");
  const list = named ?? defaultList(sqlite, ticket.eventId);
  const id = ticket.id;
  if (ticket.state === "revoked") return refuse("revoked", id, list.id);
  if (list.eventId !== ticket.eventId) return refuse("wrong_event", id, list.id);
  if (!listAdmitsProduct(list, ticket.productId)) return refuse("product_not_admitted", id, list.id);
  if (orderUnpaid(sqlite, id)) return refuse("unpaid", id, list.id);
  const passes = passesOf(sqlite, list.id, id);
  const inside = passes.entries > passes.exits;
  if (direction === "exit") {
    // Someone inside may always leave: exits are not refused for the time.
    if (!inside) return refuse("not_inside", id, list.id);
    return { ticketId: id, list: list.id, code: null, entryNo: passes.entries };
  }
  if (atMs < decoded.ticket.validFromMs || (list.validFromMs !== null && atMs < list.validFromMs)) return refuse("not_yet_valid", id, list.id);
  if (atMs > decoded.ticket.validUntilMs || (list.validUntilMs !== null && atMs > list.validUntilMs)) return refuse("expired", id, list.id);
  if (list.allowReentry ? inside : passes.entries > 0) return refuse("already_redeemed", id, list.id);
  return { ticketId: id, list: list.id, code: null, entryNo: passes.entries + 1 };
}

/** The request's fields checked; a malformed request is refused here and never recorded. */
function checkRequest(input: CheckinInput): { nonce: string; qr: string; listId: string | null; eventId: string | null; direction: CheckinDirection; forced: boolean; scannedAtMs: number | null } {
  if (typeof input.nonce !== "string" || !NONCE_PATTERN.test(input.nonce)) fail("nonce_invalid", "send a nonce of 8 to 128 characters [A-Za-z0-9._:-], new for every scan");
  if (typeof input.qr !== "string") fail("qr_invalid", "send the scanned text as qr");
  const listId = input.list === undefined || input.list === null || input.list === "" ? null : input.list;
  if (listId !== null && (typeof listId !== "string" || !LIST_ID_PATTERN.test(listId))) fail("list_invalid", "list is a check-in list's id");
  const eventId = input.eventId === undefined || input.eventId === null || input.eventId === "" ? null : input.eventId;
  if (eventId !== null && (typeof eventId !== "string" || !EVENT_ID_PATTERN.test(eventId))) fail("event_id_invalid", "event_id is an event's id");
  const direction = input.direction === undefined || input.direction === null || input.direction === "" ? "entry" : input.direction;
  if (direction !== "entry" && direction !== "exit") fail("direction_invalid", 'direction is "entry" or "exit"');
  const forced = input.forced === undefined || input.forced === null ? false : input.forced;
  if (typeof forced !== "boolean") fail("forced_invalid", "forced is true or false");
  const scannedAtMs = input.scannedAtMs === undefined || input.scannedAtMs === null ? null : input.scannedAtMs;
  if (scannedAtMs !== null && (typeof scannedAtMs !== "number" || !Number.isSafeInteger(scannedAtMs) || scannedAtMs <= 0 || scannedAtMs >= 2 ** 48)) fail("scanned_at_invalid", "scanned_at is a time in milliseconds");
  if (forced && scannedAtMs === null) fail("scanned_at_invalid", "a forced scan says when the door scanned it (scanned_at, ms)");
  return { nonce: input.nonce, qr: input.qr, listId, eventId, direction, forced, scannedAtMs };
}

/** The list the door names (list, else event_id's default list), or null; list_unknown when it names none of this box's. */
function namedList(sqlite: Sqlite, listId: string | null, eventId: string | null): CheckinList | null {
  if (listId === null && eventId === null) return null;
  const list = findCheckinList(sqlite, listId ?? eventId!);
  if (!list || (eventId !== null && list.eventId !== eventId)) fail("list_unknown", "no such check-in list (for this event)");
  return list;
}

export interface CheckinDeps {
  readonly newId: IdFactory;
  readonly venuePublicKey: Uint8Array;
  /** The box's memo of certificates verified before (one signature check a scan instead of two). */
  readonly certificates?: CertificateMemo | undefined;
}

/**
 * Scans one ticket at a door. Throws only on a malformed request (nonce_invalid, qr_invalid when
 * the qr is not text, list_invalid, list_unknown, event_id_invalid, direction_invalid,
 * forced_invalid, scanned_at_invalid): those are not scans and are not recorded. Every other
 * answer, refusals and conflicts included, is recorded under its nonce in this transaction.
 */
export function performCheckin(tx: Tx, deps: CheckinDeps, input: CheckinInput): CheckinOutcome {
  const request = checkRequest(input);
  const seen = tx.sqlite.query<CheckinRow, [string]>(`${ROW_SELECT} WHERE nonce = ?`).get(request.nonce);
  if (seen) return outcomeOf(tx.sqlite, seen, true);
  const named = namedList(tx.sqlite, request.listId, request.eventId);
  // An offline door judged the ticket at its own time; the box judges it at the same time.
  const judgedAtMs = request.forced ? request.scannedAtMs! : input.nowMs;
  const verdict = judge(tx.sqlite, deps, request.qr, named, request.direction, judgedAtMs);
  const result = verdict.code === null ? "admitted" : request.forced ? "conflict" : "refused";
  const row: CheckinRow = {
    id: deps.newId(),
    ticketId: verdict.ticketId,
    device: input.terminalId,
    result,
    code: verdict.code,
    atMs: input.nowMs,
    list: verdict.list,
    direction: request.direction,
    entryNo: verdict.entryNo,
    forced: request.forced ? 1 : 0,
    scannedAtMs: request.scannedAtMs,
  };
  tx.sqlite
    .query("INSERT INTO checkins (id, ticket_id, nonce, device, result, code, at_ms, list, direction, entry_no, forced, scanned_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    .run(row.id, row.ticketId, request.nonce, row.device, row.result, row.code, row.atMs, row.list, row.direction, row.entryNo, row.forced, row.scannedAtMs);
  return outcomeOf(tx.sqlite, row, false);
}

/** The scans recorded for a ticket, oldest first (tests, the ticket's page). */
export function checkinsOf(sqlite: Sqlite, ticketId: string): { result: string; code: string | null; atMs: number; device: string; list: string | null; direction: string; entryNo: number | null; forced: boolean; scannedAtMs: number | null }[] {
  return sqlite
    .query<{ result: string; code: string | null; atMs: number; device: string; list: string | null; direction: string; entryNo: number | null; forced: number; scannedAtMs: number | null }, [string]>(
      "SELECT result, code, at_ms AS atMs, device, list, direction, entry_no AS entryNo, forced, scanned_at_ms AS scannedAtMs FROM checkins WHERE ticket_id = ? ORDER BY rowid",
    )
    .all(ticketId)
    .map((row) => ({ ...row, forced: row.forced === 1 }));
}

/** At most this many tickets answer a door's search. */
export const DOOR_SEARCH_ROWS = 20;

export interface DoorTicketRow {
  readonly id: string;
  readonly holder: string;
  readonly product: string;
  readonly state: "valid" | "revoked";
  /** Its first admitted entry (on the list given, else on any). */
  readonly admittedAtMs: number | null;
  /** Its order is not paid yet (held or to pay on site): the door will refuse it as unpaid. */
  readonly unpaid: boolean;
}

/** An event's tickets whose holder's name contains `query`, or whose number (id) starts or ends with it; bounded. */
export function searchEventTickets(sqlite: Sqlite, eventId: string, query: string, listId: string | null = null): DoorTicketRow[] {
  const text = query.trim().slice(0, 100);
  if (text.length < 2) return [];
  const like = `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
  const id = text.toUpperCase();
  const unpaidStates = UNPAID_ORDER_STATES.map((state) => `'${state}'`).join(", ");
  return sqlite
    .query<Omit<DoorTicketRow, "unpaid"> & { unpaid: number | null }, [string | null, string | null, string, string, string, string, number]>(
      `SELECT t.id, t.holder_name AS holder, p.name AS product, t.state,
        (SELECT min(c.at_ms) FROM checkins c WHERE c.ticket_id = t.id AND c.result = 'admitted' AND c.direction = 'entry' AND (? IS NULL OR c.list = ?)) AS admittedAtMs,
        (SELECT o.state IN (${unpaidStates}) FROM orders o WHERE o.id = t.order_id) AS unpaid
       FROM tickets t JOIN ticket_products p ON p.id = t.product_id
       WHERE t.event_id = ? AND (t.holder_name LIKE ? ESCAPE '\\' OR t.id LIKE ? || '%' OR t.id LIKE '%' || ?)
       ORDER BY t.holder_name, t.id LIMIT ?`,
    )
    .all(listId, listId, eventId, like, id, id, DOOR_SEARCH_ROWS)
    .map((row) => ({ ...row, unpaid: row.unpaid === 1 }));
}

export interface CheckinCounts {
  readonly products: readonly { readonly name: string; readonly admitted: number; readonly issued: number }[];
  readonly admitted: number;
  readonly issued: number;
}

/** How many of an event's valid tickets entered (on any of its lists), per product and in all. */
export function checkinCounts(sqlite: Sqlite, eventId: string): CheckinCounts {
  const products = sqlite
    .query<{ name: string; admitted: number; issued: number }, [string]>(
      `SELECT p.name,
        (SELECT count(*) FROM tickets t WHERE t.product_id = p.id AND t.state = 'valid') AS issued,
        (SELECT count(DISTINCT c.ticket_id) FROM checkins c JOIN tickets t ON t.id = c.ticket_id WHERE t.product_id = p.id AND c.result = 'admitted' AND c.direction = 'entry') AS admitted
       FROM ticket_products p WHERE p.event_id = ? ORDER BY p.position, p.created_at_ms, p.rowid`,
    )
    .all(eventId);
  return { products, admitted: products.reduce((sum, row) => sum + row.admitted, 0), issued: products.reduce((sum, row) => sum + row.issued, 0) };
}

export interface ListCounts extends CheckinCounts {
  /** Admitted entries minus admitted exits on this list: the people inside now. */
  readonly inside: number;
}

/**
 * A list's counters: per product it admits, the valid tickets and how many of them entered at
 * least once; and how many are inside now. Read through the event's tickets (indexed), so the
 * cost follows the event's size, not the whole check-in history.
 */
export function listCounts(sqlite: Sqlite, list: CheckinList): ListCounts {
  const rows = sqlite
    .query<{ id: string; name: string; issued: number; admitted: number }, [string, string]>(
      `SELECT p.id, p.name,
        (SELECT count(*) FROM tickets t WHERE t.product_id = p.id AND t.state = 'valid') AS issued,
        (SELECT count(*) FROM tickets t JOIN checkins c ON c.ticket_id = t.id
          WHERE t.product_id = p.id AND c.list = ? AND c.result = 'admitted' AND c.direction = 'entry' AND c.entry_no = 1) AS admitted
       FROM ticket_products p WHERE p.event_id = ? ORDER BY p.position, p.created_at_ms, p.rowid`,
    )
    .all(list.id, list.eventId);
  const products = rows.filter((row) => listAdmitsProduct(list, row.id)).map(({ name, issued, admitted }) => ({ name, issued, admitted }));
  const inside =
    sqlite
      .query<{ inside: number | null }, [string, string]>(
        `SELECT sum(CASE c.direction WHEN 'entry' THEN 1 ELSE -1 END) AS inside FROM tickets t JOIN checkins c ON c.ticket_id = t.id
         WHERE t.event_id = ? AND c.list = ? AND c.result = 'admitted'`,
      )
      .get(list.eventId, list.id)?.inside ?? 0;
  return { products, inside, admitted: products.reduce((sum, row) => sum + row.admitted, 0), issued: products.reduce((sum, row) => sum + row.issued, 0) };
}
