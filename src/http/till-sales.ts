/**
 * The till's recent sales: a receipt on screen, the receipt printed on request (the original,
 * once per sale and till), a reprint marked DUPLICATA (to the point of sale's receipt printer
 * when it has one, on screen otherwise), and a void by a manager (a manager's session, or a
 * manager's PIN typed at the till). Each is one command, once per key, under the till's scope.
 */
import { isAppError } from "../kernel/index.ts";
import {
  enqueuePrintJob,
  parseSaleLabel,
  receiptDocument,
  receiptOf,
  receiptPrinterOf,
  recentSalesOfTerminal,
  reprintReceipt,
  voidSale,
  type Receipt,
} from "../pos/index.ts";
import { SaleScreen, SalesList, VoidScreen } from "../../ui/pages/till-receipt.tsx";
import { type Ctx, field, operationDeps, view } from "./context.ts";
import { errorText } from "./messages.ts";
import { html } from "./respond.ts";
import type { Route } from "./router.ts";
import { printReceipt, receiptQr } from "./till.ts";
import { approval, approvers, refusalText, storedAnswer, tillAccess, tillActor, tillRefusal, tillScreen, type Till } from "./till-common.ts";
import { runOnce } from "./wallet-api.ts";
import { receiptTicketsView } from "./till-tickets.ts";

const TERMINAL = { kind: "terminal" } as const;

function salesList(ctx: Ctx, till: Till, notice?: string): string {
  const sales = recentSalesOfTerminal(ctx.deps.writer.sqlite, till.terminal.id);
  return String(SalesList({ view: view(ctx), sales, notice }));
}

function listPage(ctx: Ctx): Response {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  return tillScreen(ctx, till, "sales", undefined, salesList(ctx, till));
}

function saleScreen(ctx: Ctx, till: Till, receipt: Receipt, notice?: string): string {
  const hasPrinter = receiptPrinterOf(ctx.deps.writer.sqlite, receipt.pointOfSale.code) !== undefined;
  const tickets = receiptTicketsView(ctx, till, receipt);
  return String(SaleScreen({ view: view(ctx), receipt, qrSvg: receiptQr(ctx, receipt.qrTarget), reprintKey: ctx.deps.newId(), hasPrinter, notice, tickets }));
}

function receiptPage(ctx: Ctx): Response {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  const receipt = receiptOf(ctx.deps.writer.sqlite, parseSaleLabel(ctx.params.number ?? ""));
  return tillScreen(ctx, till, "sales", undefined, saleScreen(ctx, till, receipt));
}

/**
 * POST /till/sales/:number/print: the original receipt, on request. Its key is the sale's own
 * (`receipt.<number>`), whatever the page sends: pressing again never prints a second original.
 */
async function printOriginal(ctx: Ctx): Promise<Response> {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  const ref = parseSaleLabel(ctx.params.number ?? "");
  const label = `${ref.training ? "T" : ""}${ref.number}`;
  const response = await runOnce(
    ctx,
    (tx) => {
      const job = printReceipt(ctx, tx, receiptOf(tx.sqlite, ref));
      return { status: 201, body: JSON.stringify({ print_job: job }) };
    },
    tillRefusal,
    { key: `receipt.${label}`, session: till.session },
  );
  const answer = await storedAnswer<{ print_job: number | null }>(response);
  const text = answer.ok ? (answer.body.print_job !== null ? ctx.t("till.printed", { job: answer.body.print_job }) : ctx.t("till.no_receipt_printer")) : refusalText(ctx, answer.body);
  return html(`<p class="notice ${answer.ok ? "success" : "error"}" role="status">${text}</p>`, answer.status);
}

/** POST /till/sales/:number/reprint: a DUPLICATA, recorded in the event log; printed when the point of sale has a printer. */
async function reprint(ctx: Ctx): Promise<Response> {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  const ref = parseSaleLabel(ctx.params.number ?? "");
  const response = await runOnce(
    ctx,
    (tx, caller) => {
      const receipt = reprintReceipt(tx, ctx.deps.signer, tillActor(till, caller), ref);
      return { status: 201, body: JSON.stringify({ print_job: printReceipt(ctx, tx, receipt) }) };
    },
    tillRefusal,
    { session: till.session },
  );
  const answer = await storedAnswer<{ print_job: number | null }>(response);
  const receipt = { ...receiptOf(ctx.deps.writer.sqlite, ref), duplicate: true };
  const notice = !answer.ok ? refusalText(ctx, answer.body) : answer.body.print_job !== null ? ctx.t("till.reprinted", { job: answer.body.print_job }) : ctx.t("till.reprinted_screen");
  return tillScreen(ctx, till, "sales", undefined, saleScreen(ctx, till, receipt, notice), answer.status);
}

function voidScreen(ctx: Ctx, till: Till, number: string, error?: string, status = 200): Response {
  const receipt = receiptOf(ctx.deps.writer.sqlite, parseSaleLabel(number));
  const main = String(VoidScreen({ view: view(ctx), receipt, voidKey: ctx.deps.newId(), isManager: till.manager, managers: approvers(ctx), error }));
  return tillScreen(ctx, till, "sales", undefined, main, status);
}

function voidPage(ctx: Ctx): Response {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  return voidScreen(ctx, till, ctx.params.number ?? "");
}

/** POST /till/sales/:number/void: a manager's session, or a manager's PIN typed here, voids the sale. */
async function postVoid(ctx: Ctx): Promise<Response> {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  const number = ctx.params.number ?? "";
  const ref = parseSaleLabel(number);
  if (ref.training) return voidScreen(ctx, till, number, ctx.t("till.not_voidable"), 409);
  let approver;
  try {
    approver = await approval(ctx, till);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return voidScreen(ctx, till, number, errorText(ctx.t, error), 403);
  }
  if (!till.manager && !approver) return voidScreen(ctx, till, number, ctx.t("till.manager_needed"), 403);
  const response = await runOnce(
    ctx,
    (tx, caller) => {
      const result = voidSale(tx, operationDeps(ctx), tillActor(till, caller, approver), { number: ref.number, reason: field(ctx, "reason") });
      return { status: 201, body: JSON.stringify({ sale_number: result.number, voided_total: result.total }) };
    },
    tillRefusal,
    { session: till.session },
  );
  const answer = await storedAnswer<{ sale_number: number }>(response);
  if (!answer.ok) return voidScreen(ctx, till, number, refusalText(ctx, answer.body), answer.status);
  return tillScreen(ctx, till, "sales", undefined, salesList(ctx, till, ctx.t("till.voided_done", { number })), 201);
}

export const tillSalesRoutes: readonly Route[] = [
  { method: "GET", path: "/till/sales", access: TERMINAL, handle: listPage },
  { method: "GET", path: "/till/sales/:number", access: TERMINAL, handle: receiptPage },
  { method: "POST", path: "/till/sales/:number/print", access: TERMINAL, handle: printOriginal },
  { method: "POST", path: "/till/sales/:number/reprint", access: TERMINAL, handle: reprint },
  { method: "GET", path: "/till/sales/:number/void", access: TERMINAL, handle: voidPage },
  { method: "POST", path: "/till/sales/:number/void", access: TERMINAL, handle: postVoid },
];
