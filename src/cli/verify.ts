/**
 * `tibox verify`: checks everything that can be checked, from the data folder alone, in one
 * read-only snapshot (so it runs beside a serving box and sees one consistent state).
 * Exit 0: sound. Exit 1: a fault, named (the first one found). Exit 2: could not check.
 * Today it checks: SQLite integrity, the migrations, the venue key, the technical event log's
 * chain, hashes and signatures (with @noble/curves, the implementation that did not sign), and
 * the time floor. The ledger and fiscal chains join it as their rooms arrive.
 */
import { existsSync, readFileSync } from "node:fs";
import { verifyEventLog } from "../auth/index.ts";
import { dataDir, embeddedMigrations, openReadOnlyDatabase, readSnapshot, readTimeFloor, type Sqlite } from "../db/index.ts";
import { findVenue } from "../federation/index.ts";
import { fromHex, signerFromPem, toHex } from "../kernel/index.ts";

export type VerifyOutcome =
  | { readonly status: "sound"; readonly checks: readonly string[] }
  | { readonly status: "fault"; readonly fault: string; readonly checks: readonly string[] }
  | { readonly status: "unable"; readonly reason: string; readonly checks: readonly string[] };

export const VERIFY_EXIT = { sound: 0, fault: 1, unable: 2 } as const;

export function verifyDataFolder(folder: string): VerifyOutcome {
  const dir = dataDir(folder);
  if (!existsSync(dir.databasePath)) return { status: "unable", reason: `no database at ${dir.databasePath}`, checks: [] };
  let sqlite: Sqlite;
  try {
    sqlite = openReadOnlyDatabase(dir.databasePath);
  } catch (error) {
    return { status: "unable", reason: `cannot open ${dir.databasePath}: ${(error as Error).message}`, checks: [] };
  }
  try {
    return readSnapshot(sqlite, () => verifySnapshot(sqlite, dir.venueKeyPath));
  } catch (error) {
    return { status: "unable", reason: `could not read the database: ${(error as Error).message}`, checks: [] };
  } finally {
    sqlite.close();
  }
}

function verifySnapshot(sqlite: Sqlite, venueKeyPath: string): VerifyOutcome {
  const checks: string[] = [];
  const integrity = sqlite.query<{ integrity_check: string }, []>("PRAGMA integrity_check").all();
  if (integrity.length !== 1 || integrity[0]!.integrity_check !== "ok") {
    return { status: "fault", fault: `SQLite integrity check: ${integrity.map((row) => row.integrity_check).slice(0, 3).join("; ")}`, checks };
  }
  checks.push("sqlite integrity: ok");

  const migrations = sqlite.query<{ idx: number; tag: string }, []>("SELECT idx, tag FROM schema_migrations ORDER BY idx").all();
  if (migrations.length > embeddedMigrations.length) {
    return { status: "unable", reason: `the database was written by a newer tibox (${migrations.length} migrations, this one knows ${embeddedMigrations.length})`, checks };
  }
  for (const row of migrations) {
    if (embeddedMigrations[row.idx]?.tag !== row.tag) return { status: "fault", fault: `migration ${row.idx} is ${row.tag}, expected ${embeddedMigrations[row.idx]?.tag}`, checks };
  }
  checks.push(`migrations: ${migrations.length} of ${embeddedMigrations.length} applied`);

  const venue = findVenue(sqlite);
  const eventCount = sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM event_log").get()?.n ?? 0;
  if (!venue) {
    if (eventCount > 0) return { status: "fault", fault: "the event log has records but the venue is missing", checks };
    checks.push("venue: setup pending, nothing signed yet");
    return { status: "sound", checks };
  }
  let publicKey: Uint8Array;
  try {
    publicKey = fromHex(venue.publicKeyHex);
  } catch {
    return { status: "fault", fault: "the venue's public key is not hex", checks };
  }
  if (existsSync(venueKeyPath)) {
    let keyFilePublic: string;
    try {
      keyFilePublic = toHex(signerFromPem(readFileSync(venueKeyPath, "utf8")).publicKey);
    } catch (error) {
      return { status: "unable", reason: `cannot read the venue key ${venueKeyPath}: ${(error as Error).message}`, checks };
    }
    if (keyFilePublic !== venue.publicKeyHex) return { status: "fault", fault: `${venueKeyPath} is not the key of venue ${venue.id}`, checks };
    checks.push("venue key: matches the venue's public key");
  } else {
    checks.push("venue key: file absent, checked signatures against the stored public key");
  }

  const chain = verifyEventLog(sqlite, publicKey);
  if (!chain.ok) return { status: "fault", fault: chain.fault, checks };
  checks.push(`event log: ${chain.records} records, chain and signatures sound, head ${chain.headHash.slice(0, 16)}`);

  const latest = sqlite.query<{ at: number | null }, []>("SELECT max(at_ms) AS at FROM event_log").get()?.at ?? 0;
  const floor = readTimeFloor(sqlite);
  if (floor < latest) return { status: "fault", fault: `time floor ${floor} is below the latest stamp ${latest}`, checks };
  checks.push("time floor: at or after every stamp");
  return { status: "sound", checks };
}
