/**
 * The door's device API (docs/api.md, "The door"): `POST /api/v1/checkins {qr, nonce, list?,
 * event_id?, direction?, forced?, scanned_at?}` for door and till terminals, and
 * `GET /api/v1/door/snapshot?list=` for door terminals only: the snapshot holds every holder's name,
 * and a till's token (kept in a till's browser or a script) has no reason to read them; a till
 * acting as a door uses the door page's session route, which needs a door volunteer unlocked. The nonce makes a check-in exactly once: a retry gets the first answer, byte for
 * byte (header Idempotent-Replayed: true), and writes nothing. The door page's session routes
 * (`/door/checkins` with a JSON body, `/door/snapshot`) answer the same through these functions.
 */
import { doorSnapshot, LIST_ID_PATTERN, performCheckin, type CheckinOutcome, type CheckinRefusal } from "../ticketing/index.ts";
import { isAppError } from "../kernel/index.ts";
import type { Ctx } from "./context.ts";
import { jsonError } from "./respond.ts";
import type { Route } from "./router.ts";

/** 400: the text is not a ticket of this box; 409: a real ticket refused in its present state. */
const STATUS: Record<CheckinRefusal, number> = {
  qr_invalid: 400,
  invalid_signature: 400,
  revoked: 409,
  wrong_event: 409,
  product_not_admitted: 409,
  unpaid: 409,
  not_yet_valid: 409,
  expired: 409,
  already_redeemed: 409,
  not_inside: 409,
};

export const CHECKIN_MESSAGES: Record<CheckinRefusal, string> = {
  qr_invalid: "this is not a ticket",
  invalid_signature: "this ticket was not signed by this box",
  revoked: "this ticket was revoked",
  wrong_event: "this ticket is for another event",
  product_not_admitted: "this check-in list does not admit this ticket's product",
  unpaid: "this ticket's order is not paid yet",
  not_yet_valid: "this ticket is not valid yet",
  expired: "this ticket is no longer valid",
  already_redeemed: "this ticket was already checked in",
  not_inside: "this ticket is not inside: it cannot go out",
};

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } as const;

/** A scan's answer as the API gives it: 200 admitted or conflict (forced), else the refusal's status. */
export function checkinResponse(outcome: CheckinOutcome): Response {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (outcome.replayed) headers["idempotent-replayed"] = "true";
  const common = { list: outcome.list, direction: outcome.direction, forced: outcome.forced, ...(outcome.forced ? { scanned_at: outcome.scannedAtMs } : {}) };
  if (outcome.result === "admitted") {
    const body = { result: "admitted", ticket: outcome.ticket, checked_in_at_ms: outcome.atMs, entry_no: outcome.entryNo, ...common };
    return new Response(JSON.stringify(body), { status: 200, headers });
  }
  const first = outcome.redeemedAtMs !== undefined ? { at: outcome.redeemedAtMs, door: outcome.door } : undefined;
  if (outcome.result === "conflict") {
    const body = { result: "conflict", code: outcome.code, message: CHECKIN_MESSAGES[outcome.code], ticket_id: outcome.ticketId, ...(first ? { first } : {}), recorded_at_ms: outcome.atMs, ...common };
    return new Response(JSON.stringify(body), { status: 200, headers });
  }
  const body: Record<string, unknown> = { code: outcome.code, message: CHECKIN_MESSAGES[outcome.code] };
  if (outcome.ticketId) body.ticket_id = outcome.ticketId;
  if (first) {
    body.redeemed_at_ms = first.at;
    body.door = first.door;
  }
  return new Response(JSON.stringify(body), { status: STATUS[outcome.code], headers });
}

/** Runs one scan from a JSON body (the API's field names) for this terminal. */
export async function submitCheckin(ctx: Ctx, terminalId: string, input: Record<string, unknown>): Promise<CheckinOutcome> {
  const { deps } = ctx;
  return deps.writer.submit((tx) =>
    performCheckin(tx, { newId: deps.newId, venuePublicKey: deps.signer.publicKey, certificates: deps.certificates }, {
      qr: input.qr,
      nonce: input.nonce,
      list: input.list,
      eventId: input.event_id,
      direction: input.direction,
      forced: input.forced,
      scannedAtMs: input.scanned_at,
      terminalId,
      nowMs: deps.clock.nowMs(),
    }),
  );
}

/** One scan from a JSON body answered as JSON, malformed requests included (the door page's session route too). */
export async function checkinJson(ctx: Ctx, terminalId: string): Promise<Response> {
  const input = (ctx.jsonBody ?? {}) as Record<string, unknown>;
  try {
    return checkinResponse(await submitCheckin(ctx, terminalId, input));
  } catch (error) {
    if (isAppError(error)) return jsonError(error.code, error.message);
    throw error;
  }
}

function checkin(ctx: Ctx): Promise<Response> {
  return checkinJson(ctx, ctx.terminal!.id);
}

/** If-None-Match holds this etag (quoted or not, weak or not, or one of several). */
function matches(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((part) => part.trim().replace(/^W\//, "").replace(/^"|"$/g, "") === etag);
}

/** The snapshot of `?list=` as JSON, or 304 when If-None-Match names its etag. */
export function snapshotResponse(ctx: Ctx): Response {
  const listId = ctx.url.searchParams.get("list") ?? "";
  if (!LIST_ID_PATTERN.test(listId)) return jsonError("list_invalid", "list is a check-in list's id");
  const snapshot = doorSnapshot(ctx.deps.writer.sqlite, ctx.deps.signer.publicKey, listId, ctx.deps.clock.nowMs());
  if (!snapshot) return jsonError("list_unknown", "no such check-in list");
  const headers = { ...JSON_HEADERS, etag: `"${snapshot.etag}"` };
  if (matches(ctx.request.headers.get("if-none-match"), snapshot.etag)) return new Response(null, { status: 304, headers });
  return new Response(JSON.stringify(snapshot), { status: 200, headers });
}

const DOORS = { kind: "device", kinds: ["door", "till"] } as const;
const DOOR_ONLY = { kind: "device", kinds: ["door"] } as const;

export const checkinRoutes: readonly Route[] = [
  { method: "POST", path: "/api/v1/checkins", access: DOORS, handle: checkin },
  { method: "GET", path: "/api/v1/door/snapshot", access: DOOR_ONLY, handle: snapshotResponse },
];
