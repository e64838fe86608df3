/**
 * The print queue: a print job is a row, written in the transaction of what it prints (a sale,
 * an order), so a committed order always has its ticket waiting. The worker (jobs room) sends
 * jobs one at a time per printer, in order, and retries forever with backoff: there is no
 * "failed" state, a job is queued, sending or done. The queue refuses new jobs when a printer
 * already has too many waiting (`print_queue_full`), it never drops old ones to make room.
 *
 * Delivery is at least once (port 9100 acknowledges nothing). Every ticket prints its job number;
 * a job sent again after a send that may have reached the paper is marked `uncertain` first, and
 * prints "DUPLICATA", like every reprint on demand, so the kitchen can tell a repeat from an order.
 */
import { appendEvent } from "../auth/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { fail, limits, type Signer } from "../kernel/index.ts";
import { documentJson, parseDocument, parseDocumentJson, text, type Block, type CodePage, type PaperMm, type PrintDocument } from "../../hardware/printer/index.ts";
import { printersForGroup, requirePrinter, type PrinterKind } from "./printers.ts";
import { PRINT_JOB_STATES } from "./schema.ts";

export type PrintJobState = (typeof PRINT_JOB_STATES)[number];

export interface PrintJob {
  /** The job number, printed on the ticket. */
  readonly id: number;
  readonly printerId: string;
  readonly kind: string;
  readonly state: PrintJobState;
  readonly attempts: number;
  readonly nextAttemptAtMs: number;
  readonly uncertain: boolean;
  readonly lastError: string;
  readonly reprintOf: number | null;
  readonly createdAtMs: number;
  readonly doneAtMs: number | null;
}

export interface NewPrintJob {
  readonly printerId: string;
  /** receipt, order, ticket, test, closure... */
  readonly kind: string;
  readonly document: PrintDocument;
}

export interface EnqueueOptions {
  /** Jobs waiting per printer before new ones are refused. */
  readonly maxPendingJobs?: number;
}

/** Words printed on every ticket by the queue (the venue's paper speaks French). */
export const TICKET_WORDS = {
  duplicate: "DUPLICATA",
  jobNumber: (id: number) => `Impression n° ${id}`,
  reprintOf: (id: number) => `Réimpression de l'impression n° ${id}`,
} as const;

interface JobRow {
  id: number;
  printerId: string;
  kind: string;
  state: PrintJobState;
  attempts: number;
  nextAttemptAtMs: number;
  uncertain: number;
  lastError: string;
  reprintOf: number | null;
  createdAtMs: number;
  doneAtMs: number | null;
}

function jobColumns(table = ""): string {
  const t = table ? `${table}.` : "";
  return `${t}id, ${t}printer_id AS printerId, ${t}kind, ${t}state, ${t}attempts, ${t}next_attempt_at_ms AS nextAttemptAtMs, ${t}uncertain,
  ${t}last_error AS lastError, ${t}reprint_of AS reprintOf, ${t}created_at_ms AS createdAtMs, ${t}done_at_ms AS doneAtMs`;
}

const JOB_COLUMNS = jobColumns();

function fromRow(row: JobRow): PrintJob {
  return { ...row, uncertain: Boolean(row.uncertain) };
}

/** Jobs of one printer not yet delivered. The pending index holds only those, so this stays cheap as history grows. */
export function pendingJobCount(sqlite: Sqlite, printerId: string): number {
  return (
    sqlite
      .query<{ n: number }, [string]>("SELECT count(*) AS n FROM print_jobs INDEXED BY print_jobs_pending WHERE state IN ('queued', 'sending') AND printer_id = ?")
      .get(printerId)?.n ?? 0
  );
}

/** Jobs not yet delivered, per printer id (printers with none are absent). */
export function pendingJobCounts(sqlite: Sqlite): Map<string, number> {
  const rows = sqlite
    .query<{ printerId: string; n: number }, []>(
      "SELECT printer_id AS printerId, count(*) AS n FROM print_jobs INDEXED BY print_jobs_pending WHERE state IN ('queued', 'sending') GROUP BY printer_id",
    )
    .all();
  return new Map(rows.map((row) => [row.printerId, row.n]));
}

function insertJob(tx: Tx, printerId: string, kind: string, json: string, reprintOf: number | null, maxPendingJobs: number): PrintJob {
  if (pendingJobCount(tx.sqlite, printerId) >= maxPendingJobs) {
    fail("print_queue_full", `the printer already has ${maxPendingJobs} jobs waiting; check that it is on and connected`, { printer_id: printerId });
  }
  // Due at once (0): a new job never waits for a clock that may be behind the stamp.
  const row = tx.sqlite
    .query<JobRow, [string, string, string, number | null, number]>(
      `INSERT INTO print_jobs (printer_id, kind, document, state, attempts, next_attempt_at_ms, uncertain, last_error, reprint_of, created_at_ms)
       VALUES (?, ?, ?, 'queued', 0, 0, 0, '', ?, ?) RETURNING ${JOB_COLUMNS}`,
    )
    .get(printerId, kind, json, reprintOf, tx.stamp().atMs);
  return fromRow(row!);
}

function checkKind(kind: string): string {
  if (!/^[a-z][a-z_]{0,31}$/.test(kind)) fail("print_kind_invalid", "a print job kind is a lowercase word (receipt, order, test)");
  return kind;
}

/** Queues a document for a printer, in the caller's transaction. Returns the job (its id is the number printed). */
export function enqueuePrintJob(tx: Tx, input: NewPrintJob, options: EnqueueOptions = {}): PrintJob {
  const printer = requirePrinter(tx.sqlite, input.printerId);
  const json = documentJson(parseDocument(input.document));
  return insertJob(tx, printer.id, checkKind(input.kind), json, null, options.maxPendingJobs ?? limits.printQueuePendingJobsPerPrinter);
}

/** Queues a document for every active printer of a print group (an order to the kitchen). */
export function enqueueForGroup(tx: Tx, group: string, input: Omit<NewPrintJob, "printerId">, options: EnqueueOptions = {}): PrintJob[] {
  return printersForGroup(tx.sqlite, group).map((printer) => enqueuePrintJob(tx, { ...input, printerId: printer.id }, options));
}

export function findPrintJob(sqlite: Sqlite, id: number): PrintJob | undefined {
  const row = sqlite.query<JobRow, [number]>(`SELECT ${JOB_COLUMNS} FROM print_jobs WHERE id = ?`).get(id);
  return row ? fromRow(row) : undefined;
}

export function requirePrintJob(sqlite: Sqlite, id: number): PrintJob {
  const job = Number.isSafeInteger(id) && id > 0 ? findPrintJob(sqlite, id) : undefined;
  if (!job) fail("print_job_unknown", "no such print job");
  return job;
}

export function printJobDocument(sqlite: Sqlite, id: number): PrintDocument {
  const row = sqlite.query<{ document: string }, [number]>("SELECT document FROM print_jobs WHERE id = ?").get(id);
  if (!row) fail("print_job_unknown", "no such print job");
  return parseDocumentJson(row.document);
}

/** The most recent jobs, newest first, of one printer or of all. */
export function listPrintJobs(sqlite: Sqlite, options: { printerId?: string; rows?: number } = {}): PrintJob[] {
  const rows = Math.min(options.rows ?? limits.printRecentJobsRows, limits.listPageRows);
  if (options.printerId !== undefined) {
    return sqlite
      .query<JobRow, [string, number]>(`SELECT ${JOB_COLUMNS} FROM print_jobs WHERE printer_id = ? ORDER BY id DESC LIMIT ?`)
      .all(options.printerId, rows)
      .map(fromRow);
  }
  return sqlite.query<JobRow, [number]>(`SELECT ${JOB_COLUMNS} FROM print_jobs ORDER BY id DESC LIMIT ?`).all(rows).map(fromRow);
}

/**
 * Prints a job again, on demand: a new job on the same printer, with `reprint_of` set, printed
 * as DUPLICATA. Reprints are recorded in the technical event log.
 */
export function reprintPrintJob(tx: Tx, signer: Signer, input: { jobId: number; actor: string }, options: EnqueueOptions = {}): PrintJob {
  const original = requirePrintJob(tx.sqlite, input.jobId);
  const json = documentJson(printJobDocument(tx.sqlite, original.id));
  const job = insertJob(tx, original.printerId, original.kind, json, original.id, options.maxPendingJobs ?? limits.printQueuePendingJobsPerPrinter);
  appendEvent(tx, signer, { kind: "print.reprinted", actor: input.actor, subject: `print_job:${original.id}`, detail: { reprint_job: job.id, printer_id: job.printerId, kind: job.kind } });
  return job;
}

/** Whether a job prints as a duplicate: a reprint, or a resend after a send that may have printed. */
export function isDuplicate(job: Pick<PrintJob, "uncertain" | "reprintOf">): boolean {
  return job.uncertain || job.reprintOf !== null;
}

/**
 * What goes on paper for a job: its number, DUPLICATA when it may be a repeat, then the document.
 * A duplicate never kicks the cash drawer: reprinting a receipt must not open the till.
 */
export function jobTicket(job: Pick<PrintJob, "id" | "uncertain" | "reprintOf">, document: PrintDocument): PrintDocument {
  const duplicate = isDuplicate(job);
  const header: Block[] = [];
  if (duplicate) header.push(text(TICKET_WORDS.duplicate, { align: "center", bold: true, size: 2 }));
  header.push(text(TICKET_WORDS.jobNumber(job.id), { align: "center", bold: true }));
  if (job.reprintOf !== null) header.push(text(TICKET_WORDS.reprintOf(job.reprintOf), { align: "center" }));
  const blocks = duplicate ? document.blocks.filter((block) => block.type !== "drawer") : document.blocks;
  return { blocks: [...header, ...blocks] };
}

// The worker's side: claim, complete, fail, recover.

export interface ClaimedPrintJob {
  readonly job: PrintJob;
  readonly printer: { readonly id: string; readonly kind: PrinterKind; readonly address: string; readonly paperMm: PaperMm; readonly codePage: CodePage };
  /** The document as stored; the worker parses it. */
  readonly documentJson: string;
}

/**
 * Claims due jobs: for each active printer, its oldest undelivered job, when that one is queued
 * (not already sending) and due. One job per printer at a time keeps each printer's tickets in
 * order. Claimed jobs become `sending` with one more attempt.
 */
export function claimDuePrintJobs(tx: Tx, nowMs: number, options: { maxJobs: number; skipPrinterIds?: ReadonlySet<string> }): ClaimedPrintJob[] {
  const heads = tx.sqlite
    .query<JobRow & { document: string; pKind: PrinterKind; pAddress: string; pPaperMm: number; pCodePage: CodePage }, [number, number]>(
      `SELECT ${jobColumns("j")}, j.document, p.kind AS pKind, p.address AS pAddress, p.paper_mm AS pPaperMm, p.code_page AS pCodePage
       FROM print_jobs j JOIN printers p ON p.id = j.printer_id
       WHERE j.id IN (SELECT min(id) FROM print_jobs INDEXED BY print_jobs_pending WHERE state IN ('queued', 'sending') GROUP BY printer_id)
         AND j.state = 'queued' AND j.next_attempt_at_ms <= ? AND p.active = 1
       ORDER BY j.next_attempt_at_ms, j.id LIMIT ?`,
    )
    .all(nowMs, options.maxJobs + (options.skipPrinterIds?.size ?? 0));
  const claimed: ClaimedPrintJob[] = [];
  for (const row of heads) {
    if (claimed.length >= options.maxJobs) break;
    if (options.skipPrinterIds?.has(row.printerId)) continue;
    tx.sqlite.query("UPDATE print_jobs SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state = 'queued'").run(row.id);
    const { document, pKind, pAddress, pPaperMm, pCodePage, ...job } = row;
    claimed.push({
      job: fromRow({ ...job, state: "sending", attempts: job.attempts + 1 }),
      printer: { id: row.printerId, kind: pKind, address: pAddress, paperMm: pPaperMm === 58 ? 58 : 80, codePage: pCodePage },
      documentJson: document,
    });
  }
  return claimed;
}

/**
 * Whether any job is queued and due: a read on the pending index, so that a worker looking for
 * work every few hundred milliseconds opens no write transaction while the queue is empty.
 */
export function hasDuePrintJob(sqlite: Sqlite, nowMs: number): boolean {
  return (
    sqlite.query<{ one: number }, [number]>("SELECT 1 AS one FROM print_jobs INDEXED BY print_jobs_pending WHERE state = 'queued' AND next_attempt_at_ms <= ? LIMIT 1").get(nowMs) !==
    null
  );
}

export function completePrintJob(tx: Tx, jobId: number, atMs: number): void {
  tx.sqlite.query("UPDATE print_jobs SET state = 'done', done_at_ms = ?, last_error = '' WHERE id = ? AND state = 'sending'").run(atMs, jobId);
}

/**
 * Puts a job back in the queue after a failed send, due again at `retryAtMs`. An uncertain
 * failure (bytes may have reached the paper) marks the job uncertain for good: every later send
 * prints DUPLICATA.
 */
export function failPrintJob(tx: Tx, jobId: number, failure: { error: string; uncertain: boolean; retryAtMs: number }): void {
  tx.sqlite
    .query("UPDATE print_jobs SET state = 'queued', next_attempt_at_ms = ?, last_error = ?, uncertain = max(uncertain, ?) WHERE id = ? AND state = 'sending'")
    .run(failure.retryAtMs, failure.error.slice(0, 500), failure.uncertain ? 1 : 0, jobId);
}

/**
 * At start-up, jobs left `sending` by a crash or a stop may have printed: they go back to the
 * queue as uncertain. Call it only before the worker's first claim.
 */
export function recoverInterruptedPrintJobs(tx: Tx): number {
  return tx.sqlite.query("UPDATE print_jobs SET state = 'queued', uncertain = 1, next_attempt_at_ms = 0 WHERE state = 'sending'").run().changes;
}

/** Exponential backoff: base, 2 × base, 4 × base... up to the cap. `failures` counts from 1. */
export function retryDelayMs(failures: number, baseMs: number = limits.printRetryBaseMs, capMs: number = limits.printRetryCapMs): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(capMs, baseMs * 2 ** exponent);
}
