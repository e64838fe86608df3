/**
 * Selling a membership through an order (online on /adhesion, at the box office): one order with
 * one membership line, the buyer's answers to the venue's custom member fields written on the
 * member in the same transaction. The buyer is the member named (memberId), else the member with
 * this e-mail, else a new member (createOrder makes them). The answers are checked like the
 * register checks them (checkFieldValues over the active fields) before anything is written: for
 * a new member every required field must be answered; for an existing member an answer left empty
 * keeps the stored one (only what is given fills or changes a value; online, where the buyer is
 * anyone who typed the member's e-mail, it only fills an empty one). The membership itself is
 * granted when the order is paid (createOrder or markOrderPaid), never before.
 */
import type { Tx } from "../db/index.ts";
import { checkFieldValues, listMemberFields, memberFieldValues, setMemberFieldValues } from "../membership/index.ts";
import { createOrder, findOrder, memberIdByEmail, type CreatedOrder, type OrderDeps, type OrderLineInput, type OrderPayment } from "./orders.ts";

export interface MembershipOrderInput {
  readonly productId: string;
  /** What the buyer chose for a free price (at least its minimum); ignored for a fixed price. */
  readonly amountMinor?: number | undefined;
  readonly buyer: { readonly name: string; readonly email?: string | undefined; readonly phone?: string | undefined };
  /** Answers to the custom member fields, by field id ("" or absent: not given). */
  readonly fieldValues: Readonly<Record<string, string | undefined>>;
  /** The member to sell to (the box office, from a member's page); absent: found by e-mail or created. */
  readonly memberId?: string | null | undefined;
  readonly channel: "online" | "box_office";
  readonly payment: OrderPayment;
  readonly idempotencyKey: string;
  readonly operatorName?: string | undefined;
  readonly lang?: string | undefined;
  readonly nowMs: number;
  readonly actor?: string | undefined;
  readonly timeZone?: string | undefined;
  /** The point-of-sale sale that takes the payment (the box office, in cash or by terminal). */
  readonly saleId?: string | null | undefined;
  /**
   * Ticket and donation lines sold in the same order (an event's order form, "become a member at
   * the same time"), before the membership line. Member prices among them are not unlocked by this
   * membership unless the order is paid at once (createOrder's rule): it is not valid until paid.
   */
  readonly otherLines?: readonly OrderLineInput[] | undefined;
}

/**
 * The answers to write: for an existing member, the stored ones overlaid by those given. Online,
 * the buyer is anyone who typed the member's e-mail (nobody logged in), so an answer given there
 * only fills a field the member left empty; changing a stored answer takes the box office.
 */
function mergedAnswers(tx: Tx, memberId: string | null, given: Readonly<Record<string, string | undefined>>, channel: MembershipOrderInput["channel"]): Record<string, string | undefined> {
  if (memberId === null) return { ...given };
  const stored = memberFieldValues(tx.sqlite, memberId);
  const merged: Record<string, string | undefined> = { ...stored };
  for (const [fieldId, value] of Object.entries(given)) {
    if (value === undefined || value.trim() === "") continue;
    if (channel === "online" && (stored[fieldId] ?? "") !== "") continue;
    merged[fieldId] = value;
  }
  return merged;
}

/**
 * Creates the membership order in the caller's transaction (or answers the one already made under
 * this idempotency key, writing nothing). Refusals: createOrder's (membership_product_unknown,
 * product_inactive, amount_invalid, free_price_below_minimum, email_invalid, member_unknown...),
 * and field_required / field_value_invalid (details.field: the field's id); nothing is written.
 */
export function createMembershipOrder(tx: Tx, deps: OrderDeps, input: MembershipOrderInput): CreatedOrder {
  const existing = tx.sqlite.query<{ id: string }, [string]>("SELECT id FROM orders WHERE idempotency_key = ?").get(String(input.idempotencyKey));
  if (existing) return { ...findOrder(tx.sqlite, existing.id)!, replayed: true };
  const knownMember = input.memberId ?? memberIdByEmail(tx.sqlite, input.buyer.email ?? "");
  const answers = checkFieldValues(listMemberFields(tx.sqlite, { activeOnly: true }), mergedAnswers(tx, knownMember, input.fieldValues, input.channel));
  const order = createOrder(tx, deps, {
    lines: [...(input.otherLines ?? []), { kind: "membership", productId: input.productId, amountMinor: input.amountMinor }],
    buyer: input.buyer,
    memberId: input.memberId ?? undefined,
    channel: input.channel,
    payment: input.payment,
    idempotencyKey: input.idempotencyKey,
    operatorName: input.operatorName,
    lang: input.lang,
    nowMs: input.nowMs,
    actor: input.actor,
    timeZone: input.timeZone,
    saleId: input.saleId,
  });
  if (order.memberId !== null) setMemberFieldValues(tx, order.memberId, answers);
  return order;
}
