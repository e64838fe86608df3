// Proves wordings of order pages and the outbox, through the real router on a real SQLite box:
// with e-mail not configured, the page says so once, without also saying the tickets mail is
// "waiting to be sent", and offers no "send again" button (it could not send); a ticket whose price
// label is its product's name is listed once ("Plein tarif"), not "Plein tarif · Plein tarif", on the
// box office page and in the ticket's heading on the buyer's own page. A membership bought to pay on
// site does not tell the buyer to "show your tickets on the day": it has none. The outbox offers no
// "retry now" while e-mail is off.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { saveMembershipProduct } from "../../src/membership/index.ts";
import { createMembershipOrder, createOrder, orderPagePath } from "../../src/ticketing/index.ts";
import { fr } from "../../ui/i18n/fr.ts";
import { Client, setUp, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct, orderDeps } from "../helpers/orders.ts";

const NOW = Date.UTC(2030, 4, 10, 12, 0);
let box: TestBox;
let admin: Client;
let orderId = "";
let buyerPath = "";

beforeAll(async () => {
  box = testBox({ clock: new FakeClock(NOW) });
  await setUp(box);
  admin = new Client(box);
  expect((await admin.login()).status).toBe(303);
  const eventId = makeEvent(box, NOW + 48 * HOUR, { title: "Conte" });
  // makeProduct's first price is labelled "Plein tarif", as the admin form's is.
  const priceId = makeProduct(box, eventId, { name: "Plein tarif" }).id;
  const order = box.writer.transact((tx) =>
    createOrder(tx, { newId: box.deps.newId, signer: box.signer, random: box.deps.random }, {
      lines: [{ kind: "ticket", priceId, quantity: 1 }],
      buyer: { name: "Léa", email: "lea@example.org" },
      channel: "box_office",
      payment: { state: "paid", method: "cash" },
      idempotencyKey: "wording-1",
      nowMs: NOW,
    }),
  );
  orderId = order.id;
  buyerPath = orderPagePath(box.signer, order);
});
afterAll(() => box.dispose());

describe("a box office order's page", () => {
  test("e-mail not configured: said once, no 'waiting to be sent', no send-again button", async () => {
    const html = await (await admin.get(`/admin/ticketing/orders/${orderId}`)).text();
    expect(html).toContain("E-mail non configuré : les billets sont affichés et imprimés seulement");
    expect(html).not.toContain("en attente d'envoi");
    expect(html).not.toContain(`action="/admin/ticketing/orders/${orderId}/resend"`);
  });

  test("a price labelled as its product is named once, on the box office page and the buyer's page", async () => {
    const html = await (await admin.get(`/admin/ticketing/orders/${orderId}`)).text();
    expect(html).toContain("Conte · Plein tarif · Léa");
    expect(html).not.toContain("Conte · Plein tarif · Plein tarif");
    const buyer = await (await new Client(box).get(buyerPath)).text();
    // The ticket's heading; the order line's label ("Plein tarif · Plein tarif") is stored with the order and left as is.
    expect(buyer).toContain("<h3><span>Conte</span> · <span>Plein tarif</span></h3>");
    expect(buyer).not.toContain("<span>Plein tarif · Plein tarif</span>");
  });
});

describe("the buyer's page of an order to pay on site", () => {
  test("tickets: show them and pay on the day; a membership alone: pay at the front desk, no tickets mentioned", async () => {
    const tickets = box.writer.transact((tx) =>
      createOrder(tx, orderDeps(box), {
        lines: [{ kind: "ticket", priceId: box.writer.sqlite.query<{ id: string }, []>("SELECT id FROM ticket_prices LIMIT 1").get()!.id, quantity: 1 }],
        buyer: { name: "Léa", email: "lea@example.org" },
        channel: "online",
        payment: { state: "pay_on_site" },
        idempotencyKey: "wording-tickets-on-site",
        nowMs: NOW,
      }),
    );
    const ticketsPage = await (await new Client(box).get(orderPagePath(box.signer, tickets))).text();
    expect(ticketsPage).toContain(fr["order_page.pay_on_site_help"]);
    expect(ticketsPage).not.toContain(fr["order_page.pay_on_site_no_tickets"]);

    const productId = box.writer.transact((tx) => saveMembershipProduct(tx, box.deps, { name: "Année", duration: "rolling_year", amountMinor: 1500 }).id);
    const membership = box.writer.transact((tx) =>
      createMembershipOrder(tx, orderDeps(box), { productId, buyer: { name: "Inès", email: "ines@example.org" }, fieldValues: {}, channel: "online", payment: { state: "pay_on_site" }, idempotencyKey: "wording-membership", nowMs: NOW }),
    );
    const membershipPage = await (await new Client(box).get(orderPagePath(box.signer, membership))).text();
    expect(membershipPage).toContain(fr["order_page.pay_on_site_no_tickets"]);
    expect(membershipPage).not.toContain(fr["order_page.pay_on_site_help"]);
  });
});

describe("the outbox with e-mail off", () => {
  test("offers no 'retry now' (it could only fail again); once e-mail is set, a queued mail has it", async () => {
    const off = await (await admin.get("/admin/ticketing/outbox")).text();
    expect(off).toContain("E-mail non configuré");
    expect(off).toContain("lea@example.org");
    expect(off).not.toContain("/retry");
    box.writer.transact((tx) => tx.sqlite.run("UPDATE ticketing_settings SET smtp_url = 'smtp://mail.example.org:587', mail_from = 'billets@example.org' WHERE id = 1"));
    const on = await (await admin.get("/admin/ticketing/outbox")).text();
    expect(on).not.toContain("E-mail non configuré");
    expect(on).toContain("/retry");
  });
});
