/** Pages on a device: pairing it with a code, then unlocking it with a PIN or a staff card. */
import { fail, limits } from "../kernel/index.ts";
import { NotPairedPage, PairedPage, PairPage, TerminalHomePage, UnlockPage } from "../../ui/pages/terminal.tsx";
import { clearCookie, COOKIE, field, setCookie, view, type Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { html, redirect, safeLocalPath } from "./respond.ts";
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

/** Where to go once unlocked: the page that sent the operator to unlock (the till), or the terminal's home. */
function nextPath(ctx: Ctx): string {
  const next = field(ctx, "next") || ctx.url.searchParams.get("next") || "";
  return next.startsWith("/till") || next.startsWith("/door") ? safeLocalPath(next, "/terminal") : "/terminal";
}

function unlockPage(ctx: Ctx, error?: string, status = 200): Response {
  const terminal = ctx.terminal;
  if (!terminal) return html(String(NotPairedPage({ view: view(ctx) })), 200);
  if (ctx.session && ctx.session.terminalId === terminal.id) {
    if (ctx.request.method === "GET" && nextPath(ctx) !== "/terminal") return redirect(nextPath(ctx));
    return html(String(TerminalHomePage({ view: view(ctx), terminal, simulatedReaders: ctx.deps.simulatedReaders })));
  }
  const operators = ctx.deps.auth.listUnlockableOperators(terminal.kind);
  const next = nextPath(ctx);
  return html(String(UnlockPage({ view: { ...view(ctx), operator: undefined }, terminal, operators, error, next: next === "/terminal" ? "" : next, simulated: ctx.deps.simulatedReaders })), status);
}

/**
 * The card to unlock with: typed (the fallback form), or a tap the unlock page claims by its id
 * (a staff card on the terminal's reader); `tap_expired` when the tap is gone (over 5 s, or used).
 */
function staffCard(ctx: Ctx, terminalId: string): string | undefined {
  const tapId = field(ctx, "tap_id");
  if (!tapId) return field(ctx, "staff_card_uid") || undefined;
  const tap = ctx.deps.taps.claim(terminalId, tapId);
  if (!tap) fail("tap_expired", "this tap is older than 5 s or was used already: tap again");
  return tap.uid;
}

async function postUnlock(ctx: Ctx): Promise<Response> {
  const terminal = ctx.terminal;
  if (!terminal) return html(String(NotPairedPage({ view: view(ctx) })), 401);
  // A tap's claim comes from htmx (the unlock page's event stream): it answers with a notice or a redirect header.
  const fromHtmx = ctx.request.headers.get("hx-request") === "true";
  const outcome = await attempt(ctx.t, () => {
    const card = staffCard(ctx, terminal.id);
    return card
      ? ctx.deps.auth.unlockWithStaffCard(terminal.id, card, ctx.address)
      : ctx.deps.auth.unlockWithPin(terminal.id, field(ctx, "operator_id"), field(ctx, "pin"), ctx.address);
  });
  if (!outcome.ok) {
    const byCard = Boolean(field(ctx, "tap_id") || field(ctx, "staff_card_uid"));
    const message = byCard && outcome.code === "login_failed" ? ctx.t("terminal.staff_card_unknown") : outcome.message;
    if (fromHtmx) return html(`<p class="notice error" role="alert">${message}</p>`, statusForCode(outcome.code));
    return unlockPage(ctx, message, statusForCode(outcome.code));
  }
  setCookie(ctx, COOKIE.session, outcome.value.session.cookieValue, Math.floor(limits.sessionLifetimeMs / 1000));
  if (fromHtmx) return new Response(null, { status: 200, headers: { "hx-redirect": nextPath(ctx), "cache-control": "no-store" } });
  return redirect(nextPath(ctx));
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
