/**
 * Closures and the point of sale's settings. Managers and admins see the closures with their
 * totals, open one (its Z ticket on screen), print it through the print queue, and close a period
 * now (the closure service makes a closure once per period: asking again shows the first). Admins
 * set the business day's end (the automatic closure job reads it at each run) and switch tills in
 * and out of training mode; both are logged in the event log.
 */
import { appendEvent } from "../auth/index.ts";
import { fail } from "../kernel/index.ts";
import {
  addDays,
  businessDayOf,
  closePeriod,
  closureBySeq,
  enqueuePrintJob,
  listClosures,
  listPointsOfSale,
  listPrinters,
  listTrainingTerminals,
  readPosSettings,
  savePosSettings,
  setTerminalTraining,
  zTicketDocument,
  type ClosureView,
} from "../pos/index.ts";
import { ClosurePage, ClosuresPage } from "../../ui/pages/pos-admin-closures.tsx";
import { PosSettingsPage } from "../../ui/pages/pos-admin-settings.tsx";
import { field, view, type Ctx, operationDeps } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { ADMIN, eventActor, minuteOfDayText, pagePosActor, STAFF } from "./pos-admin-views.ts";
import { html } from "./respond.ts";
import type { Route } from "./router.ts";

/** Closures listed on one page, newest first. */
const CLOSURES_LISTED = 100;

interface Notes {
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
  readonly status?: number | undefined;
}

function pointsOfSale(ctx: Ctx) {
  return listPointsOfSale(ctx.deps.writer.sqlite).map((pos) => ({ code: pos.code, name: pos.name }));
}

/** The last business day that has ended: the one "close the day now" proposes. */
function lastEndedDay(ctx: Ctx): string {
  const endMinute = readPosSettings(ctx.deps.writer.sqlite).businessDayEndMinute;
  return addDays(businessDayOf(ctx.deps.clock.nowMs(), ctx.venue!.timezone, endMinute), -1);
}

function closuresPage(ctx: Ctx, notes: Notes & { form?: { period: string; pointOfSale: string } } = {}): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const closures = listClosures(sqlite, CLOSURES_LISTED).map((row) => closureBySeq(sqlite, row.fiscalSeq));
  const form = notes.form ?? { period: lastEndedDay(ctx), pointOfSale: "" };
  return html(String(ClosuresPage({ view: view(ctx), closures, pointsOfSale: pointsOfSale(ctx), form, notice: notes.notice, error: notes.error })), notes.status ?? 200);
}

function requireClosureParam(ctx: Ctx): ClosureView {
  const seq = /^[1-9]\d{0,14}$/.test(ctx.params.seq ?? "") ? Number(ctx.params.seq) : 0;
  if (seq === 0) fail("closure_unknown", "no such closure");
  return closureBySeq(ctx.deps.writer.sqlite, seq);
}

function closurePage(ctx: Ctx, closure: ClosureView, notes: Notes = {}): Response {
  const printers = listPrinters(ctx.deps.writer.sqlite)
    .filter((printer) => printer.active)
    .map((printer) => ({ id: printer.id, name: printer.name }));
  return html(String(ClosurePage({ view: view(ctx), closure, pointsOfSale: pointsOfSale(ctx), printers, notice: notes.notice, error: notes.error })), notes.status ?? 200);
}

async function closeNow(ctx: Ctx): Promise<Response> {
  const form = { period: field(ctx, "period").trim(), pointOfSale: field(ctx, "point_of_sale") };
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, async () =>
    deps.writer.submit((tx) => closePeriod(tx, operationDeps(ctx), pagePosActor(ctx), { period: form.period, pointOfSale: form.pointOfSale || null })),
  );
  if (!outcome.ok) return closuresPage(ctx, { form, error: outcome.message, status: statusForCode(outcome.code) });
  return closurePage(ctx, outcome.value, { notice: ctx.t(outcome.value.created ? "pos_closures.made" : "pos_closures.existed") });
}

async function printClosure(ctx: Ctx): Promise<Response> {
  const closure = requireClosureParam(ctx);
  const venue = ctx.venue!;
  const document = zTicketDocument(closure, { legalName: venue.legalName, address: venue.address, siret: venue.siret, vatNumber: venue.vatNumber, vatStatus: venue.vatStatus }, venue.timezone);
  const outcome = await attempt(ctx.t, async () => ctx.deps.writer.submit((tx) => enqueuePrintJob(tx, { printerId: field(ctx, "printer_id"), kind: "closure", document })));
  if (!outcome.ok) return closurePage(ctx, closure, { error: outcome.message, status: statusForCode(outcome.code) });
  return closurePage(ctx, closure, { notice: ctx.t("pos_closures.printed", { id: outcome.value.id }) });
}

// Settings and training.

function timeText(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, "0")}:${String(minuteOfDay % 60).padStart(2, "0")}`;
}

function settingsPage(ctx: Ctx, notes: Notes & { endTime?: string } = {}): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const training = new Map(listTrainingTerminals(sqlite).map((row) => [row.terminalId, row.sinceMs]));
  const tills = ctx.deps.auth
    .listTerminals()
    .filter((terminal) => terminal.kind === "till" && terminal.revokedAtMs === null)
    .map((terminal) => ({ id: terminal.id, name: terminal.name, trainingSinceMs: training.get(terminal.id) ?? null }));
  const settings = readPosSettings(sqlite);
  const endTime = notes.endTime ?? timeText(settings.businessDayEndMinute);
  return html(String(PosSettingsPage({ view: view(ctx), endTime, printReceiptsAutomatically: settings.printReceiptsAutomatically, tills, notice: notes.notice, error: notes.error })), notes.status ?? 200);
}

async function saveSettings(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const typed = field(ctx, "business_day_end");
  const printReceiptsAutomatically = field(ctx, "print_receipts_automatically") === "1";
  const outcome = await attempt(ctx.t, async () => {
    const minute = minuteOfDayText(typed);
    return deps.writer.submit((tx) => {
      const settings = savePosSettings(tx, { businessDayEndMinute: minute, printReceiptsAutomatically });
      const detail = { business_day_end_minute: settings.businessDayEndMinute, print_receipts_automatically: settings.printReceiptsAutomatically };
      appendEvent(tx, deps.signer, { kind: "config.pos_settings_saved", actor: eventActor(ctx), subject: "pos_settings", detail });
      return settings;
    });
  });
  if (!outcome.ok) return settingsPage(ctx, { endTime: typed, error: outcome.message, status: statusForCode(outcome.code) });
  return settingsPage(ctx, { notice: ctx.t("pos_settings.saved") });
}

async function switchTraining(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const on = field(ctx, "training") === "1";
  const outcome = await attempt(ctx.t, async () => {
    const till = deps.auth.listTerminals().find((terminal) => terminal.id === ctx.params.id && terminal.kind === "till" && terminal.revokedAtMs === null);
    if (!till) fail("terminal_unknown", "no such till");
    return deps.writer.submit((tx) => {
      const changed = setTerminalTraining(tx, { terminalId: till.id, on, by: eventActor(ctx) });
      if (changed) appendEvent(tx, deps.signer, { kind: "config.training_set", actor: eventActor(ctx), subject: `terminal:${till.id}`, detail: { training: on } });
      return till;
    });
  });
  if (!outcome.ok) return settingsPage(ctx, { error: outcome.message, status: statusForCode(outcome.code) });
  return settingsPage(ctx, { notice: ctx.t(on ? "pos_training.turned_on" : "pos_training.turned_off", { name: outcome.value.name }) });
}

export const closureRoutes: readonly Route[] = [
  { method: "GET", path: "/admin/pos/closures", access: STAFF, handle: (ctx) => closuresPage(ctx) },
  { method: "POST", path: "/admin/pos/closures", access: STAFF, handle: closeNow },
  { method: "GET", path: "/admin/pos/closures/:seq", access: STAFF, handle: (ctx) => closurePage(ctx, requireClosureParam(ctx)) },
  { method: "POST", path: "/admin/pos/closures/:seq/print", access: STAFF, handle: printClosure },
  { method: "GET", path: "/admin/pos/settings", access: ADMIN, handle: (ctx) => settingsPage(ctx) },
  { method: "POST", path: "/admin/pos/settings", access: ADMIN, handle: saveSettings },
  { method: "POST", path: "/admin/pos/training/:id", access: ADMIN, handle: switchTraining },
];

export { settingsPage as posSettingsPage };
