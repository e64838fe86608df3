/**
 * The journal: entries (one signed, chained row each), their transfers, and the balances they
 * produce. Entries and transfers are append-only (triggers); balances are derived and updated
 * in the same transaction as the entry that moves them.
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    seq: integer("seq").primaryKey(),
    kind: text("kind").notNull(),
    /** Hybrid logical clock: milliseconds (never below the previous entry's) and a counter. */
    atMs: integer("at_ms").notNull(),
    hlcCounter: integer("hlc_counter").notNull(),
    /** Who asked: "terminal:<id>", "operator:<id>", "cli" or "system"; the idempotency scope. */
    scope: text("scope").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    /** The entry this one compensates (a void), or null. */
    reversesSeq: integer("reverses_seq"),
    /** Canonical JSON of the entry's details (method, point of sale, card, operator...). */
    memo: text("memo").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    signature: text("signature").notNull(),
  },
  (table) => [
    uniqueIndex("ledger_entries_idempotency").on(table.scope, table.idempotencyKey).where(sql`${table.idempotencyKey} != ''`),
    uniqueIndex("ledger_entries_reverses").on(table.reversesSeq).where(sql`${table.reversesSeq} IS NOT NULL`),
  ],
);

export const ledgerTransfers = sqliteTable(
  "ledger_transfers",
  {
    entrySeq: integer("entry_seq")
      .notNull()
      .references(() => ledgerEntries.seq),
    idx: integer("idx").notNull(),
    debitAccount: text("debit_account").notNull(),
    creditAccount: text("credit_account").notNull(),
    asset: text("asset").notNull(),
    amount: integer("amount").notNull(),
  },
  (table) => [primaryKey({ columns: [table.entrySeq, table.idx] }), index("ledger_transfers_debit").on(table.debitAccount), index("ledger_transfers_credit").on(table.creditAccount)],
);

export const ledgerBalances = sqliteTable(
  "ledger_balances",
  {
    account: text("account").notNull(),
    asset: text("asset").notNull(),
    balance: integer("balance").notNull(),
  },
  (table) => [primaryKey({ columns: [table.account, table.asset] })],
);
