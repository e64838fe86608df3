/**
 * Events: what the agenda shows and what tickets are sold for. The services validate every field
 * and refuse with stable codes; creating an event also creates its ticket-signing key (keys.ts)
 * in the same transaction, and moving its end re-certifies that key for the new window.
 */
import { fail, type IdFactory, type Signer } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { certifyEventKey, createEventKey } from "./keys.ts";
import { EVENT_VISIBILITIES } from "./schema.ts";

export type EventVisibility = (typeof EVENT_VISIBILITIES)[number];

/** Bounds on what one event holds and on what one agenda lists. */
export const EVENT_LIMITS = {
  titleChars: 200,
  descriptionChars: 5_000,
  imageUrlChars: 2_000,
  tags: 20,
  tagChars: 40,
  capacity: 1_000_000,
  agendaRows: 200,
  /** The longest an event may last: a festival, not a season. */
  durationMs: 31 * 86_400_000,
} as const;

export interface EventInput {
  readonly title: string;
  readonly description: string;
  readonly imageUrl: string | null;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly doorsAtMs: number;
  readonly capacity: number | null;
  readonly tags: readonly string[];
  readonly visibility: string;
}

export interface TicketedEvent {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly imageUrl: string | null;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly doorsAtMs: number;
  readonly capacity: number | null;
  readonly tags: readonly string[];
  readonly visibility: EventVisibility;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface EventDeps {
  readonly signer: Signer;
  readonly newId: IdFactory;
}

function isInstant(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms > 0;
}

/** The input cleaned (trimmed, tags deduplicated) or a refusal with a stable code. */
export function checkEventInput(input: EventInput): Omit<TicketedEvent, "id" | "createdAtMs" | "updatedAtMs"> {
  const title = input.title.trim();
  if (!title) fail("title_required", "an event needs a title");
  if (title.length > EVENT_LIMITS.titleChars) fail("title_too_long", `a title has at most ${EVENT_LIMITS.titleChars} characters`);
  const description = input.description.trim();
  if (description.length > EVENT_LIMITS.descriptionChars) fail("description_too_long", `a description has at most ${EVENT_LIMITS.descriptionChars} characters`);
  const imageUrl = input.imageUrl?.trim() || null;
  // Only web addresses or paths on the box: a javascript: or data: address never reaches a page.
  if (imageUrl !== null && (imageUrl.length > EVENT_LIMITS.imageUrlChars || !/^(https?:\/\/[^\s"'<>]+|\/[^\s"'<>/][^\s"'<>]*)$/i.test(imageUrl))) {
    fail("image_url_invalid", "an image is an http(s) address or a path on the box");
  }
  const { startsAtMs, endsAtMs, doorsAtMs } = input;
  if (!isInstant(startsAtMs) || !isInstant(endsAtMs) || !isInstant(doorsAtMs)) fail("event_window_invalid", "start, end and doors opening are needed");
  if (endsAtMs <= startsAtMs || doorsAtMs > startsAtMs || endsAtMs - startsAtMs > EVENT_LIMITS.durationMs) {
    fail("event_window_invalid", "an event ends after it starts, and its doors open at or before the start");
  }
  const capacity = input.capacity;
  if (capacity !== null && (!Number.isSafeInteger(capacity) || capacity < 1 || capacity > EVENT_LIMITS.capacity)) fail("capacity_invalid", "a capacity is a whole number of at least 1");
  const tags = [...new Set(input.tags.map((tag) => tag.trim().toLowerCase()).filter((tag) => tag !== ""))];
  if (tags.length > EVENT_LIMITS.tags || tags.some((tag) => tag.length > EVENT_LIMITS.tagChars)) fail("tags_invalid", `at most ${EVENT_LIMITS.tags} tags of ${EVENT_LIMITS.tagChars} characters`);
  if (!(EVENT_VISIBILITIES as readonly string[]).includes(input.visibility)) fail("visibility_invalid", `visibility is one of ${EVENT_VISIBILITIES.join(", ")}`);
  return { title, description, imageUrl, startsAtMs, endsAtMs, doorsAtMs, capacity, tags, visibility: input.visibility as EventVisibility };
}

const SELECT = `SELECT id, title, description, image_url AS imageUrl, starts_at_ms AS startsAtMs, ends_at_ms AS endsAtMs, doors_at_ms AS doorsAtMs,
  capacity, tags, visibility, created_at_ms AS createdAtMs, updated_at_ms AS updatedAtMs FROM events`;

type EventRow = Omit<TicketedEvent, "tags"> & { tags: string };

function fromRow(row: EventRow): TicketedEvent {
  return { ...row, tags: JSON.parse(row.tags) as string[] };
}

export function findEvent(sqlite: Sqlite, id: string): TicketedEvent | undefined {
  const row = sqlite.query<EventRow, [string]>(`${SELECT} WHERE id = ?`).get(id);
  return row ? fromRow(row) : undefined;
}

/** Every event, the latest start first (admin list), bounded. */
export function listEvents(sqlite: Sqlite, limit: number = EVENT_LIMITS.agendaRows): TicketedEvent[] {
  return sqlite.query<EventRow, [number]>(`${SELECT} ORDER BY starts_at_ms DESC, id LIMIT ?`).all(Math.min(limit, EVENT_LIMITS.agendaRows)).map(fromRow);
}

/** The public agenda: public and shared events not over yet at `nowMs`, soonest first. */
export function listUpcomingPublicEvents(sqlite: Sqlite, nowMs: number, limit: number = EVENT_LIMITS.agendaRows): TicketedEvent[] {
  return sqlite
    .query<EventRow, [number, number]>(`${SELECT} WHERE visibility IN ('public', 'shared') AND ends_at_ms > ? ORDER BY starts_at_ms, id LIMIT ?`)
    .all(nowMs, Math.min(limit, EVENT_LIMITS.agendaRows))
    .map(fromRow);
}

/** Whether anyone with the link may see the event (private events are for staff only). */
export function isListed(event: TicketedEvent): boolean {
  return event.visibility !== "private";
}

export function createEvent(tx: Tx, deps: EventDeps, input: EventInput): TicketedEvent {
  const clean = checkEventInput(input);
  const id = deps.newId();
  const nowMs = tx.stamp().atMs;
  tx.sqlite
    .query(
      `INSERT INTO events (id, title, description, image_url, starts_at_ms, ends_at_ms, doors_at_ms, capacity, tags, visibility, created_at_ms, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, clean.title, clean.description, clean.imageUrl, clean.startsAtMs, clean.endsAtMs, clean.doorsAtMs, clean.capacity, JSON.stringify(clean.tags), clean.visibility, nowMs, nowMs);
  createEventKey(tx, deps.signer, { eventId: id, validFromMs: nowMs, endsAtMs: clean.endsAtMs });
  // Every event has a default check-in list, with the event's own id: "the main entrance".
  tx.sqlite.query("INSERT INTO checkin_lists (id, event_id, name, created_at_ms) VALUES (?, ?, 'Entrée', ?)").run(id, id, nowMs);
  return findEvent(tx.sqlite, id)!;
}

export function updateEvent(tx: Tx, signer: Signer, id: string, input: EventInput): TicketedEvent {
  const before = findEvent(tx.sqlite, id);
  if (!before) fail("event_unknown", "no such event");
  const clean = checkEventInput(input);
  const nowMs = tx.stamp().atMs;
  tx.sqlite
    .query(
      `UPDATE events SET title = ?, description = ?, image_url = ?, starts_at_ms = ?, ends_at_ms = ?, doors_at_ms = ?, capacity = ?, tags = ?, visibility = ?, updated_at_ms = ?
       WHERE id = ?`,
    )
    .run(clean.title, clean.description, clean.imageUrl, clean.startsAtMs, clean.endsAtMs, clean.doorsAtMs, clean.capacity, JSON.stringify(clean.tags), clean.visibility, nowMs, id);
  // An uploaded image the address no longer points to (typed over or cleared) is dropped (event-images.ts).
  tx.sqlite.query("DELETE FROM event_images WHERE event_id = ? AND '/media/' || id IS NOT ?").run(id, clean.imageUrl);
  // The key stays (tickets already sold stay valid); only its certified window follows the event.
  if (clean.endsAtMs !== before.endsAtMs) certifyEventKey(tx, signer, id, clean.endsAtMs);
  return findEvent(tx.sqlite, id)!;
}

/** Events not over yet at `nowMs`, whatever their visibility, soonest first (the door's choice). */
export function listUpcomingEvents(sqlite: Sqlite, nowMs: number, limit: number = EVENT_LIMITS.agendaRows): TicketedEvent[] {
  return sqlite.query<EventRow, [number, number]>(`${SELECT} WHERE ends_at_ms > ? ORDER BY starts_at_ms, id LIMIT ?`).all(nowMs, Math.min(limit, EVENT_LIMITS.agendaRows)).map(fromRow);
}
