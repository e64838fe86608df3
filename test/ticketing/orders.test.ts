// Proves orders on a real box: a paid box-office order writes its lines, its signed tickets (order,
// price, amount, member) and an order.created record in one transaction; every refusal code is
// answered before anything is written (rows of every table counted inside a transaction that
// commits after catching the refusal); the same idempotency key answers the same order; holds
// expire with a fake clock; cancel and refund revoke and give places back; per-person limits hold
// across orders; membership lines grant a membership and make the buyer a member.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { grantMembership, insertMember, listMemberships, membershipOf, saveMembershipProduct } from "../../src/membership/index.ts";
import { insertWallet } from "../../src/wallet/index.ts";
import {
  cancelOrder,
  createOrder,
  decodeTicket,
  eventCertificate,
  expireHolds,
  findOrder,
  findOrderByReference,
  findProduct,
  listOrders,
  markOrderPaid,
  orderTickets,
  refundOrder,
  REFERENCE_ALPHABET,
  savePrice,
  saveProduct,
  updateEvent,
  findEvent,
  type OrderInput,
} from "../../src/ticketing/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct, orderDeps, orderInput, placeOrder, refusalOf, rowCounts } from "../helpers/orders.ts";

const NOW = Date.UTC(2030, 4, 10, 12, 0);

describe("orders", () => {
  let box: TestBox;
  const clock = new FakeClock(NOW);
  let eventId = "";
  let productId = "";
  let fullId = "";
  let reducedId = "";
  let memberPriceId = "";
  let freePriceId = "";

  const deps = () => orderDeps(box);
  const refuse = (input: OrderInput) => refusalOf(() => placeOrder(box, input));
  const ticket = (priceId: string, quantity = 1, extra: { amountMinor?: number; holderNames?: string[] } = {}) => ({ kind: "ticket" as const, priceId, quantity, ...extra });
  const newMember = (name: string, email: string) =>
    box.writer.transact((tx) => insertMember(tx, box.deps.newId, { name, email }, insertWallet(tx, box.deps.newId)).id);

  beforeAll(async () => {
    box = testBox({ clock });
    await setUp(box);
    eventId = makeEvent(box, NOW + 48 * HOUR);
    const product = makeProduct(box, eventId, { name: "Concert", priceMinor: 1500, quota: 100, perOrderMax: 10 });
    productId = product.id;
    fullId = product.id;
    box.writer.transact((tx) => {
      reducedId = savePrice(tx, deps(), { productId, label: "Réduit", kind: "reduced", amountMinor: 1000 }).id;
      memberPriceId = savePrice(tx, deps(), { productId, label: "Adhérent", kind: "member", amountMinor: 800 }).id;
      freePriceId = savePrice(tx, deps(), { productId, label: "Prix libre", kind: "free", amountMinor: 500 }).id;
    });
  });
  afterAll(() => box.dispose());

  test("a paid order: lines, total, reference, tickets signed with order, price, amount; order.created logged", () => {
    const order = placeOrder(box, orderInput(NOW, [ticket(fullId, 2, { holderNames: ["Grace Hopper"] }), ticket(reducedId), ticket(freePriceId, 1, { amountMinor: 750 })]));
    expect(order.replayed).toBe(false);
    expect(order.state).toBe("paid");
    expect(order.paymentMethod).toBe("cash");
    expect(order.paidAtMs).toBe(NOW);
    expect(order.totalMinor).toBe(2 * 1500 + 1000 + 750);
    expect(order.lines.map((line) => [line.kind, line.quantity, line.unitMinor, line.amountMinor])).toEqual([
      ["ticket", 2, 1500, 3000],
      ["ticket", 1, 1000, 1000],
      ["ticket", 1, 750, 750],
    ]);
    expect(order.lines[1]!.label).toBe("Concert · Réduit");
    expect(order.reference).toMatch(new RegExp(`^[${REFERENCE_ALPHABET}]{8}$`));
    expect(order.personKey).toBe("email:ada@example.org");
    const tickets = orderTickets(box.writer.sqlite, order.id);
    expect(tickets.map((t) => [t.holderName, t.priceId, t.amountMinor, t.state, t.orderId])).toEqual([
      ["Grace Hopper", fullId, 1500, "valid", order.id],
      ["Ada Lovelace", fullId, 1500, "valid", order.id],
      ["Ada Lovelace", reducedId, 1000, "valid", order.id],
      ["Ada Lovelace", freePriceId, 750, "valid", order.id],
    ]);
    expect(tickets[2]!.priceLabel).toBe("Réduit");
    // Each QR is signed by the event's key and decodes to its ticket.
    const certificate = eventCertificate(box.writer.sqlite, eventId);
    for (const t of tickets) expect(decodeTicket(t.qr, certificate, box.signer.publicKey)).toMatchObject({ ok: true, ticket: { ticketId: t.id, productId } });
    const log = box.writer.sqlite.query<{ kind: string; subject: string; detail: string }, []>("SELECT kind, subject, detail FROM event_log WHERE kind LIKE 'order.%' ORDER BY seq DESC LIMIT 1").get()!;
    expect(log.kind).toBe("order.created");
    expect(log.subject).toBe(`order:${order.id}`);
    expect(JSON.parse(log.detail)).toMatchObject({ reference: order.reference, state: "paid", total_minor: 4750, tickets: 4, channel: "box_office" });
    expect(findOrderByReference(box.writer.sqlite, order.reference.toLowerCase())?.id).toBe(order.id);
  });

  test("a ticket line says its product and its price, not twice when they share a name", () => {
    const plain = makeProduct(box, eventId, { name: "Plein tarif", priceMinor: 900 });
    expect(placeOrder(box, orderInput(NOW, [ticket(plain.id)], { idempotencyKey: "plain-label" })).lines[0]!.label).toBe("Plein tarif");
  });

  test("the same idempotency key answers the same order and writes nothing more", () => {
    const input = orderInput(NOW, [ticket(fullId)], { idempotencyKey: "box-office-same-key" });
    const first = placeOrder(box, input);
    const before = rowCounts(box);
    const again = placeOrder(box, { ...input, lines: [ticket(fullId, 5)] });
    expect(again.replayed).toBe(true);
    expect(again.id).toBe(first.id);
    expect(again.totalMinor).toBe(1500);
    expect(rowCounts(box)).toEqual(before);
  });

  test("every refusal answers its code and writes no row in any table, even when the caller commits", () => {
    const closed = makeProduct(box, eventId, { name: "Fermé", saleUntilMs: NOW - 1 });
    const later = makeProduct(box, eventId, { name: "Plus tard", saleFromMs: NOW + HOUR });
    const inactive = makeProduct(box, eventId, { name: "Retiré", active: false });
    const small = makeProduct(box, eventId, { name: "Petit", quota: 1 });
    const perPerson = makeProduct(box, eventId, { name: "Un par personne", perPersonMax: 1 });
    const pastEvent = makeEvent(box, NOW - 10 * HOUR);
    const past = makeProduct(box, pastEvent, { name: "Passé" });
    const withdrawn = box.writer.transact((tx) => savePrice(tx, deps(), { productId, label: "Ancien", kind: "reduced", amountMinor: 100, active: false }));
    const cases: [string, OrderInput][] = [
      ["order_empty", orderInput(NOW, [])],
      ["quantity_invalid", orderInput(NOW, [ticket(fullId, 0)])],
      ["quantity_invalid", orderInput(NOW, [ticket(fullId, 1.5)])],
      ["price_unknown", orderInput(NOW, [ticket("01JQ4Z8D3M2V6S9T0ABCDEFGHJ")])],
      ["price_inactive", orderInput(NOW, [ticket(withdrawn.id)])],
      ["sold_out", orderInput(NOW, [ticket(small.id, 2)])],
      ["sale_not_open", orderInput(NOW, [ticket(later.id)])],
      ["sale_closed", orderInput(NOW, [ticket(closed.id)])],
      ["product_inactive", orderInput(NOW, [ticket(inactive.id)])],
      ["event_over", orderInput(NOW, [ticket(past.id)])],
      ["per_order_limit", orderInput(NOW, [ticket(fullId, 6), ticket(reducedId, 5)])],
      ["per_person_limit", orderInput(NOW, [ticket(perPerson.id, 2)])],
      ["member_price_needs_membership", orderInput(NOW, [ticket(memberPriceId)])],
      ["free_price_below_minimum", orderInput(NOW, [ticket(freePriceId, 1, { amountMinor: 499 })])],
      ["amount_invalid", orderInput(NOW, [ticket(freePriceId)])],
      ["donation_disabled", orderInput(NOW, [ticket(fullId), { kind: "donation", amountMinor: 500 }])],
      ["membership_product_unknown", orderInput(NOW, [{ kind: "membership", productId: "nope" }])],
      ["line_kind_invalid", orderInput(NOW, [{ kind: "raffle" } as never])],
      ["channel_invalid", orderInput(NOW, [ticket(fullId)], { channel: "phone" })],
      ["payment_method_invalid", orderInput(NOW, [ticket(fullId)], { payment: { state: "paid", method: "cheque" } })],
      ["payment_method_invalid", orderInput(NOW, [ticket(fullId)], { payment: { state: "paid", method: "free" } })],
      ["hold_invalid", orderInput(NOW, [ticket(fullId)], { payment: { state: "held", holdUntilMs: NOW } })],
      ["email_invalid", orderInput(NOW, [ticket(fullId)], { buyer: { name: "x", email: "not-an-address" } })],
      ["member_unknown", orderInput(NOW, [ticket(fullId)], { memberId: "01JQ4Z8D3M2V6S9T0ABCDEFGHJ" })],
      ["idempotency_key_invalid", orderInput(NOW, [ticket(fullId)], { idempotencyKey: "spaces are not allowed" })],
      ["holder_names_invalid", orderInput(NOW, [ticket(fullId, 1, { holderNames: ["a", "b"] })])],
      ["holder_name_too_long", orderInput(NOW, [ticket(fullId, 1, { holderNames: ["x".repeat(201)] })])],
      ["lang_invalid", orderInput(NOW, [ticket(fullId)], { lang: "de" })],
    ];
    // One ticket of "one per person" already bought by this buyer makes a second per_person_limit.
    placeOrder(box, orderInput(NOW, [ticket(perPerson.id)], { buyer: { name: "Solo", email: "solo@example.org" } }));
    cases.push(["per_person_limit", orderInput(NOW, [ticket(perPerson.id)], { buyer: { name: "Solo", email: "SOLO@example.org" } })]);
    for (const [code, input] of cases) {
      const before = rowCounts(box);
      let answered = "";
      // The caller catches and commits: only checking before writing keeps the database unchanged.
      box.writer.transact((tx) => {
        try {
          createOrder(tx, deps(), input);
          answered = "accepted";
        } catch (error) {
          answered = (error as { code: string }).code;
        }
      });
      expect([code, answered]).toEqual([code, code]);
      expect(rowCounts(box)).toEqual(before);
    }
  });

  test("donations: refused below the minimum, added to the total when enabled", () => {
    box.writer.transact((tx) => tx.sqlite.query("INSERT INTO ticketing_settings (id, donations_enabled, donation_min_minor) VALUES (1, 1, 200) ON CONFLICT (id) DO UPDATE SET donations_enabled = 1, donation_min_minor = 200").run());
    expect(refuse(orderInput(NOW, [{ kind: "donation", amountMinor: 199 }]))).toBe("donation_below_minimum");
    const order = placeOrder(box, orderInput(NOW, [ticket(reducedId), { kind: "donation", amountMinor: 300 }]));
    expect(order.totalMinor).toBe(1300);
    expect(order.lines[1]).toMatchObject({ kind: "donation", productId: null, amountMinor: 300, quantity: 1 });
  });

  test("quota shared across prices; event capacity across products; a revoked place comes back", () => {
    const capped = makeEvent(box, NOW + 24 * HOUR, { capacity: 3 });
    const a = makeProduct(box, capped, { name: "A", quota: 2 });
    const b = makeProduct(box, capped, { name: "B" });
    const aReduced = box.writer.transact((tx) => savePrice(tx, deps(), { productId: a.id, label: "Réduit", kind: "reduced", amountMinor: 500 }));
    placeOrder(box, orderInput(NOW, [ticket(a.id), ticket(aReduced.id)], { buyer: { name: "Q", email: "" } }));
    expect(refuse(orderInput(NOW, [ticket(aReduced.id)], { buyer: { name: "Q", email: "" } }))).toBe("sold_out");
    const held = placeOrder(box, orderInput(NOW, [ticket(b.id)], { payment: { state: "held", holdUntilMs: NOW + HOUR }, buyer: { name: "H", email: "" } }));
    // Capacity 3: two of A and one held of B fill the hall, held tickets keep their place.
    expect(refuse(orderInput(NOW, [ticket(b.id)], { buyer: { name: "Q", email: "" } }))).toBe("sold_out");
    box.writer.transact((tx) => cancelOrder(tx, deps(), { orderId: held.id, nowMs: NOW }));
    expect(placeOrder(box, orderInput(NOW, [ticket(b.id)], { buyer: { name: "Q", email: "" } })).state).toBe("paid");
  });

  test("holds expire with the clock: expired state, tickets revoked, places back; payment marks a hold paid", () => {
    const hold = makeProduct(box, eventId, { name: "Tenu", quota: 2 });
    const first = placeOrder(box, orderInput(NOW, [ticket(hold.id, 2)], { channel: "online", payment: { state: "held", holdUntilMs: NOW + 15 * 60_000 }, buyer: { name: "O", email: "o@example.org" } }));
    expect(first.state).toBe("held");
    expect(first.paymentMethod).toBeNull();
    expect(orderTickets(box.writer.sqlite, first.id).every((t) => t.state === "valid")).toBe(true);
    expect(refuse(orderInput(NOW, [ticket(hold.id)]))).toBe("sold_out");
    expect(box.writer.transact((tx) => expireHolds(tx, deps(), NOW + 15 * 60_000 - 1))).toBe(0);
    clock.advance(15 * 60_000);
    expect(box.writer.transact((tx) => expireHolds(tx, deps(), clock.nowMs()))).toBe(1);
    const expired = findOrder(box.writer.sqlite, first.id)!;
    expect(expired.state).toBe("expired");
    expect(expired.closedAtMs).toBe(clock.nowMs());
    expect(orderTickets(box.writer.sqlite, first.id).map((t) => t.state)).toEqual(["revoked", "revoked"]);
    expect(findProduct(box.writer.sqlite, hold.id)!.issued).toBe(0);
    expect(refusalOf(() => box.writer.transact((tx) => markOrderPaid(tx, deps(), { orderId: first.id, method: "online", nowMs: clock.nowMs() })))).toBe("order_not_payable");
    // A new hold, paid online before it ends: paid, tickets unchanged; the same notification again changes nothing.
    const second = placeOrder(box, orderInput(clock.nowMs(), [ticket(hold.id)], { channel: "online", payment: { state: "held", holdUntilMs: clock.nowMs() + HOUR } }));
    const paid = box.writer.transact((tx) => markOrderPaid(tx, deps(), { orderId: second.id, method: "online", provider: "stripe", providerRef: "cs_test_1", nowMs: clock.nowMs() }));
    expect([paid.state, paid.paymentMethod, paid.provider, paid.providerRef, paid.paidAtMs]).toEqual(["paid", "online", "stripe", "cs_test_1", clock.nowMs()]);
    expect(box.writer.transact((tx) => markOrderPaid(tx, deps(), { orderId: second.id, method: "online", provider: "stripe", providerRef: "cs_test_1", nowMs: clock.nowMs() })).state).toBe("paid");
    expect(box.writer.transact((tx) => expireHolds(tx, deps(), clock.nowMs() + 2 * HOUR))).toBe(0);
    expect(refusalOf(() => box.writer.transact((tx) => markOrderPaid(tx, deps(), { orderId: "nope", method: "cash", nowMs: NOW })))).toBe("order_unknown");
  });

  test("pay on site: tickets issued, then paid at the box office; cancel only unpaid, refund only paid", () => {
    const onSite = placeOrder(box, orderInput(NOW, [ticket(fullId, 2)], { channel: "online", payment: { state: "pay_on_site" } }));
    expect([onSite.state, onSite.paymentMethod]).toEqual(["pay_on_site", "on_site"]);
    expect(orderTickets(box.writer.sqlite, onSite.id).length).toBe(2);
    expect(refusalOf(() => box.writer.transact((tx) => refundOrder(tx, deps(), { orderId: onSite.id, nowMs: NOW })))).toBe("order_not_refundable");
    const paid = box.writer.transact((tx) => markOrderPaid(tx, deps(), { orderId: onSite.id, method: "terminal", nowMs: NOW }));
    expect([paid.state, paid.paymentMethod]).toEqual(["paid", "terminal"]);
    expect(refusalOf(() => box.writer.transact((tx) => cancelOrder(tx, deps(), { orderId: onSite.id, nowMs: NOW })))).toBe("order_not_cancellable");
    const issuedBefore = findProduct(box.writer.sqlite, productId)!.issued;
    const refunded = box.writer.transact((tx) => refundOrder(tx, deps(), { orderId: onSite.id, nowMs: NOW }));
    expect([refunded.state, refunded.closedAtMs]).toEqual(["refunded", NOW]);
    expect(findProduct(box.writer.sqlite, productId)!.issued).toBe(issuedBefore - 2);
    const log = box.writer.sqlite.query<{ detail: string }, []>("SELECT detail FROM event_log WHERE kind = 'order.refunded' ORDER BY seq DESC LIMIT 1").get()!;
    expect(JSON.parse(log.detail)).toMatchObject({ method: "terminal", amount_minor: 3000, tickets_revoked: 2 });
    expect(refusalOf(() => box.writer.transact((tx) => refundOrder(tx, deps(), { orderId: onSite.id, nowMs: NOW })))).toBe("order_not_refundable");
    const cancelled = placeOrder(box, orderInput(NOW, [ticket(fullId)], { payment: { state: "pay_on_site" } }));
    expect(box.writer.transact((tx) => cancelOrder(tx, deps(), { orderId: cancelled.id, nowMs: NOW })).state).toBe("cancelled");
    expect(orderTickets(box.writer.sqlite, cancelled.id)[0]!.state).toBe("revoked");
    // A cashless (card) payment is refunded by voiding its till sale, not here.
    const card = placeOrder(box, orderInput(NOW, [ticket(fullId)], { channel: "till", payment: { state: "paid", method: "card" }, saleId: "sale-1" }));
    expect(refusalOf(() => box.writer.transact((tx) => refundOrder(tx, deps(), { orderId: card.id, nowMs: NOW })))).toBe("refund_method_unsupported");
    expect(findOrder(box.writer.sqlite, card.id)!.state).toBe("paid");
  });

  test("per-person limit across orders: e-mail in any case, member or e-mail, several orders", () => {
    const limited = makeProduct(box, eventId, { name: "Deux max", perPersonMax: 2 });
    const memberId = newMember("Linus", "linus@example.org");
    placeOrder(box, orderInput(NOW, [ticket(limited.id)], { buyer: { name: "Linus", email: "Linus@Example.org" } }));
    placeOrder(box, orderInput(NOW, [ticket(limited.id)], { memberId, buyer: { name: "Linus", email: "" } }));
    // As a member, by e-mail, or upper case: the same person, two tickets already.
    expect(refuse(orderInput(NOW, [ticket(limited.id)], { memberId, buyer: { name: "Linus", email: "" } }))).toBe("per_person_limit");
    expect(refuse(orderInput(NOW, [ticket(limited.id)], { buyer: { name: "L", email: "LINUS@example.org" } }))).toBe("per_person_limit");
    // Another person is not counted; a cancelled order gives the person's place back.
    const other = placeOrder(box, orderInput(NOW, [ticket(limited.id, 2)], { buyer: { name: "M", email: "m@example.org" }, payment: { state: "pay_on_site" } }));
    expect(refuse(orderInput(NOW, [ticket(limited.id)], { buyer: { name: "M", email: "m@example.org" } }))).toBe("per_person_limit");
    box.writer.transact((tx) => cancelOrder(tx, deps(), { orderId: other.id, nowMs: NOW }));
    expect(placeOrder(box, orderInput(NOW, [ticket(limited.id, 2)], { buyer: { name: "M", email: "m@example.org" } })).state).toBe("paid");
  });

  test("member price needs a valid membership at now; a membership bought in the same paid order counts", () => {
    const memberId = newMember("Marie", "marie@example.org");
    expect(refuse(orderInput(NOW, [ticket(memberPriceId)], { memberId }))).toBe("member_price_needs_membership");
    box.writer.transact((tx) => grantMembership(tx, box.deps.newId, { memberId, label: "Adhésion", validFromMs: NOW - HOUR, validUntilMs: NOW + HOUR }));
    const order = placeOrder(box, orderInput(NOW, [ticket(memberPriceId)], { memberId }));
    expect(order.totalMinor).toBe(800);
    expect(order.personKey).toBe(`member:${memberId}`);
    expect(orderTickets(box.writer.sqlite, order.id)[0]!.memberId).toBe(memberId);
    // Lapsed later: refused again.
    expect(refuse(orderInput(NOW + 2 * HOUR, [ticket(memberPriceId)], { memberId }))).toBe("member_price_needs_membership");
  });

  test("a membership line makes the buyer a member (found by e-mail, or created with a wallet) and grants when paid", () => {
    const membership = box.writer.transact((tx) => saveMembershipProduct(tx, box.deps, { name: "Adhésion annuelle", duration: "rolling_year", amountMinor: 2000, freePrice: true }));
    expect(refuse(orderInput(NOW, [{ kind: "membership", productId: membership.id, amountMinor: 1999 }]))).toBe("free_price_below_minimum");
    expect(refuse(orderInput(NOW, [{ kind: "membership", productId: membership.id, amountMinor: 2000 }], { buyer: { name: "", email: "" } }))).toBe("buyer_name_required");
    const order = placeOrder(box, orderInput(NOW, [{ kind: "membership", productId: membership.id, amountMinor: 2500 }, ticket(memberPriceId)], { buyer: { name: "Nouvelle", email: "nouvelle@example.org" } }));
    expect(order.totalMinor).toBe(2500 + 800);
    expect(order.memberId).not.toBeNull();
    const member = box.writer.sqlite.query<{ name: string; walletId: string }, [string]>("SELECT name, wallet_id AS walletId FROM members WHERE id = ?").get(order.memberId!)!;
    expect(member.name).toBe("Nouvelle");
    expect(box.writer.sqlite.query("SELECT 1 FROM wallets WHERE id = ?").get(member.walletId)).not.toBeNull();
    expect(membershipOf(box.writer.sqlite, order.memberId!, NOW).valid).toBe(true);
    const granted = box.writer.sqlite.query<{ orderId: string; productId: string }, [string]>("SELECT order_id AS orderId, product_id AS productId FROM memberships WHERE member_id = ?").get(order.memberId!)!;
    expect(granted).toEqual({ orderId: order.id, productId: membership.id });
    // Held: the buyer (found by e-mail now) gets the membership only once paid.
    const held = placeOrder(box, orderInput(NOW, [{ kind: "membership", productId: membership.id, amountMinor: 2000 }], { buyer: { name: "Nouvelle", email: "NOUVELLE@example.org" }, payment: { state: "held", holdUntilMs: NOW + HOUR } }));
    expect(held.memberId).toBe(order.memberId);
    expect(listMemberships(box.writer.sqlite, order.memberId!).length).toBe(1);
    box.writer.transact((tx) => markOrderPaid(tx, deps(), { orderId: held.id, method: "cash", nowMs: NOW }));
    expect(listMemberships(box.writer.sqlite, order.memberId!).length).toBe(2);
  });

  test("listOrders searches by reference, name and e-mail, and filters by event", () => {
    const other = makeEvent(box, NOW + 72 * HOUR, { title: "Bal" });
    const otherProduct = makeProduct(box, other, { name: "Bal" });
    const order = placeOrder(box, orderInput(NOW, [ticket(otherProduct.id)], { buyer: { name: "Zoé Quintal", email: "zoe@example.org" } }));
    expect(listOrders(box.writer.sqlite, { search: "Quintal" }).map((o) => o.id)).toEqual([order.id]);
    expect(listOrders(box.writer.sqlite, { search: "zoe@" }).map((o) => o.id)).toEqual([order.id]);
    expect(listOrders(box.writer.sqlite, { search: order.reference.slice(0, 6) }).map((o) => o.id)).toContain(order.id);
    expect(listOrders(box.writer.sqlite, { eventId: other }).map((o) => o.id)).toEqual([order.id]);
    expect(listOrders(box.writer.sqlite, { eventId }).map((o) => o.id)).not.toContain(order.id);
  });

  test("the sale window defaults to the event's end; a product's own window and moving the event are followed", () => {
    const soon = makeEvent(box, NOW + HOUR);
    const product = makeProduct(box, soon, { name: "Bientôt" });
    expect(placeOrder(box, orderInput(NOW, [ticket(product.id)])).state).toBe("paid");
    const event = findEvent(box.writer.sqlite, soon)!;
    expect(refuse(orderInput(event.endsAtMs, [ticket(product.id)]))).toBe("event_over");
    box.writer.transact((tx) => saveProduct(tx, deps(), { id: product.id, eventId: soon, name: "Bientôt", quota: null, saleUntilMs: NOW + 30 * 60_000 }));
    expect(refuse(orderInput(NOW + 30 * 60_000, [ticket(product.id)]))).toBe("sale_closed");
    box.writer.transact((tx) => updateEvent(tx, box.signer, soon, { ...event, endsAtMs: event.endsAtMs + 24 * HOUR }));
    expect(refuse(orderInput(event.endsAtMs, [ticket(product.id)]))).toBe("sale_closed");
  });
});
