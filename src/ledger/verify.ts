/**
 * Verifying the journal from its stored rows alone, in one read snapshot. This file re-encodes
 * each entry with its own encoder (it shares no code with encoding.ts, so a bug in one is caught
 * by the other), checks every signature with @noble/curves, the hash chain, the sequence, the
 * HLC order, double entry, balances recomputed from the transfers, no wallet ever negative,
 * backing, and unique idempotency keys.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { createHash } from "node:crypto";
import type { Sqlite } from "../db/index.ts";
import { mayGoNegative } from "./accounts.ts";

const CONTEXT = "tibox-entry/v1";
const GENESIS = "0".repeat(64);

export type LedgerCheck = { readonly ok: true; readonly entries: number; readonly head: { seq: number; hash: string } } | { readonly ok: false; readonly fault: string };

export interface LedgerVerifyOptions {
  readonly publicKey: Uint8Array;
  /** Codes of the euro-backed assets: their reserves must equal minus their issuance. */
  readonly backedAssets: readonly string[];
  /** When given, the journal must contain this entry with this hash (a printed chain head). */
  readonly expectHead?: { readonly seq: number; readonly hash: string } | undefined;
}

interface Row {
  seq: number;
  kind: string;
  at_ms: number;
  hlc_counter: number;
  scope: string;
  idempotency_key: string;
  reverses_seq: number | null;
  memo: string;
  prev_hash: string;
  hash: string;
  signature: string;
}

interface TransferRow {
  entry_seq: number;
  idx: number;
  debit_account: string;
  credit_account: string;
  asset: string;
  amount: number;
}

const str = (value: string) => JSON.stringify(value);
const int = (value: number) => {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
  return String(value);
};

/** Sorts object keys by UTF-16 code units, recursively, with no whitespace. */
function reencodeMemo(text: string): string {
  const walk = (value: unknown): string => {
    if (value === null) return "null";
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") return int(value);
    if (typeof value === "string") return str(value);
    if (Array.isArray(value)) return `[${value.map(walk).join(",")}]`;
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object)
      .sort()
      .map((key) => `${str(key)}:${walk(object[key])}`)
      .join(",")}}`;
  };
  return walk(JSON.parse(text));
}

/** The tibox-entry/v1 bytes, written out key by key in their sorted order. */
function entryBytes(row: Row, transfers: readonly TransferRow[]): Uint8Array {
  const transferText = transfers
    .map((t) => `{"amount":${int(t.amount)},"asset":${str(t.asset)},"credit_account":${str(t.credit_account)},"debit_account":${str(t.debit_account)},"idx":${int(t.idx)}}`)
    .join(",");
  const text =
    `{"at_ms":${int(row.at_ms)},"hlc_counter":${int(row.hlc_counter)},"idempotency_key":${str(row.idempotency_key)},"kind":${str(row.kind)},` +
    `"memo":${row.memo},"prev_hash":${str(row.prev_hash)},"reverses_seq":${row.reverses_seq === null ? "null" : int(row.reverses_seq)},` +
    `"scope":${str(row.scope)},"seq":${int(row.seq)},"transfers":[${transferText}]}`;
  return new TextEncoder().encode(text);
}

function hexBytes(hex: string): Uint8Array | undefined {
  return /^[0-9a-f]{128}$/.test(hex) ? new Uint8Array(Buffer.from(hex, "hex")) : undefined;
}

export function verifyLedger(sqlite: Sqlite, options: LedgerVerifyOptions): LedgerCheck {
  const prefix = new TextEncoder().encode(`${CONTEXT}\0`);
  const running = new Map<string, number>();
  const key = (account: string, asset: string) => `${account}\u0000${asset}`;
  let expectedSeq = 1;
  let prevHash = GENESIS;
  let prevTime: [number, number] = [0, -1];
  let expectedHeadSeen = options.expectHead === undefined;

  const transfersOf = sqlite.query<TransferRow, [number]>("SELECT entry_seq, idx, debit_account, credit_account, asset, amount FROM ledger_transfers WHERE entry_seq = ? ORDER BY idx");
  const entries = sqlite.query<Row, []>("SELECT seq, kind, at_ms, hlc_counter, scope, idempotency_key, reverses_seq, memo, prev_hash, hash, signature FROM ledger_entries ORDER BY seq");
  for (const row of entries.iterate()) {
    const where = `ledger entry ${row.seq}`;
    if (row.seq !== expectedSeq) return { ok: false, fault: `${where}: expected sequence ${expectedSeq} (an entry is missing)` };
    if (row.prev_hash !== prevHash) return { ok: false, fault: `${where}: previous hash does not match entry ${row.seq - 1}` };
    if (row.at_ms < prevTime[0] || (row.at_ms === prevTime[0] && row.hlc_counter <= prevTime[1])) return { ok: false, fault: `${where}: time goes backwards` };
    const transfers = transfersOf.all(row.seq);
    if (transfers.length === 0) return { ok: false, fault: `${where}: has no transfer` };
    let bytes: Uint8Array;
    try {
      if (reencodeMemo(row.memo) !== row.memo) return { ok: false, fault: `${where}: memo is not canonical` };
      transfers.forEach((transfer, index) => {
        if (transfer.idx !== index) throw new Error(`transfer ${index} is missing`);
      });
      bytes = entryBytes(row, transfers);
    } catch (error) {
      return { ok: false, fault: `${where}: cannot be encoded (${(error as Error).message})` };
    }
    if (createHash("sha256").update(bytes).digest("hex") !== row.hash) return { ok: false, fault: `${where}: hash does not match its content (edited)` };
    const signature = hexBytes(row.signature);
    const message = new Uint8Array(prefix.length + bytes.length);
    message.set(prefix, 0);
    message.set(bytes, prefix.length);
    let signed = false;
    try {
      signed = signature !== undefined && ed25519.verify(signature, message, options.publicKey, { zip215: false });
    } catch {
      signed = false;
    }
    if (!signed) return { ok: false, fault: `${where}: signature is not the venue's` };
    for (const transfer of transfers) {
      if (!Number.isSafeInteger(transfer.amount) || transfer.amount <= 0) return { ok: false, fault: `${where}: transfer ${transfer.idx} moves ${transfer.amount}` };
      if (transfer.debit_account === transfer.credit_account) return { ok: false, fault: `${where}: transfer ${transfer.idx} moves to its own account` };
      const debit = key(transfer.debit_account, transfer.asset);
      const credit = key(transfer.credit_account, transfer.asset);
      running.set(debit, (running.get(debit) ?? 0) - transfer.amount);
      running.set(credit, (running.get(credit) ?? 0) + transfer.amount);
    }
    for (const transfer of transfers) {
      if (!mayGoNegative(transfer.debit_account) && (running.get(key(transfer.debit_account, transfer.asset)) ?? 0) < 0) {
        return { ok: false, fault: `${where}: leaves ${transfer.debit_account} negative in ${transfer.asset}` };
      }
    }
    if (options.expectHead && row.seq === options.expectHead.seq) {
      if (row.hash !== options.expectHead.hash) return { ok: false, fault: `${where}: hash ${row.hash.slice(0, 16)}… is not the expected head ${options.expectHead.hash.slice(0, 16)}…` };
      expectedHeadSeen = true;
    }
    prevHash = row.hash;
    prevTime = [row.at_ms, row.hlc_counter];
    expectedSeq++;
  }
  if (!expectedHeadSeen) return { ok: false, fault: `the journal ends at entry ${expectedSeq - 1}, before the expected head ${options.expectHead!.seq} (entries were removed)` };
  return checkTotals(sqlite, options, running, expectedSeq - 1, prevHash);
}

function checkTotals(sqlite: Sqlite, options: LedgerVerifyOptions, running: Map<string, number>, entries: number, headHash: string): LedgerCheck {
  const stored = new Map<string, number>();
  for (const row of sqlite.query<{ account: string; asset: string; balance: number }, []>("SELECT account, asset, balance FROM ledger_balances").all()) {
    stored.set(`${row.account}\u0000${row.asset}`, row.balance);
  }
  for (const [name, balance] of running) {
    if ((stored.get(name) ?? 0) !== balance) {
      const [account, asset] = name.split("\u0000");
      return { ok: false, fault: `balance of ${account} in ${asset} is ${stored.get(name) ?? 0}, the journal says ${balance}` };
    }
  }
  for (const [name, balance] of stored) {
    if (!running.has(name) && balance !== 0) {
      const [account, asset] = name.split("\u0000");
      return { ok: false, fault: `balance of ${account} in ${asset} is ${balance} with no transfer behind it` };
    }
  }
  const perAsset = new Map<string, number>();
  const reserves = new Map<string, number>();
  const issued = new Map<string, number>();
  for (const [name, balance] of running) {
    const [account, asset] = name.split("\u0000") as [string, string];
    perAsset.set(asset, (perAsset.get(asset) ?? 0) + balance);
    if (account.startsWith("reserve:")) reserves.set(asset, (reserves.get(asset) ?? 0) + balance);
    if (account === `issuance:${asset}`) issued.set(asset, -balance);
  }
  for (const [asset, sum] of perAsset) if (sum !== 0) return { ok: false, fault: `asset ${asset}: balances sum to ${sum}, not zero` };
  for (const asset of options.backedAssets) {
    if ((issued.get(asset) ?? 0) !== (reserves.get(asset) ?? 0)) {
      return { ok: false, fault: `asset ${asset}: ${issued.get(asset) ?? 0} issued but ${reserves.get(asset) ?? 0} in reserves` };
    }
  }
  const duplicate = sqlite
    .query<{ scope: string; idempotency_key: string }, []>(
      "SELECT scope, idempotency_key FROM ledger_entries WHERE idempotency_key != '' GROUP BY scope, idempotency_key HAVING count(*) > 1 LIMIT 1",
    )
    .get();
  if (duplicate) return { ok: false, fault: `idempotency key ${duplicate.idempotency_key} of ${duplicate.scope} was applied twice` };
  return { ok: true, entries, head: { seq: entries, hash: headHash } };
}
