/**
 * Appending to the journal. One entry is a set of transfers that succeed or fail together; the
 * chain head and the hybrid-logical-clock time are read inside the writer's BEGIN IMMEDIATE
 * transaction, never from memory; balances are updated in the same transaction; an account that
 * may not go negative refuses the whole entry with insufficient_funds.
 */
import { assert, canonicalJson, fail, sha256Hex, SIGNING_CONTEXTS, toHex, type Canonical, type Signer } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { mayGoNegative } from "./accounts.ts";
import { encodeEntry, type EntryBody, type TransferRow } from "./encoding.ts";

export const GENESIS_ENTRY_HASH = "0".repeat(64);

/** Bounds: transfers per entry, and the largest amount one transfer moves. */
export const ENTRY_LIMITS = { transfers: 64, amountMinor: 1_000_000_000_000 } as const;

export interface TransferInput {
  readonly debit: string;
  readonly credit: string;
  readonly asset: string;
  readonly amount: number;
}

export interface EntryInput {
  readonly kind: string;
  readonly scope: string;
  /** Empty for entries no device asked for (system jobs). */
  readonly idempotencyKey: string;
  readonly reversesSeq?: number | null;
  readonly memo: { readonly [key: string]: Canonical };
  readonly transfers: readonly TransferInput[];
}

export interface Entry extends EntryBody {
  readonly hash: string;
  readonly signature: string;
}

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
  readonly atMs: number;
  readonly hlcCounter: number;
}

export function chainHead(sqlite: Sqlite): ChainHead {
  const row = sqlite
    .query<ChainHead, []>("SELECT seq, hash, at_ms AS atMs, hlc_counter AS hlcCounter FROM ledger_entries ORDER BY seq DESC LIMIT 1")
    .get();
  return row ?? { seq: 0, hash: GENESIS_ENTRY_HASH, atMs: 0, hlcCounter: 0 };
}

function checkTransfers(transfers: readonly TransferInput[]): TransferRow[] {
  assert(transfers.length > 0 && transfers.length <= ENTRY_LIMITS.transfers, `an entry has 1 to ${ENTRY_LIMITS.transfers} transfers`);
  return transfers.map((transfer, idx) => {
    assert(Number.isSafeInteger(transfer.amount) && transfer.amount > 0 && transfer.amount <= ENTRY_LIMITS.amountMinor, `transfer amount ${transfer.amount}`);
    assert(transfer.debit !== transfer.credit, "a transfer moves between two different accounts");
    assert(transfer.asset.length > 0 && transfer.debit.includes(":") && transfer.credit.includes(":"), "named accounts and asset");
    return { idx, debitAccount: transfer.debit, creditAccount: transfer.credit, asset: transfer.asset, amount: transfer.amount };
  });
}

/** Balance of one account in one asset (credits minus debits), 0 when it never moved. */
export function balanceOf(sqlite: Sqlite, account: string, asset: string): number {
  return sqlite.query<{ balance: number }, [string, string]>("SELECT balance FROM ledger_balances WHERE account = ? AND asset = ?").get(account, asset)?.balance ?? 0;
}

/** Every asset's balance of one account. */
export function balancesOf(sqlite: Sqlite, account: string): Record<string, number> {
  const balances: Record<string, number> = {};
  for (const row of sqlite.query<{ asset: string; balance: number }, [string]>("SELECT asset, balance FROM ledger_balances WHERE account = ? ORDER BY asset").all(account)) {
    balances[row.asset] = row.balance;
  }
  return balances;
}

export function appendEntry(tx: Tx, signer: Signer, input: EntryInput): Entry {
  const transfers = checkTransfers(input.transfers);
  if (input.idempotencyKey && entryByKey(tx.sqlite, input.scope, input.idempotencyKey) !== undefined) {
    // The journal applies a key once, forever; a stored answer may have been purged after 30 days.
    fail("idempotency_key_reused", "this idempotency key was already applied");
  }
  const head = chainHead(tx.sqlite);
  const stampMs = tx.stamp().atMs;
  const atMs = Math.max(stampMs, head.atMs);
  const hlcCounter = atMs === head.atMs && head.seq > 0 ? head.hlcCounter + 1 : 0;
  const memoText = canonicalJson(input.memo);
  const body: EntryBody = {
    seq: head.seq + 1,
    kind: input.kind,
    atMs,
    hlcCounter,
    scope: input.scope,
    idempotencyKey: input.idempotencyKey,
    reversesSeq: input.reversesSeq ?? null,
    memo: input.memo,
    prevHash: head.hash,
    transfers,
  };
  const bytes = encodeEntry(body);
  const entry: Entry = { ...body, hash: sha256Hex(bytes), signature: toHex(signer.sign(SIGNING_CONTEXTS.entry, bytes)) };
  tx.sqlite
    .query(
      `INSERT INTO ledger_entries (seq, kind, at_ms, hlc_counter, scope, idempotency_key, reverses_seq, memo, prev_hash, hash, signature)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(entry.seq, entry.kind, entry.atMs, entry.hlcCounter, entry.scope, entry.idempotencyKey, entry.reversesSeq, memoText, entry.prevHash, entry.hash, entry.signature);
  const insertTransfer = tx.sqlite.query(
    "INSERT INTO ledger_transfers (entry_seq, idx, debit_account, credit_account, asset, amount) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const move = tx.sqlite.query<{ balance: number }, [string, string, number]>(
    `INSERT INTO ledger_balances (account, asset, balance) VALUES (?, ?, ?)
     ON CONFLICT (account, asset) DO UPDATE SET balance = balance + excluded.balance RETURNING balance`,
  );
  const lowest = new Map<string, { account: string; asset: string; balance: number }>();
  for (const transfer of transfers) {
    insertTransfer.run(entry.seq, transfer.idx, transfer.debitAccount, transfer.creditAccount, transfer.asset, transfer.amount);
    const debited = move.get(transfer.debitAccount, transfer.asset, -transfer.amount)!.balance;
    move.get(transfer.creditAccount, transfer.asset, transfer.amount);
    if (!mayGoNegative(transfer.debitAccount)) lowest.set(`${transfer.debitAccount}|${transfer.asset}`, { account: transfer.debitAccount, asset: transfer.asset, balance: debited });
  }
  for (const { account, asset, balance } of lowest.values()) {
    // Read again: a later transfer of the same entry may have credited the account back.
    const final = balanceOf(tx.sqlite, account, asset);
    if (final < 0) fail("insufficient_funds", `${account} would hold ${final} ${asset}`, { missing: -final, account, asset, balance });
  }
  return entry;
}

export function entryByKey(sqlite: Sqlite, scope: string, key: string): number | undefined {
  // The unique index on (scope, idempotency_key) is partial (keys != ''): SQLite uses it only when
  // the query repeats that condition, otherwise every append would scan the whole journal.
  const sql = key === ""
    ? "SELECT seq FROM ledger_entries WHERE scope = ? AND idempotency_key = ?"
    : "SELECT seq FROM ledger_entries WHERE scope = ? AND idempotency_key = ? AND idempotency_key != ''";
  return sqlite.query<{ seq: number }, [string, string]>(sql).get(scope, key)?.seq;
}

export function readEntry(sqlite: Sqlite, seq: number): Entry | undefined {
  const row = sqlite
    .query<Omit<Entry, "memo" | "transfers"> & { memo: string }, [number]>(
      `SELECT seq, kind, at_ms AS atMs, hlc_counter AS hlcCounter, scope, idempotency_key AS idempotencyKey, reverses_seq AS reversesSeq,
              memo, prev_hash AS prevHash, hash, signature FROM ledger_entries WHERE seq = ?`,
    )
    .get(seq);
  if (!row) return undefined;
  const transfers = sqlite
    .query<TransferRow, [number]>(
      "SELECT idx, debit_account AS debitAccount, credit_account AS creditAccount, asset, amount FROM ledger_transfers WHERE entry_seq = ? ORDER BY idx",
    )
    .all(seq);
  return { ...row, memo: JSON.parse(row.memo) as { [key: string]: Canonical }, transfers };
}

export function isReversed(sqlite: Sqlite, seq: number): boolean {
  return sqlite.query<{ seq: number }, [number]>("SELECT seq FROM ledger_entries WHERE reverses_seq = ?").get(seq) !== null;
}

export interface AccountMovement {
  readonly seq: number;
  readonly kind: string;
  readonly atMs: number;
  readonly asset: string;
  /** Positive when the account was credited, negative when debited. */
  readonly amount: number;
}

/** The latest movements of one account, newest first (bounded). */
export function accountHistory(sqlite: Sqlite, account: string, rows: number): AccountMovement[] {
  return sqlite
    .query<AccountMovement, [string, string, number]>(
      `SELECT e.seq, e.kind, e.at_ms AS atMs, t.asset,
              CASE WHEN t.credit_account = ?1 THEN t.amount ELSE -t.amount END AS amount
         FROM ledger_transfers t JOIN ledger_entries e ON e.seq = t.entry_seq
        WHERE t.credit_account = ?1 OR t.debit_account = ?2
        ORDER BY e.seq DESC, t.idx DESC LIMIT ?3`,
    )
    .all(account, account, rows);
}
