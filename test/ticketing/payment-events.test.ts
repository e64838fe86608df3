// Proves what a verified payment notification does to an order, on a real box: each outcome of
// applyPaymentEvent with the order's state after it (paid once, already_paid, duplicate answered
// from payment_events without a second effect, pending ignored, failed cancels a held order and
// frees its tickets, already_closed, checkout_mismatch, unknown_order), and attachCheckout's
// refusals (only a held order, one checkout per order, the same one again is a no-op).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock, isAppError } from "../../src/kernel/index.ts";
import { applyPaymentEvent, attachCheckout, findOrder, orderTickets, type PaymentEvent } from "../../src/ticketing/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct, orderInput, placeOrder } from "../helpers/orders.ts";

const NOW = Date.UTC(2030, 4, 10, 12, 0);
let box: TestBox;
let priceId = "";
let events = 0;

beforeAll(async () => {
  box = testBox({ clock: new FakeClock(NOW) });
  await setUp(box);
  priceId = makeProduct(box, makeEvent(box, NOW + 48 * HOUR), { priceMinor: 1500, quota: 10 }).id;
});
afterAll(() => box.dispose());

function held(ref: string | null = null) {
  const order = placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId, quantity: 2 }], { channel: "online", payment: { state: "held", holdUntilMs: NOW + 15 * 60_000 } }));
  if (ref) box.writer.transact((tx) => attachCheckout(tx, { orderId: order.id, provider: "fake", providerRef: ref }));
  return order;
}

function notify(orderId: string | null, kind: PaymentEvent["kind"], extra: Partial<PaymentEvent> = {}) {
  const event: PaymentEvent = { provider: "fake", eventId: `evt_${++events}`, type: kind, kind, orderId, providerRef: null, amountMinor: 3000, currency: "eur", ...extra };
  return { event, result: box.writer.transact((tx) => applyPaymentEvent(tx, { newId: box.deps.newId, signer: box.signer }, event, NOW + 60_000)) };
}

const stateOf = (id: string) => findOrder(box.writer.sqlite, id)!.state;
const validTickets = (id: string) => orderTickets(box.writer.sqlite, id).filter((ticket) => ticket.state === "valid").length;

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return isAppError(error) ? error.code : String(error);
  }
}

describe("applyPaymentEvent", () => {
  test("paid once; the same event again is answered from payment_events; another event for the same checkout is already_paid", () => {
    const order = held("ref_a");
    const { event, result } = notify(order.id, "paid", { providerRef: "ref_a" });
    expect(result).toEqual({ outcome: "paid", orderId: order.id, duplicate: false });
    expect(findOrder(box.writer.sqlite, order.id)).toMatchObject({ state: "paid", paymentMethod: "online", provider: "fake", providerRef: "ref_a" });
    const again = box.writer.transact((tx) => applyPaymentEvent(tx, { newId: box.deps.newId, signer: box.signer }, event, NOW + 120_000));
    expect(again).toEqual({ outcome: "paid", orderId: order.id, duplicate: true });
    expect(notify(order.id, "paid", { providerRef: "ref_a" }).result.outcome).toBe("already_paid");
    expect(box.writer.sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM event_log WHERE kind = 'order.paid' AND subject LIKE ?").get(`%${order.id}%`)!.n).toBe(1);
  });

  test("pending is ignored; failed cancels a held order and frees its places; then already_closed", () => {
    const order = held("ref_b");
    expect(notify(order.id, "pending", { providerRef: "ref_b" }).result.outcome).toBe("ignored");
    expect(stateOf(order.id)).toBe("held");
    expect(notify(order.id, "failed", { providerRef: "ref_b" }).result.outcome).toBe("cancelled");
    expect(stateOf(order.id)).toBe("cancelled");
    expect(validTickets(order.id)).toBe(0);
    expect(notify(order.id, "expired", { providerRef: "ref_b" }).result.outcome).toBe("already_closed");
    expect(notify(order.id, "paid", { providerRef: "ref_b" }).result.outcome).toBe("paid_after_close");
    expect(stateOf(order.id)).toBe("cancelled");
  });

  test("another checkout than the order's, another amount or currency, an unknown order: nothing changes", () => {
    const order = held("ref_c");
    expect(notify(order.id, "paid", { providerRef: "ref_other" }).result.outcome).toBe("checkout_mismatch");
    expect(notify(order.id, "paid", { providerRef: "ref_c", currency: "usd" }).result.outcome).toBe("amount_mismatch");
    expect(notify(order.id, "paid", { providerRef: "ref_c", amountMinor: 2999 }).result.outcome).toBe("amount_mismatch");
    expect(stateOf(order.id)).toBe("held");
    expect(notify("01NOSUCHORDER0000000000000", "paid").result).toEqual({ outcome: "unknown_order", orderId: null, duplicate: false });
    expect(notify(null, "other").result.outcome).toBe("ignored");
  });
});

describe("attachCheckout", () => {
  test("only a held order takes a checkout, once; the same one again changes nothing", () => {
    const order = held();
    box.writer.transact((tx) => attachCheckout(tx, { orderId: order.id, provider: "fake", providerRef: "ref_d" }));
    box.writer.transact((tx) => attachCheckout(tx, { orderId: order.id, provider: "fake", providerRef: "ref_d" }));
    expect(codeOf(() => box.writer.transact((tx) => attachCheckout(tx, { orderId: order.id, provider: "fake", providerRef: "ref_e" })))).toBe("checkout_mismatch");
    const onSite = placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId, quantity: 1 }], { channel: "online", payment: { state: "pay_on_site" } }));
    expect(codeOf(() => box.writer.transact((tx) => attachCheckout(tx, { orderId: onSite.id, provider: "fake", providerRef: "ref_f" })))).toBe("order_not_payable");
    expect(codeOf(() => box.writer.transact((tx) => attachCheckout(tx, { orderId: "01NOSUCHORDER0000000000000", provider: "fake", providerRef: "ref_g" })))).toBe("order_unknown");
    expect(findOrder(box.writer.sqlite, order.id)!.providerRef).toBe("ref_d");
  });
});
