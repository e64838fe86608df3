/**
 * `tibox verify`: checks everything that can be checked, from the data folder alone, in one
 * read-only snapshot (so it runs beside a serving box and sees one consistent state).
 * Exit 0: sound. Exit 1: a fault, named (the first one found). Exit 2: could not check.
 * It checks: SQLite integrity, the migrations, the venue key, the technical event log's chain,
 * hashes and signatures, the ledger (ledger/verify.ts: its own encoder, @noble/curves, balances,
 * zero sums, backing, idempotency, an optional expected head), the fiscal journal (pos/
 * fiscal-verify.ts: its own encoder, signatures, grand total, card payments against the ledger),
 * and the time floor. `--archive FILE` checks a fiscal archive alone, without the database.
 */
import { existsSync, readFileSync } from "node:fs";
import { verifyEventLog } from "../auth/index.ts";
import { dataDir, embeddedMigrations, openReadOnlyDatabase, readSnapshot, readTimeFloor, type Sqlite } from "../db/index.ts";
import { findVenue } from "../federation/index.ts";
import { fromHex, signerFromPem, toHex } from "../kernel/index.ts";
import { verifyLedger } from "../ledger/index.ts";
import { verifyArchiveText, verifyFiscalJournal } from "../pos/index.ts";
import { UsageError } from "./args.ts";

export type VerifyOutcome =
  | { readonly status: "sound"; readonly checks: readonly string[] }
  | { readonly status: "fault"; readonly fault: string; readonly checks: readonly string[] }
  | { readonly status: "unable"; readonly reason: string; readonly checks: readonly string[] };

export const VERIFY_EXIT = { sound: 0, fault: 1, unable: 2 } as const;

export interface VerifyOptions {
  /** "SEQ:HASH" printed on a Z ticket: the journal must contain that entry with that hash. */
  readonly expectHead?: { readonly seq: number; readonly hash: string } | undefined;
}

export function parseExpectHead(text: string): { seq: number; hash: string } {
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim().toLowerCase());
  if (!match) throw new UsageError("--expect-head is SEQ:HASH (the entry number and its 64 hex digits)");
  return { seq: Number(match[1]), hash: match[2]! };
}

export function verifyDataFolder(folder: string, options: VerifyOptions = {}): VerifyOutcome {
  const dir = dataDir(folder);
  if (!existsSync(dir.databasePath)) return { status: "unable", reason: `no database at ${dir.databasePath}`, checks: [] };
  let sqlite: Sqlite;
  try {
    sqlite = openReadOnlyDatabase(dir.databasePath);
  } catch (error) {
    return { status: "unable", reason: `cannot open ${dir.databasePath}: ${(error as Error).message}`, checks: [] };
  }
  try {
    return readSnapshot(sqlite, () => verifySnapshot(sqlite, dir.venueKeyPath, options));
  } catch (error) {
    return { status: "unable", reason: `could not read the database: ${(error as Error).message}`, checks: [] };
  } finally {
    sqlite.close();
  }
}

/**
 * Every 201 answer a device received names an entry: that entry must still be in the journal,
 * under the same scope and key. Deleting the journal's tail is caught here even without
 * --expect-head, as long as the stored answers (kept 30 days) were not deleted too.
 */
function checkStoredAnswers(sqlite: Sqlite): { count: number; fault?: string } {
  const entry = sqlite.query<{ scope: string; idempotency_key: string }, [number]>("SELECT scope, idempotency_key FROM ledger_entries WHERE seq = ?");
  let count = 0;
  for (const row of sqlite.query<{ scope: string; key: string; body: string }, []>("SELECT scope, key, body FROM idempotency_keys WHERE status = 201").iterate()) {
    let seq: unknown;
    try {
      seq = (JSON.parse(row.body) as { entry_seq?: unknown }).entry_seq;
    } catch {
      return { count, fault: `stored answer ${row.scope} ${row.key} is not JSON` };
    }
    if (typeof seq !== "number") continue;
    const found = entry.get(seq);
    if (!found) return { count, fault: `ledger entry ${seq}: acknowledged to ${row.scope} (key ${row.key}) but missing from the journal` };
    if (found.scope !== row.scope || found.idempotency_key !== row.key) return { count, fault: `ledger entry ${seq}: not the entry acknowledged to ${row.scope} (key ${row.key})` };
    count++;
  }
  return { count };
}

function verifySnapshot(sqlite: Sqlite, venueKeyPath: string, options: VerifyOptions): VerifyOutcome {
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
  const entryCount = sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM ledger_entries").get()?.n ?? 0;
  if (!venue) {
    if (eventCount > 0 || entryCount > 0) return { status: "fault", fault: "signed records exist but the venue is missing", checks };
    if (options.expectHead) return { status: "fault", fault: `the journal is empty, not at the expected head ${options.expectHead.seq}`, checks };
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

  const backedAssets = sqlite.query<{ code: string }, []>("SELECT code FROM assets WHERE backed = 1 ORDER BY code").all().map((row) => row.code);
  const ledger = verifyLedger(sqlite, { publicKey, backedAssets, expectHead: options.expectHead });
  if (!ledger.ok) return { status: "fault", fault: ledger.fault, checks };
  checks.push(
    `ledger: ${ledger.entries} entries, chain, signatures, balances, zero sums, backing (${backedAssets.join(", ") || "none"}) and idempotency sound; head ${ledger.head.seq}:${ledger.head.hash}`,
  );

  const answers = checkStoredAnswers(sqlite);
  if (answers.fault) return { status: "fault", fault: answers.fault, checks };
  checks.push(`stored answers: ${answers.count} acknowledged entries found in the journal under their keys`);

  const fiscal = verifyFiscalJournal(sqlite, publicKey);
  if (!fiscal.ok) return { status: "fault", fault: fiscal.fault, checks };
  checks.push(
    `fiscal journal: ${fiscal.records} records, chain, signatures, grand total ${fiscal.grandTotal}, sale numbers and card payments sound; head ${fiscal.head.seq}:${fiscal.head.hash}`,
  );

  const latest =
    sqlite.query<{ at: number | null }, []>("SELECT max(at) AS at FROM (SELECT max(at_ms) AS at FROM event_log UNION ALL SELECT max(at_ms) FROM ledger_entries UNION ALL SELECT max(at_ms) FROM fiscal_records)").get()?.at ?? 0;
  const floor = readTimeFloor(sqlite);
  if (floor < latest) return { status: "fault", fault: `time floor ${floor} is below the latest stamp ${latest}`, checks };
  checks.push("time floor: at or after every stamp");
  return { status: "sound", checks };
}

/** `tibox verify --archive FILE`: the archive alone, no database (exit codes as for a data folder). */
export function verifyArchiveFile(path: string): VerifyOutcome {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { status: "unable", reason: `cannot read ${path}: ${(error as Error).message}`, checks: [] };
  }
  return verifyArchiveText(text);
}
