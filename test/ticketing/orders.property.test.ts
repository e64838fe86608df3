// Proves the orders' invariants under random sequences of commands (fast-check): on a fresh event
// with random capacity, quotas and limits, random orders (several lines and prices, three people:
// two by e-mail, one a member who orders as a member or by e-mail only, paid, on site or held),
// cancels, refunds and hold expiries never leave more valid tickets than a quota or the capacity,
// never more than the per-person limit for one person across all their orders, every order's total
// equals the sum of its lines (and of its tickets' amounts), and a refused createOrder leaves every
// table's row count unchanged although the calling transaction commits. The tally proves orders
// were both accepted and refused (sold_out and per_person_limit among them).
import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import { FakeClock } from "../../src/kernel/index.ts";
import { grantMembership, insertMember } from "../../src/membership/index.ts";
import { insertWallet } from "../../src/wallet/index.ts";
import { cancelOrder, createOrder, expireHolds, refundOrder, savePrice, type OrderInput, type OrderLineInput } from "../../src/ticketing/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct, orderDeps, rowCounts } from "../helpers/orders.ts";

const NOW = Date.UTC(2031, 0, 10, 12, 0);
const RUNS = 200;
const MAX_COMMANDS = 14;

interface Shape {
  readonly capacity: number | null;
  readonly products: readonly { quota: number | null; perOrderMax: number | null; perPersonMax: number | null }[];
}

type Command =
  | { kind: "order"; person: number; asMember: boolean; lines: { product: number; price: number; quantity: number; extra: number }[]; payment: number }
  | { kind: "cancel" | "refund"; pick: number }
  | { kind: "expire"; advanceMs: number };

const shape: fc.Arbitrary<Shape> = fc.record({
  capacity: fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }),
  products: fc.array(
    fc.record({
      quota: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
      perOrderMax: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
      perPersonMax: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("order" as const),
      person: fc.integer({ min: 0, max: 2 }),
      asMember: fc.boolean(),
      lines: fc.array(fc.record({ product: fc.nat(), price: fc.integer({ min: 0, max: 2 }), quantity: fc.integer({ min: 1, max: 4 }), extra: fc.integer({ min: 0, max: 700 }) }), { minLength: 1, maxLength: 3 }),
      payment: fc.integer({ min: 0, max: 2 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom("cancel" as const, "refund" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("expire" as const), advanceMs: fc.integer({ min: 0, max: 30 * 60_000 }) }) },
);

const EMAILS = ["a@example.org", "b@example.org", "member@example.org"];
const tally = new Map<string, number>();
const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);

let box: TestBox;
const clock = new FakeClock(NOW);
let memberId = "";
let sequence = 0;

beforeAll(async () => {
  box = testBox({ clock });
  await setUp(box);
  memberId = box.writer.transact((tx) => {
    const id = insertMember(tx, box.deps.newId, { name: "Membre", email: EMAILS[2] }, insertWallet(tx, box.deps.newId)).id;
    grantMembership(tx, box.deps.newId, { memberId: id, label: "Adhésion", validFromMs: NOW - HOUR, validUntilMs: NOW + 365 * 24 * HOUR });
    return id;
  });
});
afterAll(() => box.dispose());

function n(sql: string, ...params: string[]): number {
  return box.writer.sqlite.query<{ n: number }, string[]>(sql).get(...params)!.n;
}

function checkInvariants(eventId: string, products: readonly { id: string; quota: number | null; perPersonMax: number | null }[], capacity: number | null, step: string): void {
  for (const product of products) {
    const valid = n("SELECT count(*) AS n FROM tickets WHERE product_id = ? AND state = 'valid'", product.id);
    if (product.quota !== null) expect(valid, `${step}: quota`).toBeLessThanOrEqual(product.quota);
    if (product.perPersonMax === null) continue;
    for (const email of EMAILS) {
      // Counted independently of the service's person keys: by e-mail, and by member for the member.
      const held = n(
        `SELECT count(*) AS n FROM tickets t JOIN orders o ON o.id = t.order_id WHERE t.product_id = ? AND t.state = 'valid' AND (lower(o.buyer_email) = ? OR o.member_id = ?)`,
        product.id,
        email,
        email === EMAILS[2] ? memberId : "-",
      );
      expect(held, `${step}: per person ${email}`).toBeLessThanOrEqual(product.perPersonMax);
    }
  }
  if (capacity !== null) expect(n("SELECT count(*) AS n FROM tickets WHERE event_id = ? AND state = 'valid'", eventId), `${step}: capacity`).toBeLessThanOrEqual(capacity);
  const mismatched = n(`SELECT count(*) AS n FROM orders o WHERE o.total_minor <> (SELECT coalesce(sum(amount_minor), 0) FROM order_lines l WHERE l.order_id = o.id)
    OR EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.amount_minor <> l.unit_minor * l.quantity)
    OR (SELECT coalesce(sum(amount_minor), 0) FROM order_lines l WHERE l.order_id = o.id AND l.kind = 'ticket') <> (SELECT coalesce(sum(amount_minor), 0) FROM tickets t WHERE t.order_id = o.id)`);
  expect(mismatched, `${step}: totals`).toBe(0);
}

function orderState(orderId: string): string {
  return box.writer.sqlite.query<{ state: string }, [string]>("SELECT state FROM orders WHERE id = ?").get(orderId)!.state;
}

function orderInputOf(cmd: Extract<Command, { kind: "order" }>, prices: readonly (readonly string[])[]): OrderInput {
  const lines: OrderLineInput[] = cmd.lines.map((line) => {
    const product = prices[line.product % prices.length]!;
    // Prices of each product: [full 1000, member 600, free minimum 300].
    return { kind: "ticket", priceId: product[line.price]!, quantity: line.quantity, amountMinor: 300 + line.extra - 100 };
  });
  const payments: OrderInput["payment"][] = [{ state: "paid", method: "cash" }, { state: "pay_on_site" }, { state: "held", holdUntilMs: clock.nowMs() + 20 * 60_000 }];
  const member = cmd.person === 2 && cmd.asMember;
  return {
    lines,
    buyer: { name: "P", email: member ? "" : EMAILS[cmd.person]!.toUpperCase() },
    memberId: member ? memberId : null,
    channel: "online",
    payment: payments[cmd.payment]!,
    idempotencyKey: `prop-${++sequence}`,
    nowMs: clock.nowMs(),
  };
}

function run(commandOf: Command, eventId: string, prices: readonly (readonly string[])[], orders: string[]): void {
  const deps = orderDeps(box);
  if (commandOf.kind === "expire") {
    clock.advance(commandOf.advanceMs);
    box.writer.transact((tx) => expireHolds(tx, deps, clock.nowMs()));
    return;
  }
  if (commandOf.kind !== "order") {
    // An even pick aims at an order in a state the command accepts (so that successes are common),
    // an odd one at any order (so that refusals for the wrong state are exercised too).
    const eligible = commandOf.kind === "cancel" ? ["held", "pay_on_site"] : ["paid"];
    const pool = commandOf.pick % 2 === 0 ? orders.filter((id) => eligible.includes(orderState(id))) : orders;
    if (pool.length === 0) return;
    const orderId = pool[Math.floor(commandOf.pick / 2) % pool.length]!;
    box.writer.transact((tx) => {
      try {
        (commandOf.kind === "cancel" ? cancelOrder : refundOrder)(tx, deps, { orderId, nowMs: clock.nowMs() });
        count(`${commandOf.kind}:ok`);
      } catch (error) {
        count(`${commandOf.kind}:${(error as { code: string }).code}`);
      }
    });
    return;
  }
  const input = orderInputOf(commandOf, prices);
  const before = rowCounts(box);
  let refusal: string | null = null;
  box.writer.transact((tx) => {
    try {
      orders.push(createOrder(tx, deps, input).id);
    } catch (error) {
      refusal = (error as { code?: string }).code ?? "thrown";
    }
  });
  count(refusal === null ? "order:ok" : `order:${refusal}`);
  if (refusal !== null) expect(rowCounts(box), `refused ${refusal}: nothing written`).toEqual(before);
}

test(`${RUNS} random sequences of up to ${MAX_COMMANDS} orders, cancels, refunds and expiries keep quotas, capacity, per-person limits and totals`, () => {
  fc.assert(
    fc.property(shape, fc.array(command, { minLength: 1, maxLength: MAX_COMMANDS }), (eventShape, commands) => {
      const eventId = makeEvent(box, clock.nowMs() + 48 * HOUR, { capacity: eventShape.capacity });
      const products = eventShape.products.map((p, i) => makeProduct(box, eventId, { name: `P${i}`, priceMinor: 1000, ...p }));
      const prices = products.map((product) =>
        box.writer.transact((tx) => [
          product.id,
          savePrice(tx, { newId: box.deps.newId }, { productId: product.id, label: "Adhérent", kind: "member", amountMinor: 600 }).id,
          savePrice(tx, { newId: box.deps.newId }, { productId: product.id, label: "Libre", kind: "free", amountMinor: 300 }).id,
        ]),
      );
      const orders: string[] = [];
      commands.forEach((cmd, index) => {
        run(cmd, eventId, prices, orders);
        checkInvariants(eventId, products, eventShape.capacity, `command ${index} ${cmd.kind}`);
      });
    }),
    { numRuns: RUNS },
  );
  // Not vacuous: orders were accepted and refused for the reasons the invariants are about.
  for (const key of ["order:ok", "order:sold_out", "order:per_person_limit", "order:per_order_limit", "order:member_price_needs_membership", "order:free_price_below_minimum", "cancel:ok", "refund:ok"]) {
    expect(tally.get(key) ?? 0, key).toBeGreaterThan(0);
  }
}, 60_000);
