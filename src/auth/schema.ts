/** Tables the auth room owns: operators, sessions, terminals, pairing, rate limits, event log. */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const ROLES = ["admin", "manager", "cashier", "door"] as const;
export type Role = (typeof ROLES)[number];

export const TERMINAL_KINDS = ["till", "door", "reader"] as const;
export type TerminalKind = (typeof TERMINAL_KINDS)[number];

export const operators = sqliteTable(
  "operators",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** Lower-cased; required for admins and managers, who log in with it. */
    email: text("email"),
    role: text("role", { enum: ROLES }).notNull(),
    passwordHash: text("password_hash"),
    pinHash: text("pin_hash"),
    /** UID of a staff card (uppercase hex) that unlocks a till or door for this operator. */
    staffCardUid: text("staff_card_uid"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAtMs: integer("created_at_ms").notNull(),
    updatedAtMs: integer("updated_at_ms").notNull(),
  },
  (table) => [uniqueIndex("operators_email").on(table.email), uniqueIndex("operators_staff_card").on(table.staffCardUid)],
);

export const terminals = sqliteTable(
  "terminals",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: TERMINAL_KINDS }).notNull(),
    name: text("name").notNull(),
    /** SHA-256 of the device token; the token itself is shown once and never stored. */
    tokenHash: text("token_hash").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
    createdBy: text("created_by").notNull(),
    revokedAtMs: integer("revoked_at_ms"),
    lastSeenAtMs: integer("last_seen_at_ms"),
  },
  (table) => [uniqueIndex("terminals_token_hash").on(table.tokenHash)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the cookie value. */
    idHash: text("id_hash").primaryKey(),
    operatorId: text("operator_id")
      .notNull()
      .references(() => operators.id),
    terminalId: text("terminal_id").references(() => terminals.id),
    csrfToken: text("csrf_token").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
    expiresAtMs: integer("expires_at_ms").notNull(),
    revokedAtMs: integer("revoked_at_ms"),
  },
  (table) => [index("sessions_operator").on(table.operatorId)],
);

export const pairingCodes = sqliteTable("pairing_codes", {
  /** SHA-256 of the single-use code. */
  codeHash: text("code_hash").primaryKey(),
  kind: text("kind", { enum: TERMINAL_KINDS }).notNull(),
  name: text("name").notNull(),
  createdAtMs: integer("created_at_ms").notNull(),
  expiresAtMs: integer("expires_at_ms").notNull(),
  createdBy: text("created_by").notNull(),
  usedAtMs: integer("used_at_ms"),
  terminalId: text("terminal_id").references(() => terminals.id),
});

export const loginThrottle = sqliteTable("login_throttle", {
  /** "account:<email or operator id>" or "address:<kind>:<ip>" (kind: password, pin, card, pairing, setup). */
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  windowStartMs: integer("window_start_ms").notNull(),
  lockedUntilMs: integer("locked_until_ms"),
});

export const eventLog = sqliteTable(
  "event_log",
  {
    seq: integer("seq").primaryKey(),
    atMs: integer("at_ms").notNull(),
    kind: text("kind").notNull(),
    actor: text("actor").notNull(),
    subject: text("subject").notNull(),
    /** Canonical JSON of the record's details. */
    detail: text("detail").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    signature: text("signature").notNull(),
  },
  (table) => [index("event_log_kind").on(table.kind, table.seq)],
);

/** Which terminal a reader's taps go to: "pcsc:<reader name>", "agent:<terminal id>" or "sim:<name>". */
export const readerBindings = sqliteTable("reader_bindings", {
  readerKey: text("reader_key").primaryKey(),
  terminalId: text("terminal_id").notNull(),
  createdAtMs: integer("created_at_ms").notNull(),
});
