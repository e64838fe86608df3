/**
 * What an offline door answers to a scan, from what it kept of the box (docs/door.md, "Offline"):
 * the snapshot of its check-in list (GET /door/snapshot: venue key, the event's certificate, the
 * list's rules, the tickets with their state and whether each is inside, the revoked ids) and
 * the entries this door let through since. The checks run in the box's order (performCheckin):
 * the text and its signature, revoked, wrong_event, product_not_admitted, unpaid, then for an
 * exit not_inside, for an entry the ticket's and the list's windows and already_redeemed (inside
 * now where re-entry is allowed, else entered before). A ticket the snapshot does not list (sold after it
 * was taken) is let in on its signature alone, as pretix does: the signature proves the box
 * issued it. Pure: time comes as an argument, nothing is stored here.
 */
import { doorTicketChecker, peekDoorTicketEventId, ticketWindowRefusal, type DoorCertificate, type DoorVerdict } from "./door-verify.ts";

/** One ticket as the snapshot lists it. */
export interface SnapshotTicket {
  readonly id: string;
  readonly product_id: string;
  readonly holder: string;
  readonly state: "valid" | "revoked" | "unpaid";
  /** When it entered on this list, while that refuses another entry; else null. */
  readonly admitted_at: number | null;
}

/** The body of GET /door/snapshot?list=ID (docs/api.md). */
export interface DoorSnapshot {
  readonly venue_public_key: string;
  readonly event: { readonly id: string; readonly title: string; readonly starts: number; readonly ends: number; readonly doors: number };
  readonly certificate: DoorCertificate;
  readonly list: {
    readonly id: string;
    readonly name: string;
    readonly product_ids: readonly string[];
    readonly allow_reentry: boolean;
    readonly valid_from: number | null;
    readonly valid_until: number | null;
  };
  readonly tickets: readonly SnapshotTicket[];
  readonly revoked: readonly string[];
  readonly truncated?: boolean;
  readonly generated_at: number;
  readonly etag: string;
}

export type OfflineRefusal = "qr_invalid" | "invalid_signature" | "revoked" | "wrong_event" | "product_not_admitted" | "unpaid" | "not_yet_valid" | "expired" | "already_redeemed" | "not_inside";
export type Direction = "entry" | "exit";

/** What this door did with a ticket since the snapshot: its last pass, and whether that left the person inside. */
export interface LocalPass {
  readonly atMs: number;
  readonly inside: boolean;
}

export type OfflineVerdict =
  | { readonly result: "admitted"; readonly direction: Direction; readonly ticketId: string; readonly productId: string; readonly holder: string | null }
  | { readonly result: "refused"; readonly code: OfflineRefusal; readonly ticketId: string | null; readonly atMs?: number };

/** A snapshot made ready for scans: the certificate checked once, tickets by id. */
export interface OfflineList {
  readonly snapshot: DoorSnapshot;
  readonly check: (text: string) => DoorVerdict;
  readonly tickets: ReadonlyMap<string, SnapshotTicket>;
  readonly revoked: ReadonlySet<string>;
}

/** Whether a parsed value has the snapshot's shape (a box of another version, or a login page, has not). */
export function isDoorSnapshot(value: unknown): value is DoorSnapshot {
  if (value === null || typeof value !== "object") return false;
  const snapshot = value as Partial<DoorSnapshot>;
  return (
    typeof snapshot.venue_public_key === "string" &&
    typeof snapshot.etag === "string" &&
    typeof snapshot.generated_at === "number" &&
    snapshot.certificate !== null &&
    typeof snapshot.certificate === "object" &&
    snapshot.list !== null &&
    typeof snapshot.list === "object" &&
    typeof snapshot.list.id === "string" &&
    Array.isArray(snapshot.list.product_ids) &&
    snapshot.event !== null &&
    typeof snapshot.event === "object" &&
    Array.isArray(snapshot.tickets) &&
    Array.isArray(snapshot.revoked)
  );
}

export function offlineList(snapshot: DoorSnapshot): OfflineList {
  return {
    snapshot,
    check: doorTicketChecker(snapshot.certificate, snapshot.venue_public_key),
    tickets: new Map(snapshot.tickets.map((ticket) => [ticket.id, ticket])),
    revoked: new Set(snapshot.revoked),
  };
}

/**
 * The answer to one scan at `nowMs`, an entry or an exit. `here` holds the passes this door made
 * that the snapshot may not show yet (ticket id -> last pass); it wins over the snapshot.
 */
export function judgeOffline(list: OfflineList, here: ReadonlyMap<string, LocalPass>, text: string, nowMs: number, direction: Direction = "entry"): OfflineVerdict {
  const { snapshot } = list;
  const named = peekDoorTicketEventId(text);
  if (named === undefined) return { result: "refused", code: "qr_invalid", ticketId: null };
  // Another event's ticket cannot be checked here (its certificate is not kept): it is refused
  // as the wrong event, which the box would say too once its signature was checked.
  if (named !== snapshot.certificate.eventId) return { result: "refused", code: "wrong_event", ticketId: null };
  const verdict = list.check(text);
  if (!verdict.ok) return { result: "refused", code: verdict.code, ticketId: null };
  const fields = verdict.ticket;
  const known = list.tickets.get(fields.ticketId);
  const refuse = (code: OfflineRefusal, atMs?: number): OfflineVerdict => ({ result: "refused", code, ticketId: fields.ticketId, ...(atMs === undefined ? {} : { atMs }) });
  if (list.revoked.has(fields.ticketId) || known?.state === "revoked") return refuse("revoked");
  if (snapshot.event.id !== fields.eventId) return refuse("wrong_event");
  if (snapshot.list.product_ids.length > 0 && !snapshot.list.product_ids.includes(fields.productId)) return refuse("product_not_admitted");
  if (known?.state === "unpaid") return refuse("unpaid");
  const pass = here.get(fields.ticketId);
  const admitted = { result: "admitted", direction, ticketId: fields.ticketId, productId: fields.productId, holder: known?.holder ?? null } as const;
  if (direction === "exit") {
    // Inside by this door's last pass, else by the snapshot (which lists entries that still count).
    const inside = pass ? pass.inside : known !== undefined && known.admitted_at !== null;
    return inside ? admitted : refuse("not_inside");
  }
  const window = ticketWindowRefusal(fields, nowMs);
  if (window) return refuse(window);
  if (snapshot.list.valid_from !== null && nowMs < snapshot.list.valid_from) return refuse("not_yet_valid");
  if (snapshot.list.valid_until !== null && nowMs > snapshot.list.valid_until) return refuse("expired");
  if (pass) {
    // Where re-entry is allowed, only someone inside is refused; elsewhere one entry is all.
    if (pass.inside || !snapshot.list.allow_reentry) return refuse("already_redeemed", pass.atMs);
    return admitted;
  }
  if (known && known.admitted_at !== null) return refuse("already_redeemed", known.admitted_at);
  return admitted;
}
