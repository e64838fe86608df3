/**
 * The device API (v1): what tills, door phones and reader agents call with their bearer token.
 * Documented in docs/api.md; routes, status codes and JSON shapes here are a public contract.
 */
import { fail } from "../kernel/index.ts";
import { field, type Ctx } from "./context.ts";
import { json } from "./respond.ts";
import type { Route } from "./router.ts";

const ANY_DEVICE = { kind: "device", kinds: ["till", "door", "reader"] } as const;

async function pair(ctx: Ctx): Promise<Response> {
  const code = field(ctx, "code");
  if (!code) fail("pairing_code_invalid", "send {\"code\": \"...\"}");
  const { terminal, token } = await ctx.deps.auth.claimPairingCodeGuarded(code, ctx.address);
  return json({ token, terminal: { id: terminal.id, kind: terminal.kind, name: terminal.name }, ca_fingerprint: ctx.deps.tls?.caFingerprint ?? null }, 201);
}

function whoami(ctx: Ctx): Response {
  const terminal = ctx.terminal!;
  return json({
    terminal: { id: terminal.id, kind: terminal.kind, name: terminal.name },
    venue_id: ctx.venue!.id,
    server_time_ms: Math.max(ctx.deps.clock.nowMs(), ctx.deps.timeFloor()),
  });
}

/** Opens an operator session on a till or door device (PIN or staff card). */
async function openSession(ctx: Ctx): Promise<Response> {
  const terminal = ctx.terminal!;
  const card = field(ctx, "staff_card_uid");
  const { session, operator } = card
    ? await ctx.deps.auth.unlockWithStaffCard(terminal.id, card, ctx.address)
    : await ctx.deps.auth.unlockWithPin(terminal.id, field(ctx, "operator_id"), field(ctx, "pin"), ctx.address);
  return json(
    {
      session_token: session.cookieValue,
      expires_at_ms: session.expiresAtMs,
      operator: { id: operator.id, name: operator.name, role: operator.role },
    },
    201,
  );
}

export const apiRoutes: readonly Route[] = [
  { method: "POST", path: "/api/v1/pair", access: { kind: "anyone" }, handle: pair },
  { method: "GET", path: "/api/v1/terminal", access: ANY_DEVICE, handle: whoami },
  { method: "POST", path: "/api/v1/sessions", access: { kind: "device", kinds: ["till", "door"] }, handle: openSession },
];
