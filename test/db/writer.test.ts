// Proves the single writer's promises: group commit takes queued commands into one transaction,
// a refused command rolls back alone (savepoint) while its neighbours commit, callers hear back
// only after the commit (a second connection already sees the row), and the time floor never
// lets a stamp go backwards when the wall clock does.
import { describe, expect, test } from "bun:test";
import { openDatabase, readTimeFloor, Writer } from "../../src/db/index.ts";
import { AppError, FakeClock, fail } from "../../src/kernel/index.ts";
import { testBox } from "../helpers/box.ts";

describe("writer", () => {
  test("group commit: 50 queued commands commit in one transaction", async () => {
    const box = testBox();
    try {
      box.sqlite.run("CREATE TABLE t (n INTEGER)");
      const before = box.sqlite.query<{ data_version: number }, []>("PRAGMA data_version").get();
      const versions = new Set<number>();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, n) =>
          box.writer.submit((tx) => {
            tx.sqlite.query("INSERT INTO t (n) VALUES (?)").run(n);
            versions.add(tx.sqlite.query<{ v: number }, []>("SELECT count(*) AS v FROM t").get()!.v);
            return tx.sqlite.inTransaction;
          }),
        ),
      );
      expect(results.every(Boolean)).toBe(true);
      // Each command saw the rows of those before it in the same transaction: 1, 2, ..., 50.
      expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, n) => n + 1));
      expect(before).toBeDefined();
    } finally {
      box.dispose();
    }
  });

  test("a refused command is rolled back alone; the others commit", async () => {
    const box = testBox();
    try {
      box.sqlite.run("CREATE TABLE t (n INTEGER)");
      const outcomes = await Promise.allSettled([
        box.writer.submit((tx) => tx.sqlite.query("INSERT INTO t (n) VALUES (1)").run()),
        box.writer.submit((tx) => {
          tx.sqlite.query("INSERT INTO t (n) VALUES (2)").run();
          fail("insufficient_funds", "refused after writing");
        }),
        box.writer.submit((tx) => tx.sqlite.query("INSERT INTO t (n) VALUES (3)").run()),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(AppError);
      expect(box.sqlite.query<{ n: number }, []>("SELECT n FROM t ORDER BY n").all().map((row) => row.n)).toEqual([1, 3]);
    } finally {
      box.dispose();
    }
  });

  test("a caller hears back only after the commit: another connection sees the row", async () => {
    const box = testBox();
    try {
      box.sqlite.run("CREATE TABLE t (n INTEGER)");
      const other = openDatabase(box.dir.databasePath);
      await box.writer.submit((tx) => tx.sqlite.query("INSERT INTO t (n) VALUES (42)").run());
      expect(other.query<{ n: number }, []>("SELECT n FROM t").get()?.n).toBe(42);
      other.close();
    } finally {
      box.dispose();
    }
  });

  test("a full queue refuses new commands with writer_overloaded and writes nothing", async () => {
    const box = testBox();
    try {
      const writer = new Writer(box.sqlite, new FakeClock(), { queueCommands: 2 });
      box.sqlite.run("CREATE TABLE t (n INTEGER)");
      const outcomes = await Promise.allSettled([1, 2, 3].map((n) => writer.submit((tx) => tx.sqlite.query("INSERT INTO t (n) VALUES (?)").run(n))));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "fulfilled", "rejected"]);
      expect(((outcomes[2] as PromiseRejectedResult).reason as AppError).code).toBe("writer_overloaded");
      expect(box.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM t").get()?.n).toBe(2);
    } finally {
      box.dispose();
    }
  });

  test("stamps never go below the last one, when the wall clock goes back", () => {
    const box = testBox();
    try {
      const clock = new FakeClock(Date.UTC(2026, 5, 1));
      const writer = new Writer(box.sqlite, clock);
      const first = writer.transact((tx) => tx.stamp());
      clock.set(Date.UTC(1970, 0, 2));
      const second = writer.transact((tx) => tx.stamp());
      expect(first.clockBehind).toBe(false);
      expect(second).toEqual({ atMs: first.atMs, clockBehind: true });
      expect(readTimeFloor(box.sqlite)).toBe(first.atMs);
      clock.set(Date.UTC(2026, 5, 2));
      expect(writer.transact((tx) => tx.stamp()).atMs).toBe(Date.UTC(2026, 5, 2));
    } finally {
      box.dispose();
    }
  });
});
