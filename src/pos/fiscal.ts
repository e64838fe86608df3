/**
 * The fiscal journal (tibox-fiscal/v1, docs/pos.md): one chained, signed record per sale, void,
 * closure and archive, with the perpetual grand total of sales (VAT included, in cents) after
 * each. It implements the mechanisms of the French cash-register law (inalterability, security,
 * keeping, archiving: the NF525 mechanisms), and is not certified.
 *
 * Like the ledger, the head is read inside the writer's BEGIN IMMEDIATE transaction, never kept
 * in memory, so the CLI appending beside a serving box (an archive) cannot fork the chain; the
 * table is append-only (triggers, migration 0006). This is the writer's encoder; fiscal-verify.ts
 * has its own.
 */
import { assert, canonicalBytes, canonicalJson, sha256Hex, SIGNING_CONTEXTS, toHex, type Canonical, type Signer } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { FISCAL_KINDS } from "./schema.ts";

export type FiscalKind = (typeof FISCAL_KINDS)[number];
export type FiscalPayload = { readonly [key: string]: Canonical };

export const GENESIS_FISCAL_HASH = "0".repeat(64);

export interface FiscalHead {
  readonly seq: number;
  readonly hash: string;
  readonly atMs: number;
  readonly grandTotal: number;
}

export interface FiscalRecord {
  readonly seq: number;
  readonly kind: FiscalKind;
  readonly atMs: number;
  readonly payload: FiscalPayload;
  readonly grandTotalAfter: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly signature: string;
}

export function fiscalHead(sqlite: Sqlite): FiscalHead {
  const row = sqlite
    .query<FiscalHead, []>("SELECT seq, hash, at_ms AS atMs, grand_total_after AS grandTotal FROM fiscal_records ORDER BY seq DESC LIMIT 1")
    .get();
  return row ?? { seq: 0, hash: GENESIS_FISCAL_HASH, atMs: 0, grandTotal: 0 };
}

/** The bytes a record's hash and signature cover: the canonical JSON of its columns but hash and signature. */
export function encodeFiscalRecord(record: Omit<FiscalRecord, "hash" | "signature">): Uint8Array {
  return canonicalBytes({
    seq: record.seq,
    kind: record.kind,
    at_ms: record.atMs,
    payload: record.payload,
    grand_total_after: record.grandTotalAfter,
    prev_hash: record.prevHash,
  });
}

export interface FiscalInput {
  readonly kind: FiscalKind;
  readonly payload: FiscalPayload;
  /** What the record adds to the grand total: a sale's total, minus a voided sale's, 0 otherwise. */
  readonly grandTotalDelta: number;
  /** The record's time, from `fiscalTime`; never before the head's. */
  readonly atMs: number;
}

/** The time to write on the next record: the box's stamp, never before the head's (inside the writer). */
export function fiscalTime(tx: Tx): number {
  return Math.max(tx.stamp().atMs, fiscalHead(tx.sqlite).atMs);
}

export function appendFiscalRecord(tx: Tx, signer: Signer, input: FiscalInput): FiscalRecord {
  const head = fiscalHead(tx.sqlite);
  assert(input.atMs >= head.atMs, "a fiscal record is never older than the previous one");
  assert(Number.isSafeInteger(input.grandTotalDelta), "the grand total moves by whole cents");
  assert(input.kind === "sale" || input.kind === "sale_void" || input.grandTotalDelta === 0, "only sales and voids move the grand total");
  const body = {
    seq: head.seq + 1,
    kind: input.kind,
    atMs: input.atMs,
    payload: input.payload,
    grandTotalAfter: head.grandTotal + input.grandTotalDelta,
    prevHash: head.hash,
  };
  const bytes = encodeFiscalRecord(body);
  const record: FiscalRecord = { ...body, hash: sha256Hex(bytes), signature: toHex(signer.sign(SIGNING_CONTEXTS.fiscal, bytes)) };
  tx.sqlite
    .query("INSERT INTO fiscal_records (seq, kind, at_ms, payload, grand_total_after, prev_hash, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    .run(record.seq, record.kind, record.atMs, canonicalJson(record.payload), record.grandTotalAfter, record.prevHash, record.hash, record.signature);
  return record;
}

interface FiscalRow {
  seq: number;
  kind: FiscalKind;
  atMs: number;
  payload: string;
  grandTotalAfter: number;
  prevHash: string;
  hash: string;
  signature: string;
}

const FISCAL_COLUMNS = "seq, kind, at_ms AS atMs, payload, grand_total_after AS grandTotalAfter, prev_hash AS prevHash, hash, signature";

export function readFiscalRecord(sqlite: Sqlite, seq: number): FiscalRecord | undefined {
  const row = sqlite.query<FiscalRow, [number]>(`SELECT ${FISCAL_COLUMNS} FROM fiscal_records WHERE seq = ?`).get(seq);
  return row ? { ...row, payload: JSON.parse(row.payload) as FiscalPayload } : undefined;
}

/** Records from `fromSeq` to `toSeq` included, in order (bounded by the caller's range). */
export function fiscalRecordsBetween(sqlite: Sqlite, fromSeq: number, toSeq: number): FiscalRecord[] {
  return sqlite
    .query<FiscalRow, [number, number]>(`SELECT ${FISCAL_COLUMNS} FROM fiscal_records WHERE seq BETWEEN ? AND ? ORDER BY seq`)
    .all(fromSeq, toSeq)
    .map((row) => ({ ...row, payload: JSON.parse(row.payload) as FiscalPayload }));
}

/** The first 8 hex digits of a record's signature, printed on receipts and Z tickets. */
export function signatureExtract(signature: string): string {
  return signature.slice(0, 8);
}
