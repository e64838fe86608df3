/**
 * tibox-entry/v1: the bytes an entry's hash and signature cover (docs/ledger-format.md). They are
 * the canonical JSON of every stored column of the entry (but its hash and signature) and of its
 * transfers. This is the writer's encoder; ledger/verify.ts has its own, written separately.
 */
import { canonicalBytes, type Canonical } from "../kernel/index.ts";

export interface TransferRow {
  readonly idx: number;
  readonly debitAccount: string;
  readonly creditAccount: string;
  readonly asset: string;
  readonly amount: number;
}

export interface EntryBody {
  readonly seq: number;
  readonly kind: string;
  readonly atMs: number;
  readonly hlcCounter: number;
  readonly scope: string;
  readonly idempotencyKey: string;
  readonly reversesSeq: number | null;
  readonly memo: { readonly [key: string]: Canonical };
  readonly prevHash: string;
  readonly transfers: readonly TransferRow[];
}

export function encodeEntry(entry: EntryBody): Uint8Array {
  return canonicalBytes({
    seq: entry.seq,
    kind: entry.kind,
    at_ms: entry.atMs,
    hlc_counter: entry.hlcCounter,
    scope: entry.scope,
    idempotency_key: entry.idempotencyKey,
    reverses_seq: entry.reversesSeq,
    memo: entry.memo,
    prev_hash: entry.prevHash,
    transfers: entry.transfers.map((transfer) => ({
      idx: transfer.idx,
      debit_account: transfer.debitAccount,
      credit_account: transfer.creditAccount,
      asset: transfer.asset,
      amount: transfer.amount,
    })),
  });
}
