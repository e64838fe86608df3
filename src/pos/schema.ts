/**
 * Tables the pos room owns. For printing: printers and the print queue (the jobs room runs its
 * worker). A print job is a row: the worker
 * sends it with retry and backoff, and no job is ever dropped. Its id is the job number printed
 * on the ticket; a job resent after an uncertain send prints "DUPLICATA".
 */
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const PRINTER_KINDS = ["tcp", "usb", "file", "simulated"] as const;
export const PRINTER_STATUSES = ["unknown", "online", "offline"] as const;
export const CODE_PAGES = ["wpc1252", "pc858"] as const;
export const PRINT_JOB_STATES = ["queued", "sending", "done"] as const;

export const printers = sqliteTable("printers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  kind: text("kind", { enum: PRINTER_KINDS }).notNull(),
  /** "host:9100" for tcp, "/dev/usb/lp0" for usb, a file path for file, a name for simulated. */
  address: text("address").notNull(),
  /** Paper width in millimetres: 58 or 80. */
  paperMm: integer("paper_mm").notNull(),
  codePage: text("code_page", { enum: CODE_PAGES }).notNull(),
  /** JSON array of print groups (kitchen, bar...) this printer takes. */
  printGroups: text("print_groups").notNull().default("[]"),
  /** Whether this printer's drawer is kicked for cash payments. */
  hasCashDrawer: integer("has_cash_drawer", { mode: "boolean" }).notNull().default(false),
  status: text("status", { enum: PRINTER_STATUSES }).notNull().default("unknown"),
  lastError: text("last_error").notNull().default(""),
  lastContactAtMs: integer("last_contact_at_ms"),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAtMs: integer("created_at_ms").notNull(),
  updatedAtMs: integer("updated_at_ms").notNull(),
});

export const printJobs = sqliteTable(
  "print_jobs",
  {
    /** The job number, printed on the ticket. */
    id: integer("id").primaryKey({ autoIncrement: true }),
    printerId: text("printer_id")
      .notNull()
      .references(() => printers.id),
    /** receipt, order, ticket, test, closure... */
    kind: text("kind").notNull(),
    /** JSON of the document to print (lines, QR codes, cut, drawer kick), not raw bytes. */
    document: text("document").notNull(),
    state: text("state", { enum: PRINT_JOB_STATES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAtMs: integer("next_attempt_at_ms").notNull(),
    /** Set once a send may have reached the printer without confirmation: later sends say DUPLICATA. */
    uncertain: integer("uncertain", { mode: "boolean" }).notNull().default(false),
    lastError: text("last_error").notNull().default(""),
    /** The job this one reprints on demand, or null. */
    reprintOf: integer("reprint_of"),
    createdAtMs: integer("created_at_ms").notNull(),
    doneAtMs: integer("done_at_ms"),
  },
  (table) => [index("print_jobs_pending").on(table.state, table.nextAttemptAtMs), index("print_jobs_printer").on(table.printerId, table.id)],
);


// The catalogue, sales, the fiscal journal, closures and cash sessions (issue #5, docs/pos.md).

export const POINT_OF_SALE_KINDS = ["bar", "kitchen", "shop", "box_office", "topup_desk"] as const;
export const PAYMENT_METHOD_CODES = ["nfc_card", "cash", "card_terminal", "cheque", "offered"] as const;
export const PRICE_KINDS = ["fixed", "free"] as const;
export const FISCAL_KINDS = ["sale", "sale_void", "closure_daily", "closure_monthly", "closure_yearly", "archive"] as const;
export const CLOSURE_KINDS = ["daily", "monthly", "yearly"] as const;

export const pointsOfSale = sqliteTable("points_of_sale", {
  /** The name the API and the ledger use: "main", "bar", "kitchen"; revenue:<code> in the ledger. */
  code: text("code").primaryKey(),
  name: text("name").notNull(),
  kind: text("kind", { enum: POINT_OF_SALE_KINDS }).notNull(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAtMs: integer("created_at_ms").notNull(),
  updatedAtMs: integer("updated_at_ms").notNull(),
});

export const posCategories = sqliteTable("pos_categories", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** "#rrggbb", the colour of the category's buttons on the till. */
  colour: text("colour").notNull(),
  position: integer("position").notNull(),
  createdAtMs: integer("created_at_ms").notNull(),
  updatedAtMs: integer("updated_at_ms").notNull(),
});

/** VAT rates in basis points (2000 = 20 %); the French ones are seeded. */
export const vatRates = sqliteTable("vat_rates", {
  rateBp: integer("rate_bp").primaryKey(),
  label: text("label").notNull(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
});

export const paymentMethods = sqliteTable("payment_methods", {
  code: text("code", { enum: PAYMENT_METHOD_CODES }).primaryKey(),
  name: text("name").notNull(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  position: integer("position").notNull(),
});

export const items = sqliteTable(
  "items",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    categoryId: text("category_id"),
    vatRateBp: integer("vat_rate_bp").notNull(),
    /** The print group its order tickets go to ("kitchen", "bar"), or "" for none. */
    printGroup: text("print_group").notNull().default(""),
    /** JSON arrays of asset codes and payment method codes accepted; empty means all. */
    acceptedAssets: text("accepted_assets").notNull().default("[]"),
    paymentMethods: text("payment_methods").notNull().default("[]"),
    /** Units in stock, or null when the stock is not followed. */
    stock: integer("stock"),
    lowStockThreshold: integer("low_stock_threshold"),
    position: integer("position").notNull().default(0),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    /** A membership product: selling it grants this many days of membership; null for any other item. */
    membershipDays: integer("membership_days"),
    /** Sold only to a member with a valid membership. */
    memberOnly: integer("member_only", { mode: "boolean" }).notNull().default(false),
    createdAtMs: integer("created_at_ms").notNull(),
    updatedAtMs: integer("updated_at_ms").notNull(),
  },
  (table) => [index("items_category").on(table.categoryId)],
);

/** The points of sale an item is sold at. */
export const itemPointsOfSale = sqliteTable(
  "item_points_of_sale",
  {
    itemId: text("item_id")
      .notNull()
      .references(() => items.id),
    pointOfSale: text("point_of_sale")
      .notNull()
      .references(() => pointsOfSale.code),
  },
  (table) => [primaryKey({ columns: [table.itemId, table.pointOfSale] }), index("item_points_of_sale_pos").on(table.pointOfSale)],
);

/** An item's prices: fixed (an amount) or free (the customer says, at least the amount). */
export const itemPrices = sqliteTable(
  "item_prices",
  {
    id: text("id").primaryKey(),
    itemId: text("item_id")
      .notNull()
      .references(() => items.id),
    label: text("label").notNull(),
    kind: text("kind", { enum: PRICE_KINDS }).notNull(),
    /** The price, VAT included, in cents; for a free price, its minimum. */
    amount: integer("amount").notNull(),
    /** The members' price of a fixed price, or null. */
    memberAmount: integer("member_amount"),
    position: integer("position").notNull(),
  },
  (table) => [index("item_prices_item").on(table.itemId)],
);

export const posSettings = sqliteTable(
  "pos_settings",
  {
    id: integer("id").primaryKey(),
    /** Minutes after local midnight at which a business day ends (360: 06:00). */
    businessDayEndMinute: integer("business_day_end_minute").notNull().default(360),
    /** Print a receipt after every sale; off by default (French law forbids systematic paper receipts). */
    printReceiptsAutomatically: integer("print_receipts_automatically", { mode: "boolean" }).notNull().default(false),
  },
  (table) => [check("pos_settings_single_row", sql`${table.id} = 1`)],
);

/** Sales are append-only (triggers); a void is a row of sale_voids and a fiscal record. */
export const sales = sqliteTable(
  "sales",
  {
    id: text("id").primaryKey(),
    /** Gapless per venue among real sales; training sales count apart. */
    number: integer("number").notNull(),
    training: integer("training", { mode: "boolean" }).notNull(),
    pointOfSale: text("point_of_sale").notNull(),
    terminalId: text("terminal_id"),
    operatorId: text("operator_id"),
    operatorName: text("operator_name").notNull(),
    atMs: integer("at_ms").notNull(),
    /** "YYYY-MM-DD": the business day (named by the date it starts) the sale belongs to. */
    businessDay: text("business_day").notNull(),
    total: integer("total").notNull(),
    change: integer("change").notNull(),
    memberId: text("member_id"),
    cashSessionId: text("cash_session_id"),
    /** The sale's fiscal record; null for a training sale. */
    fiscalSeq: integer("fiscal_seq"),
    scope: text("scope").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
  },
  (table) => [
    uniqueIndex("sales_number").on(table.training, table.number),
    index("sales_business_day").on(table.businessDay, table.pointOfSale),
    index("sales_cash_session").on(table.cashSessionId),
  ],
);

export const saleLines = sqliteTable(
  "sale_lines",
  {
    saleId: text("sale_id")
      .notNull()
      .references(() => sales.id),
    idx: integer("idx").notNull(),
    itemId: text("item_id").notNull(),
    name: text("name").notNull(),
    priceId: text("price_id").notNull(),
    priceLabel: text("price_label").notNull(),
    unitAmount: integer("unit_amount").notNull(),
    quantity: integer("quantity").notNull(),
    amount: integer("amount").notNull(),
    vatRateBp: integer("vat_rate_bp").notNull(),
    printGroup: text("print_group").notNull(),
    memberPrice: integer("member_price", { mode: "boolean" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.saleId, table.idx] })],
);

export const salePayments = sqliteTable(
  "sale_payments",
  {
    saleId: text("sale_id")
      .notNull()
      .references(() => sales.id),
    idx: integer("idx").notNull(),
    method: text("method").notNull(),
    /** What the payment settles of the total (cash: what was handed over minus its share of the change). */
    amount: integer("amount").notNull(),
    /** What the customer handed over or the card paid. */
    tendered: integer("tendered").notNull(),
    cardId: text("card_id"),
    /** The ledger payment entry of a card payment (null in training and for other methods). */
    entrySeq: integer("entry_seq"),
  },
  (table) => [primaryKey({ columns: [table.saleId, table.idx] })],
);

export const saleVoids = sqliteTable("sale_voids", {
  saleId: text("sale_id")
    .primaryKey()
    .references(() => sales.id),
  atMs: integer("at_ms").notNull(),
  businessDay: text("business_day").notNull(),
  operatorId: text("operator_id"),
  operatorName: text("operator_name").notNull(),
  reason: text("reason").notNull(),
  fiscalSeq: integer("fiscal_seq").notNull(),
  cashSessionId: text("cash_session_id"),
});

/** The fiscal journal: chained, signed (tibox-fiscal/v1), append-only (docs/pos.md). */
export const fiscalRecords = sqliteTable("fiscal_records", {
  seq: integer("seq").primaryKey(),
  kind: text("kind", { enum: FISCAL_KINDS }).notNull(),
  atMs: integer("at_ms").notNull(),
  /** Canonical JSON of the record's content. */
  payload: text("payload").notNull(),
  /** The perpetual grand total of sales, VAT included, after this record, in cents. */
  grandTotalAfter: integer("grand_total_after").notNull(),
  prevHash: text("prev_hash").notNull(),
  hash: text("hash").notNull(),
  signature: text("signature").notNull(),
});

/** Closures by (kind, period, point of sale); "" is the whole venue. The totals are in the fiscal record. */
export const closures = sqliteTable(
  "closures",
  {
    kind: text("kind", { enum: CLOSURE_KINDS }).notNull(),
    /** "YYYY-MM-DD" (a business day), "YYYY-MM" or "YYYY". */
    period: text("period").notNull(),
    pointOfSale: text("point_of_sale").notNull(),
    fiscalSeq: integer("fiscal_seq").notNull(),
    atMs: integer("at_ms").notNull(),
  },
  (table) => [primaryKey({ columns: [table.kind, table.period, table.pointOfSale] })],
);

export const cashSessions = sqliteTable(
  "cash_sessions",
  {
    id: text("id").primaryKey(),
    pointOfSale: text("point_of_sale").notNull(),
    terminalId: text("terminal_id").notNull(),
    openedById: text("opened_by_id"),
    openedByName: text("opened_by_name").notNull(),
    openedAtMs: integer("opened_at_ms").notNull(),
    floatAmount: integer("float_amount").notNull(),
    /** The ledger's head when the session opened and closed: its top-ups and refunds lie between. */
    ledgerSeqAtOpen: integer("ledger_seq_at_open").notNull(),
    ledgerSeqAtClose: integer("ledger_seq_at_close"),
    closedAtMs: integer("closed_at_ms"),
    closedById: text("closed_by_id"),
    closedByName: text("closed_by_name"),
    expected: integer("expected"),
    counted: integer("counted"),
  },
  (table) => [uniqueIndex("cash_sessions_open").on(table.terminalId).where(sql`${table.closedAtMs} IS NULL`)],
);

export const cashMovements = sqliteTable(
  "cash_movements",
  {
    id: text("id").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => cashSessions.id),
    atMs: integer("at_ms").notNull(),
    /** Positive: cash put in; negative: cash taken out. */
    amount: integer("amount").notNull(),
    reason: text("reason").notNull(),
    operatorId: text("operator_id"),
    operatorName: text("operator_name").notNull(),
  },
  (table) => [index("cash_movements_session").on(table.sessionId)],
);

/**
 * Terminals in training mode: every sale they make is a training sale (numbered apart, in no
 * total, no fiscal record), whatever the till sends; their screens and receipts say FORMATION.
 * A row while the mode is on; turning it off deletes the row (both are in the event log).
 */
export const trainingTerminals = sqliteTable("training_terminals", {
  terminalId: text("terminal_id").primaryKey(),
  sinceMs: integer("since_ms").notNull(),
  /** Who turned it on: "operator:<id>". */
  startedBy: text("started_by").notNull(),
});
