// Proves the tickets e-mail and the waiting list on a real box: a paid or pay-on-site order with a
// buyer e-mail queues one mail in the order's own transaction (French or English by the order's
// language, the reference, the event's title and date in the venue's timezone, one link per ticket
// when the box has a public address, else each ticket's QR as an attached image); no e-mail, no
// mail; a held order gets its mail when paid. The mail reaches a real SMTP listener with the
// reference and the links. The waiting list refuses bad input with stable codes; a freed place
// (cancel, refund, expiry, box-office revoke) tells exactly as many people as places were freed,
// oldest first, through the outbox, and touches no order.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { MailSender } from "../../src/jobs/index.ts";
import { FakeClock } from "../../src/kernel/index.ts";
import {
  cancelOrder,
  expireHolds,
  findOrder,
  joinWaitingList,
  listOutbox,
  listWaitingList,
  markOrderPaid,
  orderLinkKey,
  orderTickets,
  placesLeft,
  refundOrder,
  revokeTicket,
  saveMailSettings,
  ticketQrCid,
  type JoinInput,
} from "../../src/ticketing/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct, orderDeps, orderInput, placeOrder, refusalOf, rowCounts } from "../helpers/orders.ts";
import { parseMessage, SmtpTestServer } from "../helpers/smtp-server.ts";

const NOW = Date.UTC(2030, 4, 10, 12, 0);
// 2030-05-12 18:30 UTC is 20:30 in Paris (summer time).
const STARTS = Date.UTC(2030, 4, 12, 18, 30);

describe("tickets by e-mail", () => {
  let box: TestBox;
  let smtp: SmtpTestServer;
  const clock = new FakeClock(NOW);
  let eventId = "";
  let productId = "";
  const ticketLine = (quantity = 1) => ({ kind: "ticket" as const, priceId: productId, quantity });
  const mailsOf = (refId: string) => listOutbox(box.sqlite, { refId });

  beforeAll(async () => {
    box = testBox({ clock });
    await setUp(box);
    smtp = SmtpTestServer.start();
    eventId = makeEvent(box, STARTS, { title: "Fête de l'été" });
    productId = makeProduct(box, eventId, { name: "Entrée", priceMinor: 1200 }).id;
  });
  afterAll(() => {
    smtp.stop();
    box.dispose();
  });
  beforeEach(() => box.writer.transact((tx) => tx.sqlite.run("UPDATE ticketing_settings SET public_base_url = '', smtp_url = '', mail_from = '' WHERE id = 1")));

  test("a paid order queues one French mail in its transaction: reference, title, date in Paris time, each QR attached by cid", () => {
    const order = placeOrder(box, orderInput(NOW, [ticketLine(2)], { buyer: { name: "Zoé", email: "zoe@example.org" } }));
    const mails = mailsOf(order.id);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail).toMatchObject({ toAddress: "zoe@example.org", kind: "order_tickets", state: "queued", attempts: 0 });
    expect(mail.subject).toBe(`Vos billets : Fête de l'été (commande ${order.reference})`);
    expect(mail.textBody).toContain("Bonjour Zoé,");
    expect(mail.textBody).toContain(order.reference);
    expect(mail.textBody).toContain("dimanche 12 mai 2030 à 20:30");
    expect(mail.textBody).toContain("ouverture des portes 20:00");
    expect(mail.textBody).toContain("joint à ce message");
    const tickets = orderTickets(box.sqlite, order.id);
    expect(tickets).toHaveLength(2);
    for (const ticket of tickets) expect(mail.htmlBody).toContain(`cid:${ticketQrCid(ticket.id)}`);
    expect(mail.htmlBody).not.toContain("href=");
  });

  test("English by the order's language; no e-mail, no mail; a held order gets its mail when paid; pay on site says what to pay", () => {
    const english = placeOrder(box, orderInput(NOW, [ticketLine()], { lang: "en" }));
    const [mail] = mailsOf(english.id);
    expect(mail!.subject).toBe(`Your tickets: Fête de l'été (order ${english.reference})`);
    expect(mail!.textBody).toContain("Sunday, 12 May 2030 at 20:30 (doors open 20:00)");
    expect(mail!.textBody).toContain(`Order reference: ${english.reference}`);

    const anonymous = placeOrder(box, orderInput(NOW, [ticketLine()], { buyer: { name: "Sans courriel" } }));
    expect(mailsOf(anonymous.id)).toHaveLength(0);

    const held = placeOrder(box, orderInput(NOW, [ticketLine()], { channel: "online", payment: { state: "held", holdUntilMs: NOW + HOUR } }));
    expect(held.state).toBe("held");
    expect(mailsOf(held.id)).toHaveLength(0);
    box.writer.transact((tx) => markOrderPaid(tx, orderDeps(box), { orderId: held.id, method: "online", nowMs: NOW }));
    expect(mailsOf(held.id)).toHaveLength(1);

    const onSite = placeOrder(box, orderInput(NOW, [ticketLine(2)], { channel: "online", payment: { state: "pay_on_site" } }));
    expect(mailsOf(onSite.id)[0]!.textBody).toMatch(/À régler sur place, à l'accueil : 24,00\s€\./);
    // Paying it on site sends nothing more: the buyer has the tickets already.
    box.writer.transact((tx) => markOrderPaid(tx, orderDeps(box), { orderId: onSite.id, method: "cash", nowMs: NOW }));
    expect(mailsOf(onSite.id)).toHaveLength(1);
  });

  test("with a public address, one link per ticket to the order page, which opens at that ticket; the mail reaches a real SMTP server", async () => {
    box.writer.transact((tx) => tx.sqlite.run("UPDATE ticketing_settings SET public_base_url = 'https://billets.example.org/' WHERE id = 1"));
    box.writer.transact((tx) => tx.sqlite.run("DELETE FROM email_outbox"));
    const order = placeOrder(box, orderInput(NOW, [ticketLine(2)], { buyer: { name: "Ada", email: "ada@example.org" } }));
    const [ticketA, ticketB] = orderTickets(box.sqlite, order.id);
    expect(mailsOf(order.id)).toHaveLength(1);
    box.writer.transact((tx) => saveMailSettings(tx, { smtpUrl: smtp.url(), mailFrom: "billetterie@amis.example.org" }));
    const sender = new MailSender({ writer: box.writer, clock, logger: box.deps.logger });
    expect((await sender.tick()).map((outcome) => outcome.state)).toEqual(["sent"]);
    await sender.stop();
    const received = smtp.received.at(-1)!;
    expect(received.to).toEqual(["ada@example.org"]);
    const parsed = parseMessage(received.raw);
    expect(parsed.subject).toContain(order.reference);
    for (const ticket of [ticketA!, ticketB!]) {
      const path = `/orders/${order.reference}?k=${orderLinkKey(box.signer, order.id)}`;
      const link = `https://billets.example.org${path}#ticket-${ticket.id}`;
      expect(parsed.text).toContain(link);
      expect(parsed.html).toContain(`href="${link}"`);
      // The link opens the buyer's page, with this ticket's anchor and its QR code.
      const page = await box.app.handle(new Request(`http://localhost${path}`));
      expect(page.status).toBe(200);
      const body = await page.text();
      expect(body).toContain(`id="ticket-${ticket.id}"`);
    }
    expect(parsed.text).toContain(`Référence de la commande : ${order.reference}`);
    expect(parsed.attachments).toHaveLength(0);
  });

  test("an event title of 200 characters does not stop the order: the subject is cut, the body has the whole title", () => {
    const longTitle = "Festival ".repeat(25).slice(0, 200);
    const longEvent = makeEvent(box, STARTS, { title: longTitle });
    const longProduct = makeProduct(box, longEvent, { name: "Pass" }).id;
    const order = placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId: longProduct, quantity: 1 }]));
    expect(order.state).toBe("paid");
    const [mail] = mailsOf(order.id);
    expect(mail!.subject.length).toBeLessThanOrEqual(200);
    expect(mail!.textBody).toContain(longTitle);
  });

  test("HTML in names and titles is escaped in the HTML part", () => {
    const order = placeOrder(box, orderInput(NOW, [ticketLine()], { buyer: { name: "<script>alert(1)</script>", email: "x@example.org" } }));
    const [mail] = mailsOf(order.id);
    expect(mail!.htmlBody).not.toContain("<script>");
    expect(mail!.htmlBody).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("waiting list", () => {
  let box: TestBox;
  const clock = new FakeClock(NOW);
  let eventId = "";
  let soldOutId = "";
  let openId = "";
  const join = (input: Partial<JoinInput>) =>
    box.writer.transact((tx) => joinWaitingList(tx, { newId: box.deps.newId }, { eventId, productId: soldOutId, name: "Bea", email: "bea@example.org", lang: "fr", ...input }));
  const waiting = () => listWaitingList(box.sqlite, eventId);
  const waitingMails = () => listOutbox(box.sqlite).filter((mail) => mail.kind === "waiting_list");

  beforeAll(async () => {
    box = testBox({ clock });
    await setUp(box);
    eventId = makeEvent(box, STARTS, { title: "Bal" });
    soldOutId = makeProduct(box, eventId, { name: "Place assise", quota: 3 }).id;
    openId = makeProduct(box, eventId, { name: "Debout", quota: null }).id;
  });
  afterAll(() => box.dispose());

  test("a product with places left refuses; once sold out, people join; bad input is refused with stable codes and writes nothing", () => {
    expect(refusalOf(() => join({}))).toBe("waiting_list_not_sold_out");
    placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId: soldOutId, quantity: 3 }], { buyer: { name: "Cy", email: "cy@example.org" } }));
    expect(placesLeft(box.sqlite, eventId, soldOutId)).toBe(0);
    // The event as a whole still has standing places.
    expect(placesLeft(box.sqlite, eventId, null)).toBeNull();
    const before = rowCounts(box);
    expect(refusalOf(() => join({ productId: openId }))).toBe("waiting_list_not_sold_out");
    expect(refusalOf(() => join({ productId: null }))).toBe("waiting_list_not_sold_out");
    expect(refusalOf(() => join({ email: "not-an-email" }))).toBe("email_invalid");
    expect(refusalOf(() => join({ name: "  " }))).toBe("name_required");
    expect(refusalOf(() => join({ name: "x".repeat(201) }))).toBe("name_too_long");
    expect(refusalOf(() => join({ eventId: "01JQ4Z8D3M2V6S9T0ABCDEFGHJ" }))).toBe("event_unknown");
    expect(refusalOf(() => join({ productId: "01JQ4Z8D3M2V6S9T0ABCDEFGHJ" }))).toBe("product_unknown");
    expect(rowCounts(box)).toEqual(before);
    const first = join({ name: "Bea", email: "bea@example.org" });
    clock.advance(1_000);
    join({ name: "Dan", email: "dan@example.org", lang: "en" });
    clock.advance(1_000);
    join({ name: "Eve", email: "eve@example.org" });
    expect(first).toMatchObject({ state: "waiting", productName: "Place assise", lang: "fr" });
    const again = rowCounts(box);
    expect(refusalOf(() => join({ name: "Bea again", email: "BEA@example.org" }))).toBe("waiting_list_duplicate");
    expect(rowCounts(box)).toEqual(again);
    expect(waiting().map((entry) => [entry.name, entry.state])).toEqual([
      ["Bea", "waiting"],
      ["Dan", "waiting"],
      ["Eve", "waiting"],
    ]);
  });

  test("a ticket revoked at the box office tells exactly one person, the oldest, by a queued mail; no order is touched", () => {
    const orders = box.sqlite.query<{ id: string; state: string }, []>("SELECT id, state FROM orders ORDER BY id").all();
    const ticket = box.sqlite.query<{ id: string }, [string]>("SELECT id FROM tickets WHERE product_id = ? AND state = 'valid' LIMIT 1").get(soldOutId)!;
    box.writer.transact((tx) => revokeTicket(tx, ticket.id, { newId: box.deps.newId }));
    expect(waiting().map((entry) => [entry.name, entry.state])).toEqual([
      ["Dan", "waiting"],
      ["Eve", "waiting"],
      ["Bea", "notified"],
    ]);
    const mails = waitingMails();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ toAddress: "bea@example.org", state: "queued", subject: "Une place s'est libérée : Bal" });
    expect(mails[0]!.textBody).toContain("Premier arrivé, premier servi");
    expect(mails[0]!.textBody).toContain("Place assise");
    expect(box.sqlite.query<{ id: string; state: string }, []>("SELECT id, state FROM orders ORDER BY id").all()).toEqual(orders);
    // The place is not held for Bea: anyone may take it.
    expect(placesLeft(box.sqlite, eventId, soldOutId)).toBe(1);
  });

  test("a refunded order frees two places: the next two are told (English for Dan); an expired hold tells the next one; nobody twice", () => {
    placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId: soldOutId, quantity: 1 }], { buyer: { name: "Fay", email: "fay@example.org" } }));
    expect(placesLeft(box.sqlite, eventId, soldOutId)).toBe(0);
    join({ name: "Gus", email: "gus@example.org" });
    const cyOrder = box.sqlite.query<{ id: string }, []>("SELECT id FROM orders WHERE buyer_name = 'Cy'").get()!.id;
    const before = waitingMails().length;
    // Cy's order had three tickets, one revoked above: its refund frees two.
    box.writer.transact((tx) => refundOrder(tx, orderDeps(box), { orderId: cyOrder, nowMs: NOW }));
    expect(findOrder(box.sqlite, cyOrder)!.state).toBe("refunded");
    expect(Object.fromEntries(waiting().map((entry) => [entry.name, entry.state]))).toEqual({ Bea: "notified", Dan: "notified", Eve: "notified", Gus: "waiting" });
    const told = waitingMails().slice(0, waitingMails().length - before);
    expect(told.map((mail) => mail.toAddress).sort()).toEqual(["dan@example.org", "eve@example.org"]);
    expect(told.find((mail) => mail.toAddress === "dan@example.org")!.subject).toBe("A place is free: Bal");

    // The two places go: one sold, one held by an online buyer who never pays.
    placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId: soldOutId, quantity: 1 }], { buyer: { name: "Ivy" } }));
    const held = placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId: soldOutId, quantity: 1 }], { channel: "online", payment: { state: "held", holdUntilMs: NOW + HOUR } }));
    expect(held.state).toBe("held");
    join({ name: "Hal", email: "hal@example.org" });
    const beforeExpiry = waitingMails().length;
    expect(box.writer.transact((tx) => expireHolds(tx, orderDeps(box), NOW + HOUR))).toBe(1);
    expect(Object.fromEntries(waiting().map((entry) => [entry.name, entry.state]))).toMatchObject({ Gus: "notified", Hal: "waiting" });
    expect(waitingMails().length).toBe(beforeExpiry + 1);
    expect(waitingMails()[0]!.toAddress).toBe("gus@example.org");
    // Each person was told once.
    expect(waitingMails().map((mail) => mail.toAddress).sort()).toEqual(["bea@example.org", "dan@example.org", "eve@example.org", "gus@example.org"]);
  });

  test("a standing place freed tells nobody waiting for seats", () => {
    const standing = placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId: openId, quantity: 1 }], { channel: "online", payment: { state: "pay_on_site" } }));
    const mails = waitingMails().length;
    box.writer.transact((tx) => cancelOrder(tx, orderDeps(box), { orderId: standing.id, nowMs: NOW }));
    expect(waitingMails().length).toBe(mails);
    expect(waiting().find((entry) => entry.name === "Hal")!.state).toBe("waiting");
  });

  test("a full event (capacity) takes event-wide waiters, who hear of a place freed in any product", () => {
    const full = makeEvent(box, STARTS, { title: "Cabaret", capacity: 2 });
    const a = makeProduct(box, full, { name: "A" }).id;
    const b = makeProduct(box, full, { name: "B" }).id;
    expect(placesLeft(box.sqlite, full, null)).toBe(2);
    const order = placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId: a, quantity: 1 }, { kind: "ticket", priceId: b, quantity: 1 }], { buyer: { name: "Jo" } }));
    expect(placesLeft(box.sqlite, full, null)).toBe(0);
    expect(placesLeft(box.sqlite, full, a)).toBe(0);
    box.writer.transact((tx) => joinWaitingList(tx, { newId: box.deps.newId }, { eventId: full, productId: null, name: "Kim", email: "kim@example.org", lang: "fr" }));
    const ticketB = orderTickets(box.sqlite, order.id).find((ticket) => ticket.productId === b)!;
    box.writer.transact((tx) => revokeTicket(tx, ticketB.id, { newId: box.deps.newId }));
    expect(listWaitingList(box.sqlite, full).map((entry) => [entry.name, entry.productId, entry.state])).toEqual([["Kim", null, "notified"]]);
    expect(waitingMails()[0]).toMatchObject({ toAddress: "kim@example.org", subject: "Une place s'est libérée : Cabaret" });
  });
});
