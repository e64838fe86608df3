/**
 * Check-in lists: what a door admits. A list belongs to one event and says which of its products
 * it lets in (none named: all), whether a ticket may come back in after an exit, and when it is
 * open (besides the tickets' own window). Every event has a default list whose id is the event's
 * id (created with the event, backfilled for older ones); it may be renamed, never deleted.
 * Lists with check-ins are kept too: the check-ins name their list.
 */
import { fail, type IdFactory } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { findEvent } from "./events.ts";

export const CHECKIN_LIST_LIMITS = { nameChars: 100, perEvent: 20, products: 100 } as const;

/** An id as the box makes them (ULID): lists, events and products. */
export const LIST_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export interface CheckinList {
  readonly id: string;
  readonly eventId: string;
  readonly name: string;
  /** The products it admits; empty: every product of the event. */
  readonly productIds: readonly string[];
  readonly allowReentry: boolean;
  /** When the list opens and closes; null: the tickets' own window alone. */
  readonly validFromMs: number | null;
  readonly validUntilMs: number | null;
  readonly createdAtMs: number;
  /** The event's default list (its id is the event's). */
  readonly isDefault: boolean;
}

export interface CheckinListInput {
  /** Absent to create. */
  readonly id?: string | undefined;
  readonly eventId: string;
  readonly name: string;
  readonly productIds: readonly string[];
  readonly allowReentry: boolean;
  readonly validFromMs: number | null;
  readonly validUntilMs: number | null;
}

interface ListRow {
  id: string;
  eventId: string;
  name: string;
  productIds: string;
  allowReentry: number;
  validFromMs: number | null;
  validUntilMs: number | null;
  createdAtMs: number;
}

const LIST_SELECT = `SELECT id, event_id AS eventId, name, product_ids AS productIds, allow_reentry AS allowReentry,
  valid_from_ms AS validFromMs, valid_until_ms AS validUntilMs, created_at_ms AS createdAtMs FROM checkin_lists`;

function listOf(row: ListRow): CheckinList {
  const parsed: unknown = JSON.parse(row.productIds);
  const productIds = Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === "string") : [];
  return { ...row, productIds, allowReentry: row.allowReentry === 1, isDefault: row.id === row.eventId };
}

export function findCheckinList(sqlite: Sqlite, id: string): CheckinList | undefined {
  const row = sqlite.query<ListRow, [string]>(`${LIST_SELECT} WHERE id = ?`).get(id);
  return row ? listOf(row) : undefined;
}

/** An event's lists, the default one first. */
export function listCheckinLists(sqlite: Sqlite, eventId: string): CheckinList[] {
  return sqlite
    .query<ListRow, [string, string, number]>(`${LIST_SELECT} WHERE event_id = ? ORDER BY id = ? DESC, created_at_ms, id LIMIT ?`)
    .all(eventId, eventId, CHECKIN_LIST_LIMITS.perEvent + 1)
    .map(listOf);
}

function isInstant(ms: number | null): boolean {
  return ms === null || (Number.isSafeInteger(ms) && ms > 0 && ms < 2 ** 48);
}

/** The products named, checked against the event's (deduplicated, in the order given). */
function checkProducts(sqlite: Sqlite, eventId: string, productIds: readonly string[]): string[] {
  const unique = [...new Set(productIds)];
  if (unique.length > CHECKIN_LIST_LIMITS.products) fail("list_products_invalid", `a list names at most ${CHECKIN_LIST_LIMITS.products} products`);
  const ofEvent = new Set(sqlite.query<{ id: string }, [string]>("SELECT id FROM ticket_products WHERE event_id = ?").all(eventId).map((row) => row.id));
  for (const id of unique) if (!ofEvent.has(id)) fail("list_products_invalid", "a list admits only products of its event");
  return unique;
}

/**
 * Creates a list (no id) or changes one. Refusals: list_name_required, list_name_too_long,
 * list_products_invalid (a product of another event, or too many), list_window_invalid (the end
 * at or before the start, or not instants), list_limit (20 lists an event), event_unknown,
 * list_unknown.
 */
export function saveCheckinList(tx: Tx, deps: { readonly newId: IdFactory }, input: CheckinListInput): CheckinList {
  const name = input.name.trim();
  if (!name) fail("list_name_required", "a check-in list needs a name");
  if (name.length > CHECKIN_LIST_LIMITS.nameChars) fail("list_name_too_long", `a list name has at most ${CHECKIN_LIST_LIMITS.nameChars} characters`);
  if (!isInstant(input.validFromMs) || !isInstant(input.validUntilMs)) fail("list_window_invalid", "a list opens and closes at instants");
  if (input.validFromMs !== null && input.validUntilMs !== null && input.validUntilMs <= input.validFromMs) fail("list_window_invalid", "a list closes after it opens");
  if (!findEvent(tx.sqlite, input.eventId)) fail("event_unknown", "no such event");
  const productIds = JSON.stringify(checkProducts(tx.sqlite, input.eventId, input.productIds));
  const reentry = input.allowReentry ? 1 : 0;
  if (input.id === undefined) {
    if (listCheckinLists(tx.sqlite, input.eventId).length >= CHECKIN_LIST_LIMITS.perEvent) fail("list_limit", `an event has at most ${CHECKIN_LIST_LIMITS.perEvent} check-in lists`);
    const id = deps.newId();
    tx.sqlite
      .query("INSERT INTO checkin_lists (id, event_id, name, product_ids, allow_reentry, valid_from_ms, valid_until_ms, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(id, input.eventId, name, productIds, reentry, input.validFromMs, input.validUntilMs, tx.stamp().atMs);
    return findCheckinList(tx.sqlite, id)!;
  }
  const before = findCheckinList(tx.sqlite, input.id);
  if (!before || before.eventId !== input.eventId) fail("list_unknown", "no such check-in list");
  tx.sqlite
    .query("UPDATE checkin_lists SET name = ?, product_ids = ?, allow_reentry = ?, valid_from_ms = ?, valid_until_ms = ? WHERE id = ?")
    .run(name, productIds, reentry, input.validFromMs, input.validUntilMs, input.id);
  return findCheckinList(tx.sqlite, input.id)!;
}

/** Deletes a list nobody scanned on yet. Refusals: list_unknown, list_default (the event's own), list_in_use. */
export function deleteCheckinList(tx: Tx, id: string): CheckinList {
  const list = findCheckinList(tx.sqlite, id);
  if (!list) fail("list_unknown", "no such check-in list");
  if (list.isDefault) fail("list_default", "an event's default list is kept");
  if (tx.sqlite.query<{ one: number }, [string]>("SELECT 1 AS one FROM checkins WHERE list = ? LIMIT 1").get(id)) fail("list_in_use", "this list has check-ins: it is kept");
  tx.sqlite.query("DELETE FROM checkin_lists WHERE id = ?").run(id);
  return list;
}

/** Whether the list admits this product. */
export function listAdmitsProduct(list: CheckinList, productId: string): boolean {
  return list.productIds.length === 0 || list.productIds.includes(productId);
}
