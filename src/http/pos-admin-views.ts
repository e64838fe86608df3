/**
 * What the point of sale's admin pages share: who may open them, who acts (for the event log and
 * for sales and closures), and reading typed form values (checkboxes, whole numbers, amounts).
 */
import { fail, parseMoney } from "../kernel/index.ts";
import type { PosActor } from "../pos/index.ts";
import { type Ctx, field, operationDeps } from "./context.ts";

export const ADMIN = { kind: "operator", roles: ["admin"] } as const;
/** Managers and admins: closures, reports, prices and stock. */
export const STAFF = { kind: "operator", roles: ["admin", "manager"] } as const;

/** The event log's actor: the operator behind the session (every page here requires one). */
export function eventActor(ctx: Ctx): string {
  return `operator:${ctx.session!.operatorId}`;
}

/** The seller or closer of a page form: one command, so a fresh idempotency key; no terminal. */
export function pagePosActor(ctx: Ctx): PosActor {
  const session = ctx.session!;
  return {
    scope: `operator:${session.operatorId}`,
    idempotencyKey: ctx.deps.newId(),
    role: session.role,
    operatorId: session.operatorId,
    operatorName: session.operatorName,
    terminalId: null,
  };
}

/** A checkbox: browsers send it only when ticked ("1" here, "on" by default). */
export function checked(ctx: Ctx, name: string): boolean {
  return ["1", "on", "true"].includes(field(ctx, name));
}

/** A whole number as typed; anything else is NaN, which the catalogue refuses with its own code. */
export function integerText(text: string): number {
  const trimmed = text.trim();
  return /^-?\d{1,9}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** An optional count (stock): empty is null, "12" is 12, anything else NaN (refused by the catalogue). */
export function optionalIntegerText(text: string): number | null {
  return text.trim() === "" ? null : integerText(text);
}

/** An amount typed in euros ("3,50", "3.5", "3"), in cents; refused with `amount_invalid`. */
export function centsText(text: string): number {
  return parseMoney(text, 2);
}

/** A VAT rate typed as a percentage ("5,5", "20", "2.1 %"), in basis points. */
export function basisPointsText(text: string): number {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?\s*%?$/.exec(text.trim());
  if (!match) fail("vat_rate_invalid", `not a percentage: ${JSON.stringify(text)}`);
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** "HH:MM" as minutes after midnight. */
export function minuteOfDayText(text: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (!match) fail("business_day_end_invalid", "a time is HH:MM");
  return Number(match[1]) * 60 + Number(match[2]);
}
