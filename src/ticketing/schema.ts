/**
 * Tables the ticketing room owns (issue #6, docs/ticketing.md). An event is what the agenda
 * shows; each event has its own ticket-signing key, certified by the venue key, so that a door
 * device needs only the event's certificate and the venue's public key to check a ticket.
 */
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
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

/** A ticket product of one event (minimal for now: one price, an optional quota). */
export const ticketProducts = sqliteTable(
  "ticket_products",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id),
    name: text("name").notNull(),
    priceMinor: integer("price_minor").notNull(),
    /** Tickets that may be issued (revoked ones give their place back); null when not limited. */
    quota: integer("quota"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (table) => [
    index("ticket_products_event").on(table.eventId),
    check("ticket_products_price", sql`${table.priceMinor} >= 0`),
    check("ticket_products_quota", sql`${table.quota} IS NULL OR ${table.quota} >= 0`),
  ],
);

export const TICKET_STATES = ["valid", "revoked"] as const;

/** An issued ticket; `qr` is the signed payload its QR code carries (tickets.ts). */
export const tickets = sqliteTable(
  "tickets",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id),
    productId: text("product_id")
      .notNull()
      .references(() => ticketProducts.id),
    holderName: text("holder_name").notNull(),
    state: text("state", { enum: TICKET_STATES }).notNull(),
    qr: text("qr").notNull(),
    validFromMs: integer("valid_from_ms").notNull(),
    validUntilMs: integer("valid_until_ms").notNull(),
    issuedAtMs: integer("issued_at_ms").notNull(),
    revokedAtMs: integer("revoked_at_ms"),
  },
  (table) => [index("tickets_product").on(table.productId), index("tickets_event").on(table.eventId)],
);

export const CHECKIN_RESULTS = ["admitted", "refused"] as const;

/**
 * Every scan at a door, refused ones too (pretix style). The nonce is the door's: a scan sent
 * again with the same nonce finds its row and gets the same answer; a ticket is admitted once.
 */
export const checkins = sqliteTable(
  "checkins",
  {
    id: text("id").primaryKey(),
    /** Null when the scanned text named no ticket of this box (qr_invalid, invalid_signature). */
    ticketId: text("ticket_id").references(() => tickets.id),
    nonce: text("nonce").notNull(),
    /** The terminal that scanned. */
    device: text("device").notNull(),
    result: text("result", { enum: CHECKIN_RESULTS }).notNull(),
    /** The refusal code; null when admitted. */
    code: text("code"),
    atMs: integer("at_ms").notNull(),
    /** The check-in list (later); for now the event the door asked for, if any. */
    list: text("list"),
  },
  (table) => [
    uniqueIndex("checkins_nonce").on(table.nonce),
    uniqueIndex("checkins_admitted_once").on(table.ticketId).where(sql`result = 'admitted'`),
    index("checkins_ticket").on(table.ticketId),
  ],
);
