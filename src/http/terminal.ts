/** Pages on a device: pairing it with a code, then unlocking it with a PIN or a staff card. */
import { limits } from "../kernel/index.ts";
import { NotPairedPage, PairedPage, PairPage, TerminalHomePage, UnlockPage } from "../../ui/pages/terminal.tsx";
import { clearCookie, COOKIE, field, setCookie, view, type Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { html, redirect } from "./respond.ts";
import type { Route } from "./router.ts";

/** A paired browser keeps its device token in an HttpOnly cookie for ten years, or until revoked. */
const TERMINAL_COOKIE_MAX_AGE_S = 10 * 365 * 24 * 3600;

async function postPair(ctx: Ctx): Promise<Response> {
  const code = field(ctx, "code");
  const outcome = await attempt(ctx.t, () => ctx.deps.auth.claimPairingCodeGuarded(code, ctx.address));
  if (!outcome.ok) return html(String(PairPage({ view: view(ctx), code, error: outcome.message })), statusForCode(outcome.code));
  setCookie(ctx, COOKIE.terminal, outcome.value.token, TERMINAL_COOKIE_MAX_AGE_S);
  return html(String(PairedPage({ view: view(ctx), name: outcome.value.terminal.name })), 201);
}

function unlockPage(ctx: Ctx, error?: string, status = 200): Response {
  const terminal = ctx.terminal;
  if (!terminal) return html(String(NotPairedPage({ view: view(ctx) })), 200);
  if (ctx.session && ctx.session.terminalId === terminal.id) {
    return html(String(TerminalHomePage({ view: view(ctx), terminal, simulatedReaders: ctx.deps.simulatedReaders })));
  }
  const operators = ctx.deps.auth.listUnlockableOperators(terminal.kind);
  return html(String(UnlockPage({ view: { ...view(ctx), operator: undefined }, terminal, operators, error })), status);
}

async function postUnlock(ctx: Ctx): Promise<Response> {
  const terminal = ctx.terminal;
  if (!terminal) return html(String(NotPairedPage({ view: view(ctx) })), 401);
  const card = field(ctx, "staff_card_uid");
  const outcome = await attempt(ctx.t, () =>
    card
      ? ctx.deps.auth.unlockWithStaffCard(terminal.id, card, ctx.address)
      : ctx.deps.auth.unlockWithPin(terminal.id, field(ctx, "operator_id"), field(ctx, "pin"), ctx.address),
  );
  if (!outcome.ok) return unlockPage(ctx, outcome.message, statusForCode(outcome.code));
  setCookie(ctx, COOKIE.session, outcome.value.session.cookieValue, Math.floor(limits.sessionLifetimeMs / 1000));
  return redirect("/terminal");
}

async function postLock(ctx: Ctx): Promise<Response> {
  if (ctx.session && ctx.sessionCookie) await ctx.deps.auth.logout(ctx.sessionCookie, ctx.session);
  clearCookie(ctx, COOKIE.session);
  return redirect("/terminal");
}

export const terminalRoutes: readonly Route[] = [
  { method: "GET", path: "/pair", access: { kind: "anyone" }, handle: (ctx) => html(String(PairPage({ view: view(ctx), code: ctx.url.searchParams.get("code") ?? undefined }))) },
  { method: "POST", path: "/pair", access: { kind: "anyone" }, handle: postPair },
  { method: "GET", path: "/terminal", access: { kind: "terminal" }, handle: (ctx) => unlockPage(ctx) },
  { method: "POST", path: "/terminal/unlock", access: { kind: "terminal" }, handle: postUnlock },
  { method: "POST", path: "/terminal/lock", access: { kind: "terminal" }, handle: postLock },
];
