/**
 * What every till route shares: who may use the till (a paired till with a cashier, manager or
 * admin unlocked on it), the point of sale this till sells at (a cookie per terminal), the frame
 * around each screen, cards as the till shows them, taps claimed by id, a manager's approval by
 * PIN, and running a money command once under the till's scope (`terminal:<id>`).
 */
import type { PublicOperator, Session, Terminal } from "../auth/index.ts";
import { AppError, fail, isAppError } from "../kernel/index.ts";
import { memberByWallet, membershipOf } from "../membership/index.ts";
import { findPointOfSale, listPointsOfSale, openCashSessionOfTerminal, tillPrinters, type PointOfSale, type PosActor } from "../pos/index.ts";
import { cardById, cardByUid, listAssetsSql, normalizeCardUid, walletBalances, type Card } from "../wallet/index.ts";
import type { Answer } from "../db/index.ts";
import { TillPage, type TapTarget, type TillSection, type TillShellView } from "../../ui/pages/till-shell.tsx";
import type { TillCardView } from "../../ui/pages/till.tsx";
import { formatEuros, type AssetLabel } from "../../ui/pages/wallet-common.tsx";
import { field, setCookie, view, type Ctx } from "./context.ts";
import { parseCookies } from "./cookies.ts";
import { statusForCode } from "./errors.ts";
import { errorText } from "./messages.ts";
import { html, redirect } from "./respond.ts";
import { refuse } from "./router.ts";
import type { Caller } from "./wallet-api.ts";

export const TILL_ROLES = ["cashier", "manager", "admin"] as const;
/** The point of sale of this browser's till, remembered for a year. */
const POS_COOKIE = "tibox_pos";
const POS_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

export interface Till {
  readonly terminal: Terminal;
  readonly session: Session;
  readonly manager: boolean;
  readonly pos: PointOfSale | undefined;
}

export function isHtmx(ctx: Ctx): boolean {
  return ctx.request.headers.get("hx-request") === "true";
}

/** The point of sale this till sells at: the one it chose (cookie), or the only one open. */
function tillPointOfSale(ctx: Ctx, terminalId: string): PointOfSale | undefined {
  const sqlite = ctx.deps.writer.sqlite;
  const remembered = parseCookies(ctx.request.headers.get("cookie")).get(POS_COOKIE) ?? "";
  const [forTerminal, code] = remembered.split(".");
  if (forTerminal === terminalId && code) {
    const chosen = findPointOfSale(sqlite, code);
    if (chosen?.active) return chosen;
  }
  const open = listPointsOfSale(sqlite).filter((pos) => pos.active);
  return open.length === 1 ? open[0] : undefined;
}

export function rememberPointOfSale(ctx: Ctx, terminalId: string, code: string): void {
  setCookie(ctx, POS_COOKIE, `${terminalId}.${code}`, POS_COOKIE_MAX_AGE_S);
}

/**
 * The till this request comes from, or the answer to give instead: a browser that is not a
 * paired till, or a door, is refused (403); a locked till is sent to unlock and come back.
 */
export function tillAccess(ctx: Ctx): Till | Response {
  const terminal = ctx.terminal;
  if (!terminal) return refuse(ctx, "unauthorized", ctx.t("terminal.not_paired"), 401);
  if (terminal.kind !== "till") return refuse(ctx, "forbidden", ctx.t("till.not_a_till"));
  const session = ctx.session;
  if (!session || session.terminalId !== terminal.id) {
    const back = `/terminal?next=${encodeURIComponent(ctx.request.method === "GET" ? ctx.url.pathname : "/till")}`;
    if (isHtmx(ctx)) return new Response(null, { status: 200, headers: { "hx-redirect": back } });
    return ctx.request.method === "GET" ? redirect(back) : refuse(ctx, "terminal_locked", ctx.t("error.terminal_locked"));
  }
  if (!(TILL_ROLES as readonly string[]).includes(session.role)) return refuse(ctx, "forbidden", ctx.t("till.not_a_cashier"));
  return { terminal, session, manager: session.role === "manager" || session.role === "admin", pos: tillPointOfSale(ctx, terminal.id) };
}

export function tillShell(ctx: Ctx, till: Till, section: TillSection, tapTarget: TapTarget | undefined): TillShellView {
  const sqlite = ctx.deps.writer.sqlite;
  return {
    terminalName: till.terminal.name,
    pointOfSale: till.pos ? { code: till.pos.code, name: till.pos.name } : undefined,
    cashSessionOpen: openCashSessionOfTerminal(sqlite, till.terminal.id) !== undefined,
    printers: till.pos ? tillPrinters(sqlite, till.pos.code) : [],
    simulated: ctx.deps.simulatedReaders,
    tapTarget: till.pos ? tapTarget : undefined,
    section,
  };
}

/** A screen: alone for htmx (it swaps #till-main), in the whole till page otherwise. */
export function tillScreen(ctx: Ctx, till: Till, section: TillSection, tapTarget: TapTarget | undefined, main: string, status = 200): Response {
  if (isHtmx(ctx)) return html(main, status);
  return html(String(TillPage({ view: view(ctx), shell: tillShell(ctx, till, section, tapTarget), children: main })), status);
}

export function assetLabels(ctx: Ctx): AssetLabel[] {
  return listAssetsSql(ctx.deps.writer.sqlite).map((asset) => ({ code: asset.code, kind: asset.kind, name: asset.name, scale: asset.scale }));
}

/** A card as the till shows it: its printed number (never its UID), balances, member and membership. */
export function cardView(ctx: Ctx, card: Card | undefined, uid: string): TillCardView {
  const sqlite = ctx.deps.writer.sqlite;
  if (!card) return { printedNumber: "", uidTail: uid.slice(-4), known: false, state: "new", balances: {}, member: null, membership: null };
  const member = memberByWallet(sqlite, card.walletId);
  return {
    printedNumber: card.printedNumber,
    uidTail: uid.slice(-4),
    known: true,
    state: card.state,
    balances: walletBalances(sqlite, card.walletId),
    member: member?.name ?? null,
    membership: member ? membershipOf(sqlite, member.id, ctx.deps.clock.nowMs()) : null,
  };
}

/** A card named in a page: `id:<card id>` for a known card, `uid:<UID>` for a new one (a first top-up registers it). */
export function cardRef(card: Card | undefined, uid: string): string {
  return card ? `id:${card.id}` : `uid:${uid}`;
}

export function resolveCardRef(ctx: Ctx, ref: string): { card: Card | undefined; uid: string } {
  const sqlite = ctx.deps.writer.sqlite;
  if (ref.startsWith("id:")) {
    const card = cardById(sqlite, ref.slice(3));
    // A printed card never bound to a UID cannot be tapped: it cannot be named here either.
    if (!card || !card.uid) fail("card_unknown", "this card is not registered");
    return { card, uid: card.uid };
  }
  if (ref.startsWith("uid:")) {
    const uid = normalizeCardUid(ref.slice(4));
    return { card: cardByUid(sqlite, uid), uid };
  }
  fail("card_unknown", "name a card");
}

/** The card of a tap this page was shown (by the tap's id): once, within its 5 s. */
export function claimTappedCard(ctx: Ctx, till: Till): { card: Card | undefined; uid: string } {
  const tap = ctx.deps.taps.claim(till.terminal.id, field(ctx, "tap_id"));
  if (!tap) fail("tap_expired", "this tap is older than 5 s or was used already: tap again");
  return { card: cardByUid(ctx.deps.writer.sqlite, tap.uid), uid: tap.uid };
}

/** The seller: this till and its operator; a manager who approved by PIN acts as the manager. */
export function tillActor(till: Till, caller: Caller, approver?: PublicOperator): PosActor {
  if (approver) {
    return { scope: caller.scope, idempotencyKey: caller.idempotencyKey, role: approver.role, operatorId: approver.id, operatorName: approver.name, terminalId: till.terminal.id };
  }
  return {
    scope: caller.scope,
    idempotencyKey: caller.idempotencyKey,
    role: till.session.role,
    operatorId: till.session.operatorId,
    operatorName: till.session.operatorName,
    terminalId: till.terminal.id,
  };
}

/** A manager's approval typed at the till (manager and PIN), when the operator is not a manager. */
export async function approval(ctx: Ctx, till: Till): Promise<PublicOperator | undefined> {
  const managerId = field(ctx, "manager_id");
  const pin = field(ctx, "manager_pin");
  if (till.manager || !managerId || !pin) return undefined;
  return ctx.deps.auth.approveWithPin(till.terminal.id, managerId, pin, ctx.address);
}

export function approvers(ctx: Ctx): Array<{ id: string; name: string }> {
  return ctx.deps.auth.listApprovers().map((operator) => ({ id: operator.id, name: operator.name }));
}

/** A refusal as the till stores it with its key: the code, the message, and what the screen needs. */
export function tillRefusal(error: unknown): Answer | undefined {
  if (!isAppError(error)) return undefined;
  const extra: Record<string, unknown> = {};
  for (const key of ["missing", "total", "item_id", "minimum"]) if (error.details?.[key] !== undefined) extra[key] = error.details[key];
  return { status: statusForCode(error.code), body: JSON.stringify({ code: error.code, message: error.message, ...extra }) };
}

/** The stored answer of a command, read back from runOnce's response. */
export async function storedAnswer<T>(response: Response): Promise<{ status: number; ok: boolean; body: T & { code?: string; message?: string }; replayed: boolean }> {
  const body = (await response.json()) as T & { code?: string; message?: string };
  return { status: response.status, ok: response.status < 300, body, replayed: response.headers.get("idempotent-replayed") === "true" };
}

/** A refusal's sentence for the screen, in the operator's language. */
export function refusalText(ctx: Ctx, body: { code?: string; message?: string; missing?: number }): string {
  if (body.code === "insufficient_funds" && typeof body.missing === "number") return ctx.t("till.insufficient", { missing: formatEuros(view(ctx), body.missing) });
  return errorText(ctx.t, new AppError(body.code ?? "refused", body.message ?? ""));
}
