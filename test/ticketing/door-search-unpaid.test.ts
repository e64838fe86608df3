// Proves the door's search tells an unpaid ticket before the volunteer presses "check in": on a real
// SQLite box, a ticket of an order to pay on site comes back from searchEventTickets as unpaid, a
// paid order's ticket and a ticket without an order as not; the search results say "non payé" for
// the unpaid one only.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { createOrder, issueTicket, searchEventTickets } from "../../src/ticketing/index.ts";
import { translator } from "../../ui/i18n/index.ts";
import { fr } from "../../ui/i18n/fr.ts";
import { DoorSearchResults } from "../../ui/pages/door.tsx";
import type { View } from "../../ui/view.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct, orderDeps } from "../helpers/orders.ts";

const NOW = Date.UTC(2030, 4, 10, 12, 0);
let box: TestBox;
let eventId = "";

beforeAll(async () => {
  box = testBox({ clock: new FakeClock(NOW) });
  await setUp(box);
  eventId = makeEvent(box, NOW + 2 * HOUR, { title: "Bal" });
  const product = makeProduct(box, eventId, { name: "Entrée" });
  const priceId = box.writer.sqlite.query<{ id: string }, [string]>("SELECT id FROM ticket_prices WHERE product_id = ?").get(product.id)!.id;
  const order = (holder: string, payment: Parameters<typeof createOrder>[2]["payment"], key: string) =>
    box.writer.transact((tx) => createOrder(tx, orderDeps(box), { lines: [{ kind: "ticket", priceId, quantity: 1, holderNames: [holder] }], buyer: { name: holder }, channel: "box_office", payment, idempotencyKey: key, nowMs: NOW }));
  order("Ada Attente", { state: "pay_on_site" }, "unpaid-1");
  order("Ada Payée", { state: "paid", method: "cash" }, "paid-1");
  box.writer.transact((tx) => issueTicket(tx, { newId: box.deps.newId }, { productId: product.id, holderName: "Ada Invitée" }));
});
afterAll(() => box.dispose());

describe("the door's search and unpaid tickets", () => {
  test("searchEventTickets marks the pay-on-site ticket unpaid, the paid and order-less ones not", () => {
    const rows = searchEventTickets(box.writer.sqlite, eventId, "Ada");
    expect(rows.map((row) => [row.holder, row.unpaid])).toEqual([
      ["Ada Attente", true],
      ["Ada Invitée", false],
      ["Ada Payée", false],
    ]);
  });

  test("the results say 'non payé' beside the unpaid ticket only", () => {
    const view = { lang: "fr", t: translator("fr"), timezone: "Europe/Paris", serverTimeMs: NOW } as View;
    const tickets = searchEventTickets(box.writer.sqlite, eventId, "Ada").map((row) => ({ ...row, nonce: "n" }));
    const html = String(DoorSearchResults({ view, eventId, tickets, query: "Ada" }));
    const items = html.split("<li>").slice(1);
    expect(items.map((item) => item.includes(fr["door.unpaid_ticket"]))).toEqual([true, false, false]);
  });
});
