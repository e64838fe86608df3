/** Pages anyone reaches: setup wizard, login and logout, language switch, the start page. */
import { appendEvent, checkPasswordPolicy, hashSecret, insertOperator, insertSession } from "../auth/index.ts";
import { checkVenueProfile, insertVenue, type VenueProfile } from "../federation/index.ts";
import { equalBytes, fail, limits } from "../kernel/index.ts";
import { LoginPage } from "../../ui/pages/login.tsx";
import { SetupPage, type SetupValues } from "../../ui/pages/setup.tsx";
import { parseLang } from "../../ui/i18n/index.ts";
import { clearCookie, COOKIE, field, setCookie, view, type Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { html, redirect, safeLocalPath } from "./respond.ts";
import { ALL_ROLES, type Route } from "./router.ts";

function homeFor(ctx: Ctx): string {
  if (!ctx.session) return ctx.terminal ? "/terminal" : "/login";
  return ctx.session.role === "admin" || ctx.session.role === "manager" ? "/admin" : "/terminal";
}

function setupValues(ctx: Ctx): SetupValues {
  return {
    legalName: field(ctx, "legal_name"),
    address: field(ctx, "address"),
    siret: field(ctx, "siret"),
    vatStatus: field(ctx, "vat_status"),
    vatNumber: field(ctx, "vat_number"),
    timezone: field(ctx, "timezone"),
    currency: field(ctx, "currency"),
    adminName: field(ctx, "admin_name"),
    adminEmail: field(ctx, "admin_email"),
  };
}

export function profileFromFields(ctx: Ctx): VenueProfile {
  return checkVenueProfile({
    legalName: field(ctx, "legal_name"),
    address: field(ctx, "address"),
    siret: field(ctx, "siret"),
    vatStatus: field(ctx, "vat_status") === "liable" ? "liable" : "franchise",
    vatNumber: field(ctx, "vat_number"),
    timezone: field(ctx, "timezone"),
    currency: field(ctx, "currency") || "EUR",
  });
}

async function postSetup(ctx: Ctx): Promise<Response> {
  const { deps, t } = ctx;
  const values = setupValues(ctx);
  const outcome = await attempt(t, async () => {
    const keys = [`address:setup:${ctx.address}`];
    await deps.auth.refuseIfLocked(keys, "setup", ctx.address);
    const sent = new TextEncoder().encode(field(ctx, "setup_code").replace(/[\s-]/g, ""));
    if (!equalBytes(sent, new TextEncoder().encode(deps.setupGate.code))) {
      await deps.auth.recordFailedAttempt(keys, "setup", ctx.address, "setup.failed");
      fail("setup_code_invalid", "wrong setup code");
    }
    const profile = profileFromFields(ctx);
    const password = field(ctx, "admin_password");
    checkPasswordPolicy(password);
    const passwordHash = await hashSecret(password);
    return deps.writer.submit((tx) => {
      const venue = insertVenue(tx, deps.newId, profile, deps.signer.publicKey);
      const admin = insertOperator(tx, deps.newId, { name: values.adminName ?? "", email: values.adminEmail, role: "admin", passwordHash });
      appendEvent(tx, deps.signer, {
        kind: "setup.completed",
        actor: `operator:${admin.id}`,
        subject: `venue:${venue.id}`,
        detail: { legal_name: venue.legalName, vat_status: venue.vatStatus, timezone: venue.timezone, currency: venue.currency, address: ctx.address },
      });
      return insertSession(tx, deps.random, admin.id, null);
    });
  });
  if (!outcome.ok) {
    const status = outcome.code === "setup_code_invalid" ? 403 : statusForCode(outcome.code);
    return html(String(SetupPage({ view: view(ctx), values, error: outcome.message })), status);
  }
  setCookie(ctx, COOKIE.session, outcome.value.cookieValue, Math.floor(limits.sessionLifetimeMs / 1000));
  deps.logger.log("info", "setup completed", { request_id: ctx.requestId });
  return redirect("/admin");
}

async function postLogin(ctx: Ctx): Promise<Response> {
  const email = field(ctx, "email");
  const outcome = await attempt(ctx.t, () => ctx.deps.auth.loginWithPassword(email, field(ctx, "password"), ctx.address));
  if (!outcome.ok) {
    return html(String(LoginPage({ view: view(ctx), email, error: outcome.message })), statusForCode(outcome.code));
  }
  setCookie(ctx, COOKIE.session, outcome.value.session.cookieValue, Math.floor(limits.sessionLifetimeMs / 1000));
  return redirect(safeLocalPath(ctx.url.searchParams.get("next") ?? undefined, "/admin"));
}

async function postLogout(ctx: Ctx): Promise<Response> {
  if (ctx.session && ctx.sessionCookie) await ctx.deps.auth.logout(ctx.sessionCookie, ctx.session);
  clearCookie(ctx, COOKIE.session);
  return redirect(ctx.terminal ? "/terminal" : "/login");
}

function postLang(ctx: Ctx): Response {
  const lang = parseLang(field(ctx, "lang")) ?? "fr";
  setCookie(ctx, COOKIE.lang, lang, 365 * 24 * 3600);
  return redirect(safeLocalPath(field(ctx, "back")));
}

export const pageRoutes: readonly Route[] = [
  { method: "GET", path: "/", access: { kind: "anyone" }, handle: (ctx) => redirect(homeFor(ctx)) },
  { method: "GET", path: "/setup", access: { kind: "setup" }, handle: (ctx) => html(String(SetupPage({ view: view(ctx) }))) },
  { method: "POST", path: "/setup", access: { kind: "setup" }, handle: postSetup },
  {
    method: "GET",
    path: "/login",
    access: { kind: "anyone" },
    handle: (ctx) => (ctx.session ? redirect(homeFor(ctx)) : html(String(LoginPage({ view: view(ctx) })))),
  },
  { method: "POST", path: "/login", access: { kind: "anyone" }, handle: postLogin },
  { method: "POST", path: "/logout", access: { kind: "operator", roles: ALL_ROLES }, handle: postLogout },
  { method: "POST", path: "/lang", access: { kind: "public" }, handle: postLang },
];
