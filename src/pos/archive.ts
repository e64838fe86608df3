/**
 * The fiscal archive: one file that anyone can check without tibox's database. JSON lines:
 *
 *   {"type":"header","format":"tibox-fiscal-archive/v1","venue":{...},"public_key":"<hex>","period":...,"first_seq":...,"last_seq":...}
 *   {"type":"record", ...every column of a fiscal record, the payload as an object...}   (one per record, in order)
 *   {"type":"closure","kind":...,"period":...,"point_of_sale":...,"fiscal_seq":...}    (one per closure of the range)
 *   {"type":"manifest","lines":N,"sha256":"<hex of every byte before this line>","first_seq":...,"last_seq":...,"signature":"<hex>"}
 *
 * The manifest is signed by the venue key under tibox-fiscal/v1 over the canonical JSON of its
 * fields but the signature. An archive covers the whole journal, or one month (the records written
 * in its business days); exporting appends a fiscal record of kind `archive` naming the file's
 * SHA-256, so the journal itself says which archives were made.
 */
import { createHash } from "node:crypto";
import { canonicalBytes, canonicalJson, fail, sha256Hex, SIGNING_CONTEXTS, toHex, type Canonical } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { findVenue } from "../federation/index.ts";
import type { OperationDeps } from "../wallet/index.ts";
import { periodKind, periodWindow } from "./business-day.ts";
import { readPosSettings } from "./catalogue.ts";
import { appendFiscalRecord, fiscalHead, fiscalRecordsBetween, fiscalTime } from "./fiscal.ts";
import { FiscalChainWalker, fiscalSignatureValid, reencode, type StoredFiscalRecord } from "./fiscal-verify.ts";
import type { PosActor } from "./sales.ts";

export const ARCHIVE_FORMAT = "tibox-fiscal-archive/v1";

export interface ArchiveExport {
  readonly fileName: string;
  readonly sha256: string;
  readonly records: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** The fiscal record of kind archive appended for this export. */
  readonly archiveSeq: number;
}

/** The range of fiscal records written in a period's business days (times never go back, so a range of seq). */
function seqRange(sqlite: Sqlite, period: string | null): { first: number; last: number } {
  const head = fiscalHead(sqlite).seq;
  if (period === null) return { first: 1, last: head };
  const venue = findVenue(sqlite)!;
  const window = periodWindow(period, venue.timezone, readPosSettings(sqlite).businessDayEndMinute);
  const bound = (ms: number) => sqlite.query<{ seq: number | null }, [number]>("SELECT min(seq) AS seq FROM fiscal_records WHERE at_ms >= ?").get(ms)?.seq ?? head + 1;
  return { first: bound(window.startMs), last: bound(window.endMs) - 1 };
}

/** Builds the archive text of a period (YYYY-MM) or of the whole journal, from inside a transaction. */
export function archiveText(sqlite: Sqlite, period: string | null, createdAtMs: number): { text: string; sha256: string; firstSeq: number; lastSeq: number; records: number } {
  const venue = findVenue(sqlite);
  if (!venue) fail("setup_required", "the box has no venue yet");
  if (period !== null && periodKind(period) !== "monthly") fail("period_invalid", "an archive's period is a month, YYYY-MM");
  const { first, last } = seqRange(sqlite, period);
  const lines: string[] = [
    canonicalJson({
      type: "header",
      format: ARCHIVE_FORMAT,
      venue: { id: venue.id, legal_name: venue.legalName, address: venue.address, siret: venue.siret, vat_number: venue.vatNumber, vat_status: venue.vatStatus, timezone: venue.timezone },
      public_key: venue.publicKeyHex,
      period,
      first_seq: first,
      last_seq: last,
      created_at_ms: createdAtMs,
    }),
  ];
  // Bounded by the journal itself; read page by page so that a year's archive never sits in one array twice.
  const pageRows = 1_000;
  for (let from = first; from <= last; from += pageRows) {
    for (const record of fiscalRecordsBetween(sqlite, from, Math.min(last, from + pageRows - 1))) {
      lines.push(
        canonicalJson({
          type: "record",
          seq: record.seq,
          kind: record.kind,
          at_ms: record.atMs,
          payload: record.payload,
          grand_total_after: record.grandTotalAfter,
          prev_hash: record.prevHash,
          hash: record.hash,
          signature: record.signature,
        }),
      );
    }
  }
  for (const closure of sqlite
    .query<{ kind: string; period: string; pos: string; seq: number }, [number, number]>(
      "SELECT kind, period, point_of_sale AS pos, fiscal_seq AS seq FROM closures WHERE fiscal_seq BETWEEN ? AND ? ORDER BY fiscal_seq",
    )
    .all(first, last)) {
    lines.push(canonicalJson({ type: "closure", kind: closure.kind, period: closure.period, point_of_sale: closure.pos || null, fiscal_seq: closure.seq }));
  }
  const text = lines.map((line) => `${line}\n`).join("");
  return { text, sha256: sha256Hex(text), firstSeq: first, lastSeq: last, records: Math.max(0, last - first + 1) };
}

/**
 * Exports the archive: builds it, hands it to `write` (the CLI writes the file), then appends the
 * `archive` fiscal record naming its SHA-256, all in one transaction: a failed write leaves no record.
 */
export function exportArchive(
  tx: Tx,
  deps: OperationDeps,
  actor: PosActor,
  input: { period: string | null; write: (fileName: string, text: string) => void },
): ArchiveExport {
  const atMs = fiscalTime(tx);
  const built = archiveText(tx.sqlite, input.period, atMs);
  const manifest = { type: "manifest", lines: built.text.split("\n").length - 1, sha256: built.sha256, first_seq: built.firstSeq, last_seq: built.lastSeq };
  const signature = toHex(deps.signer.sign(SIGNING_CONTEXTS.fiscal, canonicalBytes(manifest)));
  const text = `${built.text}${canonicalJson({ ...manifest, signature })}\n`;
  const venue = findVenue(tx.sqlite)!;
  const fileName = `tibox-fiscal-${venue.id}-${input.period ?? "all"}-${String(built.lastSeq).padStart(8, "0")}.jsonl`;
  input.write(fileName, text);
  const record = appendFiscalRecord(tx, deps.signer, {
    kind: "archive",
    atMs,
    grandTotalDelta: 0,
    payload: {
      period: input.period,
      first_seq: built.firstSeq,
      last_seq: built.lastSeq,
      records: built.records,
      file_name: fileName,
      sha256: sha256Hex(text),
      operator_name: actor.operatorName ?? "",
    },
  });
  return { fileName, sha256: sha256Hex(text), records: built.records, firstSeq: built.firstSeq, lastSeq: built.lastSeq, archiveSeq: record.seq };
}

// Verification, from the file alone.

export type ArchiveCheck =
  | { readonly status: "sound"; readonly checks: readonly string[] }
  | { readonly status: "fault"; readonly fault: string; readonly checks: readonly string[] }
  | { readonly status: "unable"; readonly reason: string; readonly checks: readonly string[] };

function parseLine(line: string, index: number): Record<string, unknown> {
  const parsed = JSON.parse(line) as unknown;
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`line ${index + 1} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

export function verifyArchiveText(text: string): ArchiveCheck {
  const checks: string[] = [];
  if (!text.endsWith("\n")) return { status: "unable", reason: "not a tibox fiscal archive (no final line)", checks };
  const lines = text.slice(0, -1).split("\n");
  let header: Record<string, unknown>;
  try {
    header = parseLine(lines[0] ?? "", 0);
  } catch {
    return { status: "unable", reason: "not a tibox fiscal archive (the first line is not JSON)", checks };
  }
  if (header.type !== "header" || header.format !== ARCHIVE_FORMAT) return { status: "unable", reason: `not a ${ARCHIVE_FORMAT} file`, checks };
  const publicHex = typeof header.public_key === "string" && /^[0-9a-f]{64}$/.test(header.public_key) ? header.public_key : undefined;
  if (!publicHex) return { status: "fault", fault: "the header's public key is not 32 bytes of hex", checks };
  const publicKey = new Uint8Array(Buffer.from(publicHex, "hex"));
  checks.push(`archive of ${(header.venue as { legal_name?: string } | undefined)?.legal_name ?? "?"}, venue public key ${publicHex}`);
  try {
    return verifyLines(lines, header, publicKey, checks);
  } catch (error) {
    return { status: "fault", fault: (error as Error).message, checks };
  }
}

function verifyLines(lines: readonly string[], header: Record<string, unknown>, publicKey: Uint8Array, checks: string[]): ArchiveCheck {
  const manifestLine = lines.length - 1;
  const manifest = parseLine(lines[manifestLine]!, manifestLine);
  if (manifest.type !== "manifest") return { status: "fault", fault: "the last line is not the manifest (the file was cut)", checks };
  const content = lines.slice(0, manifestLine).map((line) => `${line}\n`).join("");
  const { signature, ...unsigned } = manifest;
  if (unsigned.sha256 !== createHash("sha256").update(content).digest("hex")) return { status: "fault", fault: "the content's SHA-256 differs from the manifest's (the file was modified)", checks };
  if (unsigned.lines !== manifestLine) return { status: "fault", fault: `the manifest counts ${String(unsigned.lines)} lines, the file has ${manifestLine}`, checks };
  const walker = new FiscalChainWalker(publicKey, { seq: 0, hash: "0".repeat(64), grandTotal: 0 });
  if (!manifestSigned(publicKey, unsigned, signature)) return { status: "fault", fault: "the manifest's signature is not the venue's", checks };
  checks.push(`manifest: ${manifestLine} lines, SHA-256 and signature sound`);
  const seqs = new Map<number, { kind: string; payload: Record<string, unknown> }>();
  let chain: FiscalChainWalker | undefined;
  for (let index = 1; index < manifestLine; index++) {
    const line = parseLine(lines[index]!, index);
    if (line.type === "record") {
      const row = storedRecord(line, index);
      // The first record anchors the chain: its predecessor is not in a monthly archive.
      chain ??= row.seq === 1 ? walker : new FiscalChainWalker(publicKey, { seq: row.seq - 1, hash: row.prev_hash, grandTotal: undefined });
      const checked = chain.check(row);
      if ("fault" in checked) return { status: "fault", fault: checked.fault, checks };
      seqs.set(row.seq, { kind: row.kind, payload: checked.payload });
    } else if (line.type === "closure") {
      const record = typeof line.fiscal_seq === "number" ? seqs.get(line.fiscal_seq) : undefined;
      if (!record || record.kind !== `closure_${String(line.kind)}` || record.payload.period !== line.period || record.payload.point_of_sale !== line.point_of_sale) {
        return { status: "fault", fault: `line ${index + 1}: closure ${String(line.kind)} ${String(line.period)} does not match its fiscal record`, checks };
      }
    } else return { status: "fault", fault: `line ${index + 1}: unknown line type ${String(line.type)}`, checks };
  }
  const head = (chain ?? walker).head;
  const first = header.first_seq;
  const last = header.last_seq;
  if (chain && (seqs.has(Number(first)) === false || head.seq !== last)) return { status: "fault", fault: `the records run to ${head.seq}, the header says ${String(first)} to ${String(last)}`, checks };
  if (!chain && typeof first === "number" && typeof last === "number" && last >= first) return { status: "fault", fault: `the header announces records ${first} to ${last}, the file has none`, checks };
  if (manifest.first_seq !== first || manifest.last_seq !== last) return { status: "fault", fault: "the manifest and the header disagree on the range", checks };
  checks.push(`fiscal records: ${seqs.size} (${String(first)} to ${String(last)}), chain, hashes, signatures and grand total sound; head ${head.seq}:${head.hash}, grand total ${head.grandTotal}`);
  return { status: "sound", checks };
}

function manifestSigned(publicKey: Uint8Array, unsigned: Record<string, unknown>, signature: unknown): boolean {
  return typeof signature === "string" && fiscalSignatureValid(publicKey, new TextEncoder().encode(reencode(unsigned)), signature);
}

function storedRecord(line: Record<string, unknown>, index: number): StoredFiscalRecord {
  const fields = ["seq", "kind", "at_ms", "payload", "grand_total_after", "prev_hash", "hash", "signature"] as const;
  for (const field of fields) if (!(field in line)) throw new Error(`line ${index + 1}: a record without ${field}`);
  return {
    seq: line.seq as number,
    kind: line.kind as string,
    at_ms: line.at_ms as number,
    payload: reencode(line.payload as Canonical),
    grand_total_after: line.grand_total_after as number,
    prev_hash: line.prev_hash as string,
    hash: line.hash as string,
    signature: line.signature as string,
  };
}
