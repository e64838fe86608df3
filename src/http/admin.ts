/** Admin and manager pages: dashboard, operators, terminals and pairing, event log, venue. */
import { renderSVG } from "uqr";
import { appendEvent, parseRole, parseTerminalKind, type OperatorUpdate, type PublicOperator } from "../auth/index.ts";
import { updateVenueProfile } from "../federation/index.ts";
import { fail, limits } from "../kernel/index.ts";
import { DashboardPage, VenuePage } from "../../ui/pages/admin.tsx";
import { EventsPage } from "../../ui/pages/events.tsx";
import { OperatorEditPage, OperatorsPage, type OperatorRow } from "../../ui/pages/operators.tsx";
import { PairingPage, TerminalsPage } from "../../ui/pages/terminals.tsx";
import { field, view, type Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { profileFromFields } from "./pages.ts";
import { html, redirect } from "./respond.ts";
import type { Route } from "./router.ts";

const ADMIN = { kind: "operator", roles: ["admin"] } as const;
const STAFF = { kind: "operator", roles: ["admin", "manager"] } as const;

function actor(ctx: Ctx): string {
  return ctx.session ? `operator:${ctx.session.operatorId}` : "anonymous";
}

function count(ctx: Ctx, sql: string): number {
  return ctx.deps.writer.sqlite.query<{ n: number }, []>(sql).get()?.n ?? 0;
}

function dashboard(ctx: Ctx): Response {
  const venue = ctx.venue!;
  const tls = ctx.deps.tls;
  return html(
    String(
      DashboardPage({
        view: view(ctx),
        data: {
          venue,
          operatorCount: count(ctx, "SELECT count(*) AS n FROM operators WHERE active = 1"),
          activeTerminalCount: count(ctx, "SELECT count(*) AS n FROM terminals WHERE revoked_at_ms IS NULL"),
          eventCount: count(ctx, "SELECT count(*) AS n FROM event_log"),
          caFingerprint: tls?.caFingerprint,
          httpsUrl: tls ? `https://${ctx.url.hostname}:${tls.httpsPort}/` : undefined,
        },
      }),
    ),
  );
}

function operatorRow(operator: PublicOperator): OperatorRow {
  return { id: operator.id, name: operator.name, email: operator.email, role: operator.role, staffCardUid: operator.staffCardUid, active: operator.active };
}

function operatorsPage(ctx: Ctx, notice?: string, error?: string, status = 200): Response {
  const operators = ctx.deps.auth.listOperators().map(operatorRow);
  return html(String(OperatorsPage({ view: view(ctx), operators, notice, error })), status);
}

function optional(value: string): string | undefined {
  return value.trim() ? value.trim() : undefined;
}

async function createOperator(ctx: Ctx): Promise<Response> {
  const outcome = await attempt(ctx.t, () =>
    ctx.deps.auth.createOperator(actor(ctx), {
      name: field(ctx, "name"),
      role: parseRole(field(ctx, "role")),
      email: optional(field(ctx, "email")),
      password: optional(field(ctx, "password")),
      pin: optional(field(ctx, "pin")),
      staffCardUid: optional(field(ctx, "staff_card_uid")),
    }),
  );
  if (!outcome.ok) return operatorsPage(ctx, undefined, outcome.message, statusForCode(outcome.code));
  return operatorsPage(ctx, ctx.t("operators.created"));
}

function editOperatorPage(ctx: Ctx, notice?: string, error?: string, status = 200): Response {
  const operator = ctx.deps.auth.findOperator(ctx.params.id ?? "");
  if (!operator) fail("operator_unknown", "no such operator");
  return html(String(OperatorEditPage({ view: view(ctx), operator: operatorRow(operator), notice, error })), status);
}

async function editOperator(ctx: Ctx): Promise<Response> {
  const id = ctx.params.id ?? "";
  if (!ctx.deps.auth.findOperator(id)) fail("operator_unknown", "no such operator");
  const outcome = await attempt(ctx.t, () => {
    const update: OperatorUpdate = {
      name: field(ctx, "name"),
      role: parseRole(field(ctx, "role")),
      active: field(ctx, "active") !== "0",
      password: optional(field(ctx, "password")),
      pin: optional(field(ctx, "pin")),
      staffCardUid: optional(field(ctx, "staff_card_uid")) ?? null,
    };
    return ctx.deps.auth.updateOperator(actor(ctx), id, update);
  });
  if (!outcome.ok) return editOperatorPage(ctx, undefined, outcome.message, statusForCode(outcome.code));
  return editOperatorPage(ctx, ctx.t("operators.saved"));
}

function terminalsPage(ctx: Ctx, error?: string, status = 200): Response {
  return html(String(TerminalsPage({ view: view(ctx), terminals: ctx.deps.auth.listTerminals(), error })), status);
}

async function createPairing(ctx: Ctx): Promise<Response> {
  const name = field(ctx, "name");
  const outcome = await attempt(ctx.t, async () => ctx.deps.auth.createPairingCode(actor(ctx), parseTerminalKind(field(ctx, "kind")), name));
  if (!outcome.ok) return terminalsPage(ctx, outcome.message, statusForCode(outcome.code));
  const { code, expiresAtMs } = outcome.value;
  const tls = ctx.deps.tls;
  const origin = tls ? `https://${ctx.url.hostname}:${tls.httpsPort}` : ctx.url.origin;
  const pairUrl = `${origin}/pair?code=${code}`;
  return html(
    String(
      PairingPage({
        view: view(ctx),
        pairing: { name: name.trim(), code, expiresAtMs, pairUrl, qrSvg: renderSVG(pairUrl, { border: 2 }), caFingerprint: tls?.caFingerprint },
      }),
    ),
  );
}

async function renameTerminal(ctx: Ctx): Promise<Response> {
  const outcome = await attempt(ctx.t, () => ctx.deps.auth.renameTerminal(actor(ctx), ctx.params.id ?? "", field(ctx, "name")));
  if (!outcome.ok) return terminalsPage(ctx, outcome.message, statusForCode(outcome.code));
  return redirect("/admin/terminals");
}

async function revokeTerminal(ctx: Ctx): Promise<Response> {
  const outcome = await attempt(ctx.t, () => ctx.deps.auth.revokeTerminal(actor(ctx), ctx.params.id ?? ""));
  if (!outcome.ok) return terminalsPage(ctx, outcome.message, statusForCode(outcome.code));
  return redirect("/admin/terminals");
}

function eventsPage(ctx: Ctx): Response {
  const kind = ctx.url.searchParams.get("kind") || undefined;
  const before = Number(ctx.url.searchParams.get("before") ?? "") || undefined;
  const rows = limits.eventLogPageRows;
  const events = ctx.deps.auth.listEvents({ kind, beforeSeq: before, rows });
  const kinds = ctx.deps.writer.sqlite
    .query<{ kind: string }, []>("SELECT DISTINCT kind FROM event_log ORDER BY kind")
    .all()
    .map((row) => row.kind);
  const last = events.at(-1);
  const olderHref = events.length === rows && last ? `/admin/events?${new URLSearchParams({ ...(kind ? { kind } : {}), before: String(last.seq) })}` : undefined;
  return html(
    String(
      EventsPage({
        view: view(ctx),
        events: events.map((event) => ({ ...event, detail: JSON.stringify(event.detail) })),
        kinds,
        kind,
        olderHref,
      }),
    ),
  );
}

function venuePage(ctx: Ctx, notice?: string, error?: string, status = 200): Response {
  return html(String(VenuePage({ view: view(ctx), venue: ctx.venue!, notice, error })), status);
}

async function saveVenue(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, async () => {
    const profile = profileFromFields(ctx);
    return deps.writer.submit((tx) => {
      const before = ctx.venue!;
      const venue = updateVenueProfile(tx, profile);
      const changed = (Object.keys(profile) as Array<keyof typeof profile>).filter((key) => before[key] !== venue[key]).sort();
      appendEvent(tx, deps.signer, { kind: "config.venue_updated", actor: actor(ctx), subject: `venue:${venue.id}`, detail: { changed } });
      return venue;
    });
  });
  if (!outcome.ok) return venuePage(ctx, undefined, outcome.message, statusForCode(outcome.code));
  return html(String(VenuePage({ view: { ...view(ctx), venueName: outcome.value.legalName }, venue: outcome.value, notice: ctx.t("venue.saved") })));
}

export const adminRoutes: readonly Route[] = [
  { method: "GET", path: "/admin", access: STAFF, handle: dashboard },
  { method: "GET", path: "/admin/operators", access: ADMIN, handle: (ctx) => operatorsPage(ctx) },
  { method: "POST", path: "/admin/operators", access: ADMIN, handle: createOperator },
  { method: "GET", path: "/admin/operators/:id", access: ADMIN, handle: (ctx) => editOperatorPage(ctx) },
  { method: "POST", path: "/admin/operators/:id", access: ADMIN, handle: editOperator },
  { method: "GET", path: "/admin/terminals", access: ADMIN, handle: (ctx) => terminalsPage(ctx) },
  { method: "POST", path: "/admin/terminals/pairing", access: ADMIN, handle: createPairing },
  { method: "POST", path: "/admin/terminals/:id/rename", access: ADMIN, handle: renameTerminal },
  { method: "POST", path: "/admin/terminals/:id/revoke", access: ADMIN, handle: revokeTerminal },
  { method: "GET", path: "/admin/events", access: STAFF, handle: eventsPage },
  { method: "GET", path: "/admin/venue", access: ADMIN, handle: (ctx) => venuePage(ctx) },
  { method: "POST", path: "/admin/venue", access: ADMIN, handle: saveVenue },
];
