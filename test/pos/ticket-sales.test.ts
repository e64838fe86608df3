// Proves that tickets sold at the till go through the point of sale and the ticketing room in one
// transaction, on a real SQLite file: the cart's quote and the sale agree (ticket lines are sale
// lines with the product's VAT), the sale writes one paid till order linked to the sale with its
// signed tickets, the quota is shared with the box office, a ticketing refusal (sold out, limit,
// closed sale) refuses the whole sale and writes no row anywhere, a member price needs a valid
// member's card, a void refunds the order without moving money twice and revokes the tickets
// (the door then answers revoked, and `verify` still passes), training sales issue nothing, and
// a replayed sale key (device API) answers the same tickets.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { verifyDataFolder } from "../../src/cli/verify.ts";
import { FakeClock } from "../../src/kernel/index.ts";
import { balanceOf, walletAccount } from "../../src/ledger/index.ts";
import { grantMembership, insertMember } from "../../src/membership/index.ts";
import { closeDay, createSale, fecExport, priceCart, readFiscalRecord, ticketItemId, tillTicketOffers, voidSale, type SaleInput } from "../../src/pos/index.ts";
import { findOrder, orderTickets, performCheckin, refundOrder, savePrice } from "../../src/ticketing/index.ts";
import { cardByUid, insertWallet, moveAllBalances } from "../../src/wallet/index.ts";
import { inProcess } from "../helpers/ledger.ts";
import { HOUR, makeEvent, makeProduct, orderInput, placeOrder, rowCounts } from "../helpers/orders.ts";
import { loadCard, posBox, seller, type PosBox } from "../helpers/pos.ts";
import { refusalCode as refusal } from "../helpers/refusals.ts";

let pos: PosBox;
const DAY = 24 * HOUR;

beforeAll(async () => {
  pos = await posBox();
});
afterAll(() => pos.box.dispose());

const now = () => pos.box.deps.clock.nowMs();

function sell(input: SaleInput, actor = seller()) {
  return pos.box.writer.transact((tx) => createSale(tx, pos.deps, actor, input));
}

/** An event in two days with one product (price 1200 full) and the given extra prices. */
function ticketProduct(options: { quota?: number | null; perOrderMax?: number | null; vatRateBp?: number; capacity?: number | null; saleUntilMs?: number | null; title?: string } = {}) {
  const eventId = makeEvent(pos.box, now() + 2 * DAY, { capacity: options.capacity ?? null, title: options.title ?? "Concert" });
  const product = makeProduct(pos.box, eventId, {
    quota: options.quota ?? null,
    perOrderMax: options.perOrderMax ?? null,
    vatRateBp: options.vatRateBp ?? 550,
    saleUntilMs: options.saleUntilMs ?? null,
  });
  const full = pos.box.writer.sqlite.query<{ id: string }, [string]>("SELECT id FROM ticket_prices WHERE product_id = ? ORDER BY position LIMIT 1").get(product.id)!.id;
  return { eventId, product, itemId: ticketItemId(product.id), full };
}

function addPrice(productId: string, label: string, kind: string, amountMinor: number): string {
  return pos.box.writer.transact((tx) => savePrice(tx, { newId: pos.box.deps.newId }, { productId, label, kind, amountMinor })).id;
}

function ticketLine(itemId: string, priceId: string, quantity: number, amount?: number) {
  return { itemId, priceId, quantity, ...(amount === undefined ? {} : { amount }) };
}

function memberCard(n: number): string {
  const uid = loadCard(pos.box, pos.deps, n, 5_000);
  pos.box.writer.transact((tx) => {
    const card = cardByUid(tx.sqlite, uid)!;
    const member = insertMember(tx, pos.box.deps.newId, { name: `Mia ${n}` }, insertWallet(tx, pos.box.deps.newId));
    grantMembership(tx, pos.box.deps.newId, { memberId: member.id, label: "Adhésion", validFromMs: now() - 1, validUntilMs: now() + 365 * DAY });
    moveAllBalances(tx, pos.deps, { scope: "test", idempotencyKey: `merge-${n}`, role: "manager" }, "merge", card.walletId, member.walletId, { card: card.id });
    tx.sqlite.query("UPDATE cards SET wallet_id = ? WHERE id = ?").run(member.walletId, card.id);
  });
  return uid;
}

describe("pricing and issuing", () => {
  test("the quote and the sale agree; the sale issues a paid till order linked to it, with the product's VAT", () => {
    const { itemId, full, product } = ticketProduct({ vatRateBp: 550, title: "Jazz" });
    const reduced = addPrice(product.id, "Réduit", "reduced", 800);
    const lines = [ticketLine(itemId, full, 2), ticketLine(itemId, reduced, 1), { itemId: pos.items.beer.id, priceId: pos.items.beer.prices[0]!.id, quantity: 1 }];
    const quote = priceCart(pos.box.sqlite, { pointOfSale: "main", member: false, vatStatus: "liable", nowMs: now() }, lines);
    expect(Number(quote.total)).toBe(2 * 1200 + 800 + 450);
    expect(quote.lines[0]!.item.name).toBe("Jazz · Entrée");
    const sale = sell({ pointOfSale: "main", lines, payments: [{ method: "cash", amount: 5_000 }], expectedTotal: quote.total });
    expect(sale.total).toBe(quote.total);
    expect(sale.change).toBe(5_000 - Number(quote.total));
    expect(Number(sale.vat.find((line) => line.rateBp === 550)!.incl)).toBe(3_200);
    expect(Number(sale.vat.find((line) => line.rateBp === 2000)!.incl)).toBe(450);
    const order = findOrder(pos.box.sqlite, sale.orderId!)!;
    expect(order).toMatchObject({ channel: "till", state: "paid", paymentMethod: "cash", saleId: sale.saleId, totalMinor: 3_200, operatorName: "Camille", terminalId: "till-1" });
    expect(order.lines.map((line) => [line.priceId, line.quantity, line.amountMinor])).toEqual([
      [full, 2, 2_400],
      [reduced, 1, 800],
    ]);
    const tickets = orderTickets(pos.box.sqlite, order.id);
    expect(tickets.map((ticket) => ticket.id)).toEqual([...sale.ticketIds]);
    expect(tickets.map((ticket) => [ticket.state, ticket.priceId, ticket.amountMinor])).toEqual([
      ["valid", full, 1200],
      ["valid", full, 1200],
      ["valid", reduced, 800],
    ]);
    // The fiscal record carries the ticket lines as ordinary lines, with their VAT rate.
    const record = readFiscalRecord(pos.box.sqlite, sale.fiscalSeq!)!;
    expect((record.payload.lines as Array<{ item_id: string; vat_rate_bp: number; amount: number }>).filter((line) => line.item_id === itemId).map((line) => [line.vat_rate_bp, line.amount])).toEqual([
      [550, 2_400],
      [550, 800],
    ]);
    // The door admits a ticket sold at the till.
    const admitted = pos.box.writer.transact((tx) =>
      performCheckin(tx, { newId: pos.box.deps.newId, venuePublicKey: pos.box.signer.publicKey }, { qr: tickets[0]!.qr, nonce: "nonce-till-1", terminalId: "door-1", nowMs: now() + 2 * DAY }),
    );
    expect(admitted.result).toBe("admitted");
  });

  test("the order's payment method follows the sale's payments (the largest part of a split)", () => {
    const { itemId, full } = ticketProduct();
    const uid = loadCard(pos.box, pos.deps, 41, 5_000);
    const byCard = sell({ pointOfSale: "main", lines: [ticketLine(itemId, full, 1)], payments: [{ method: "nfc_card", amount: 1200, cardUid: uid }] });
    expect(findOrder(pos.box.sqlite, byCard.orderId!)!.paymentMethod).toBe("card");
    const byTerminal = sell({ pointOfSale: "main", lines: [ticketLine(itemId, full, 1)], payments: [{ method: "card_terminal", amount: 1200 }] });
    expect(findOrder(pos.box.sqlite, byTerminal.orderId!)!.paymentMethod).toBe("terminal");
    const split = sell({ pointOfSale: "main", lines: [ticketLine(itemId, full, 2)], payments: [{ method: "cash", amount: 500 }, { method: "card_terminal", amount: 1900 }] });
    expect(findOrder(pos.box.sqlite, split.orderId!)!.paymentMethod).toBe("terminal");
    // A cheque has no order method: a ticket line refuses it.
    expect(refusal(() => sell({ pointOfSale: "main", lines: [ticketLine(itemId, full, 1)], payments: [{ method: "cheque", amount: 1200 }] }))).toBe("payment_method_not_accepted");
  });

  test("a free price takes the customer's amount, at least its minimum, and the order keeps it", () => {
    const { itemId, product } = ticketProduct();
    const free = addPrice(product.id, "Libre", "free", 500);
    expect(refusal(() => sell({ pointOfSale: "main", lines: [ticketLine(itemId, free, 1, 400)], payments: [{ method: "cash", amount: 400 }] }))).toBe("price_below_minimum");
    const sale = sell({ pointOfSale: "main", lines: [ticketLine(itemId, free, 2, 700)], payments: [{ method: "cash", amount: 1_400 }] });
    expect(sale.total).toBe(1_400);
    expect(orderTickets(pos.box.sqlite, sale.orderId!).map((ticket) => ticket.amountMinor)).toEqual([700, 700]);
  });

  test("a member price needs the member's card with a valid membership; the member is the order's buyer", () => {
    const { itemId, product } = ticketProduct();
    const member = addPrice(product.id, "Adhérent", "member", 900);
    const before = rowCounts(pos.box);
    expect(refusal(() => sell({ pointOfSale: "main", lines: [ticketLine(itemId, member, 1)], payments: [{ method: "cash", amount: 900 }] }))).toBe("membership_required");
    expect(rowCounts(pos.box)).toEqual(before);
    const uid = memberCard(42);
    const sale = sell({ pointOfSale: "main", lines: [ticketLine(itemId, member, 1)], payments: [{ method: "cash", amount: 900 }], memberCardUid: uid });
    const order = findOrder(pos.box.sqlite, sale.orderId!)!;
    expect(order.memberId).toBe(sale.memberId);
    expect(order.buyerName).toBe("Mia 42");
    expect(orderTickets(pos.box.sqlite, order.id)[0]!.holderName).toBe("Mia 42");
  });
});

describe("refusals write nothing", () => {
  test("the quota is shared with the box office; sold out refuses the whole sale (a card payment included) and writes no row", () => {
    const { itemId, full } = ticketProduct({ quota: 3 });
    placeOrder(pos.box, orderInput(now(), [{ kind: "ticket", priceId: full, quantity: 2 }]));
    const uid = loadCard(pos.box, pos.deps, 43, 10_000);
    const card = cardByUid(pos.box.sqlite, uid)!;
    const before = rowCounts(pos.box);
    const balance = balanceOf(pos.box.sqlite, walletAccount(card.walletId), "EUR");
    const lines = [ticketLine(itemId, full, 2), { itemId: pos.items.burger.id, priceId: pos.items.burger.prices[0]!.id, quantity: 1 }];
    expect(refusal(() => sell({ pointOfSale: "main", lines, payments: [{ method: "nfc_card", amount: 2_400 + 1_250, cardUid: uid }] }))).toBe("sold_out");
    expect(rowCounts(pos.box)).toEqual(before);
    expect(balanceOf(pos.box.sqlite, walletAccount(card.walletId), "EUR")).toBe(balance);
    // One place is left: the till takes it, and then the box office is sold out too.
    expect(sell({ pointOfSale: "main", lines: [ticketLine(itemId, full, 1)], payments: [{ method: "nfc_card", amount: 1200, cardUid: uid }] }).ticketIds).toHaveLength(1);
    expect(refusal(() => placeOrder(pos.box, orderInput(now(), [{ kind: "ticket", priceId: full, quantity: 1 }])))).toBe("sold_out");
    expect(tillTicketOffers(pos.box.sqlite, now()).find((offer) => offer.itemId === itemId)).toMatchObject({ soldOut: true, left: 0 });
  });

  test("per-order limits, the event's capacity and a closed sale refuse the sale and write nothing", () => {
    const limited = ticketProduct({ perOrderMax: 2 });
    const full = ticketProduct({ capacity: 1 });
    const closed = ticketProduct({ saleUntilMs: now() - 1 });
    const before = rowCounts(pos.box);
    expect(refusal(() => sell({ pointOfSale: "main", lines: [ticketLine(limited.itemId, limited.full, 3)], payments: [{ method: "cash", amount: 3_600 }] }))).toBe("per_order_limit");
    expect(refusal(() => sell({ pointOfSale: "main", lines: [ticketLine(full.itemId, full.full, 2)], payments: [{ method: "cash", amount: 2_400 }] }))).toBe("sold_out");
    expect(refusal(() => sell({ pointOfSale: "main", lines: [ticketLine(closed.itemId, closed.full, 1)], payments: [{ method: "cash", amount: 1_200 }] }))).toBe("sale_closed");
    expect(refusal(() => sell({ pointOfSale: "main", lines: [ticketLine("tp_NOPE", closed.full, 1)], payments: [{ method: "cash", amount: 1_200 }] }))).toBe("item_unknown");
    expect(refusal(() => sell({ pointOfSale: "main", lines: [ticketLine(limited.itemId, full.full, 1)], payments: [{ method: "cash", amount: 1_200 }] }))).toBe("price_unknown");
    expect(rowCounts(pos.box)).toEqual(before);
    expect(tillTicketOffers(pos.box.sqlite, now()).some((offer) => offer.itemId === closed.itemId)).toBe(false);
  });
});

describe("training", () => {
  test("a training sale checks the tickets as a real one would and issues nothing", () => {
    const { itemId, full } = ticketProduct({ quota: 1 });
    const before = rowCounts(pos.box);
    const sale = sell({ pointOfSale: "main", lines: [ticketLine(itemId, full, 1)], payments: [{ method: "cash", amount: 1_200 }], training: true });
    expect(sale.training).toBe(true);
    expect(sale.orderId).toBeNull();
    expect(sale.ticketIds).toEqual([]);
    const after = rowCounts(pos.box);
    for (const table of ["orders", "order_lines", "tickets", "fiscal_records"]) expect(after[table]).toBe(before[table]);
    expect(refusal(() => sell({ pointOfSale: "main", lines: [ticketLine(itemId, full, 2)], payments: [{ method: "cash", amount: 2_400 }], training: true }))).toBe("sold_out");
  });
});

describe("voids", () => {
  test("a void refunds the order without moving money again, revokes its tickets, and verify passes", () => {
    const { itemId, full } = ticketProduct({ quota: 2 });
    const uid = loadCard(pos.box, pos.deps, 44, 5_000);
    const card = cardByUid(pos.box.sqlite, uid)!;
    const balance = balanceOf(pos.box.sqlite, walletAccount(card.walletId), "EUR");
    const sale = sell({ pointOfSale: "main", lines: [ticketLine(itemId, full, 2)], payments: [{ method: "nfc_card", amount: 2_400, cardUid: uid }] });
    expect(balanceOf(pos.box.sqlite, walletAccount(card.walletId), "EUR")).toBe(balance - 2_400);
    // The box office cannot refund a till order: its money is in the sale.
    expect(refusal(() => pos.box.writer.transact((tx) => refundOrder(tx, pos.deps, { orderId: sale.orderId!, nowMs: now(), method: "cash" })))).toBe("refund_method_unsupported");
    const voided = pos.box.writer.transact((tx) => voidSale(tx, pos.deps, seller("manager"), { number: sale.number, reason: "erreur" }));
    expect(voided.refundedOrders).toEqual([sale.orderId!]);
    expect(voided.voidEntries).toHaveLength(1);
    // The card got its money back once (the wallet's void), no more.
    expect(balanceOf(pos.box.sqlite, walletAccount(card.walletId), "EUR")).toBe(balance);
    expect(findOrder(pos.box.sqlite, sale.orderId!)!.state).toBe("refunded");
    const tickets = orderTickets(pos.box.sqlite, sale.orderId!);
    expect(tickets.map((ticket) => ticket.state)).toEqual(["revoked", "revoked"]);
    const logged = pos.box.sqlite.query<{ detail: string }, [string]>("SELECT detail FROM event_log WHERE kind = 'order.refunded' AND subject = ?").get(`order:${sale.orderId}`);
    expect(JSON.parse(logged!.detail)).toMatchObject({ method: "sale_void", sale_id: sale.saleId, tickets_revoked: 2 });
    const scan = pos.box.writer.transact((tx) =>
      performCheckin(tx, { newId: pos.box.deps.newId, venuePublicKey: pos.box.signer.publicKey }, { qr: tickets[0]!.qr, nonce: "nonce-void-1", terminalId: "door-1", nowMs: now() + 2 * DAY }),
    );
    expect(scan).toMatchObject({ result: "refused", code: "revoked" });
    // The places came back.
    expect(sell({ pointOfSale: "main", lines: [ticketLine(itemId, full, 2)], payments: [{ method: "cash", amount: 2_400 }] }).ticketIds).toHaveLength(2);
    const verified = verifyDataFolder(pos.box.folder);
    expect(verified.status).toBe("sound");
  });
});

describe("the device API", () => {
  test("the catalogue lists the ticket types, the quote prices them, and the same sale key again answers the same order and tickets, writing nothing", async () => {
    const { itemId, full } = ticketProduct();
    const send = inProcess(pos.box);
    const till = pos.box.auth.addTerminalSync("test", "till", "Guichet").token;
    const body = { point_of_sale: "main", lines: [{ item_id: itemId, price_id: full, quantity: 2 }], payments: [{ method: "cash", amount: 2_400 }] };
    const catalogue = JSON.parse((await send("GET", "/api/v1/catalogue?point_of_sale=main", { token: till })).text) as { tickets: Array<{ item_id: string; prices: Array<{ id: string; kind: string; amount: number }>; sold_out: boolean }> };
    expect(catalogue.tickets.find((offer) => offer.item_id === itemId)).toMatchObject({ prices: [{ id: full, kind: "full", amount: 1_200 }], sold_out: false });
    const quote = await send("POST", "/api/v1/sales/quote", { token: till, json: { point_of_sale: "main", lines: body.lines } });
    expect(quote.status).toBe(200);
    expect(JSON.parse(quote.text)).toMatchObject({ total: 2_400, lines: [{ item_id: itemId, price_id: full, unit_amount: 1_200, quantity: 2 }] });
    const first = await send("POST", "/api/v1/sales", { token: till, key: "ticket-sale-1", json: body });
    expect(first.status).toBe(201);
    const answer = JSON.parse(first.text) as { order_id: string; tickets: string[]; sale_number: number };
    expect(answer.tickets).toHaveLength(2);
    const before = rowCounts(pos.box);
    const again = await send("POST", "/api/v1/sales", { token: till, key: "ticket-sale-1", json: body });
    expect(again.status).toBe(201);
    expect(JSON.parse(again.text)).toEqual(answer);
    expect(rowCounts(pos.box).tickets).toBe(before.tickets);
    expect(rowCounts(pos.box).orders).toBe(before.orders);
    expect(findOrder(pos.box.sqlite, answer.order_id)!.saleId).toBe(pos.box.sqlite.query<{ id: string }, [number]>("SELECT id FROM sales WHERE number = ? AND training = 0").get(answer.sale_number)!.id);
  });
});

describe("closures and the FEC", () => {
  test("ticket lines are sale lines with their VAT: the Z totals carry them, a void takes them back, the FEC balances", async () => {
    const clock = new FakeClock(Date.parse("2026-05-12T10:00:00Z"));
    const venue = await posBox({ box: { clock } });
    try {
      const eventId = makeEvent(venue.box, clock.nowMs() + 3 * DAY);
      const product = makeProduct(venue.box, eventId, { priceMinor: 1_055, vatRateBp: 550 });
      const price = venue.box.sqlite.query<{ id: string }, [string]>("SELECT id FROM ticket_prices WHERE product_id = ?").get(product.id)!.id;
      const sellThere = (input: SaleInput, actor = seller()) => venue.box.writer.transact((tx) => createSale(tx, venue.deps, actor, input));
      const beer = { itemId: venue.items.beer.id, priceId: venue.items.beer.prices[0]!.id, quantity: 1 };
      sellThere({ pointOfSale: "main", lines: [ticketLine(ticketItemId(product.id), price, 2), beer], payments: [{ method: "cash", amount: 2_110 + 450 }] });
      const voided = sellThere({ pointOfSale: "main", lines: [ticketLine(ticketItemId(product.id), price, 1)], payments: [{ method: "card_terminal", amount: 1_055 }] });
      clock.set(Date.parse("2026-05-13T10:00:00Z"));
      venue.box.writer.transact((tx) => voidSale(tx, venue.deps, seller("manager"), { number: voided.number, reason: "erreur" }));
      clock.set(Date.parse("2026-05-14T10:00:00Z"));
      const first = venue.box.writer.transact((tx) => closeDay(tx, venue.deps, seller("manager"), { day: "2026-05-12" }));
      expect(first.totals.total).toBe(2_110 + 450 + 1_055);
      expect(first.totals.vat.find((line) => line.rate_bp === 550)).toMatchObject({ incl: 3 * 1_055 });
      expect(first.totals.items.find((item) => item.item_id === ticketItemId(product.id))).toMatchObject({ quantity: 3, amount: 3 * 1_055 });
      const second = venue.box.writer.transact((tx) => closeDay(tx, venue.deps, seller("manager"), { day: "2026-05-13" }));
      expect(second.totals.voided).toBe(1_055);
      const fec = fecExport(venue.box.sqlite, { from: "2026-05-12", to: "2026-05-13" }, clock.nowMs()).text;
      // Every entry balances: debits equal credits (the export asserts it too).
      const sums = new Map<string, number>();
      for (const line of fec.split("\r\n").filter(Boolean).slice(1)) {
        const cells = line.split("|");
        const cents = (value: string) => Number(value.replace(",", ""));
        sums.set(cells[2]!, (sums.get(cells[2]!) ?? 0) + cents(cells[11]!) - cents(cells[12]!));
      }
      expect(sums.size).toBeGreaterThanOrEqual(2);
      expect([...sums.values()].every((net) => net === 0)).toBe(true);
      expect(fec).toContain("|7070550|");
      expect(fec).toContain("|445710550|");
      expect(verifyDataFolder(venue.box.folder).status).toBe("sound");
    } finally {
      venue.box.dispose();
    }
  });
});
