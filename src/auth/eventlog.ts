/**
 * The technical event log: logins, failed logins, configuration changes, pairings, revocations.
 * Each record carries the previous record's hash and the venue's Ed25519 signature over its
 * canonical encoding (context tibox-event-log/v1), so a removed, inserted or edited record breaks
 * the chain. The chain head is read inside the writer's BEGIN IMMEDIATE transaction, never kept
 * in memory, so the CLI appending beside a serving box cannot fork it. Triggers refuse UPDATE
 * and DELETE (migration 0001).
 */
import { desc, eq, and, lt, type SQL } from "drizzle-orm";
import {
  canonicalBytes,
  fromHex,
  sha256Hex,
  SIGNING_CONTEXTS,
  toHex,
  verifySignatureIndependently,
  type Canonical,
  type Signer,
} from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { eventLog } from "./schema.ts";

export const GENESIS_HASH = "0".repeat(64);

export interface EventInput {
  readonly kind: string;
  /** Who did it: "operator:<id>", "terminal:<id>", "cli" or "system". */
  readonly actor: string;
  /** What it was done to, e.g. "terminal:<id>"; empty when nothing in particular. */
  readonly subject: string;
  readonly detail: { readonly [key: string]: Canonical };
}

export interface EventRecord extends EventInput {
  readonly seq: number;
  readonly atMs: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly signature: string;
}

/** The signed body of a record: everything stored except its hash and signature. */
function signedBody(record: Omit<EventRecord, "hash" | "signature">): Canonical {
  return {
    v: 1,
    seq: record.seq,
    at_ms: record.atMs,
    kind: record.kind,
    actor: record.actor,
    subject: record.subject,
    detail: record.detail,
    prev_hash: record.prevHash,
  };
}

export function appendEvent(tx: Tx, signer: Signer, input: EventInput): EventRecord {
  const head = tx.sqlite.query<{ seq: number; hash: string }, []>("SELECT seq, hash FROM event_log ORDER BY seq DESC LIMIT 1").get();
  const unsigned = {
    ...input,
    seq: (head?.seq ?? 0) + 1,
    atMs: tx.stamp().atMs,
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  const body = canonicalBytes(signedBody(unsigned));
  const record: EventRecord = {
    ...unsigned,
    hash: sha256Hex(body),
    signature: toHex(signer.sign(SIGNING_CONTEXTS.eventLog, body)),
  };
  tx.orm
    .insert(eventLog)
    .values({
      seq: record.seq,
      atMs: record.atMs,
      kind: record.kind,
      actor: record.actor,
      subject: record.subject,
      detail: JSON.stringify(record.detail),
      prevHash: record.prevHash,
      hash: record.hash,
      signature: record.signature,
    })
    .run();
  return record;
}

type EventRow = typeof eventLog.$inferSelect;

function recordFromRow(row: EventRow): EventRecord {
  return { ...row, detail: JSON.parse(row.detail) as { [key: string]: Canonical } };
}

export interface EventQuery {
  readonly kind?: string | undefined;
  readonly beforeSeq?: number | undefined;
  readonly rows: number;
}

export function listEvents(tx: Pick<Tx, "orm">, query: EventQuery): EventRecord[] {
  const conditions: SQL[] = [];
  if (query.kind) conditions.push(eq(eventLog.kind, query.kind));
  if (query.beforeSeq) conditions.push(lt(eventLog.seq, query.beforeSeq));
  return tx.orm
    .select()
    .from(eventLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(eventLog.seq))
    .limit(query.rows)
    .all()
    .map(recordFromRow);
}

export type ChainCheck = { readonly ok: true; readonly records: number; readonly headHash: string } | { readonly ok: false; readonly fault: string };

/**
 * Walks the whole chain: gapless sequence, previous hashes, recomputed hashes, and signatures
 * checked with @noble/curves (the implementation that did not sign them). Call it inside a read
 * snapshot.
 */
export function verifyEventLog(sqlite: Sqlite, publicKey: Uint8Array): ChainCheck {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  const rows = sqlite.query<EventRow, []>(
    "SELECT seq, at_ms AS atMs, kind, actor, subject, detail, prev_hash AS prevHash, hash, signature FROM event_log ORDER BY seq",
  );
  for (const row of rows.iterate()) {
    const where = `event log record ${row.seq}`;
    if (row.seq !== expectedSeq) return { ok: false, fault: `${where}: expected sequence ${expectedSeq} (a record is missing)` };
    if (row.prevHash !== prevHash) return { ok: false, fault: `${where}: previous hash does not match record ${row.seq - 1}` };
    let record: EventRecord;
    try {
      record = recordFromRow(row);
    } catch {
      return { ok: false, fault: `${where}: detail is not JSON` };
    }
    const body = canonicalBytes(signedBody(record));
    if (sha256Hex(body) !== row.hash) return { ok: false, fault: `${where}: hash does not match its content (edited)` };
    let signature: Uint8Array;
    try {
      signature = fromHex(row.signature);
    } catch {
      return { ok: false, fault: `${where}: signature is not hex` };
    }
    if (!verifySignatureIndependently(SIGNING_CONTEXTS.eventLog, body, signature, publicKey)) {
      return { ok: false, fault: `${where}: signature is not the venue's` };
    }
    prevHash = row.hash;
    expectedSeq++;
  }
  return { ok: true, records: expectedSeq - 1, headHash: prevHash };
}
