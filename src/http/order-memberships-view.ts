/**
 * What an order's page says of the memberships it sells: pending while the order waits for its
 * payment, then each granted window, "ended" once the order is refunded or cancelled. Shared by the
 * buyer's order page (online-sales.ts) and the box office's (ticketing-orders.ts), apart from the
 * selling routes so that neither imports the other.
 */
import { membershipsOfOrder } from "../membership/index.ts";
import type { Order } from "../ticketing/index.ts";
import type { OrderPageMembership } from "../../ui/pages/membership-sales.tsx";
import type { Ctx } from "./context.ts";

export function orderMembershipsView(ctx: Ctx, order: Order): OrderPageMembership[] {
  if (!order.lines.some((line) => line.kind === "membership")) return [];
  const granted = membershipsOfOrder(ctx.deps.writer.sqlite, order.id);
  if (granted.length === 0) {
    return order.state === "held" || order.state === "pay_on_site" ? order.lines.filter((line) => line.kind === "membership").map((line) => ({ state: "pending", label: line.label })) : [];
  }
  const closed = order.state === "refunded" || order.state === "cancelled";
  return granted.map((membership) => ({ state: "granted", ...membership, ended: closed || membership.validUntilMs <= Math.max(membership.validFromMs, ctx.deps.clock.nowMs()) }));
}
