/**
 * What an offline door keeps (docs/api.md, "GET /api/v1/door/snapshot"): the venue's public key,
 * the event and its certificate (enough to verify any of its tickets' signatures), the list, and
 * the event's tickets with their state and whether each would be refused as already_redeemed on
 * this list now. Bounded: at most SNAPSHOT_LIMITS.tickets tickets (the rest is cut, `truncated`);
 * a door still verifies a ticket it does not know by its signature. The etag is a digest of the
 * content (everything but generated_at), so a door asks again with If-None-Match and gets 304
 * while nothing changed. Also the conflicts of forced uploads, for the event's pages.
 */
import { createHash } from "node:crypto";
import { toHex } from "../kernel/index.ts";
import type { Sqlite } from "../db/index.ts";
import { findCheckinList, type CheckinList } from "./checkin-lists.ts";
import { doorName } from "./checkins.ts";
import { findEvent } from "./events.ts";
import { eventCertificate, type EventCertificate } from "./keys.ts";

export const SNAPSHOT_LIMITS = { tickets: 50_000, conflictRows: 500 } as const;

export interface SnapshotTicket {
  readonly id: string;
  readonly product_id: string;
  readonly holder: string;
  readonly state: "valid" | "revoked" | "unpaid";
  /** When it entered on this list, while that refuses another entry (inside, or entered on a list without re-entry); else null. */
  readonly admitted_at: number | null;
}

export interface DoorSnapshot {
  readonly venue_public_key: string;
  readonly event: { readonly id: string; readonly title: string; readonly starts: number; readonly ends: number; readonly doors: number };
  readonly certificate: EventCertificate;
  readonly list: { readonly id: string; readonly name: string; readonly product_ids: readonly string[]; readonly allow_reentry: boolean; readonly valid_from: number | null; readonly valid_until: number | null };
  readonly tickets: readonly SnapshotTicket[];
  readonly revoked: readonly string[];
  /** More tickets than SNAPSHOT_LIMITS.tickets: the rest are not listed. */
  readonly truncated: boolean;
  readonly generated_at: number;
  readonly etag: string;
}

interface TicketRow {
  id: string;
  productId: string;
  holder: string;
  state: "valid" | "revoked" | "unpaid";
}

function ticketsOf(sqlite: Sqlite, list: CheckinList): { tickets: SnapshotTicket[]; truncated: boolean } {
  const rows = sqlite
    .query<TicketRow, [string, number]>(
      `SELECT t.id, t.product_id AS productId, t.holder_name AS holder,
        CASE WHEN t.state = 'revoked' THEN 'revoked' WHEN o.state IN ('held', 'pay_on_site') THEN 'unpaid' ELSE 'valid' END AS state
       FROM tickets t LEFT JOIN orders o ON o.id = t.order_id WHERE t.event_id = ? ORDER BY t.id LIMIT ?`,
    )
    .all(list.eventId, SNAPSHOT_LIMITS.tickets + 1);
  const passes = new Map(
    sqlite
      .query<{ id: string; entries: number; exits: number; lastEntryMs: number | null }, [string, string]>(
        `SELECT t.id, sum(c.direction = 'entry') AS entries, sum(c.direction = 'exit') AS exits, max(CASE WHEN c.direction = 'entry' THEN c.at_ms END) AS lastEntryMs
         FROM tickets t JOIN checkins c ON c.ticket_id = t.id WHERE t.event_id = ? AND c.list = ? AND c.result = 'admitted' GROUP BY t.id`,
      )
      .all(list.eventId, list.id)
      .map((row) => [row.id, row]),
  );
  const tickets = rows.slice(0, SNAPSHOT_LIMITS.tickets).map((row): SnapshotTicket => {
    const pass = passes.get(row.id);
    const blocked = pass !== undefined && (list.allowReentry ? pass.entries > pass.exits : pass.entries > 0);
    return { id: row.id, product_id: row.productId, holder: row.holder, state: row.state, admitted_at: blocked ? pass.lastEntryMs : null };
  });
  return { tickets, truncated: rows.length > SNAPSHOT_LIMITS.tickets };
}

/** The snapshot of a list at `nowMs`; list_unknown when there is no such list. */
export function doorSnapshot(sqlite: Sqlite, venuePublicKey: Uint8Array, listId: string, nowMs: number): DoorSnapshot | undefined {
  const list = findCheckinList(sqlite, listId);
  if (!list) return undefined;
  const event = findEvent(sqlite, list.eventId)!;
  const { tickets, truncated } = ticketsOf(sqlite, list);
  const revoked = sqlite.query<{ id: string }, [string, number]>("SELECT id FROM tickets WHERE event_id = ? AND state = 'revoked' ORDER BY id LIMIT ?").all(list.eventId, SNAPSHOT_LIMITS.tickets).map((row) => row.id);
  const content = {
    venue_public_key: toHex(venuePublicKey),
    event: { id: event.id, title: event.title, starts: event.startsAtMs, ends: event.endsAtMs, doors: event.doorsAtMs },
    certificate: eventCertificate(sqlite, event.id),
    list: { id: list.id, name: list.name, product_ids: list.productIds, allow_reentry: list.allowReentry, valid_from: list.validFromMs, valid_until: list.validUntilMs },
    tickets,
    revoked,
    truncated,
  };
  const etag = createHash("sha256").update(JSON.stringify(content)).digest("hex").slice(0, 32);
  return { ...content, generated_at: nowMs, etag };
}

export interface CheckinConflict {
  readonly id: string;
  readonly ticketId: string | null;
  readonly holder: string | null;
  readonly product: string | null;
  readonly code: string;
  readonly listName: string;
  /** The offline door that let the person in, when it scanned, and when it uploaded. */
  readonly door: string;
  readonly scannedAtMs: number | null;
  readonly uploadedAtMs: number;
  /** The entry that was there first (already_redeemed): when and at which door. */
  readonly first: { readonly atMs: number; readonly door: string } | null;
}

/** How many forced scans of an event's lists ended in a conflict. */
export function conflictCount(sqlite: Sqlite, eventId: string): number {
  return sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM checkins WHERE result = 'conflict' AND list IN (SELECT id FROM checkin_lists WHERE event_id = ?)").get(eventId)?.n ?? 0;
}

/** An event's conflicts, newest first, bounded. */
export function listConflicts(sqlite: Sqlite, eventId: string): CheckinConflict[] {
  const rows = sqlite
    .query<{ id: string; ticketId: string | null; holder: string | null; product: string | null; code: string; list: string; listName: string; device: string; scannedAtMs: number | null; atMs: number }, [string, number]>(
      `SELECT c.id, c.ticket_id AS ticketId, t.holder_name AS holder, p.name AS product, c.code, c.list, l.name AS listName, c.device, c.scanned_at_ms AS scannedAtMs, c.at_ms AS atMs
       FROM checkins c JOIN checkin_lists l ON l.id = c.list LEFT JOIN tickets t ON t.id = c.ticket_id LEFT JOIN ticket_products p ON p.id = t.product_id
       WHERE c.result = 'conflict' AND l.event_id = ? ORDER BY c.rowid DESC LIMIT ?`,
    )
    .all(eventId, SNAPSHOT_LIMITS.conflictRows);
  const first = sqlite.query<{ atMs: number; device: string }, [string, string, string]>(
    `SELECT at_ms AS atMs, device FROM checkins WHERE ticket_id = ? AND list = ? AND result = 'admitted' AND direction = 'entry'
      AND rowid < (SELECT rowid FROM checkins WHERE id = ?) ORDER BY entry_no DESC LIMIT 1`,
  );
  return rows.map((row) => {
    const entry = row.ticketId && row.code === "already_redeemed" ? first.get(row.ticketId, row.list, row.id) : null;
    return {
      id: row.id,
      ticketId: row.ticketId,
      holder: row.holder,
      product: row.product,
      code: row.code,
      listName: row.listName,
      door: doorName(sqlite, row.device),
      scannedAtMs: row.scannedAtMs,
      uploadedAtMs: row.atMs,
      first: entry ? { atMs: entry.atMs, door: doorName(sqlite, entry.device) } : null,
    };
  });
}
