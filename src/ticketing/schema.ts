/**
 * Tables the ticketing room owns (issue #6, docs/ticketing.md). An event is what the agenda
 * shows; each event has its own ticket-signing key, certified by the venue key, so that a door
 * device needs only the event's certificate and the venue's public key to check a ticket.
 */
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const EVENT_VISIBILITIES = ["public", "private", "shared"] as const;

export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    imageUrl: text("image_url"),
    startsAtMs: integer("starts_at_ms").notNull(),
    endsAtMs: integer("ends_at_ms").notNull(),
    doorsAtMs: integer("doors_at_ms").notNull(),
    /** Places in the hall; null when not limited. */
    capacity: integer("capacity"),
    /** JSON array of short tags ("concert", "jeune public"). */
    tags: text("tags").notNull().default("[]"),
    /** public: on the agenda; private: not listed; shared: public and sent to the federation (later). */
    visibility: text("visibility", { enum: EVENT_VISIBILITIES }).notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
    updatedAtMs: integer("updated_at_ms").notNull(),
  },
  (table) => [
    index("events_starts").on(table.startsAtMs),
    check("events_window", sql`${table.endsAtMs} > ${table.startsAtMs} AND ${table.doorsAtMs} <= ${table.startsAtMs}`),
    check("events_capacity", sql`${table.capacity} IS NULL OR ${table.capacity} >= 1`),
  ],
);

/**
 * An event's ticket-signing key. The certificate is the venue key's signature (context
 * tibox-ticket-key/v1) over the canonical JSON {event_id, public_key, valid_from_ms, valid_until_ms}.
 */
export const eventKeys = sqliteTable("event_keys", {
  eventId: text("event_id")
    .primaryKey()
    .references(() => events.id),
  privateKeyPem: text("private_key_pem").notNull(),
  publicKeyHex: text("public_key_hex").notNull(),
  /** The certificate's validity, kept so that the signed body can be rebuilt. */
  validFromMs: integer("valid_from_ms").notNull(),
  validUntilMs: integer("valid_until_ms").notNull(),
  /** Hex of the venue key's 64-byte signature. */
  certificate: text("certificate").notNull(),
  createdAtMs: integer("created_at_ms").notNull(),
});
