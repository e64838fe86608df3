/**
 * The door's device API: `POST /api/v1/checkins {qr, nonce, event_id?}` for door and till
 * terminals. The nonce makes it exactly once: a retry gets the first answer (header
 * Idempotent-Replayed: true) and writes nothing. Documented in docs/api.md and openapi.ts.
 */
import { performCheckin, type CheckinOutcome, type CheckinRefusal } from "../ticketing/index.ts";
import type { Ctx } from "./context.ts";
import type { Route } from "./router.ts";

const STATUS: Record<CheckinRefusal, number> = {
  qr_invalid: 400,
  invalid_signature: 400,
  revoked: 409,
  wrong_event: 409,
  not_yet_valid: 409,
  expired: 409,
  already_redeemed: 409,
};

const MESSAGE: Record<CheckinRefusal, string> = {
  qr_invalid: "this is not a ticket",
  invalid_signature: "this ticket was not signed by this box",
  revoked: "this ticket was revoked",
  wrong_event: "this ticket is for another event",
  not_yet_valid: "this ticket is not valid yet",
  expired: "this ticket is no longer valid",
  already_redeemed: "this ticket was already checked in",
};

function answer(outcome: CheckinOutcome): Response {
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };
  if (outcome.replayed) headers["idempotent-replayed"] = "true";
  if (outcome.result === "admitted") {
    return new Response(JSON.stringify({ result: "admitted", ticket: outcome.ticket, checked_in_at_ms: outcome.atMs }), { status: 200, headers });
  }
  const body: Record<string, unknown> = { code: outcome.code, message: MESSAGE[outcome.code] };
  if (outcome.ticketId) body.ticket_id = outcome.ticketId;
  if (outcome.redeemedAtMs !== undefined) body.redeemed_at_ms = outcome.redeemedAtMs;
  if (outcome.door !== undefined) body.door = outcome.door;
  return new Response(JSON.stringify(body), { status: STATUS[outcome.code], headers });
}

async function checkin(ctx: Ctx): Promise<Response> {
  const input = (ctx.jsonBody ?? {}) as Record<string, unknown>;
  const { deps } = ctx;
  const outcome = await deps.writer.submit((tx) =>
    performCheckin(tx, { newId: deps.newId, venuePublicKey: deps.signer.publicKey }, { qr: input.qr, nonce: input.nonce, eventId: input.event_id, terminalId: ctx.terminal!.id, nowMs: deps.clock.nowMs() }),
  );
  return answer(outcome);
}

export const checkinRoutes: readonly Route[] = [{ method: "POST", path: "/api/v1/checkins", access: { kind: "device", kinds: ["door", "till"] }, handle: checkin }];
