/**
 * Card pages: the latest cards, block and unblock (managers), a lost card's replacement
 * (managers: its balances move by a signed entry), a supplier's CSV import and a printable sheet
 * of new cards (admins). An import or a sheet is one transaction: a bad line writes nothing.
 */
import { renderSVG } from "uqr";
import { appendEvent } from "../auth/index.ts";
import type { Tx } from "../db/index.ts";
import { AppError, fail, isAppError, limits } from "../kernel/index.ts";
import { balancesOf, walletAccount } from "../ledger/index.ts";
import { memberByWallet } from "../membership/index.ts";
import { cardById, cardByUid, insertCard, listCards, normalizeCardUid, parseCardCsv, replaceLostCard, setCardState, walletBalances, type Card } from "../wallet/index.ts";
import { CardSheetPage, CardsPage, type CardFormValues, type CardRow } from "../../ui/pages/wallet-cards.tsx";
import { field, view, type Ctx, operationDeps } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt, errorText } from "./messages.ts";
import { html, redirect } from "./respond.ts";
import type { Route } from "./router.ts";
import { ADMIN, assetLabels, eventActor, holderPath, holderUrl, ledgerActor, STAFF } from "./wallet-views.ts";

interface PageOptions {
  readonly values?: CardFormValues;
  readonly notice?: string;
  readonly error?: string;
  readonly status?: number;
}

function cardRow(ctx: Ctx, card: Card): CardRow {
  const sqlite = ctx.deps.writer.sqlite;
  const member = memberByWallet(sqlite, card.walletId);
  return {
    id: card.id,
    printedNumber: card.printedNumber,
    holderPath: holderPath(card),
    state: card.state,
    balances: walletBalances(sqlite, card.walletId),
    member: member ? { id: member.id, name: member.name } : undefined,
  };
}

function cardsPage(ctx: Ctx, options: PageOptions = {}): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const cards = listCards(sqlite).map((card) => cardRow(ctx, card));
  return html(String(CardsPage({ view: view(ctx), cards, assets: assetLabels(sqlite), ...options })), options.status ?? 200);
}

/** One CSV line becomes one card; a refusal names its line and keeps its reason as the cause. */
function insertLine(ctx: Ctx, tx: Tx, row: { uid?: string; printedNumber?: string; line: number }): Card {
  try {
    if (!row.uid && !row.printedNumber) fail("csv_line_empty", "this line names no uid and no printed number");
    return insertCard(tx, ctx.deps.newId, ctx.deps.random, { uid: row.uid, printedNumber: row.printedNumber });
  } catch (error) {
    if (!isAppError(error)) throw error;
    throw new AppError("csv_line_invalid", `line ${row.line}: ${error.message}`, { line: row.line, cause: error });
  }
}

function importRefusal(ctx: Ctx, error: AppError): { message: string; status: number } {
  const cause = error.details?.cause;
  if (error.code !== "csv_line_invalid" || !isAppError(cause)) return { message: errorText(ctx.t, error), status: statusForCode(error.code) };
  // Two HTML-safe texts side by side (t() escapes its variables): neither is escaped twice.
  const message = `${ctx.t("cards.import_line_refused", { line: Number(error.details?.line) })} ${errorText(ctx.t, cause)}`;
  return { message, status: statusForCode(cause.code) };
}

async function importCards(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const csv = field(ctx, "csv");
  try {
    const count = await deps.writer.submit((tx) => {
      const rows = parseCardCsv(csv);
      if (rows.length === 0) fail("csv_empty", "the file names no card");
      for (const row of rows) insertLine(ctx, tx, row);
      appendEvent(tx, deps.signer, { kind: "card.imported", actor: eventActor(ctx), subject: "cards", detail: { count: rows.length } });
      return rows.length;
    });
    return cardsPage(ctx, { notice: ctx.t("cards.imported", { count }) });
  } catch (error) {
    if (!isAppError(error)) throw error;
    const { message, status } = importRefusal(ctx, error);
    return cardsPage(ctx, { values: { csv }, error: message, status });
  }
}

function sheetCount(text: string): number {
  const count = /^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : 0;
  if (count < 1 || count > limits.cardSheetMax) fail("sheet_count_invalid", `a sheet has 1 to ${limits.cardSheetMax} cards`);
  return count;
}

async function printSheet(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, async () => {
    const count = sheetCount(field(ctx, "count"));
    return deps.writer.submit((tx) => {
      const cards: Card[] = [];
      for (let index = 0; index < count; index++) cards.push(insertCard(tx, deps.newId, deps.random, {}));
      const detail = { count, first: cards[0]!.printedNumber, last: cards.at(-1)!.printedNumber };
      appendEvent(tx, deps.signer, { kind: "card.sheet_generated", actor: eventActor(ctx), subject: "cards", detail });
      return cards;
    });
  });
  if (!outcome.ok) return cardsPage(ctx, { values: { count: field(ctx, "count") }, error: outcome.message, status: statusForCode(outcome.code) });
  const cards = outcome.value.map((card) => ({ printedNumber: card.printedNumber, holderPath: holderPath(card), qrSvg: renderSVG(holderUrl(ctx, card), { border: 2 }) }));
  return html(String(CardSheetPage({ view: view(ctx), cards })));
}

/** Blocks a card, or unblocks it back to "new" when it never moved money and "active" otherwise. */
function changeState(target: "blocked" | "unblocked") {
  return async (ctx: Ctx): Promise<Response> => {
    const { deps } = ctx;
    const outcome = await attempt(ctx.t, () =>
      deps.writer.submit((tx) => {
        const card = cardById(tx.sqlite, ctx.params.id ?? "");
        if (!card) fail("card_unknown", "no such card");
        if (card.state === "lost") fail("card_blocked", "this card was reported lost");
        if (target === "blocked" && card.state === "blocked") return;
        if (target === "unblocked" && card.state !== "blocked") fail("card_not_blocked", "this card is not blocked");
        const moved = Object.keys(balancesOf(tx.sqlite, walletAccount(card.walletId))).length > 0;
        setCardState(tx, card.id, target === "blocked" ? "blocked" : moved ? "active" : "new");
        appendEvent(tx, deps.signer, { kind: `card.${target}`, actor: eventActor(ctx), subject: `card:${card.id}`, detail: { printed_number: card.printedNumber } });
      }),
    );
    if (!outcome.ok) return cardsPage(ctx, { error: outcome.message, status: statusForCode(outcome.code) });
    return redirect("/admin/cards");
  };
}

async function replaceCard(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const lostUid = field(ctx, "lost_uid");
  const replacementUid = field(ctx, "replacement_uid");
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx) => {
      const { card, entry } = replaceLostCard(tx, operationDeps(ctx), ledgerActor(ctx), lostUid, replacementUid);
      const lost = cardByUid(tx.sqlite, normalizeCardUid(lostUid))!;
      appendEvent(tx, deps.signer, {
        kind: "card.replaced",
        actor: eventActor(ctx),
        subject: `card:${lost.id}`,
        detail: { replacement: card.id, entry_seq: entry?.seq ?? null },
      });
      return card;
    }),
  );
  if (!outcome.ok) return cardsPage(ctx, { values: { lostUid, replacementUid }, error: outcome.message, status: statusForCode(outcome.code) });
  return cardsPage(ctx, { notice: ctx.t("cards.replaced", { number: outcome.value.printedNumber }) });
}

export const cardRoutes: readonly Route[] = [
  { method: "GET", path: "/admin/cards", access: STAFF, handle: (ctx) => cardsPage(ctx) },
  { method: "POST", path: "/admin/cards/import", access: ADMIN, handle: importCards },
  { method: "POST", path: "/admin/cards/sheet", access: ADMIN, handle: printSheet },
  { method: "POST", path: "/admin/cards/replace", access: STAFF, handle: replaceCard },
  { method: "POST", path: "/admin/cards/:id/block", access: STAFF, handle: changeState("blocked") },
  { method: "POST", path: "/admin/cards/:id/unblock", access: STAFF, handle: changeState("unblocked") },
];
