/**
 * Money at the till that is not a sale: topping a card up (cash or the card terminal), emptying a
 * card (its refundable balance paid back in cash; a manager when part of it was not loaded in
 * cash), and the till's cash session (float, cash in and out, closing against the expected cash).
 * Top-ups and refunds are the wallet's operations under the till's scope, which is how a cash
 * session finds the cash they moved (cash-sessions.ts).
 */
import { fail, isAppError } from "../kernel/index.ts";
import { addCashMovement, cashFigures, closeCashSession, findPointOfSale, listPaymentMethods, openCashSession, openCashSessionOfTerminal, refundableOf, type CashFigures } from "../pos/index.ts";
import { listAssetsSql, refund, topUp } from "../wallet/index.ts";
import { CashScreen, MoneyDone, RefundScreen, RefundWaiting, TopupScreen, TopupWaiting, type CashSessionView } from "../../ui/pages/till-money.tsx";
import { formatEuros } from "../../ui/pages/wallet-common.tsx";
import { type Ctx, field, operationDeps, view } from "./context.ts";
import { errorText } from "./messages.ts";
import type { Route } from "./router.ts";
import {
  approval,
  approvers,
  assetLabels,
  cardRef,
  cardView,
  claimTappedCard,
  refusalText,
  resolveCardRef,
  storedAnswer,
  tillAccess,
  tillActor,
  tillRefusal,
  tillScreen,
  type Till,
} from "./till-common.ts";
import { parseEuros } from "./till-state.ts";
import { runOnce } from "./wallet-api.ts";

const TERMINAL = { kind: "terminal" } as const;

/** The asset a till sells on cards: the first active euro-backed asset in cents (EUR on a new venue). */
function topupAsset(ctx: Ctx) {
  return listAssetsSql(ctx.deps.writer.sqlite).find((asset) => asset.active && asset.backed && asset.scale === 2);
}

function topupMethods(ctx: Ctx): Array<"cash" | "card"> {
  const active = new Set(listPaymentMethods(ctx.deps.writer.sqlite).filter((method) => method.active).map((method) => method.code as string));
  return [...(active.has("cash") ? (["cash"] as const) : []), ...(active.has("card_terminal") ? (["card"] as const) : [])];
}

/** A tap claimed on a money screen, or the waiting screen with the reason it was not. */
function tapped(ctx: Ctx, till: Till, section: "topup" | "refund", waiting: (error: string) => string): { card: ReturnType<typeof claimTappedCard>["card"]; uid: string } | Response {
  try {
    return claimTappedCard(ctx, till);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return tillScreen(ctx, till, section, section, waiting(errorText(ctx.t, error)), 409);
  }
}

// Top-ups.

function topupScreen(ctx: Ctx, till: Till, ref: string, error?: string, status = 200): Response {
  const { card, uid } = resolveCardRef(ctx, ref);
  const asset = topupAsset(ctx);
  const main = String(
    TopupScreen({
      view: view(ctx),
      topup: { card: { ...cardView(ctx, card, uid), known: true, printedNumber: card?.printedNumber ?? `…${uid.slice(-4)}` }, cardRef: ref, key: ctx.deps.newId(), asset, methods: topupMethods(ctx), assets: assetLabels(ctx), error },
    }),
  );
  return tillScreen(ctx, till, "topup", "topup", main, status);
}

function topupPage(ctx: Ctx): Response {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  return tillScreen(ctx, till, "topup", "topup", String(TopupWaiting({ view: view(ctx) })));
}

function topupTap(ctx: Ctx): Response {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  const card = tapped(ctx, till, "topup", (error) => String(TopupWaiting({ view: view(ctx), error })));
  if (card instanceof Response) return card;
  return topupScreen(ctx, till, cardRef(card.card, card.uid));
}

function topupAmount(ctx: Ctx): number {
  const choice = field(ctx, "amount");
  const amount = choice === "other" || choice === "" ? parseEuros(field(ctx, "amount_text")) : Number(choice);
  if (amount === undefined || !Number.isSafeInteger(amount) || amount <= 0) fail("amount_invalid", "an amount in euros");
  return amount;
}

async function postTopup(ctx: Ctx): Promise<Response> {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  const ref = field(ctx, "card");
  const response = await runOnce(
    ctx,
    (tx, caller) => {
      const { uid } = resolveCardRef(ctx, ref);
      const result = topUp(tx, operationDeps(ctx), tillActor(till, caller), { cardUid: uid, asset: field(ctx, "asset"), amount: topupAmount(ctx), method: field(ctx, "method") });
      return { status: 201, body: JSON.stringify({ entry_seq: result.entrySeq, amount: result.transfers[0]?.amount ?? 0, balances: result.balances }) };
    },
    tillRefusal,
    { session: till.session },
  );
  const answer = await storedAnswer<{ amount: number; balances: Record<string, number> }>(response);
  if (!answer.ok) return topupScreen(ctx, till, ref, refusalText(ctx, answer.body), answer.status);
  const main = String(
    MoneyDone({
      view: view(ctx),
      done: { message: ctx.t("till.topup_done", { amount: formatted(ctx, answer.body.amount) }), balances: answer.body.balances, assets: assetLabels(ctx), again: { href: "/till/topup", label: ctx.t("till.topup_again") } },
    }),
  );
  return tillScreen(ctx, till, "topup", "topup", main, 201);
}

function formatted(ctx: Ctx, cents: number): string {
  return formatEuros(view(ctx), cents);
}

// Emptying a card.

function refundScreen(ctx: Ctx, till: Till, ref: string, error?: { text: string; code: string }, status = 200): Response {
  const { card, uid } = resolveCardRef(ctx, ref);
  if (!card) return tillScreen(ctx, till, "refund", "refund", String(RefundWaiting({ view: view(ctx), error: ctx.t("taps.card_unknown", { tail: uid.slice(-4) }) })), 404);
  const refundable = refundableOf(ctx.deps.writer.sqlite, card.walletId).total;
  const main = String(
    RefundScreen({
      view: view(ctx),
      refund: {
        card: cardView(ctx, card, uid),
        cardRef: ref,
        key: ctx.deps.newId(),
        refundable,
        assets: assetLabels(ctx),
        isManager: till.manager,
        managers: approvers(ctx),
        managerNeeded: error?.code === "manager_required" || error?.code === "approval_failed",
        error: error?.text,
      },
    }),
  );
  return tillScreen(ctx, till, "refund", "refund", main, status);
}

function refundPage(ctx: Ctx): Response {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  return tillScreen(ctx, till, "refund", "refund", String(RefundWaiting({ view: view(ctx) })));
}

function refundTap(ctx: Ctx): Response {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  const card = tapped(ctx, till, "refund", (error) => String(RefundWaiting({ view: view(ctx), error })));
  if (card instanceof Response) return card;
  return refundScreen(ctx, till, cardRef(card.card, card.uid));
}

async function postRefund(ctx: Ctx): Promise<Response> {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  const ref = field(ctx, "card");
  let approver;
  try {
    approver = await approval(ctx, till);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return refundScreen(ctx, till, ref, { text: errorText(ctx.t, error), code: error.code }, 403);
  }
  const response = await runOnce(
    ctx,
    (tx, caller) => {
      const { card, uid } = resolveCardRef(ctx, ref);
      const amount = card ? refundableOf(tx.sqlite, card.walletId).total : 0;
      const result = refund(tx, operationDeps(ctx), tillActor(till, caller, approver), { cardUid: uid });
      return { status: 201, body: JSON.stringify({ entry_seq: result.entrySeq, amount, balances: result.balances }) };
    },
    tillRefusal,
    { session: till.session },
  );
  const answer = await storedAnswer<{ amount: number; balances: Record<string, number> }>(response);
  if (!answer.ok) return refundScreen(ctx, till, ref, { text: refusalText(ctx, answer.body), code: answer.body.code ?? "" }, answer.status);
  const main = String(
    MoneyDone({
      view: view(ctx),
      done: { message: ctx.t("till.refund_done", { amount: formatted(ctx, answer.body.amount) }), balances: answer.body.balances, assets: assetLabels(ctx), again: { href: "/till/refund", label: ctx.t("till.refund_again") } },
    }),
  );
  return tillScreen(ctx, till, "refund", "refund", main, 201);
}

// The cash session.

function figuresView(figures: CashFigures) {
  return { ...figures };
}

function cashScreen(ctx: Ctx, till: Till, extra: Pick<CashSessionView, "closing" | "notice" | "error"> = { closing: undefined }, status = 200): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const session = openCashSessionOfTerminal(sqlite, till.terminal.id);
  const cash: CashSessionView = {
    session: session
      ? { id: session.id, openedBy: session.openedByName, openedAtMs: session.openedAtMs, pointOfSaleName: findPointOfSale(sqlite, session.pointOfSale)?.name ?? session.pointOfSale }
      : undefined,
    figures: session ? figuresView(cashFigures(sqlite, session)) : undefined,
    keys: { open: ctx.deps.newId(), movement: ctx.deps.newId(), close: ctx.deps.newId() },
    ...extra,
  };
  return tillScreen(ctx, till, "cash", undefined, String(CashScreen({ view: view(ctx), cash })), status);
}

function cashPage(ctx: Ctx): Response {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  return cashScreen(ctx, till);
}

function typedAmount(ctx: Ctx, allowZero: boolean): number {
  const amount = parseEuros(field(ctx, "amount_text"), { allowZero });
  if (amount === undefined) fail("amount_invalid", "an amount in euros");
  return amount;
}

type CashCommand = (ctx: Ctx, till: Till, tx: Parameters<Parameters<typeof runOnce>[1]>[0], caller: Parameters<Parameters<typeof runOnce>[1]>[1]) => Record<string, unknown>;

/** Runs one cash-session command once per key, then shows the session again with its outcome. */
function cashCommand(command: CashCommand, success: (ctx: Ctx, body: Record<string, unknown>) => Pick<CashSessionView, "closing" | "notice">) {
  return async (ctx: Ctx): Promise<Response> => {
    const till = tillAccess(ctx);
    if (till instanceof Response) return till;
    const response = await runOnce(ctx, (tx, caller) => ({ status: 201, body: JSON.stringify(command(ctx, till, tx, caller)) }), tillRefusal, { session: till.session });
    const answer = await storedAnswer<Record<string, unknown>>(response);
    if (!answer.ok) return cashScreen(ctx, till, { closing: undefined, error: refusalText(ctx, answer.body) }, answer.status);
    return cashScreen(ctx, till, { ...success(ctx, answer.body) }, 201);
  };
}

const openSession = cashCommand(
  (ctx, till, tx, caller) => {
    if (!till.pos) fail("point_of_sale_invalid", "choose the till's point of sale first");
    const session = openCashSession(tx, operationDeps(ctx), tillActor(till, caller), { pointOfSale: till.pos.code, float: typedAmount(ctx, true) });
    return { id: session.id, float: session.floatAmount };
  },
  (ctx) => ({ closing: undefined, notice: ctx.t("till.cash_opened_done") }),
);

const moveCash = cashCommand(
  (ctx, till, tx, caller) => {
    const amount = typedAmount(ctx, false) * (field(ctx, "direction") === "out" ? -1 : 1);
    const result = addCashMovement(tx, operationDeps(ctx), tillActor(till, caller), { sessionId: field(ctx, "session"), amount, reason: field(ctx, "reason") });
    return { id: result.id, amount };
  },
  (ctx) => ({ closing: undefined, notice: ctx.t("till.cash_movement_done") }),
);

const closeSession = cashCommand(
  (ctx, till, tx, caller) => {
    const closing = closeCashSession(tx, operationDeps(ctx), tillActor(till, caller), { sessionId: field(ctx, "session"), counted: typedAmount(ctx, true) });
    return { expected: closing.figures.expected, counted: closing.counted, difference: closing.difference };
  },
  (ctx, body) => ({ closing: { expected: body.expected as number, counted: body.counted as number, difference: body.difference as number }, notice: ctx.t("till.cash_closed_done") }),
);

export const tillMoneyRoutes: readonly Route[] = [
  { method: "GET", path: "/till/topup", access: TERMINAL, handle: topupPage },
  { method: "POST", path: "/till/topup/tap", access: TERMINAL, handle: topupTap },
  { method: "POST", path: "/till/topup", access: TERMINAL, handle: postTopup },
  { method: "GET", path: "/till/refund", access: TERMINAL, handle: refundPage },
  { method: "POST", path: "/till/refund/tap", access: TERMINAL, handle: refundTap },
  { method: "POST", path: "/till/refund", access: TERMINAL, handle: postRefund },
  { method: "GET", path: "/till/cash", access: TERMINAL, handle: cashPage },
  { method: "POST", path: "/till/cash/open", access: TERMINAL, handle: openSession },
  { method: "POST", path: "/till/cash/movement", access: TERMINAL, handle: moveCash },
  { method: "POST", path: "/till/cash/close", access: TERMINAL, handle: closeSession },
];
