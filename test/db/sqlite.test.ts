// Proves the SQLite ground rules on real files: every writing connection runs WAL with
// synchronous=FULL (2) and foreign keys; only db/connection.ts opens SQLite; migrations upgrade
// a database made by an older schema without losing rows, and refuse a newer or edited history.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { openBox } from "../../src/app.ts";
import { embeddedMigrations, migrate, openDatabase, openReadOnlyDatabase } from "../../src/db/index.ts";
import { tempFolder, testBox, setUp } from "../helpers/box.ts";

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("connections", () => {
  test("the box's connection runs WAL, synchronous=FULL, foreign keys and a busy timeout", () => {
    const box = testBox();
    try {
      expect(box.sqlite.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()?.journal_mode).toBe("wal");
      expect(box.sqlite.query<{ synchronous: number }, []>("PRAGMA synchronous").get()?.synchronous).toBe(2);
      expect(box.sqlite.query<{ foreign_keys: number }, []>("PRAGMA foreign_keys").get()?.foreign_keys).toBe(1);
      expect(box.sqlite.query<{ timeout: number }, []>("PRAGMA busy_timeout").get()?.timeout).toBe(5000);
      expect(box.sqlite.query<{ locking_mode: string }, []>("PRAGMA locking_mode").get()?.locking_mode).toBe("normal");
    } finally {
      box.dispose();
    }
  });

  test("a single-file copy (backup) also writes with synchronous=FULL", () => {
    const folder = tempFolder();
    try {
      const copy = openDatabase(join(folder.path, "copy.db"), { journalMode: "DELETE" });
      expect(copy.query<{ synchronous: number }, []>("PRAGMA synchronous").get()?.synchronous).toBe(2);
      expect(copy.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()?.journal_mode).toBe("delete");
      copy.close();
    } finally {
      folder.remove();
    }
  });

  test("no module but db/connection.ts opens SQLite, and nothing uses exclusive locking", () => {
    const root = join(import.meta.dir, "..", "..", "src");
    for (const file of sourceFiles(root)) {
      const text = readFileSync(file, "utf8");
      if (!file.endsWith(join("db", "connection.ts"))) expect(`${file}: ${/new Database\(/.test(text)}`).toBe(`${file}: false`);
      expect(`${file}: ${/locking_mode\s*=\s*exclusive/i.test(text)}`).toBe(`${file}: false`);
    }
  });

  test("a read-only connection cannot write", () => {
    const box = testBox();
    try {
      const reader = openReadOnlyDatabase(box.dir.databasePath);
      expect(() => reader.run("DELETE FROM operators")).toThrow(/readonly/i);
      reader.close();
    } finally {
      box.dispose();
    }
  });
});

describe("migrations", () => {
  test("a database created by the first schema is upgraded at start and keeps its rows", async () => {
    const folder = tempFolder();
    try {
      const old = openDatabase(join(folder.path, "tibox.db"));
      migrate(old, 1, embeddedMigrations.slice(0, 1));
      old.run("INSERT INTO operators (id, name, email, role, password_hash, active, created_at_ms, updated_at_ms) VALUES ('op1', 'Old Admin', 'old@example.org', 'admin', 'x', 1, 1, 1)");
      old.run("INSERT INTO event_log (seq, at_ms, kind, actor, subject, detail, prev_hash, hash, signature) VALUES (1, 1, 'k', 'a', '', '{}', 'p', 'h', 's')");
      old.run("UPDATE event_log SET kind = 'edited' WHERE seq = 1");
      expect(old.query<{ n: number }, []>("SELECT count(*) AS n FROM schema_migrations").get()?.n).toBe(1);
      old.close();

      const box = openBox({ dataDir: folder.path });
      try {
        expect(box.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM schema_migrations").get()?.n).toBe(embeddedMigrations.length);
        expect(box.sqlite.query<{ name: string }, []>("SELECT name FROM operators WHERE id = 'op1'").get()?.name).toBe("Old Admin");
        // The upgrade brought the append-only triggers: the old row can no longer be edited.
        expect(() => box.sqlite.run("UPDATE event_log SET kind = 'again' WHERE seq = 1")).toThrow(/append-only/);
        expect(() => box.sqlite.run("DELETE FROM event_log")).toThrow(/append-only/);
      } finally {
        box.close();
      }
    } finally {
      folder.remove();
    }
  });

  test("applying twice applies nothing the second time", () => {
    const box = testBox();
    try {
      expect(migrate(box.sqlite, 2).applied).toEqual([]);
    } finally {
      box.dispose();
    }
  });

  test("a database from a newer tibox is refused, not guessed at", () => {
    const box = testBox();
    try {
      box.sqlite.run("INSERT INTO schema_migrations (idx, tag, hash, applied_at_ms) VALUES (99, '0099_future', 'x', 1)");
      expect(() => migrate(box.sqlite, 2)).toThrow(/newer tibox/);
    } finally {
      box.dispose();
    }
  });

  test("an applied migration whose text changed is refused", () => {
    const box = testBox();
    try {
      const edited = embeddedMigrations.map((migration, index) => (index === 0 ? { ...migration, sql: `${migration.sql}\n-- edited` } : migration));
      expect(() => migrate(box.sqlite, 2, edited)).toThrow(/differs/);
    } finally {
      box.dispose();
    }
  });

  test("the embedded list matches drizzle-kit's journal (run npm run db:generate after a schema change)", () => {
    const folder = join(import.meta.dir, "..", "..", "src", "db", "migrations");
    const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as { entries: Array<{ tag: string }> };
    expect(embeddedMigrations.map((migration) => migration.tag)).toEqual(journal.entries.map((entry) => entry.tag));
    for (const migration of embeddedMigrations) expect(migration.sql).toBe(readFileSync(join(folder, `${migration.tag}.sql`), "utf8"));
  });

  test("a set-up box survives a reopen with its venue and key", async () => {
    const box = testBox();
    await setUp(box);
    const venueId = box.venue()?.id;
    box.close();
    const again = openBox({ dataDir: box.folder });
    try {
      expect(again.venue()?.id).toBe(venueId);
    } finally {
      again.close();
      rmSync(box.folder, { recursive: true, force: true });
    }
  });
});
