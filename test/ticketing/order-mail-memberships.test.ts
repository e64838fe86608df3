// Proves that an order without tickets still mails its buyer, on a real box: a membership bought
// to pay on site queues one mail saying it will be valid once paid (reference, order page link
// with a public address), and marking it paid queues exactly one more mail with the dates, never a
// second; an order paid at once gives the dates in its only mail; a mixed order (ticket, membership
// and donation at the box office) is one mail with all three; English by the order's language;
// names are escaped in the HTML part; no e-mail address, nothing queued. The "paid" mail reaches a
// real SMTP listener.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { MailSender } from "../../src/jobs/index.ts";
import { FakeClock } from "../../src/kernel/index.ts";
import { saveMembershipProduct } from "../../src/membership/index.ts";
import { enqueueMembershipPaidEmail, listOutbox, markOrderPaid, orderLinkKey, orderTickets, saveMailSettings } from "../../src/ticketing/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";
import { makeEvent, makeProduct, orderDeps, orderInput, placeOrder } from "../helpers/orders.ts";
import { parseMessage, SmtpTestServer } from "../helpers/smtp-server.ts";

// 2026-11-26 12:00 UTC is 13:00 in Paris: a rolling year runs to 2027-11-26 13:00, its last day the 26th.
const NOW = Date.UTC(2026, 10, 26, 12, 0);
const STARTS = Date.UTC(2026, 11, 5, 19, 0);

describe("order mail for memberships and donations", () => {
  let box: TestBox;
  let smtp: SmtpTestServer;
  const clock = new FakeClock(NOW);
  let membershipId = "";
  let productId = "";
  const mailsOf = (refId: string) => listOutbox(box.sqlite, { refId }).reverse();
  const membershipLine = () => ({ kind: "membership" as const, productId: membershipId, amountMinor: 2000 });

  beforeAll(async () => {
    box = testBox({ clock });
    await setUp(box);
    smtp = SmtpTestServer.start();
    membershipId = box.writer.transact((tx) => saveMembershipProduct(tx, box.deps, { name: "Adhésion annuelle", duration: "rolling_year", amountMinor: 2000, freePrice: false })).id;
    productId = makeProduct(box, makeEvent(box, STARTS, { title: "Bal d'hiver" }), { name: "Entrée", priceMinor: 1200 }).id;
    box.writer.transact((tx) => tx.sqlite.run("UPDATE ticketing_settings SET donations_enabled = 1, donation_min_minor = 100 WHERE id = 1"));
  });
  afterAll(() => {
    smtp.stop();
    box.dispose();
  });
  beforeEach(() => box.writer.transact((tx) => tx.sqlite.run("UPDATE ticketing_settings SET public_base_url = '', smtp_url = '', mail_from = '' WHERE id = 1")));

  test("a membership ordered online to pay on site: one mail, valid once paid, with the reference and the order page link; paid: one more mail with the dates, never twice", async () => {
    box.writer.transact((tx) => tx.sqlite.run("UPDATE ticketing_settings SET public_base_url = 'https://adhesion.example.org/' WHERE id = 1"));
    const order = placeOrder(box, orderInput(NOW, [membershipLine()], { channel: "online", payment: { state: "pay_on_site" }, buyer: { name: "Zoé", email: "zoe@example.org" } }));
    expect(order.state).toBe("pay_on_site");
    const link = `https://adhesion.example.org/orders/${order.reference}?k=${orderLinkKey(box.signer, order.id)}`;
    const [first, ...others] = mailsOf(order.id);
    expect(others).toHaveLength(0);
    expect(first).toMatchObject({ toAddress: "zoe@example.org", kind: "order_tickets", state: "queued" });
    expect(first!.subject).toBe(`Votre commande ${order.reference} : Adhésion annuelle`);
    expect(first!.textBody).toContain("Bonjour Zoé,");
    expect(first!.textBody).toContain("Adhésion annuelle : sera valable une fois payée à l'accueil");
    expect(first!.textBody).toContain("À régler sur place, à l'accueil : 20,00");
    expect(first!.textBody).toContain(`Référence de la commande : ${order.reference}`);
    expect(first!.textBody).toContain(link);
    expect(first!.textBody).not.toContain("valable du");
    expect(first!.textBody).not.toContain("Voici vos billets");
    expect(first!.htmlBody).toContain(`href="${link.replace(/&/g, "&amp;")}"`);

    box.writer.transact((tx) => markOrderPaid(tx, orderDeps(box), { orderId: order.id, method: "cash", nowMs: NOW + 3_600_000 }));
    const afterPaid = mailsOf(order.id);
    expect(afterPaid.map((mail) => mail.kind)).toEqual(["order_tickets", "order_paid"]);
    const paid = afterPaid[1]!;
    expect(paid.subject).toBe(`Adhésion payée (commande ${order.reference})`);
    expect(paid.textBody).toContain(`Votre commande ${order.reference} est payée.`);
    expect(paid.textBody).toContain("Adhésion annuelle, valable du 26/11/2026 au 26/11/2027");
    expect(paid.textBody).toContain(link);
    // Asked again (a retried transaction, say), nothing more is queued.
    expect(box.writer.transact((tx) => enqueueMembershipPaidEmail(tx, orderDeps(box), order.id))).toBeUndefined();
    expect(mailsOf(order.id)).toHaveLength(2);

    // The "paid" mail goes out through a real SMTP server, to the buyer, with the dates.
    box.writer.transact((tx) => tx.sqlite.query("UPDATE email_outbox SET state = 'sent' WHERE id <> ?").run(paid.id));
    box.writer.transact((tx) => saveMailSettings(tx, { smtpUrl: smtp.url(), mailFrom: "adhesions@amis.example.org" }));
    const sender = new MailSender({ writer: box.writer, clock, logger: box.deps.logger });
    expect((await sender.tick()).map((outcome) => outcome.state)).toEqual(["sent"]);
    await sender.stop();
    const received = smtp.received.at(-1)!;
    expect(received.to).toEqual(["zoe@example.org"]);
    expect(parseMessage(received.raw).text).toContain("valable du 26/11/2026 au 26/11/2027");
  });

  test("a membership paid at once has its dates in its only mail; marking nothing later, no second mail; English by the order's language", () => {
    const order = placeOrder(box, orderInput(NOW, [membershipLine()], { buyer: { name: "Dan", email: "dan@example.org" }, lang: "en" }));
    expect(order.state).toBe("paid");
    const mails = mailsOf(order.id);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Your order ${order.reference}: Adhésion annuelle`);
    expect(mails[0]!.textBody).toContain("Adhésion annuelle, valid from 26/11/2026 to 26/11/2027");
    expect(mails[0]!.textBody).toContain(`Order reference: ${order.reference}`);
    expect(mails[0]!.textBody).not.toContain("valid once paid");
    expect(mails[0]!.textBody).not.toContain("To be paid on site");
  });

  test("a ticket, a membership and a donation at the box office: one mail with the ticket, the membership's dates and the thanks", () => {
    const order = placeOrder(
      box,
      orderInput(NOW, [{ kind: "ticket", priceId: productId, quantity: 1 }, membershipLine(), { kind: "donation", amountMinor: 500 }], { buyer: { name: "Eve", email: "eve@example.org" } }),
    );
    expect(order.state).toBe("paid");
    const mails = mailsOf(order.id);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.subject).toBe(`Vos billets : Bal d'hiver (commande ${order.reference})`);
    expect(mail.textBody).toContain("Voici vos billets.");
    expect(mail.textBody).toContain("Bal d'hiver");
    expect(mail.textBody).toContain("Adhésion annuelle, valable du 26/11/2026 au 26/11/2027");
    expect(mail.textBody).toContain("Merci pour votre don de 5,00");
    const [ticket] = orderTickets(box.sqlite, order.id);
    expect(mail.htmlBody).toContain(ticket!.id);
    expect(mail.htmlBody).toContain("<li>Adhésion annuelle, valable du 26/11/2026 au 26/11/2027</li>");
  });

  test("a mixed order to pay on site: one mail with the ticket and the pending membership; paid: the dates follow in one short mail", () => {
    const order = placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId: productId, quantity: 1 }, membershipLine()], { payment: { state: "pay_on_site" }, buyer: { name: "Flo", email: "flo@example.org" } }));
    const [first, ...others] = mailsOf(order.id);
    expect(others).toHaveLength(0);
    expect(first!.textBody).toContain("Bal d'hiver");
    expect(first!.textBody).toContain("Adhésion annuelle : sera valable une fois payée à l'accueil");
    expect(first!.textBody).not.toContain("Il ne sera suivi d'aucun autre");
    box.writer.transact((tx) => markOrderPaid(tx, orderDeps(box), { orderId: order.id, method: "cash", nowMs: NOW }));
    expect(mailsOf(order.id).map((mail) => mail.kind)).toEqual(["order_tickets", "order_paid"]);
  });

  test("a ticket-only order to pay on site, then paid: no 'membership paid' mail", () => {
    const order = placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId: productId, quantity: 1 }], { payment: { state: "pay_on_site" }, buyer: { name: "Gus", email: "gus@example.org" } }));
    box.writer.transact((tx) => markOrderPaid(tx, orderDeps(box), { orderId: order.id, method: "cash", nowMs: NOW }));
    expect(mailsOf(order.id).map((mail) => mail.kind)).toEqual(["order_tickets"]);
  });

  test("no e-mail address: nothing queued, neither when ordered nor when paid", () => {
    const before = listOutbox(box.sqlite).length;
    const order = placeOrder(box, orderInput(NOW, [membershipLine(), { kind: "donation", amountMinor: 300 }], { payment: { state: "pay_on_site" }, buyer: { name: "Hugo", email: "" } }));
    box.writer.transact((tx) => markOrderPaid(tx, orderDeps(box), { orderId: order.id, method: "cash", nowMs: NOW }));
    expect(mailsOf(order.id)).toHaveLength(0);
    expect(listOutbox(box.sqlite).length).toBe(before);
  });

  test("names and labels are escaped in the HTML part", () => {
    const order = placeOrder(box, orderInput(NOW, [membershipLine()], { payment: { state: "pay_on_site" }, buyer: { name: "<b>Ivy</b>", email: "ivy@example.org" } }));
    box.writer.transact((tx) => markOrderPaid(tx, orderDeps(box), { orderId: order.id, method: "cash", nowMs: NOW }));
    for (const mail of mailsOf(order.id)) {
      expect(mail.htmlBody).not.toContain("<b>Ivy</b>");
      expect(mail.htmlBody).toContain("&lt;b&gt;Ivy&lt;/b&gt;");
    }
  });
});
