/**
 * Helpers for order tests: an event with products and prices on a real box, an order's input
 * with defaults, and a count of every table's rows (to prove a refusal writes nothing).
 */
import { createEvent, createOrder, saveProduct, type OrderInput, type OrderLineInput } from "../../src/ticketing/index.ts";
import type { Box } from "../../src/app.ts";

export const HOUR = 3_600_000;

export function orderDeps(box: Box) {
  return { newId: box.deps.newId, signer: box.signer, random: box.deps.random };
}

export function makeEvent(box: Box, startsAtMs: number, options: { capacity?: number | null; title?: string } = {}): string {
  return box.writer.transact(
    (tx) =>
      createEvent(tx, { signer: box.signer, newId: box.deps.newId }, {
        title: options.title ?? "Concert",
        description: "",
        imageUrl: null,
        startsAtMs,
        endsAtMs: startsAtMs + 3 * HOUR,
        doorsAtMs: startsAtMs - HOUR / 2,
        capacity: options.capacity ?? null,
        tags: [],
        visibility: "public",
      }).id,
  );
}

export function makeProduct(box: Box, eventId: string, input: Partial<Parameters<typeof saveProduct>[2]> = {}) {
  return box.writer.transact((tx) => saveProduct(tx, { newId: box.deps.newId }, { eventId, name: "Entrée", priceMinor: 1200, quota: null, ...input }));
}

let keys = 0;
export function orderInput(nowMs: number, lines: readonly OrderLineInput[], rest: Partial<OrderInput> = {}): OrderInput {
  return {
    lines,
    buyer: { name: "Ada Lovelace", email: "ada@example.org", phone: "" },
    channel: "box_office",
    payment: { state: "paid", method: "cash" },
    idempotencyKey: `order-${++keys}-${nowMs}`,
    operatorName: "Guichet",
    nowMs,
    ...rest,
  };
}

export function placeOrder(box: Box, input: OrderInput) {
  return box.writer.transact((tx) => createOrder(tx, orderDeps(box), input));
}

/** Rows of every table of the database, by table. */
export function rowCounts(box: Box): Record<string, number> {
  const tables = box.writer.sqlite.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
  const counts: Record<string, number> = {};
  for (const { name } of tables) counts[name] = box.writer.sqlite.query<{ n: number }, []>(`SELECT count(*) AS n FROM "${name}"`).get()!.n;
  return counts;
}

/** A refusal's code (throws when the command did not refuse). */
export function refusalOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code ?? `not a refusal: ${String(error)}`;
  }
  throw new Error("expected a refusal");
}
