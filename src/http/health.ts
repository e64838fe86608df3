/** Health and static assets: answered at any time, also before setup. */
import { assetResponse } from "./assets.ts";
import type { Ctx } from "./context.ts";
import { json } from "./respond.ts";
import { refuse, type Route } from "./router.ts";

function databaseOk(ctx: Ctx): boolean {
  try {
    return ctx.deps.writer.sqlite.query<{ ok: number }, []>("SELECT 1 AS ok").get()?.ok === 1;
  } catch {
    return false;
  }
}

function healthz(ctx: Ctx): Response {
  const database = databaseOk(ctx) ? "ok" : "error";
  const body = {
    status: database === "ok" ? "ok" : "error",
    version: ctx.deps.version,
    setup: ctx.venue ? "done" : "pending",
    venue_id: ctx.venue?.id ?? null,
    database,
    uptime_s: Math.round((ctx.deps.clock.nowMs() - ctx.deps.startedAtMs) / 1000),
  };
  return json(body, database === "ok" ? 200 : 503);
}

export const healthRoutes: readonly Route[] = [
  { method: "GET", path: "/healthz", access: { kind: "public" }, handle: healthz },
  {
    method: "GET",
    path: "/ca.crt",
    access: { kind: "public" },
    handle: (ctx) =>
      ctx.deps.tls
        ? new Response(ctx.deps.tls.caCertPem, {
            headers: { "content-type": "application/x-x509-ca-cert", "content-disposition": 'attachment; filename="tibox-ca.crt"' },
          })
        : refuse(ctx, "not_found", ctx.t("error.not_found")),
  },
  {
    method: "GET",
    path: "/assets/:name",
    access: { kind: "public" },
    handle: (ctx) => assetResponse(ctx.params.name ?? "") ?? refuse(ctx, "not_found", ctx.t("error.not_found")),
  },
];
