/**
 * Reports and exports (managers and admins): the dashboard of a business day or a range, the CSV
 * files (sales lines, payments, closures), the accounting export (FEC), the sales of a day with a
 * manager's void; and the fiscal archive's download (admins), which appends its `archive` record
 * to the fiscal journal as the CLI's export does.
 */
import { appendEvent } from "../auth/index.ts";
import { fail, limits } from "../kernel/index.ts";
import {
  businessDayOf,
  checkReportRange,
  closuresCsv,
  exportArchive,
  fecExport,
  findSale,
  listPointsOfSale,
  paymentsCsv,
  readPosSettings,
  salesCsv,
  onlineSalesSummary,
  rangeWindow,
  salesReport,
  voidSale,
  type ReportRange,
} from "../pos/index.ts";
import { listAssetsSql, treasuryFigures } from "../wallet/index.ts";
import { ReportsPage, SalesPage, type ReportData, type SaleListRow } from "../../ui/pages/pos-admin-reports.tsx";
import { field, view, type Ctx, operationDeps } from "./context.ts";
import { errorText, attempt } from "./messages.ts";
import { statusForCode } from "./errors.ts";
import { posSettingsPage } from "./pos-admin-closures.ts";
import { ADMIN, eventActor, pagePosActor, STAFF } from "./pos-admin-views.ts";
import { html } from "./respond.ts";
import type { Route } from "./router.ts";

function today(ctx: Ctx): string {
  return businessDayOf(ctx.deps.clock.nowMs(), ctx.venue!.timezone, readPosSettings(ctx.deps.writer.sqlite).businessDayEndMinute);
}

/** The range the query names; a missing bound is today's business day. */
function rangeOf(ctx: Ctx): ReportRange {
  const query = ctx.url.searchParams;
  const fallback = today(ctx);
  return checkReportRange(ctx.deps.writer.sqlite, { from: query.get("from") || fallback, to: query.get("to") || query.get("from") || fallback, pointOfSale: query.get("point_of_sale") ?? "" });
}

function reportData(ctx: Ctx, range: ReportRange): ReportData {
  const sqlite = ctx.deps.writer.sqlite;
  const report = salesReport(sqlite, range);
  const assets = listAssetsSql(sqlite).map((asset) => ({ code: asset.code, kind: asset.kind, name: asset.name, scale: asset.scale }));
  const onCards = treasuryFigures(sqlite).map((figures) => ({ asset: { code: figures.asset.code, kind: figures.asset.kind, name: figures.asset.name, scale: figures.asset.scale }, amount: figures.inWallets }));
  const query = new URLSearchParams({ from: range.from, to: range.to, point_of_sale: range.pointOfSale ?? "" }).toString();
  return {
    from: range.from,
    to: range.to,
    pointOfSale: range.pointOfSale ?? "",
    pointsOfSale: listPointsOfSale(sqlite).map((pos) => ({ code: pos.code, name: pos.name })),
    totals: report.totals,
    hours: report.hours,
    topItems: report.topItems,
    cardSpending: report.cardSpending,
    onCards,
    assets,
    query,
    online: range.pointOfSale === null ? onlineSalesSummary(sqlite, rangeWindow(sqlite, range)) : undefined,
  };
}

function reportsPage(ctx: Ctx): Response {
  try {
    return html(String(ReportsPage({ view: view(ctx), data: reportData(ctx, rangeOf(ctx)) })));
  } catch (error) {
    // A range typed wrong shows today's report with the refusal on top.
    const message = errorText(ctx.t, error);
    const day = today(ctx);
    const data = reportData(ctx, { from: day, to: day, pointOfSale: null });
    return html(String(ReportsPage({ view: view(ctx), data, error: message })), 400);
  }
}

/** A file to download; never cached, never sniffed into something else. */
function download(body: string, type: string, fileName: string): Response {
  return new Response(body, {
    headers: {
      "content-type": type,
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

function rangeName(range: ReportRange): string {
  return `${range.from}_${range.to}${range.pointOfSale ? `_${range.pointOfSale}` : ""}`;
}

function csvExport(build: (ctx: Ctx, range: ReportRange) => string, name: string) {
  return (ctx: Ctx): Response => {
    const range = rangeOf(ctx);
    return download(build(ctx, range), "text/csv; charset=utf-8", `${name}_${rangeName(range)}.csv`);
  };
}

function fec(ctx: Ctx): Response {
  const range = rangeOf(ctx);
  const file = fecExport(ctx.deps.writer.sqlite, range, ctx.deps.clock.nowMs());
  return download(file.text, "text/plain; charset=utf-8", file.fileName);
}

// Sales of a day, and voids.

function salesRows(ctx: Ctx, day: string, beforeNumber: number): SaleListRow[] {
  type Row = { number: number; atMs: number; pointOfSale: string; operatorName: string; total: number; methods: string | null; voided: number };
  return ctx.deps.writer.sqlite
    .query<Row, [string, number, number]>(
      `SELECT s.number, s.at_ms AS atMs, s.point_of_sale AS pointOfSale, s.operator_name AS operatorName, s.total,
              (SELECT group_concat(DISTINCT p.method) FROM sale_payments p WHERE p.sale_id = s.id) AS methods,
              EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id) AS voided
         FROM sales s WHERE s.training = 0 AND s.business_day = ? AND s.number < ? ORDER BY s.number DESC LIMIT ?`,
    )
    .all(day, beforeNumber, limits.listPageRows)
    .map((row) => ({ ...row, methods: row.methods ? row.methods.split(",") : [], voided: Boolean(row.voided) }));
}

function salesPage(ctx: Ctx, day: string, notes: { notice?: string; error?: string; status?: number } = {}): Response {
  const before = Number(ctx.url.searchParams.get("before") ?? "") || Number.MAX_SAFE_INTEGER;
  return html(String(SalesPage({ view: view(ctx), day, sales: salesRows(ctx, day, before), notice: notes.notice, error: notes.error })), notes.status ?? 200);
}

function salesOfDay(ctx: Ctx): Response {
  const day = ctx.url.searchParams.get("day") || today(ctx);
  const range = checkReportRange(ctx.deps.writer.sqlite, { from: day, to: day });
  return salesPage(ctx, range.from);
}

async function voidFromPage(ctx: Ctx): Promise<Response> {
  const number = /^[1-9]\d{0,14}$/.test(ctx.params.number ?? "") ? Number(ctx.params.number) : 0;
  const sale = findSale(ctx.deps.writer.sqlite, number);
  if (!sale) fail("sale_unknown", "no such sale");
  const outcome = await attempt(ctx.t, async () =>
    ctx.deps.writer.submit((tx) => voidSale(tx, operationDeps(ctx), pagePosActor(ctx), { number: sale.number, reason: field(ctx, "reason") })),
  );
  if (!outcome.ok) return salesPage(ctx, sale.businessDay, { error: outcome.message, status: statusForCode(outcome.code) });
  return salesPage(ctx, sale.businessDay, { notice: ctx.t("pos_sales.voided_notice", { number: sale.number }) });
}

// The fiscal archive.

async function archive(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const period = field(ctx, "period").trim();
  const written: { file?: { name: string; text: string } } = {};
  const outcome = await attempt(ctx.t, async () =>
    deps.writer.submit((tx) => {
      const made = exportArchive(tx, operationDeps(ctx), pagePosActor(ctx), { period: period || null, write: (name, text) => void (written.file = { name, text }) });
      appendEvent(tx, deps.signer, { kind: "archive.exported", actor: eventActor(ctx), subject: `fiscal:${made.archiveSeq}`, detail: { period: period || null, file_name: made.fileName, sha256: made.sha256, records: made.records } });
      return made;
    }),
  );
  if (!outcome.ok) return posSettingsPage(ctx, { error: outcome.message, status: statusForCode(outcome.code) });
  const file = written.file;
  if (!file) fail("internal_error", "the archive was not written");
  return download(file.text, "application/x-ndjson; charset=utf-8", file.name);
}

export const reportRoutes: readonly Route[] = [
  { method: "GET", path: "/admin/pos/reports", access: STAFF, handle: reportsPage },
  { method: "GET", path: "/admin/pos/reports/sales.csv", access: STAFF, handle: csvExport((ctx, range) => salesCsv(ctx.deps.writer.sqlite, range), "ventes") },
  { method: "GET", path: "/admin/pos/reports/payments.csv", access: STAFF, handle: csvExport((ctx, range) => paymentsCsv(ctx.deps.writer.sqlite, range), "paiements") },
  { method: "GET", path: "/admin/pos/reports/closures.csv", access: STAFF, handle: csvExport((ctx, range) => closuresCsv(ctx.deps.writer.sqlite, range), "clotures") },
  { method: "GET", path: "/admin/pos/reports/fec.txt", access: STAFF, handle: fec },
  { method: "GET", path: "/admin/pos/sales", access: STAFF, handle: salesOfDay },
  { method: "POST", path: "/admin/pos/sales/:number/void", access: STAFF, handle: voidFromPage },
  { method: "POST", path: "/admin/pos/archive", access: ADMIN, handle: archive },
];
