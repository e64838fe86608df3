/**
 * Memberships: a member's validity windows. A member is valid while now lies inside the latest
 * window (the one ending last); a renewal bought while valid starts where the current one ends, so
 * no paid day is lost. Time is always a parameter: these services never read a clock.
 */
import { assert, fail, limits, type IdFactory } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest membership one grant may give: ten years. */
export const MEMBERSHIP_DAYS_MAX = 3660;

export interface Membership {
  readonly id: string;
  readonly memberId: string;
  readonly label: string;
  readonly validFromMs: number;
  readonly validUntilMs: number;
  readonly saleNumber: number | null;
  /** The membership product and the ticketing order that granted it, if any. */
  readonly productId: string | null;
  readonly orderId: string | null;
  readonly createdAtMs: number;
}

export interface MembershipStatus {
  readonly valid: boolean;
  /** The end of the latest membership, valid or lapsed; null for a member who never had one. */
  readonly until: number | null;
}

export interface GrantInput {
  readonly memberId: string;
  readonly label: string;
  readonly validFromMs: number;
  readonly validUntilMs: number;
  readonly saleNumber?: number | null | undefined;
  readonly productId?: string | null | undefined;
  readonly orderId?: string | null | undefined;
}

const COLUMNS = `id, member_id AS memberId, label, valid_from_ms AS validFromMs, valid_until_ms AS validUntilMs, sale_number AS saleNumber,
  product_id AS productId, order_id AS orderId, created_at_ms AS createdAtMs`;

function latestMembership(sqlite: Sqlite, memberId: string): Membership | undefined {
  return (
    // An empty window (a renewal ended by a refund before it started: order-memberships.ts) covers nothing and does not count.
    sqlite.query<Membership, [string]>(`SELECT ${COLUMNS} FROM memberships WHERE member_id = ? AND valid_until_ms > valid_from_ms ORDER BY valid_until_ms DESC, created_at_ms DESC LIMIT 1`).get(memberId) ??
    undefined
  );
}

export function grantMembership(tx: Tx, newId: IdFactory, input: GrantInput): Membership {
  const label = input.label.trim();
  if (!label) fail("label_required", "a membership has a label");
  if (label.length > limits.textFieldChars) fail("name_too_long", `at most ${limits.textFieldChars} characters`);
  assert(Number.isSafeInteger(input.validFromMs) && Number.isSafeInteger(input.validUntilMs), "membership bounds are integer milliseconds");
  if (input.validUntilMs <= input.validFromMs) fail("membership_window_invalid", "a membership ends after it starts");
  if (!tx.sqlite.query("SELECT 1 FROM members WHERE id = ?").get(input.memberId)) fail("member_unknown", "no such member");
  const membership: Membership = {
    id: newId(),
    memberId: input.memberId,
    label,
    validFromMs: input.validFromMs,
    validUntilMs: input.validUntilMs,
    saleNumber: input.saleNumber ?? null,
    productId: input.productId ?? null,
    orderId: input.orderId ?? null,
    createdAtMs: tx.stamp().atMs,
  };
  tx.sqlite
    .query("INSERT INTO memberships (id, member_id, label, valid_from_ms, valid_until_ms, sale_number, product_id, order_id, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    .run(
      membership.id,
      membership.memberId,
      membership.label,
      membership.validFromMs,
      membership.validUntilMs,
      membership.saleNumber,
      membership.productId,
      membership.orderId,
      membership.createdAtMs,
    );
  return membership;
}

/** Valid when now lies inside the latest membership's window (from included, until excluded). */
export function membershipOf(sqlite: Sqlite, memberId: string, nowMs: number): MembershipStatus {
  const latest = latestMembership(sqlite, memberId);
  if (!latest) return { valid: false, until: null };
  return { valid: latest.validFromMs <= nowMs && nowMs < latest.validUntilMs, until: latest.validUntilMs };
}

/** The window a rolling membership of `days` bought now covers: from now, or from the end of the current valid one. */
export function renewalWindow(sqlite: Sqlite, memberId: string, nowMs: number, days: number): { validFromMs: number; validUntilMs: number } {
  assert(Number.isSafeInteger(days) && days >= 1 && days <= MEMBERSHIP_DAYS_MAX, "membership days within bounds");
  const current = membershipOf(sqlite, memberId, nowMs);
  const validFromMs = current.valid && current.until !== null ? current.until : nowMs;
  return { validFromMs, validUntilMs: validFromMs + days * DAY_MS };
}

export function listMemberships(sqlite: Sqlite, memberId: string): Membership[] {
  return sqlite.query<Membership, [string, number]>(`SELECT ${COLUMNS} FROM memberships WHERE member_id = ? ORDER BY valid_from_ms DESC LIMIT ?`).all(memberId, limits.listPageRows);
}
