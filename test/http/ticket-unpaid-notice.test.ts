// Proves that a ticket's admin page says when its order is not paid, on a real box through a
// logged-in manager: a ticket of an order to pay on site (or held) shows the "not paid, refused at
// the door (unpaid)" notice with the order's reference and a link to the order page where the
// payment is taken, in French and in English; once the order is paid, and for a ticket of an order
// paid at once, there is no notice; a revoked ticket of a cancelled order has none either.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { cancelOrder, markOrderPaid, orderTickets } from "../../src/ticketing/index.ts";
import { addOperator, Client, setUp, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct, orderDeps, orderInput, placeOrder } from "../helpers/orders.ts";

const NOW = Date.UTC(2030, 4, 10, 12, 0);
const MANAGER = { email: "manager@example.org", password: "long enough password" } as const;
const NOTICE = 'data-testid="ticket-unpaid"';

describe("ticket page: unpaid order notice", () => {
  let box: TestBox;
  let manager: Client;
  let productId = "";
  const ticketPage = async (ticketId: string) => {
    const response = await manager.get(`/admin/ticketing/tickets/${ticketId}`);
    expect(response.status).toBe(200);
    return response.text();
  };
  const firstTicket = (orderId: string) => orderTickets(box.sqlite, orderId)[0]!.id;

  beforeAll(async () => {
    box = testBox({ clock: new FakeClock(NOW) });
    await setUp(box);
    await addOperator(box, "manager", "Maud Manager", MANAGER);
    manager = new Client(box);
    expect((await manager.login(MANAGER.email, MANAGER.password)).status).toBe(303);
    productId = makeProduct(box, makeEvent(box, NOW + 24 * HOUR, { title: "Concert" }), { name: "Entrée", priceMinor: 1200 }).id;
  });
  afterAll(() => box.dispose());

  test("a ticket of an order to pay on site says it is unpaid, with the reference and the order page link; paid, the notice is gone", async () => {
    const order = placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId: productId, quantity: 1 }], { payment: { state: "pay_on_site" } }));
    const ticketId = firstTicket(order.id);
    const page = await ticketPage(ticketId);
    expect(page).toContain(NOTICE);
    expect(page).toContain(`Non payé : la commande ${order.reference} est à encaisser à l'accueil ; ce billet sera refusé à l'entrée (unpaid) jusque-là.`);
    expect(page).toContain(`href="/admin/ticketing/orders/${order.id}#pay_method"`);
    // The link leads to the order page with the payment form.
    const orderPage = await (await manager.get(`/admin/ticketing/orders/${order.id}`)).text();
    expect(orderPage).toContain(`action="/admin/ticketing/orders/${order.id}/pay"`);
    expect(orderPage).toContain('id="pay_method"');

    manager.cookies.set("tibox_lang", "en");
    const english = await ticketPage(ticketId);
    expect(english).toContain(`Not paid: order ${order.reference} is to be paid at the box office; until then the door refuses this ticket (unpaid).`);
    manager.cookies.set("tibox_lang", "fr");

    box.writer.transact((tx) => markOrderPaid(tx, orderDeps(box), { orderId: order.id, method: "cash", nowMs: NOW }));
    const paid = await ticketPage(ticketId);
    expect(paid).not.toContain(NOTICE);
    expect(paid).not.toContain("Non payé");
    expect(paid).toContain(`href="/admin/ticketing/orders/${order.id}"`);
  });

  test("a held order's ticket shows the notice; a paid order's ticket and a cancelled order's revoked ticket do not", async () => {
    const held = placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId: productId, quantity: 1 }], { channel: "online", payment: { state: "held", holdUntilMs: NOW + HOUR } }));
    expect(await ticketPage(firstTicket(held.id))).toContain(`la commande ${held.reference} est à encaisser`);
    const paid = placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId: productId, quantity: 1 }]));
    expect(paid.state).toBe("paid");
    expect(await ticketPage(firstTicket(paid.id))).not.toContain(NOTICE);
    const cancelled = placeOrder(box, orderInput(NOW, [{ kind: "ticket", priceId: productId, quantity: 1 }], { payment: { state: "pay_on_site" } }));
    const cancelledTicket = firstTicket(cancelled.id);
    box.writer.transact((tx) => cancelOrder(tx, orderDeps(box), { orderId: cancelled.id, nowMs: NOW }));
    expect(await ticketPage(cancelledTicket)).not.toContain(NOTICE);
  });
});
