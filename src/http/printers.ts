/**
 * Printer pages (admins): list with status, add and edit (logged as `config.printer_saved`),
 * test print with its preview, the recent jobs, a job's preview and reprint (logged by the pos
 * room as `print.reprinted`). The preview renders the bytes the worker will send (job number
 * and DUPLICATA included), decoded back by hardware/printer/preview.ts.
 */
import { appendEvent } from "../auth/index.ts";
import { fail } from "../kernel/index.ts";
import {
  enqueuePrintJob,
  insertPrinter,
  jobTicket,
  listPrinters,
  listPrintJobs,
  pendingJobCounts,
  printJobDocument,
  reprintPrintJob,
  requirePrinter,
  requirePrintJob,
  testTicketDocument,
  updatePrinter,
  type Printer,
  type PrintJob,
} from "../pos/index.ts";
import { columnsFor, encodeDocument, previewHtml, type PreviewLabels, type PrintDocument } from "../../hardware/printer/index.ts";
import { EMPTY_PRINTER_FORM, PrinterEditPage, PrintersPage, PrintJobPage, type PrinterForm, type PrinterRow, type PrintJobRow } from "../../ui/pages/printers.tsx";
import { formatTime } from "../../ui/view.ts";
import { field, view, type Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { html } from "./respond.ts";
import type { Route } from "./router.ts";

const ADMIN = { kind: "operator", roles: ["admin"] } as const;

function actor(ctx: Ctx): string {
  return ctx.session ? `operator:${ctx.session.operatorId}` : "anonymous";
}

function printerRows(ctx: Ctx): PrinterRow[] {
  const pending = pendingJobCounts(ctx.deps.writer.sqlite);
  return listPrinters(ctx.deps.writer.sqlite).map((printer) => ({ ...printer, pendingJobs: pending.get(printer.id) ?? 0 }));
}

function printerRow(ctx: Ctx, printer: Printer): PrinterRow {
  return { ...printer, pendingJobs: pendingJobCounts(ctx.deps.writer.sqlite).get(printer.id) ?? 0 };
}

function jobRows(ctx: Ctx, jobs: readonly PrintJob[]): PrintJobRow[] {
  const names = new Map(listPrinters(ctx.deps.writer.sqlite).map((printer) => [printer.id, printer.name]));
  return jobs.map((job) => ({ ...job, printerName: names.get(job.printerId) ?? job.printerId }));
}

function formOf(printer: Printer): PrinterForm {
  return { ...printer, paperMm: String(printer.paperMm), printGroups: printer.printGroups.join(", ") };
}

function typedForm(ctx: Ctx): PrinterForm {
  return {
    name: field(ctx, "name"),
    kind: field(ctx, "kind"),
    address: field(ctx, "address"),
    paperMm: field(ctx, "paper_mm"),
    codePage: field(ctx, "code_page"),
    printGroups: field(ctx, "print_groups"),
    hasCashDrawer: field(ctx, "has_cash_drawer") === "1",
    active: field(ctx, "active") === "1",
  };
}

function previewLabels(ctx: Ctx): PreviewLabels {
  return { qr: ctx.t("preview.qr"), cut: ctx.t("preview.cut"), drawer: ctx.t("preview.drawer"), image: ctx.t("preview.image") };
}

/** The bytes the worker will send for this job, decoded back to HTML. */
function jobPreview(ctx: Ctx, printer: Printer, job: PrintJob, document: PrintDocument): string {
  const bytes = encodeDocument(jobTicket(job, document), { paperMm: printer.paperMm, codePage: printer.codePage });
  return previewHtml(bytes, { columns: columnsFor(printer.paperMm), labels: previewLabels(ctx) });
}

function printersPage(ctx: Ctx, options: { form?: PrinterForm; notice?: string; error?: string; status?: number } = {}): Response {
  const page = PrintersPage({
    view: view(ctx),
    printers: printerRows(ctx),
    jobs: jobRows(ctx, listPrintJobs(ctx.deps.writer.sqlite)),
    form: options.form ?? EMPTY_PRINTER_FORM,
    notice: options.notice,
    error: options.error,
  });
  return html(String(page), options.status ?? 200);
}

function editPage(ctx: Ctx, printer: Printer, options: { form?: PrinterForm; previewHtml?: string; notice?: string; error?: string; status?: number } = {}): Response {
  const page = PrinterEditPage({
    view: view(ctx),
    printer: printerRow(ctx, printer),
    form: options.form ?? formOf(printer),
    jobs: jobRows(ctx, listPrintJobs(ctx.deps.writer.sqlite, { printerId: printer.id })),
    previewHtml: options.previewHtml,
    notice: options.notice,
    error: options.error,
  });
  return html(String(page), options.status ?? 200);
}

async function createPrinter(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const form = typedForm(ctx);
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx) => {
      const printer = insertPrinter(tx, deps.newId, form);
      appendEvent(tx, deps.signer, { kind: "config.printer_saved", actor: actor(ctx), subject: `printer:${printer.id}`, detail: { created: true, kind: printer.kind } });
      return printer;
    }),
  );
  if (!outcome.ok) return printersPage(ctx, { form, error: outcome.message, status: statusForCode(outcome.code) });
  return editPage(ctx, outcome.value, { notice: ctx.t("printers.created") });
}

function printerOf(ctx: Ctx): Printer {
  return requirePrinter(ctx.deps.writer.sqlite, ctx.params.id ?? "");
}

async function savePrinter(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const printer = printerOf(ctx);
  const form = typedForm(ctx);
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx) => {
      const saved = updatePrinter(tx, printer.id, form);
      if (saved.changed.length > 0) {
        appendEvent(tx, deps.signer, { kind: "config.printer_saved", actor: actor(ctx), subject: `printer:${printer.id}`, detail: { changed: saved.changed } });
      }
      return saved.printer;
    }),
  );
  if (!outcome.ok) return editPage(ctx, printer, { form, error: outcome.message, status: statusForCode(outcome.code) });
  return editPage(ctx, outcome.value, { notice: ctx.t("printers.saved") });
}

async function testPrint(ctx: Ctx): Promise<Response> {
  const printer = printerOf(ctx);
  const document = testTicketDocument({
    venueName: ctx.venue?.legalName ?? "tibox",
    printerName: printer.name,
    printedAt: formatTime(view(ctx), ctx.deps.clock.nowMs()),
    qrData: `${ctx.url.origin}/`,
  });
  const outcome = await attempt(ctx.t, () => ctx.deps.writer.submit((tx) => enqueuePrintJob(tx, { printerId: printer.id, kind: "test", document })));
  if (!outcome.ok) return editPage(ctx, printer, { error: outcome.message, status: statusForCode(outcome.code) });
  const preview = jobPreview(ctx, printer, outcome.value, document);
  return editPage(ctx, printer, { previewHtml: preview, notice: ctx.t("printers.test_queued", { id: outcome.value.id }) });
}

function jobIdOf(ctx: Ctx): number {
  const raw = ctx.params.id ?? "";
  if (!/^\d{1,15}$/.test(raw)) fail("print_job_unknown", "no such print job");
  return Number(raw);
}

function jobPage(ctx: Ctx): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const job = requirePrintJob(sqlite, jobIdOf(ctx));
  const printer = requirePrinter(sqlite, job.printerId);
  const [row] = jobRows(ctx, [job]);
  return html(String(PrintJobPage({ view: view(ctx), job: row!, previewHtml: jobPreview(ctx, printer, job, printJobDocument(sqlite, job.id)) })));
}

async function reprint(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const original = requirePrintJob(deps.writer.sqlite, jobIdOf(ctx));
  const printer = requirePrinter(deps.writer.sqlite, original.printerId);
  const outcome = await attempt(ctx.t, () => deps.writer.submit((tx) => reprintPrintJob(tx, deps.signer, { jobId: original.id, actor: actor(ctx) })));
  if (!outcome.ok) return editPage(ctx, printer, { error: outcome.message, status: statusForCode(outcome.code) });
  return editPage(ctx, printer, { notice: ctx.t("print_job.reprinted", { id: outcome.value.id, original: original.id }) });
}

export const printerRoutes: readonly Route[] = [
  { method: "GET", path: "/admin/printers", access: ADMIN, handle: (ctx) => printersPage(ctx) },
  { method: "POST", path: "/admin/printers", access: ADMIN, handle: createPrinter },
  { method: "GET", path: "/admin/printers/:id", access: ADMIN, handle: (ctx) => editPage(ctx, printerOf(ctx)) },
  { method: "POST", path: "/admin/printers/:id", access: ADMIN, handle: savePrinter },
  { method: "POST", path: "/admin/printers/:id/test", access: ADMIN, handle: testPrint },
  { method: "GET", path: "/admin/print-jobs/:id", access: ADMIN, handle: jobPage },
  { method: "POST", path: "/admin/print-jobs/:id/reprint", access: ADMIN, handle: reprint },
];
