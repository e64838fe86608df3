/**
 * Tables the pos room owns for printing: printers and the print queue (the jobs room runs its
 * worker). A print job is a row: the worker
 * sends it with retry and backoff, and no job is ever dropped. Its id is the job number printed
 * on the ticket; a job resent after an uncertain send prints "DUPLICATA".
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

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

