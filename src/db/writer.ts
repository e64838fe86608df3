/**
 * The single writer. Every write of the box goes through one Writer, which runs it inside
 * BEGIN IMMEDIATE: the write lock is taken before anything is read, so a chain head read inside
 * the transaction is the true head even when the CLI writes beside a serving box.
 *
 * Group commit: `submit` queues a command; the writer takes every queued command (up to a bound)
 * into one transaction, each under its own savepoint so that one refusal does not undo the
 * others, commits once (one fsync under synchronous=FULL), and only then answers the callers.
 * Durability is never traded for speed: a caller hears "done" only after its commit.
 */
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { AppError, assert, limits, nextStamp, type Clock, type Stamp } from "../kernel/index.ts";
import type { Sqlite } from "./connection.ts";

export type Orm = BunSQLiteDatabase;

/** What a command sees: the connection, inside a write transaction, and the box's stamp. */
export interface Tx {
  readonly sqlite: Sqlite;
  readonly orm: Orm;
  /** The time to write on a record: the wall clock, never below the last stamp ever written. */
  stamp(): Stamp;
}

interface Queued {
  readonly command: (tx: Tx) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export interface WriterOptions {
  readonly batchCommands?: number;
  readonly queueCommands?: number;
  readonly checkpointPages?: number;
}

/**
 * Pages the write-ahead log may hold before the commit that passes them also checkpoints the log
 * into the database file (SQLite's wal_autocheckpoint, 1,000 pages by default). A checkpoint runs
 * inside that COMMIT, on the one thread that answers requests: with the default, every twentieth
 * group of a payment load copied hundreds of scattered pages and fsynced the database file, which
 * on a journal of a million entries cost a quarter of the throughput and tripled the p99 latency
 * (docs/performance.md, "Ledger"). At 10,000 pages (40 MB of log) checkpoints come ten times less
 * often and copy fewer pages per commit, since hot pages are rewritten many times in between.
 * Durability is untouched: every commit still fsyncs the log (synchronous=FULL).
 */
export const WAL_CHECKPOINT_PAGES = 10_000;

export class Writer {
  readonly sqlite: Sqlite;
  readonly orm: Orm;
  readonly #clock: Clock;
  readonly #batchCommands: number;
  readonly #queueCommands: number;
  #queue: Queued[] = [];
  #flushScheduled = false;
  #inTransaction = false;
  #closed = false;

  constructor(sqlite: Sqlite, clock: Clock, options: WriterOptions = {}) {
    this.sqlite = sqlite;
    this.orm = drizzle({ client: sqlite });
    this.#clock = clock;
    this.#batchCommands = options.batchCommands ?? limits.writerBatchCommands;
    this.#queueCommands = options.queueCommands ?? limits.writerQueueCommands;
    sqlite.run(`PRAGMA wal_autocheckpoint = ${options.checkpointPages ?? WAL_CHECKPOINT_PAGES}`);
  }

  /** Runs one command in its own transaction, now. For the CLI and start-up. */
  transact<T>(command: (tx: Tx) => T): T {
    assert(!this.#inTransaction, "transactions do not nest");
    this.#inTransaction = true;
    this.sqlite.run("BEGIN IMMEDIATE");
    try {
      const result = command(this.#tx());
      this.sqlite.run("COMMIT");
      return result;
    } catch (error) {
      this.sqlite.run("ROLLBACK");
      throw error;
    } finally {
      this.#inTransaction = false;
    }
  }

  /** Queues a command for the next group commit; resolves after the commit that holds it. */
  submit<T>(command: (tx: Tx) => T): Promise<T> {
    if (this.#closed) return Promise.reject(new AppError("writer_closed", "the box is shutting down"));
    if (this.#queue.length >= this.#queueCommands) {
      return Promise.reject(new AppError("writer_overloaded", "the box is overloaded; try again"));
    }
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ command, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Commands waiting for the next commit (for the health page and benchmarks). */
  get queuedCommands(): number {
    return this.#queue.length;
  }

  /** Refuses new commands and fails the queued ones; the caller closes the connection after. */
  close(): void {
    this.#closed = true;
    for (const queued of this.#queue.splice(0)) queued.reject(new AppError("writer_closed", "the box is shutting down"));
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#closed) return;
    if (this.#inTransaction) {
      this.#scheduleAgain();
      return;
    }
    const batch = this.#queue.splice(0, this.#batchCommands);
    if (batch.length === 0) return;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    this.#inTransaction = true;
    try {
      this.sqlite.run("BEGIN IMMEDIATE");
      const tx = this.#tx();
      for (const queued of batch) {
        this.sqlite.run("SAVEPOINT command");
        try {
          outcomes.push({ ok: true, value: queued.command(tx) });
          this.sqlite.run("RELEASE command");
        } catch (error) {
          this.sqlite.run("ROLLBACK TO command");
          this.sqlite.run("RELEASE command");
          outcomes.push({ ok: false, error });
        }
      }
      this.sqlite.run("COMMIT");
    } catch (error) {
      if (this.sqlite.inTransaction) this.sqlite.run("ROLLBACK");
      for (const queued of batch) queued.reject(error);
      return;
    } finally {
      this.#inTransaction = false;
      if (this.#queue.length > 0) this.#scheduleAgain();
    }
    batch.forEach((queued, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) queued.resolve(outcome.value);
      else queued.reject(outcome.error);
    });
  }

  #scheduleAgain(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  #tx(): Tx {
    const sqlite = this.sqlite;
    const clock = this.#clock;
    return {
      sqlite,
      orm: this.orm,
      stamp: () => stampTime(sqlite, clock.nowMs()),
    };
  }
}

/** Reads and advances the persisted time floor; call only inside a write transaction. */
export function stampTime(sqlite: Sqlite, wallMs: number): Stamp {
  const row = sqlite.query<{ floor_ms: number }, []>("SELECT floor_ms FROM clock_floor WHERE id = 1").get();
  const stamp = nextStamp(wallMs, row?.floor_ms ?? 0);
  sqlite.query("INSERT INTO clock_floor (id, floor_ms) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET floor_ms = excluded.floor_ms").run(stamp.atMs);
  return stamp;
}

/** The last time the box stamped, or 0 when it never did. */
export function readTimeFloor(sqlite: Sqlite): number {
  return sqlite.query<{ floor_ms: number }, []>("SELECT floor_ms FROM clock_floor WHERE id = 1").get()?.floor_ms ?? 0;
}
