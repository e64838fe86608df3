/**
 * The wallet's device API: read a card, top up, pay, refund. Every POST carries an
 * Idempotency-Key; its first answer (refusals included) is stored with the effect and replayed
 * byte for byte. Amounts are JSON integers; a number sent as a string is amount_invalid.
 */
import { operationDeps } from "./context.ts";
import { answerOnce, IDEMPOTENCY_KEY_PATTERN, requestDigest, type Answer } from "../db/index.ts";
import { AppError, fail, isAppError } from "../kernel/index.ts";
import { memberByWallet, membershipOf } from "../membership/index.ts";
import {
  cardByUid,
  normalizeCardUid,
  pay,
  refund,
  topUp,
  walletBalances,
  type Actor,
  type OperationResult,
} from "../wallet/index.ts";
import type { Tx } from "../db/index.ts";
import type { Session } from "../auth/index.ts";
import type { Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { json } from "./respond.ts";
import type { Route } from "./router.ts";

/** Payments without a point of sale go to this one until points of sale exist (point-of-sale issue). */
export const DEFAULT_POINT_OF_SALE = "main";

const TILL = { kind: "device", kinds: ["till"] } as const;

function body(ctx: Ctx): Record<string, unknown> {
  return (ctx.jsonBody ?? {}) as Record<string, unknown>;
}

function resultBody(result: OperationResult): string {
  return JSON.stringify({ entry_seq: result.entrySeq, transfers: result.transfers, balances: result.balances });
}

export function refusalAnswer(error: unknown): Answer | undefined {
  if (!isAppError(error)) return undefined;
  const extra = typeof error.details?.missing === "number" ? { missing: error.details.missing } : {};
  return { status: statusForCode(error.code), body: JSON.stringify({ code: error.code, message: error.message, ...extra }) };
}

/** The operator's session behind a command, when the device sends the one it opened (X-Session-Token). */
export function operatorSession(ctx: Ctx): Session | undefined {
  const token = ctx.request.headers.get("x-session-token");
  if (!token) return undefined;
  const session = ctx.deps.auth.resolveSession(token);
  if (!session || session.terminalId !== ctx.terminal!.id) fail("unauthorized", "this session is not open on this terminal");
  return session;
}

/** Who sends a command: the idempotency scope and key, and the operator's session if any. */
export interface Caller {
  readonly scope: string;
  readonly idempotencyKey: string;
  readonly session: Session | undefined;
}

/**
 * Who runs a command when it is not a device's API call: the till's pages carry their key in the
 * page (made when the payment screen opened) and their operator in the session cookie.
 */
export interface RunAs {
  readonly key?: string;
  readonly session?: Session | undefined;
}

/**
 * Runs a device command once per Idempotency-Key, in one writer transaction with its stored answer
 * (refusals included): a repeat gets the first answer byte for byte. The pos API uses it too, and
 * the till's pages (with `as`), under the same scope `terminal:<id>`.
 */
export async function runOnce(
  ctx: Ctx,
  effect: (tx: Tx, caller: Caller) => Answer,
  refusal: (error: unknown) => Answer | undefined = refusalAnswer,
  as?: RunAs,
): Promise<Response> {
  const key = as?.key ?? ctx.request.headers.get("idempotency-key") ?? "";
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) fail("idempotency_key_invalid", "send an Idempotency-Key header of 1 to 128 characters [A-Za-z0-9._:-]");
  const session = as ? as.session : operatorSession(ctx);
  const scope = `terminal:${ctx.terminal!.id}`;
  const request = { scope, key, requestHash: requestDigest(ctx.request.method, ctx.url.pathname, ctx.rawBody) };
  const answer = await ctx.deps.writer.submit((tx) =>
    answerOnce(
      tx,
      request,
      () => effect(tx, { scope, idempotencyKey: key, session }),
      refusal,
      () => ({ status: 422, body: JSON.stringify({ code: "idempotency_key_reused", message: "this key was used for another request" }) }),
    ),
  );
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };
  if (answer.replayed) headers["idempotent-replayed"] = "true";
  return new Response(answer.body, { status: answer.status, headers });
}

/** Runs a wallet command once per Idempotency-Key (see runOnce). */
function once(ctx: Ctx, command: (tx: Tx, actor: Actor) => OperationResult): Promise<Response> {
  return runOnce(ctx, (tx, caller) => ({
    status: 201,
    body: resultBody(command(tx, { scope: caller.scope, idempotencyKey: caller.idempotencyKey, role: caller.session?.role })),
  }));
}

function readCard(ctx: Ctx): Response {
  let uid: string;
  try {
    uid = normalizeCardUid(decodeURIComponent(ctx.params.uid ?? ""));
  } catch (error) {
    if (error instanceof AppError || error instanceof URIError) fail("card_uid_invalid", "a card UID is 4, 7 or 10 bytes of hex");
    throw error;
  }
  const sqlite = ctx.deps.writer.sqlite;
  const card = cardByUid(sqlite, uid);
  if (!card) fail("card_unknown", "this card is not registered");
  const member = memberByWallet(sqlite, card.walletId);
  return json({
    uid: card.uid,
    state: card.state,
    balances: walletBalances(sqlite, card.walletId),
    member: member ? { id: member.id, name: member.name } : null,
    membership: member ? membershipOf(sqlite, member.id, ctx.deps.clock.nowMs()) : null,
  });
}

function pointOfSale(value: unknown): string {
  if (value === undefined || value === null) return DEFAULT_POINT_OF_SALE;
  if (typeof value !== "string" || !/^[a-z0-9_-]{1,32}$/.test(value)) fail("point_of_sale_invalid", "point_of_sale is 1 to 32 of a-z 0-9 _ -");
  return value;
}

export const walletRoutes: readonly Route[] = [
  { method: "GET", path: "/api/v1/cards/:uid", access: { kind: "device", kinds: ["till", "door"] }, handle: readCard },
  {
    method: "POST",
    path: "/api/v1/wallet/topups",
    access: TILL,
    handle: (ctx) =>
      once(ctx, (tx, actor) => {
        const input = body(ctx);
        return topUp(tx, operationDeps(ctx), actor, { cardUid: input.card_uid, asset: input.asset, amount: input.amount, method: input.method });
      }),
  },
  {
    method: "POST",
    path: "/api/v1/wallet/payments",
    access: TILL,
    handle: (ctx) =>
      once(ctx, (tx, actor) => {
        const input = body(ctx);
        return pay(tx, operationDeps(ctx), actor, { cardUid: input.card_uid, amount: input.amount, pointOfSale: pointOfSale(input.point_of_sale) });
      }),
  },
  {
    method: "POST",
    path: "/api/v1/wallet/refunds",
    access: TILL,
    handle: (ctx) => once(ctx, (tx, actor) => refund(tx, operationDeps(ctx), actor, { cardUid: body(ctx).card_uid })),
  },
];
