// Proves that an order's memberships end with the order, on a real SQLite file: a refunded order's
// membership is no longer valid from the refund on (its row kept, its window cut at now); a renewal
// bought while the first one runs (its window not started yet) becomes empty when refunded, and the
// first one stays valid; cancelling an unpaid order ends nothing because nothing was granted; a
// membership granted by hand is never touched; refusals of createMembershipOrder write nothing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { grantMembership, insertMember, listMemberships, membershipOf, membershipsOfOrder, saveMemberField, saveMembershipProduct } from "../../src/membership/index.ts";
import { cancelOrder, createMembershipOrder, refundOrder } from "../../src/ticketing/index.ts";
import { insertWallet } from "../../src/wallet/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";
import { orderDeps, orderInput, placeOrder, refusalOf, rowCounts } from "../helpers/orders.ts";

const NOW = Date.UTC(2030, 5, 1, 10, 0);
const DAY = 86_400_000;
const clock = new FakeClock(NOW);
let box: TestBox;
let productId = "";

beforeAll(async () => {
  box = testBox({ clock });
  await setUp(box);
  productId = box.writer.transact((tx) => saveMembershipProduct(tx, box.deps, { name: "Année", duration: "rolling_year", amountMinor: 1500 }).id);
});
afterAll(() => box.dispose());

const refund = (orderId: string) => box.writer.transact((tx) => refundOrder(tx, orderDeps(box), { orderId, nowMs: clock.nowMs() }));

describe("memberships end with their order", () => {
  test("a refunded order's membership is no longer valid; the row is kept, cut at now", () => {
    const order = placeOrder(box, orderInput(clock.nowMs(), [{ kind: "membership", productId }], { buyer: { name: "Ana", email: "ana@example.org" } }));
    expect(membershipOf(box.sqlite, order.memberId!, clock.nowMs()).valid).toBe(true);
    clock.advance(10 * DAY);
    refund(order.id);
    const status = membershipOf(box.sqlite, order.memberId!, clock.nowMs());
    expect(status).toEqual({ valid: false, until: clock.nowMs() });
    expect(membershipsOfOrder(box.sqlite, order.id)).toEqual([{ label: "Année", validFromMs: NOW, validUntilMs: clock.nowMs() }]);
    const logged = box.sqlite.query<{ detail: string }, []>("SELECT detail FROM event_log WHERE kind = 'order.refunded' ORDER BY seq DESC LIMIT 1").get()!;
    expect(JSON.parse(logged.detail)).toMatchObject({ memberships_ended: 1 });
  });

  test("a refunded renewal becomes empty and the running membership stays valid; a grant by hand is untouched", () => {
    const memberId = box.writer.transact((tx) => insertMember(tx, box.deps.newId, { name: "Bo", email: "bo@example.org" }, insertWallet(tx, box.deps.newId)).id);
    const first = placeOrder(box, orderInput(clock.nowMs(), [{ kind: "membership", productId }], { memberId }));
    const firstUntil = membershipOf(box.sqlite, memberId, clock.nowMs()).until!;
    const renewal = placeOrder(box, orderInput(clock.nowMs(), [{ kind: "membership", productId }], { memberId }));
    const [window] = membershipsOfOrder(box.sqlite, renewal.id);
    expect(window!.validFromMs).toBe(firstUntil);
    refund(renewal.id);
    expect(membershipsOfOrder(box.sqlite, renewal.id)).toEqual([{ label: "Année", validFromMs: firstUntil, validUntilMs: firstUntil }]);
    expect(membershipOf(box.sqlite, memberId, clock.nowMs())).toEqual({ valid: true, until: firstUntil });
    expect(membershipsOfOrder(box.sqlite, first.id)[0]!.validUntilMs).toBe(firstUntil);

    const byHand = box.writer.transact((tx) => grantMembership(tx, box.deps.newId, { memberId, label: "Offerte", validFromMs: clock.nowMs(), validUntilMs: clock.nowMs() + 30 * DAY }));
    refund(first.id);
    expect(listMemberships(box.sqlite, memberId).find((membership) => membership.id === byHand.id)!.validUntilMs).toBe(clock.nowMs() + 30 * DAY);
  });

  test("cancelling a pay-on-site membership order ends nothing: nothing was granted", () => {
    const order = placeOrder(box, orderInput(clock.nowMs(), [{ kind: "membership", productId }], { buyer: { name: "Cy", email: "cy@example.org" }, payment: { state: "pay_on_site" } }));
    expect(listMemberships(box.sqlite, order.memberId!)).toEqual([]);
    box.writer.transact((tx) => cancelOrder(tx, orderDeps(box), { orderId: order.id, nowMs: clock.nowMs() }));
    expect(listMemberships(box.sqlite, order.memberId!)).toEqual([]);
  });

  test("createMembershipOrder refuses a missing required answer or a bad e-mail and writes nothing", () => {
    const fieldId = box.writer.transact((tx) => saveMemberField(tx, box.deps, { label: "Ville", kind: "text", required: true }).id);
    const before = rowCounts(box);
    const input = { productId, buyer: { name: "Dee", email: "dee@example.org" }, fieldValues: {}, channel: "online" as const, payment: { state: "pay_on_site" as const }, idempotencyKey: "mship-1", nowMs: clock.nowMs() };
    expect(refusalOf(() => box.writer.transact((tx) => createMembershipOrder(tx, orderDeps(box), input)))).toBe("field_required");
    expect(refusalOf(() => box.writer.transact((tx) => createMembershipOrder(tx, orderDeps(box), { ...input, fieldValues: { [fieldId]: "Metz" }, buyer: { name: "Dee", email: "dee@" } })))).toBe("email_invalid");
    expect(rowCounts(box)).toEqual(before);
    const made = box.writer.transact((tx) => createMembershipOrder(tx, orderDeps(box), { ...input, fieldValues: { [fieldId]: "Metz" } }));
    expect(made).toMatchObject({ state: "pay_on_site", replayed: false });
    expect(box.writer.transact((tx) => createMembershipOrder(tx, orderDeps(box), { ...input, fieldValues: { [fieldId]: "Metz" } })).replayed).toBe(true);
  });
});
