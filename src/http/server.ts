/**
 * The Elysia application: every route table mounted behind the one gate (router.ts), request
 * ids and JSON-line access logs, a 404 page, and a last-resort 500 that never shows a stack.
 * Bodies are read by the gate (parse: "none"), so size bounds and error codes are ours.
 */
import { Elysia } from "elysia";
import { limits } from "../kernel/index.ts";
import { translator } from "../../ui/i18n/index.ts";
import { ErrorPage } from "../../ui/pages/error.tsx";
import { adminRoutes } from "./admin.ts";
import { apiRoutes } from "./api.ts";
import type { HttpDeps } from "./deps.ts";
import { healthRoutes } from "./health.ts";
import { pageRoutes } from "./pages.ts";
import { posRoutes } from "./pos-api.ts";
import { posAdminRoutes } from "./pos-admin.ts";
import { printerRoutes } from "./printers.ts";
import { html, json, jsonError } from "./respond.ts";
import { openApiDocument } from "./openapi.ts";
import { refuse, runRoute, type Route } from "./router.ts";
import { tapRoutes } from "./taps.ts";
import { terminalRoutes } from "./terminal.ts";
import { checkinRoutes } from "./checkins.ts";
import { ticketingRoutes } from "./ticketing.ts";
import { eventImageRoutes } from "./event-images.ts";
import { ticketingMailRoutes } from "./ticketing-mail.ts";
import { ticketingOrderRoutes } from "./ticketing-orders.ts";
import { onlineSalesRoutes } from "./online-sales.ts";
import { membershipSalesRoutes } from "./membership-sales.ts";
import { paymentWebhookRoutes } from "./payment-webhooks.ts";
import { ticketingSettingsRoutes } from "./ticketing-settings.ts";
import { tillRoutes } from "./till.ts";
import { doorRoutes } from "./door.ts";
import { doorListRoutes } from "./door-lists.ts";
import { doorOfflineRoutes } from "./door-offline.ts";
import { tillMoneyRoutes } from "./till-money.ts";
import { tillSalesRoutes } from "./till-sales.ts";
import { tillTicketRoutes } from "./till-tickets.ts";
import { walletAdminRoutes } from "./wallet-admin.ts";
import { walletRoutes } from "./wallet-api.ts";

const APP_ROUTES: readonly Route[] = [...healthRoutes, ...pageRoutes, ...adminRoutes, ...terminalRoutes, ...apiRoutes, ...walletRoutes, ...walletAdminRoutes, ...printerRoutes, ...tapRoutes, ...posRoutes, ...posAdminRoutes, ...tillRoutes, ...tillSalesRoutes, ...tillTicketRoutes, ...tillMoneyRoutes, ...ticketingRoutes, ...eventImageRoutes, ...ticketingOrderRoutes, ...onlineSalesRoutes, ...membershipSalesRoutes, ...paymentWebhookRoutes, ...ticketingSettingsRoutes, ...ticketingMailRoutes, ...checkinRoutes, ...doorRoutes, ...doorListRoutes, ...doorOfflineRoutes];

export const ROUTES: readonly Route[] = [
  ...APP_ROUTES,
  { method: "GET", path: "/api/openapi.json", access: { kind: "anyone" }, handle: (ctx) => json(openApiDocument(ctx.deps.version, APP_ROUTES).document) },
];

interface AddressSource {
  requestIP(request: Request): { address: string } | null;
}

const NOT_FOUND_ROUTE: Route = {
  method: "GET",
  path: "*",
  access: { kind: "anyone" },
  handle: (ctx) => refuse(ctx, "not_found", ctx.t("error.not_found")),
};

function internalError(request: Request, requestId: string): Response {
  const url = new URL(request.url);
  const message = `internal error (reference ${requestId})`;
  if (url.pathname.startsWith("/api/") || (request.headers.get("accept") ?? "").startsWith("application/json")) {
    return jsonError("internal_error", message, 500, { request_id: requestId });
  }
  const t = translator("fr");
  const view = {
    t,
    lang: "fr" as const,
    csrf: "",
    path: url.pathname,
    returnTo: "/",
    serverTimeMs: 0,
    venueName: undefined,
    operator: undefined,
    clockBehindUntilMs: undefined,
    timezone: "Europe/Paris",
  };
  return html(String(ErrorPage({ view, message: t("error.internal", { id: requestId }), code: "internal_error" })), 500);
}

/** The path a log line names: a route whose address holds a secret (a member's page, a card's page) as its pattern. */
function loggedPath(route: Route, request: Request): string {
  return /:(token|qrId)\b/.test(route.path) ? route.path : new URL(request.url).pathname;
}

export function createHttpApp(deps: HttpDeps) {
  async function handle(route: Route, request: Request, params: Record<string, string>, server: AddressSource | null): Promise<Response> {
    const requestId = deps.newId();
    const startedMs = performance.now();
    const address = deps.addressOf(request) ?? server?.requestIP(request)?.address ?? "local";
    let response: Response;
    try {
      response = await runRoute(deps, route, request, params, { requestId, address });
    } catch (error) {
      deps.logger.log("error", "request failed", {
        request_id: requestId,
        method: request.method,
        path: loggedPath(route, request),
        error: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? error.stack : undefined,
      });
      response = internalError(request, requestId);
    }
    response.headers.set("x-request-id", requestId);
    deps.logger.log("info", "request", {
      request_id: requestId,
      method: request.method,
      path: loggedPath(route, request),
      status: response.status,
      ms: Math.round((performance.now() - startedMs) * 10) / 10,
    });
    return response;
  }

  const app = new Elysia({ serve: { maxRequestBodySize: limits.uploadBodyBytes } });
  for (const route of ROUTES) {
    app.route(route.method, route.path, (context) => handle(route, context.request, context.params as Record<string, string>, context.server), {
      parse: "none",
    });
  }
  app.onError(({ code, request, server }) => {
    if (code === "NOT_FOUND") return handle(NOT_FOUND_ROUTE, request, {}, server);
    const requestId = deps.newId();
    deps.logger.log("error", "unhandled", { request_id: requestId, code: String(code) });
    return internalError(request, requestId);
  });
  return app;
}

export type HttpApp = ReturnType<typeof createHttpApp>;
