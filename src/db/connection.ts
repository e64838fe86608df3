/**
 * Opening the SQLite database. Every connection that writes gets the same pragmas: WAL so that
 * readers never block the writer, synchronous=FULL so that a commit survives a power cut (one
 * fsync per commit; throughput comes from group commit, see writer.ts), foreign keys, and a busy
 * timeout so that the CLI writing beside a serving box waits for the lock instead of failing.
 * Exclusive locking mode is never used: it would lock the CLI out of a serving box.
 */
import { Database } from "bun:sqlite";

export const BUSY_TIMEOUT_MS = 5_000;

export type Sqlite = Database;

/**
 * Statements bun:sqlite keeps compiled per connection (default 20). One HTTP payment already runs
 * 17 distinct statements, the till more; past the bound they are recompiled on every use, which
 * halved the payment rate in bench/ledger. A process-wide setting, made once where SQLite opens.
 */
export const QUERY_CACHE_STATEMENTS = 256;

export interface OpenOptions {
  /** WAL for the live database; DELETE for a single-file copy such as a backup. */
  readonly journalMode?: "WAL" | "DELETE";
}

export function openDatabase(path: string, options: OpenOptions = {}): Sqlite {
  Database.MAX_QUERY_CACHE_SIZE = Math.max(Database.MAX_QUERY_CACHE_SIZE, QUERY_CACHE_STATEMENTS);
  const sqlite = new Database(path, { create: true, strict: true });
  // The busy timeout comes first: setting the journal mode takes a lock, and without a busy
  // handler a CLI opening the database while the serving box commits fails at once with
  // "database is locked" instead of waiting its turn.
  sqlite.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  sqlite.run(`PRAGMA journal_mode = ${options.journalMode ?? "WAL"}`);
  sqlite.run("PRAGMA synchronous = FULL");
  sqlite.run("PRAGMA foreign_keys = ON");
  return sqlite;
}

/**
 * A connection that cannot write: `verify` reads through one, in one read transaction. This
 * module is the only place that opens SQLite (a test checks it), so no connection escapes the
 * pragmas above.
 */
export function openReadOnlyDatabase(path: string): Sqlite {
  const sqlite = new Database(path, { readonly: true, strict: true });
  sqlite.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return sqlite;
}

/** Runs `read` inside one read transaction, so every query sees the same snapshot. */
export function readSnapshot<T>(sqlite: Sqlite, read: () => T): T {
  sqlite.run("BEGIN DEFERRED");
  try {
    return read();
  } finally {
    sqlite.run("COMMIT");
  }
}
