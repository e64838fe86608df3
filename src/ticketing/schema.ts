/**
 * Tables the ticketing room owns (issue #6, docs/ticketing.md). An event is what the agenda
 * shows; each event has its own ticket-signing key, certified by the venue key, so that a door
 * device needs only the event's certificate and the venue's public key to check a ticket.
 */
import { blob, check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
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
    /** At most this many tickets of this product in one order; null when not limited. */
    perOrderMax: integer("per_order_max"),
    /** At most this many tickets of this product per person (member, else e-mail) across all orders; null when not limited. */
    perPersonMax: integer("per_person_max"),
    /** On sale from / until (null: from creation / until the event ends). */
    saleFromMs: integer("sale_from_ms"),
    saleUntilMs: integer("sale_until_ms"),
    /** VAT rate in basis points (550: 5.5 %, a show's rate in France), used when sold through the point of sale. */
    vatRateBp: integer("vat_rate_bp").notNull().default(550),
    position: integer("position").notNull().default(0),
  },
  (table) => [
    index("ticket_products_event").on(table.eventId),
    check("ticket_products_price", sql`${table.priceMinor} >= 0`),
    check("ticket_products_quota", sql`${table.quota} IS NULL OR ${table.quota} >= 0`),
  ],
);

export const TICKET_PRICE_KINDS = ["full", "reduced", "member", "free"] as const;

/**
 * A product's prices. The quota is the product's, shared across its prices. `member` needs a valid
 * membership; `free` lets the buyer choose, at least `amount_minor`. `ticket_products.price_minor`
 * is the older single price, kept equal to the first price for older readers.
 */
export const ticketPrices = sqliteTable(
  "ticket_prices",
  {
    id: text("id").primaryKey(),
    productId: text("product_id")
      .notNull()
      .references(() => ticketProducts.id),
    label: text("label").notNull(),
    kind: text("kind", { enum: TICKET_PRICE_KINDS }).notNull(),
    /** The price in cents; for a free price, its minimum. */
    amountMinor: integer("amount_minor").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    position: integer("position").notNull().default(0),
  },
  (table) => [index("ticket_prices_product").on(table.productId), check("ticket_prices_amount", sql`${table.amountMinor} >= 0`)],
);

export const ORDER_CHANNELS = ["box_office", "till", "online"] as const;
/**
 * held: waiting for an online payment, its places kept until hold_until_ms; pay_on_site: tickets
 * issued but `unpaid` at the door until the box office takes the money; paid; cancelled, refunded,
 * expired (a hold that ran out): the order's tickets are revoked.
 */
export const ORDER_STATES = ["held", "pay_on_site", "paid", "cancelled", "refunded", "expired"] as const;

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    /** A short code the buyer reads out at the box office (unique). */
    reference: text("reference").notNull(),
    channel: text("channel", { enum: ORDER_CHANNELS }).notNull(),
    state: text("state", { enum: ORDER_STATES }).notNull(),
    buyerName: text("buyer_name").notNull().default(""),
    buyerEmail: text("buyer_email").notNull().default(""),
    buyerPhone: text("buyer_phone").notNull().default(""),
    memberId: text("member_id"),
    /** Who the per-person limits count against: "member:<id>", else "email:<lowercased e-mail>", else null. */
    personKey: text("person_key"),
    totalMinor: integer("total_minor").notNull(),
    /** cash, card (cashless), terminal (bank card), online, on_site, free; null while held. */
    paymentMethod: text("payment_method"),
    /** The payment provider of an online payment ("stripe") and its reference (checkout session). */
    provider: text("provider"),
    providerRef: text("provider_ref"),
    holdUntilMs: integer("hold_until_ms"),
    /** The point-of-sale sale that paid it (till orders). */
    saleId: text("sale_id"),
    operatorName: text("operator_name").notNull().default(""),
    terminalId: text("terminal_id"),
    /** The language of the buyer's e-mails. */
    lang: text("lang").notNull().default("fr"),
    idempotencyKey: text("idempotency_key").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
    paidAtMs: integer("paid_at_ms"),
    /** When it was cancelled, refunded or expired. */
    closedAtMs: integer("closed_at_ms"),
  },
  (table) => [
    uniqueIndex("orders_reference").on(table.reference),
    uniqueIndex("orders_idempotency").on(table.idempotencyKey),
    uniqueIndex("orders_provider_ref").on(table.provider, table.providerRef).where(sql`provider_ref IS NOT NULL`),
    index("orders_person").on(table.personKey),
    index("orders_state_hold").on(table.state, table.holdUntilMs),
  ],
);

export const ORDER_LINE_KINDS = ["ticket", "membership", "donation"] as const;

/** What an order bought: tickets (a product and a price), a membership product, or a donation. */
export const orderLines = sqliteTable(
  "order_lines",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    idx: integer("idx").notNull(),
    kind: text("kind", { enum: ORDER_LINE_KINDS }).notNull(),
    /** A ticket product, or a membership product; null for a donation. */
    productId: text("product_id"),
    priceId: text("price_id"),
    label: text("label").notNull(),
    unitMinor: integer("unit_minor").notNull(),
    quantity: integer("quantity").notNull(),
    amountMinor: integer("amount_minor").notNull(),
  },
  (table) => [primaryKey({ columns: [table.orderId, table.idx] }), index("order_lines_product").on(table.productId)],
);

export const WAITING_STATES = ["waiting", "notified", "removed"] as const;

/** People waiting for a sold-out event (or one product of it), told in order when places free up. */
export const waitingList = sqliteTable(
  "waiting_list",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id),
    productId: text("product_id"),
    name: text("name").notNull(),
    email: text("email").notNull(),
    lang: text("lang").notNull().default("fr"),
    state: text("state", { enum: WAITING_STATES }).notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
    notifiedAtMs: integer("notified_at_ms"),
  },
  (table) => [index("waiting_list_event").on(table.eventId, table.state, table.createdAtMs)],
);

export const OUTBOX_STATES = ["queued", "sent", "failed"] as const;

/**
 * E-mails to send (tickets, waiting-list notices), written in the transaction that causes them and
 * sent by a job when SMTP is configured; a failed send is retried with backoff, then marked failed.
 */
export const emailOutbox = sqliteTable(
  "email_outbox",
  {
    id: text("id").primaryKey(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body"),
    /** What it is about ("order_tickets", "waiting_list"), and the id of that thing. */
    kind: text("kind").notNull(),
    refId: text("ref_id"),
    state: text("state", { enum: OUTBOX_STATES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptMs: integer("next_attempt_ms").notNull(),
    lastError: text("last_error"),
    createdAtMs: integer("created_at_ms").notNull(),
    sentAtMs: integer("sent_at_ms"),
  },
  (table) => [index("email_outbox_due").on(table.state, table.nextAttemptMs)],
);

/** Payment-provider notifications (webhooks) already handled: a provider sends them again. */
export const paymentEvents = sqliteTable(
  "payment_events",
  {
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    orderId: text("order_id"),
    receivedAtMs: integer("received_at_ms").notNull(),
    /** What was done: "paid", "ignored", "unknown_order", ... */
    outcome: text("outcome").notNull(),
  },
  (table) => [primaryKey({ columns: [table.provider, table.eventId] })],
);

/** Online sales settings (one row): pay on site, the payment provider's keys, the hold, e-mail. */
export const ticketingSettings = sqliteTable(
  "ticketing_settings",
  {
    id: integer("id").primaryKey(),
    onlineSalesEnabled: integer("online_sales_enabled", { mode: "boolean" }).notNull().default(false),
    payOnSiteEnabled: integer("pay_on_site_enabled", { mode: "boolean" }).notNull().default(true),
    /** Minutes an online order keeps its places while the buyer pays. */
    holdMinutes: integer("hold_minutes").notNull().default(15),
    stripeSecretKey: text("stripe_secret_key").notNull().default(""),
    stripeWebhookSecret: text("stripe_webhook_secret").notNull().default(""),
    /** The address buyers reach the box at (links in e-mails, payment return pages). */
    publicBaseUrl: text("public_base_url").notNull().default(""),
    /** smtp://user:pass@host:port or smtps://...; empty: tickets are shown and printed only. */
    smtpUrl: text("smtp_url").notNull().default(""),
    mailFrom: text("mail_from").notNull().default(""),
    donationsEnabled: integer("donations_enabled", { mode: "boolean" }).notNull().default(false),
    donationMinMinor: integer("donation_min_minor").notNull().default(100),
  },
  (table) => [check("ticketing_settings_single_row", sql`${table.id} = 1`)],
);

/**
 * A door's check-in list: which products it admits (JSON array of product ids, [] for all), whether
 * a ticket may come back in after an exit, and when it is open (null: the tickets' own window).
 * Every event has a default list whose id is the event's id.
 */
export const checkinLists = sqliteTable(
  "checkin_lists",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id),
    name: text("name").notNull(),
    productIds: text("product_ids").notNull().default("[]"),
    allowReentry: integer("allow_reentry", { mode: "boolean" }).notNull().default(false),
    validFromMs: integer("valid_from_ms"),
    validUntilMs: integer("valid_until_ms"),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (table) => [index("checkin_lists_event").on(table.eventId)],
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
    /** The order it was sold in (null for a ticket issued by hand before orders existed). */
    orderId: text("order_id").references(() => orders.id),
    priceId: text("price_id"),
    /** What was paid for this ticket, in cents. */
    amountMinor: integer("amount_minor"),
    memberId: text("member_id"),
  },
  (table) => [index("tickets_product").on(table.productId), index("tickets_event").on(table.eventId), index("tickets_order").on(table.orderId)],
);

/** conflict: an offline door let the ticket in although it had been admitted already (a forced upload). */
export const CHECKIN_RESULTS = ["admitted", "refused", "conflict"] as const;
export const CHECKIN_DIRECTIONS = ["entry", "exit"] as const;

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
    /** The check-in list (checkin_lists.id; an event's default list has the event's id). */
    list: text("list"),
    direction: text("direction", { enum: CHECKIN_DIRECTIONS }).notNull().default("entry"),
    /** The ticket's nth admitted entry on this list (1, then 2... after exits when re-entry is allowed). */
    entryNo: integer("entry_no"),
    /** Uploaded by an offline door after the fact ("forced"), and when the door scanned it. */
    forced: integer("forced", { mode: "boolean" }).notNull().default(false),
    scannedAtMs: integer("scanned_at_ms"),
  },
  (table) => [
    uniqueIndex("checkins_nonce").on(table.nonce),
    uniqueIndex("checkins_entry_once").on(table.list, table.ticketId, table.entryNo).where(sql`result = 'admitted' AND direction = 'entry'`),
    index("checkins_ticket").on(table.ticketId),
  ],
);

export const EVENT_IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;

/**
 * An event's uploaded image (a poster from a phone or a laptop), kept in the database so that a
 * backup carries it. One current image per event: a new upload replaces the row (and its id, so
 * that `/media/<id>` never changes content); `events.image_url` then points to `/media/<id>`. The
 * type is read from the bytes' magic, and width and height from their headers (event-images.ts).
 */
export const eventImages = sqliteTable(
  "event_images",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id),
    contentType: text("content_type", { enum: EVENT_IMAGE_TYPES }).notNull(),
    bytes: blob("bytes", { mode: "buffer" }).notNull(),
    byteCount: integer("byte_count").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    /** Hex SHA-256 of the bytes: the strong ETag. */
    sha256: text("sha256").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (table) => [
    uniqueIndex("event_images_event").on(table.eventId),
    check("event_images_size", sql`${table.width} BETWEEN 1 AND 8000 AND ${table.height} BETWEEN 1 AND 8000 AND ${table.byteCount} = length(${table.bytes})`),
  ],
);
