/**
 * Verifying the fiscal journal, from the database (`tibox verify`) or from an archive file alone
 * (`tibox verify --archive`). This file re-encodes each record with its own encoder (it shares no
 * code with fiscal.ts), checks every signature with @noble/curves (strict), the hash chain, the
 * gapless sequence, that time never goes back, and recomputes the perpetual grand total from the
 * sales and voids. Against the database it also checks that every card payment of a sale is a
 * ledger payment entry of that amount at that point of sale (and every voided one, its void),
 * that the sales table agrees with the journal (gapless numbers, one record per sale), and that
 * every sale acknowledged to a till (a stored answer) is still there.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { createHash } from "node:crypto";
import type { Sqlite } from "../db/index.ts";

const CONTEXT = "tibox-fiscal/v1";
const GENESIS = "0".repeat(64);
const KINDS = new Set(["sale", "sale_void", "closure_daily", "closure_monthly", "closure_yearly", "archive"]);

export type FiscalCheck =
  | { readonly ok: true; readonly records: number; readonly head: { readonly seq: number; readonly hash: string }; readonly grandTotal: number }
  | { readonly ok: false; readonly fault: string };

/** A record as stored: `payload` is the stored text (canonical JSON). */
export interface StoredFiscalRecord {
  readonly seq: number;
  readonly kind: string;
  readonly at_ms: number;
  readonly payload: string;
  readonly grand_total_after: number;
  readonly prev_hash: string;
  readonly hash: string;
  readonly signature: string;
}

const str = (value: string) => JSON.stringify(value);
const int = (value: unknown) => {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new Error(`not an integer: ${String(value)}`);
  return String(value);
};

/** Canonical JSON written anew: keys sorted by UTF-16 code units, integers only, no whitespace. */
export function reencode(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return int(value);
  if (typeof value === "string") return str(value);
  if (Array.isArray(value)) return `[${value.map(reencode).join(",")}]`;
  if (typeof value !== "object") throw new Error(`cannot encode ${typeof value}`);
  const object = value as Record<string, unknown>;
  return `{${Object.keys(object)
    .sort()
    .map((key) => `${str(key)}:${reencode(object[key])}`)
    .join(",")}}`;
}

/** The tibox-fiscal/v1 bytes, written key by key in sorted order. */
export function fiscalBytes(record: Omit<StoredFiscalRecord, "hash" | "signature">): Uint8Array {
  return new TextEncoder().encode(
    `{"at_ms":${int(record.at_ms)},"grand_total_after":${int(record.grand_total_after)},"kind":${str(record.kind)},"payload":${record.payload},` +
      `"prev_hash":${str(record.prev_hash)},"seq":${int(record.seq)}}`,
  );
}

/** A strict Ed25519 check (@noble/curves, zip215 off) of bytes signed under tibox-fiscal/v1. */
export function fiscalSignatureValid(publicKey: Uint8Array, bytes: Uint8Array, signatureHex: string): boolean {
  if (!/^[0-9a-f]{128}$/.test(signatureHex)) return false;
  const prefix = new TextEncoder().encode(`${CONTEXT}\0`);
  const message = new Uint8Array(prefix.length + bytes.length);
  message.set(prefix, 0);
  message.set(bytes, prefix.length);
  try {
    return ed25519.verify(Buffer.from(signatureHex, "hex"), message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** What a record adds to the grand total: a sale's total, a void's (negative) total, nothing else. */
function grandTotalDelta(kind: string, payload: Record<string, unknown>): number {
  if (kind !== "sale" && kind !== "sale_void") return 0;
  const total = payload.total;
  if (typeof total !== "number" || !Number.isSafeInteger(total)) throw new Error("its total is not an integer");
  if (kind === "sale" ? total <= 0 : total >= 0) throw new Error(`a ${kind} of ${total}`);
  return total;
}

/** Walks records in order, from an anchor (the genesis, or the record before the first one of an archive). */
export class FiscalChainWalker {
  readonly #publicKey: Uint8Array;
  #expectedSeq: number;
  #prevHash: string;
  #grandTotal: number | undefined;
  #prevAtMs = 0;
  records = 0;

  constructor(publicKey: Uint8Array, anchor: { seq: number; hash: string; grandTotal: number | undefined }) {
    this.#publicKey = publicKey;
    this.#expectedSeq = anchor.seq + 1;
    this.#prevHash = anchor.hash;
    this.#grandTotal = anchor.grandTotal;
  }

  get head(): { seq: number; hash: string; grandTotal: number } {
    return { seq: this.#expectedSeq - 1, hash: this.#prevHash, grandTotal: this.#grandTotal ?? 0 };
  }

  /** Checks one record; returns its parsed payload, or the fault. */
  check(row: StoredFiscalRecord): { payload: Record<string, unknown> } | { fault: string } {
    const where = `fiscal record ${row.seq}`;
    if (row.seq !== this.#expectedSeq) return { fault: `${where}: expected sequence ${this.#expectedSeq} (a record is missing)` };
    if (row.prev_hash !== this.#prevHash) return { fault: `${where}: previous hash does not match record ${row.seq - 1}` };
    if (!KINDS.has(row.kind)) return { fault: `${where}: unknown kind ${row.kind}` };
    if (row.at_ms < this.#prevAtMs) return { fault: `${where}: time goes backwards` };
    let payload: Record<string, unknown>;
    let bytes: Uint8Array;
    let delta: number;
    try {
      const parsed = JSON.parse(row.payload) as unknown;
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return { fault: `${where}: payload is not an object` };
      if (reencode(parsed) !== row.payload) return { fault: `${where}: payload is not canonical` };
      payload = parsed as Record<string, unknown>;
      bytes = fiscalBytes(row);
      delta = grandTotalDelta(row.kind, payload);
    } catch (error) {
      return { fault: `${where}: cannot be encoded (${(error as Error).message})` };
    }
    if (createHash("sha256").update(bytes).digest("hex") !== row.hash) return { fault: `${where}: hash does not match its content (edited)` };
    if (!fiscalSignatureValid(this.#publicKey, bytes, row.signature)) return { fault: `${where}: signature is not the venue's` };
    const expectedTotal = (this.#grandTotal ?? row.grand_total_after - delta) + delta;
    if (row.grand_total_after !== expectedTotal) return { fault: `${where}: grand total ${row.grand_total_after}, the sales and voids say ${expectedTotal}` };
    this.#grandTotal = expectedTotal;
    this.#prevHash = row.hash;
    this.#prevAtMs = row.at_ms;
    this.#expectedSeq++;
    this.records++;
    return { payload };
  }
}

interface PaymentPayload {
  method: string;
  amount: number;
  entry_seq: number | null;
}

/** A card payment of a sale must be the ledger's payment entry of that amount at that point of sale; a voided one, its void. */
function checkCardPayments(sqlite: Sqlite, seq: number, kind: string, payload: Record<string, unknown>): string | undefined {
  if (kind !== "sale" && kind !== "sale_void") return undefined;
  const entry = sqlite.query<{ kind: string; memo: string; reverses_seq: number | null }, [number]>("SELECT kind, memo, reverses_seq FROM ledger_entries WHERE seq = ?");
  const payments = (payload.payments ?? []) as PaymentPayload[];
  for (const payment of payments.filter((candidate) => candidate.method === "nfc_card")) {
    const where = `fiscal record ${seq}`;
    if (typeof payment.entry_seq !== "number") return `${where}: a card payment without its ledger entry`;
    const found = entry.get(payment.entry_seq);
    if (!found) return `${where}: card payment names ledger entry ${payment.entry_seq}, which the journal lacks`;
    if (kind === "sale") {
      const memo = JSON.parse(found.memo) as { amount?: unknown; point_of_sale?: unknown };
      if (found.kind !== "payment" || memo.amount !== payment.amount || memo.point_of_sale !== payload.point_of_sale) {
        return `${where}: card payment of ${payment.amount} does not match ledger entry ${payment.entry_seq}`;
      }
    } else if (found.kind !== "void" || found.reverses_seq === null) {
      return `${where}: voided card payment names ledger entry ${payment.entry_seq}, which is not a void`;
    }
  }
  return undefined;
}

/** Sales and the journal agree: gapless numbers, each real sale and void with its record, same total. */
function checkSalesTable(sqlite: Sqlite): string | undefined {
  const record = sqlite.query<{ kind: string; payload: string }, [number]>("SELECT kind, payload FROM fiscal_records WHERE seq = ?");
  let expected = 1;
  for (const sale of sqlite
    .query<{ number: number; total: number; fiscal_seq: number | null }, []>("SELECT number, total, fiscal_seq FROM sales WHERE training = 0 ORDER BY number")
    .iterate()) {
    if (sale.number !== expected) return `sale ${expected} is missing (sale numbers have a gap)`;
    const found = sale.fiscal_seq === null ? null : record.get(sale.fiscal_seq);
    const payload = found ? (JSON.parse(found.payload) as { number?: unknown; total?: unknown }) : undefined;
    if (!found || found.kind !== "sale" || payload?.number !== sale.number || payload.total !== sale.total) return `sale ${sale.number}: its fiscal record is missing or differs`;
    expected++;
  }
  const counts = sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM fiscal_records WHERE kind = 'sale'").get()!.n;
  if (counts !== expected - 1) return `the journal holds ${counts} sale records for ${expected - 1} sales`;
  return undefined;
}

/**
 * Every sale a till was told about (a stored 201 answer, kept 30 days) must still be in the sales
 * table with the same fiscal record: removing the journal's tail, sales and records together,
 * keeps the chain whole but is caught here.
 */
function checkStoredSaleAnswers(sqlite: Sqlite): string | undefined {
  const sale = sqlite.query<{ fiscal_seq: number | null }, [number]>("SELECT fiscal_seq FROM sales WHERE training = 0 AND number = ?");
  const record = sqlite.query<{ kind: string }, [number]>("SELECT kind FROM fiscal_records WHERE seq = ?");
  for (const row of sqlite
    .query<{ scope: string; key: string; body: string }, []>("SELECT scope, key, body FROM idempotency_keys WHERE status = 201 AND body LIKE '{\"sale_number\":%'")
    .iterate()) {
    let answer: { sale_number?: unknown; training?: unknown; fiscal_seq?: unknown; voided_total?: unknown };
    try {
      answer = JSON.parse(row.body) as typeof answer;
    } catch {
      return `stored answer ${row.scope} ${row.key} is not JSON`;
    }
    if (answer.training === true || typeof answer.sale_number !== "number" || typeof answer.fiscal_seq !== "number") continue;
    if (answer.voided_total !== undefined) {
      // A void's answer names the void's record.
      if (record.get(answer.fiscal_seq)?.kind !== "sale_void") return `sale ${answer.sale_number}: its void was acknowledged to ${row.scope} (key ${row.key}) with fiscal record ${answer.fiscal_seq}, which the journal lacks`;
      continue;
    }
    const found = sale.get(answer.sale_number);
    if (!found || found.fiscal_seq !== answer.fiscal_seq || record.get(answer.fiscal_seq)?.kind !== "sale") {
      return `sale ${answer.sale_number}: acknowledged to ${row.scope} (key ${row.key}) with fiscal record ${answer.fiscal_seq}, which the journal lacks`;
    }
  }
  return undefined;
}

export function verifyFiscalJournal(sqlite: Sqlite, publicKey: Uint8Array): FiscalCheck {
  const walker = new FiscalChainWalker(publicKey, { seq: 0, hash: GENESIS, grandTotal: 0 });
  for (const row of sqlite.query<StoredFiscalRecord, []>("SELECT seq, kind, at_ms, payload, grand_total_after, prev_hash, hash, signature FROM fiscal_records ORDER BY seq").iterate()) {
    const checked = walker.check(row);
    if ("fault" in checked) return { ok: false, fault: checked.fault };
    const fault = checkCardPayments(sqlite, row.seq, row.kind, checked.payload);
    if (fault) return { ok: false, fault };
  }
  const fault = checkSalesTable(sqlite) ?? checkStoredSaleAnswers(sqlite);
  if (fault) return { ok: false, fault };
  const head = walker.head;
  return { ok: true, records: walker.records, head: { seq: head.seq, hash: head.hash }, grandTotal: head.grandTotal };
}
